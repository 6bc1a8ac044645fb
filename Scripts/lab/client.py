#!/usr/bin/env python3
"""Lab client: HTTP/1.1 requests to the proxy, behaviour chosen by MODE.

  client.py MODE HOST PORT [COUNT] [PARALLEL]
  normal     COUNT requests, each on its own connection, answer read, normal close
  abort      sends a request, waits 0.3 s, closes with SO_LINGER 0 (RST) before the answer
  idle       connects and sends nothing; waits for the proxy to give up
  keepalive  one connection: a request, then another one right as the proxy's keep-alive timeout
             (0.5 s) strikes, several times (the keep-alive race)
  marker     one request whose answer the lab's router blocks (reset injection)
  upload     a 256 KiB POST over a lossy path
  mixed      COUNT sessions, PARALLEL in flight: normal requests, with every 10th aborted by the client
"""
import socket
import struct
import sys
import threading
import time


def request(path=b"/", body=b""):
    head = b"GET " if not body else b"POST "
    return head + path + b" HTTP/1.1\r\nHost: lab\r\nContent-Length: %d\r\n\r\n" % len(body) + body


def read_response(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return head + b"\r\n\r\n" + rest


def connect(host, port):
    sock = socket.create_connection((host, port), timeout=10)
    return sock


def reset(sock):
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def one_normal(host, port, path=b"/"):
    try:
        sock = connect(host, port)
        sock.sendall(request(path))
        read_response(sock)
        sock.close()
    except OSError:
        pass


def one_abort(host, port):
    try:
        sock = connect(host, port)
        sock.sendall(request())
        time.sleep(0.3)
        reset(sock)
    except OSError:
        pass


def main():
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    parallel = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    if mode == "normal":
        for _ in range(count):
            one_normal(host, port)
    elif mode == "abort":
        for _ in range(count):
            one_abort(host, port)
    elif mode == "idle":
        sock = connect(host, port)
        sock.settimeout(5)
        try:
            while sock.recv(65536):
                pass
        except OSError:
            pass
        # Keep our side open a while: the proxy closes first, and with `option nolinger` its
        # close is a RST (closing at once would race it into a graceful FIN exchange).
        time.sleep(1.5)
        sock.close()
    elif mode == "keepalive":
        for delay in (0.499, 0.5, 0.501, 0.502, 0.498, 0.503, 0.4995, 0.5005, 0.5015, 0.4985, 0.5025, 0.5):
            try:
                sock = connect(host, port)
                sock.settimeout(2)  # a request lost in the race must not stall the others
                sock.sendall(request())
                read_response(sock)
                time.sleep(delay)
                sock.sendall(request())
                read_response(sock)
                sock.close()
            except OSError:
                pass
    elif mode == "marker":
        one_normal(host, port, b"/blocked")
    elif mode == "upload":
        try:
            sock = connect(host, port)
            sock.sendall(request(b"/upload", b"u" * 262144))
            read_response(sock)
            sock.close()
        except OSError:
            pass
    elif mode == "mixed":
        semaphore = threading.Semaphore(parallel)
        threads = []

        def run(i):
            # Requests of different sizes, as real ones are (URLs, cookies).
            path = b"/item/" + b"x" * (i % 53)
            with semaphore:
                if i % 10 == 9:
                    one_abort(host, port)
                else:
                    one_normal(host, port, path)

        for i in range(count):
            t = threading.Thread(target=run, args=(i,))
            t.start()
            threads.append(t)
        for t in threads:
            t.join()
    print("client done", flush=True)


if __name__ == "__main__":
    main()
