#!/usr/bin/env python3
"""Deterministic synthetic captures for benchmarks (pure Python, no dependencies).

  gen-capture.py syn-flood N OUT.pcap   N distinct one-packet SYN connections (IPv4, Ethernet)

Each packet is a complete Ethernet + IPv4 + TCP SYN with the MSS, SACK-permitted, timestamp and
window-scale options a Linux client sends; source addresses and ports walk a fixed sequence, so
every packet opens a connection of its own.
"""
import struct
import sys


def pcap_header():
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)


def syn_packet(index):
    src = 0x0A000000 | (index >> 14)            # 10.x.y.z: 2^14 ports per address
    sport = 1024 + (index & 0x3FFF)
    dst, dport = 0xC0A80001, 443
    options = bytes([2, 4, 0x05, 0xB4, 4, 2, 8, 10]) + struct.pack(">II", index, 0) + bytes([1, 3, 3, 7])
    tcp = struct.pack(">HHIIBBHHH", sport, dport, (index * 2654435761) & 0xFFFFFFFF, 0,
                      (5 + len(options) // 4) << 4, 0x02, 64240, 0, 0) + options
    ip = struct.pack(">BBHHHBBHII", 0x45, 0, 20 + len(tcp), index & 0xFFFF, 0x4000, 64, 6, 0, src, dst)
    eth = bytes.fromhex("020000000002020000000001") + b"\x08\x00"
    return eth + ip + tcp


def syn_flood(count, path):
    with open(path, "wb") as out:
        out.write(pcap_header())
        start = 1_700_000_000
        for i in range(count):
            frame = syn_packet(i)
            micros = i * 10
            out.write(struct.pack("<IIII", start + micros // 1_000_000, micros % 1_000_000, len(frame), len(frame)))
            out.write(frame)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "syn-flood":
        sys.exit(__doc__)
    syn_flood(int(sys.argv[2]), sys.argv[3])
