#!/usr/bin/env python3
"""Deterministic synthetic captures for benchmarks (pure Python, no dependencies).

  gen-capture.py syn-flood N OUT.pcap   N distinct one-packet SYN connections (IPv4, Ethernet)
  gen-capture.py mixed N OUT.pcap [SEED] about N packets of many interleaved connections: IPv4 and
                                        IPv6, some VLAN-tagged, handshakes, small requests and
                                        full-size responses both ways, retransmissions, out-of-order
                                        segments, duplicate ACKs, zero windows, resets from either
                                        side, refused SYNs, and proxied front/back leg pairs
  gen-capture.py outage N OUT.pcap      about N packets of a backend outage behind the proxy: every
                                        request's back leg is refused, the proxy retries three times
                                        (refused too), then answers 503 (run with --proxy
                                        192.168.100.1:80,192.168.100.2)
  gen-capture.py reset-flood N OUT.pcap one connection, then N resets on it 10 microseconds apart,
                                        from either side, each further into the sequence space

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

# Where the proxied sessions go: clients reach the proxy's front address, which connects out from its
# back address to one of the backends (HAProxy's usual shape, one back leg per front leg).
PROXY_FRONT = struct.pack(">I", 0xC0A86401)     # 192.168.100.1:80
PROXY_BACK = struct.pack(">I", 0xC0A86402)      # 192.168.100.2
BACKENDS = [struct.pack(">I", 0x0A140001 + i) for i in range(4)]  # 10.20.0.1-4:8080


class Conn:
    """One TCP connection's endpoints and sequence state; `send` appends a frame at an absolute time
    (microseconds) and advances the sender's sequence number by what the segment occupies."""

    def __init__(self, client, server, cport, sport, v6, vlan, rng, out):
        self.client, self.server, self.cport, self.sport = client, server, cport, sport
        self.v6, self.vlan, self.out = v6, vlan, out
        self.ipid = [rng.below(65536), rng.below(65536)]
        self.seq = [rng.below(1 << 32), rng.below(1 << 32)]  # client, server

    def frame(self, from_client, flags, seq, ack, payload, window):
        src, dst = (self.client, self.server) if from_client else (self.server, self.client)
        sport, dport = (self.cport, self.sport) if from_client else (self.sport, self.cport)
        options = b""
        if flags & SYN:
            options = bytes([2, 4, 0x05, 0xB4, 4, 2, 1, 3, 3, 7]) + b"\x00\x00"
        tcp = struct.pack(">HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                          (5 + len(options) // 4) << 4, flags, window, 0, 0) + options + bytes(payload)
        side = 0 if from_client else 1
        self.ipid[side] = (self.ipid[side] + 1) & 0xFFFF
        if self.v6:
            ip = struct.pack(">IHBB", 0x60000000, len(tcp), 6, 64) + src + dst
            ethertype = b"\x86\xdd"
        else:
            ip = struct.pack(">BBHHHBBH", 0x45, 0, 20 + len(tcp), self.ipid[side], 0x4000, 64, 6, 0) + src + dst
            ethertype = b"\x08\x00"
        eth = bytes.fromhex("020000000002020000000001")
        if self.vlan:
            eth += b"\x81\x00" + struct.pack(">H", self.vlan)
        return eth + ethertype + ip + tcp

    def send(self, t, from_client, flags, payload=0, window=502, seq=None, advance=True):
        side = 0 if from_client else 1
        s = self.seq[side] if seq is None else seq
        ack = self.seq[1 - side] if flags & ACK else 0
        self.out.append((t, self.frame(from_client, flags, s, ack, payload, window)))
        if advance and seq is None:
            self.seq[side] = (s + payload + (1 if flags & (SYN | FIN) else 0)) & 0xFFFFFFFF
        return s


def response(c, t, rng, sizes_from=None):
    """The server's response segments (full-size, then a last partial one), ACKed every second one,
    with the occasional retransmission, out-of-order pair and duplicate ACKs. Returns the time after."""
    segments = [1448] * rng.below(11) + [1 + rng.below(1400)]
    i = 0
    while i < len(segments):
        size = segments[i]
        last = i == len(segments) - 1
        t += 30
        if not last and rng.below(150) == 0:  # out of order: the next segment overtakes this one
            first = c.seq[1]
            c.seq[1] = first + size
            c.send(t, False, ACK, segments[i + 1])
            c.send(t + 20, False, ACK, size, seq=first)
            c.seq[1] = first + size + segments[i + 1]
            t += 20
            i += 2
            c.send(t + 40, True, ACK)
            continue
        start = c.send(t, False, ACK | (PSH if last else 0), size)
        if rng.below(60) == 0:  # a retransmission after a retransmission timeout
            t += 200_000
            c.send(t, False, ACK, size, seq=start)
        if i % 2 == 1 or last:
            t += 40
            c.send(t, True, ACK)
        if rng.below(250) == 0:  # duplicate ACKs
            for _ in range(2):
                t += 100
                c.send(t, True, ACK)
        i += 1
    if rng.below(100) == 0:  # zero window, then an update
        t += 20
        c.send(t, True, ACK, window=0)
        t += 50_000
        c.send(t, True, ACK)
    return t


def direct(c, t, rng):
    """A client-server connection: refused, unanswered, or 1-2 exchanges, then FIN or RST."""
    kind = rng.below(100)
    c.send(t, True, SYN)
    if kind < 4:  # refused
        c.send(t + 80, False, RST | ACK)
        return
    if kind < 6:  # unanswered SYN, retried a second later
        c.send(t + 1_000_000, True, SYN, seq=(c.seq[0] - 1) & 0xFFFFFFFF)
        return
    t += 300
    c.send(t, False, SYN | ACK)
    t += 200
    c.send(t, True, ACK)
    for _ in range(1 + rng.below(2)):
        t += 500
        c.send(t, True, PSH | ACK, 80 + rng.below(600))
        t = response(c, t + 200, rng)
    end = rng.below(10)
    if end < 6:
        c.send(t + 1000, True, FIN | ACK)
        c.send(t + 1200, False, FIN | ACK)
        c.send(t + 1300, True, ACK)
    elif end < 8:
        c.send(t + 5_000_000, False, RST | ACK)  # the server resets an idle connection
    else:
        c.send(t + 100, True, RST | ACK)  # the client aborts


def proxied(front, back, t, rng):
    """A session through the proxy: the front leg (client -> proxy), and the back leg the proxy opens
    a few hundred microseconds after the request arrived (proxy -> backend). The response is relayed
    segment by segment. Ends cleanly, or the backend aborts mid-response (the proxy then resets the
    client), or the client aborts (the proxy then resets the backend)."""
    front.send(t, True, SYN)
    front.send(t + 40, False, SYN | ACK)
    front.send(t + 240, True, ACK)
    t += 500
    request = 80 + rng.below(600)
    front.send(t, True, PSH | ACK, request)
    t += 300
    back.send(t, True, SYN)
    back.send(t + 100, False, SYN | ACK)
    back.send(t + 120, True, ACK)
    t += 150
    front.send(t, False, ACK)
    back.send(t + 10, True, PSH | ACK, request)
    t += 400
    end = rng.below(10)
    segments = [1448] * rng.below(11) + [1 + rng.below(1400)]
    abort_at = rng.below(len(segments)) if end >= 8 else -1
    for i, size in enumerate(segments):
        last = i == len(segments) - 1
        t += 30
        if i == abort_at:
            back.send(t, False, RST | ACK)       # the backend aborts mid-response
            front.send(t + 60, False, RST | ACK)  # the proxy resets its client
            return
        back.send(t, False, ACK | (PSH if last else 0), size)
        front.send(t + 50, False, ACK | (PSH if last else 0), size)
        if i % 2 == 1 or last:
            back.send(t + 60, True, ACK)
            front.send(t + 90, True, ACK)
            t += 60
    t += 200
    if end == 7:
        front.send(t, True, RST | ACK)            # the client aborts
        back.send(t + 40, True, RST | ACK)        # the proxy resets the backend
        return
    front.send(t + 1000, True, FIN | ACK)
    front.send(t + 1100, False, FIN | ACK)
    front.send(t + 1200, True, ACK)
    back.send(t + 1150, True, FIN | ACK)
    back.send(t + 1250, False, FIN | ACK)
    back.send(t + 1260, True, ACK)


def outage(target, path, seed=7):
    rng = Rng(seed)
    events = []
    start = 0
    index = 0
    while len(events) < target:
        client = struct.pack(">I", 0x0A000000 + index)
        front = Conn(client, PROXY_FRONT, 1024 + (index * 7919) % 60000, 80, False, 0, rng, events)
        t = start
        front.send(t, True, SYN)
        front.send(t + 40, False, SYN | ACK)
        front.send(t + 240, True, ACK)
        t += 500
        front.send(t, True, PSH | ACK, 200)
        backend = BACKENDS[rng.below(4)]
        for attempt in range(4):
            t += 300 if attempt == 0 else 1000
            back = Conn(PROXY_BACK, backend, 1024 + ((index * 4 + attempt) * 104729) % 60000, 8080, False, 0, rng, events)
            back.send(t, True, SYN)
            back.send(t + 80, False, RST | ACK, seq=0)  # refused: RST, ACK of the SYN
        t += 200
        front.send(t, False, PSH | ACK, 150)  # the proxy's 503
        front.send(t + 10, False, FIN | ACK)
        front.send(t + 100, True, FIN | ACK)
        front.send(t + 120, False, ACK)
        start += 40 + rng.below(40)
        index += 1
    write_pcap(events, path)


def reset_flood(count, path, seed=3):
    rng = Rng(seed)
    events = []
    c = Conn(struct.pack(">I", 0x0A000001), struct.pack(">I", 0xC0A80001), 40000, 443, False, 0, rng, events)
    c.send(0, True, SYN)
    c.send(40, False, SYN | ACK)
    c.send(80, True, ACK)
    c.send(100, True, PSH | ACK, 200)
    for i in range(count):
        side = i % 2
        c.send(200 + i * 10, side == 0, RST | ACK, seq=(c.seq[side] + i * 1000) & 0xFFFFFFFF)
    write_pcap(events, path)


def write_pcap(events, path):
    events.sort(key=lambda e: e[0])
    with open(path, "wb") as out:
        out.write(pcap_header())
        base = 1_700_000_000
        for t, data in events:
            out.write(struct.pack("<IIII", base + t // 1_000_000, t % 1_000_000, len(data), len(data)))
            out.write(data)


def mixed(target, path, seed=1):
    rng = Rng(seed)
    events = []  # (time in microseconds, bytes), sorted (stably) at the end
    start = 0
    index = 0
    while len(events) < target:
        cport = 1024 + (index * 7919) % 60000
        if rng.below(8) == 0:  # one session in eight goes through the proxy
            client = struct.pack(">I", 0x0A000000 + index)
            front = Conn(client, PROXY_FRONT, cport, 80, False, 0, rng, events)
            back = Conn(PROXY_BACK, BACKENDS[rng.below(4)], 1024 + (index * 104729) % 60000, 8080, False, 0, rng, events)
            proxied(front, back, start, rng)
        else:
            v6 = rng.below(5) == 0
            vlan = 100 + rng.below(4) if rng.below(4) == 0 else 0
            if v6:
                client = bytes([0x20, 0x01, 0x0d, 0xb8] + [0] * 8) + struct.pack(">I", 0x0A000000 + index)
                server = bytes([0x20, 0x01, 0x0d, 0xb8, 0, 1] + [0] * 9 + [1 + rng.below(8)])
            else:
                client = struct.pack(">I", 0x0A000000 + index)
                server = struct.pack(">I", 0xC0A80001 + rng.below(8))
            direct(Conn(client, server, cport, [80, 443, 8080, 5432][rng.below(4)], v6, vlan, rng, events), start, rng)
        start += 20 + rng.below(40)  # a new session every ~40 microseconds: many interleave
        index += 1
    write_pcap(events, path)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "syn-flood":
        syn_flood(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) in (4, 5) and sys.argv[1] == "mixed":
        mixed(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]) if len(sys.argv) == 5 else 1)
    elif len(sys.argv) == 4 and sys.argv[1] == "outage":
        outage(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "reset-flood":
        reset_flood(int(sys.argv[2]), sys.argv[3])
    else:
        sys.exit(__doc__)
