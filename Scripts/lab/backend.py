#!/usr/bin/env python3
"""Lab backend: a small HTTP/1.1 server whose misbehaviour is chosen by MODE.

  backend.py MODE PORT
  normal   answers every request with 200 and a 2 KiB body
  abort    sends the headers and part of the body, then closes with SO_LINGER 0 (RST)
  silent   reads the request and never answers (server timeout on the proxy)
  slow     answers after 1.5 s (gives a client time to abort)
  close    answers, then closes the connection right away (Connection: close)
Requests for /health are always answered 200 (health checks).
"""
import socket
import struct
import sys
import threading
import time

BODY = b"x" * 2048


def linger_reset(conn):
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    return data


def serve(conn, mode):
    try:
        while True:
            request = read_request(conn)
            if request is None:
                conn.close()
                return
            health = request.startswith(b"GET /health")
            if mode == "silent" and not health:
                time.sleep(30)
                conn.close()
                return
            if mode == "slow" and not health:
                time.sleep(1.5)
            path = request.split(b" ")[1] if b" " in request else b"/"
            head = b"HTTP/1.1 200 OK\r\nX-Path: %s\r\nContent-Length: %d\r\n\r\n" % (path, len(BODY))
            if mode == "abort" and not health:
                conn.sendall(head + BODY[:700])
                time.sleep(0.05)
                linger_reset(conn)
                return
            conn.sendall(head + BODY)
            if mode == "close":
                conn.close()
                return
    except OSError:
        try:
            conn.close()
        except OSError:
            pass


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("0.0.0.0", port))
    server.listen(512)
    print("backend ready", flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn, mode), daemon=True).start()


if __name__ == "__main__":
    main()
