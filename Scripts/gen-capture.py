#!/usr/bin/env python3
"""Deterministic synthetic captures for benchmarks (pure Python, no dependencies).

  gen-capture.py syn-flood N OUT.pcap   N distinct one-packet SYN connections (IPv4, Ethernet)
  gen-capture.py mixed N OUT.pcap [SEED] about N packets of many interleaved connections: IPv4 and
                                        IPv6, some VLAN-tagged, handshakes, small requests and
                                        full-size responses both ways, retransmissions, out-of-order
                                        segments, duplicate ACKs, zero windows, resets from either
                                        side, refused SYNs, and proxied front/back leg pairs

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


class Rng:
    """SplitMix64: the same numbers for the same seed everywhere."""

    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFFFFFFFFFF

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n


SYN, ACK, PSH, FIN, RST = 0x02, 0x10, 0x08, 0x01, 0x04


def frame(c, from_client, flags, seq, ack, payload=0, window=502):
    src, dst = (c["client"], c["server"]) if from_client else (c["server"], c["client"])
    sport, dport = (c["cport"], c["sport"]) if from_client else (c["sport"], c["cport"])
    options = b""
    if flags & SYN:
        options = bytes([2, 4, 0x05, 0xB4, 4, 2, 1, 3, 3, 7])
        options += b"\x00" * ((4 - len(options) % 4) % 4)
    tcp = struct.pack(">HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      (5 + len(options) // 4) << 4, flags, window, 0, 0) + options + bytes(payload)
    c["ipid"] = (c["ipid"] + 1) & 0xFFFF
    if c["v6"]:
        ip = struct.pack(">IHBB", 0x60000000, len(tcp), 6, 64) + src + dst
        ethertype = b"\x86\xdd"
    else:
        ip = struct.pack(">BBHHHBBH", 0x45, 0, 20 + len(tcp), c["ipid"], 0x4000, 64, 6, 0) + src + dst
        ethertype = b"\x08\x00"
    eth = bytes.fromhex("020000000002020000000001")
    if c["vlan"]:
        eth += b"\x81\x00" + struct.pack(">H", c["vlan"])
    return eth + ethertype + ip + tcp


def connection_script(c, rng):
    """The packets of one connection, as (delay in microseconds, bytes)."""
    out = []
    cs, ss = rng.below(1 << 32), rng.below(1 << 32)

    def send(delay, from_client, flags, seq, ack, payload=0, window=502):
        out.append((delay, frame(c, from_client, flags, seq, ack, payload, window)))

    kind = rng.below(100)
    send(0, True, SYN, cs, 0)
    if kind < 4:  # refused
        send(80, False, RST | ACK, 0, cs + 1)
        return out
    if kind < 6:  # unanswered SYN, retried
        send(1_000_000, True, SYN, cs, 0)
        return out
    send(300, False, SYN | ACK, ss, cs + 1)
    send(200, True, ACK, cs + 1, ss + 1)
    cseq, sseq = cs + 1, ss + 1
    for _ in range(1 + rng.below(4)):
        request = 80 + rng.below(600)
        send(500, True, PSH | ACK, cseq, sseq, request)
        cseq += request
        send(200, False, ACK, sseq, cseq)
        remaining = [1448] * rng.below(12) + [1 + rng.below(1400)]
        for i, size in enumerate(remaining):
            send(30, False, ACK | (PSH if i == len(remaining) - 1 else 0), sseq, cseq, size)
            sseq += size
            if i % 2 == 1:
                send(40, True, ACK, cseq, sseq)
            if rng.below(60) == 0:  # a retransmission
                send(200_000, False, ACK, sseq - size, cseq, size)
            if rng.below(200) == 0:  # duplicate ACKs
                for _ in range(3):
                    send(10, True, ACK, cseq, sseq - size)
        if rng.below(80) == 0:  # zero window, then an update
            send(20, True, ACK, cseq, sseq, 0, 0)
            send(50_000, True, ACK, cseq, sseq, 0, 502)
        send(40, True, ACK, cseq, sseq)
    end = rng.below(10)
    if end < 6:
        send(1000, True, FIN | ACK, cseq, sseq)
        send(200, False, FIN | ACK, sseq, cseq + 1)
        send(100, True, ACK, cseq + 1, sseq + 1)
    elif end < 8:
        send(5_000_000, False, RST | ACK, sseq, cseq)  # server resets an idle connection
    else:
        send(100, True, RST | ACK, cseq, sseq)  # client aborts
    return out


def mixed(target, path, seed=1):
    rng = Rng(seed)
    events = []  # (time in microseconds, sequence, bytes)
    count = 0
    start = 0
    index = 0
    while count < target:
        v6 = rng.below(5) == 0
        c = {
            "v6": v6, "vlan": 100 + rng.below(4) if rng.below(4) == 0 else 0, "ipid": rng.below(65536),
            "client": (bytes([0x20, 0x01, 0x0d, 0xb8] + [0] * 8) + struct.pack(">I", 0x0A000000 + index)) if v6
            else struct.pack(">I", 0x0A000000 + (index % 60000)),
            "server": (bytes([0x20, 0x01, 0x0d, 0xb8, 0, 1] + [0] * 9 + [1 + rng.below(8)])) if v6
            else struct.pack(">I", 0xC0A80001 + rng.below(8)),
            "cport": 1024 + (index * 7919) % 60000, "sport": [80, 443, 8080, 5432][rng.below(4)],
        }
        t = start
        for delay, data in connection_script(c, rng):
            t += delay
            events.append((t, len(events), data))
            count += 1
        start += 40 + rng.below(80)  # a new connection every ~80 microseconds: many interleave
        index += 1
    events.sort()
    with open(path, "wb") as out:
        out.write(pcap_header())
        base = 1_700_000_000
        for t, _, data in events:
            out.write(struct.pack("<IIII", base + t // 1_000_000, t % 1_000_000, len(data), len(data)))
            out.write(data)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "syn-flood":
        syn_flood(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) in (4, 5) and sys.argv[1] == "mixed":
        mixed(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]) if len(sys.argv) == 5 else 1)
    else:
        sys.exit(__doc__)
