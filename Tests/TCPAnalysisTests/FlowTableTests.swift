import PacketCore
import TCPAnalysis
import TestSupport
import Testing

@Suite struct FlowTableTests {
    static func key(_ i: Int) -> FlowKey {
        FlowKey(side0: IPAddress(ipv4: UInt32(0x0A00_0000 + i % 97)), side1: IPAddress(ipv4: 0xC0A8_0001),
                port0: UInt16(1024 + i % 50_000), port1: 443)
    }

    /// The table keeps hashes and values; the keys live with the values (`keyOf`), as connection
    /// records hold theirs.
    struct Keyed {
        var table: FlowTable
        var keyOf: [Int32: FlowKey] = [:]

        func find(_ key: FlowKey) -> Int32? {
            table.find(hash: key.hash(seed: table.seed)) { keyOf[$0] == key }
        }

        mutating func set(_ key: FlowKey, _ value: Int32) {
            let keys = keyOf
            table.set(hash: key.hash(seed: table.seed), value) { keys[$0] == key }
            keyOf[value] = key
        }

        mutating func remove(_ key: FlowKey, ifValue value: Int32) {
            table.remove(hash: key.hash(seed: table.seed), value: value)
        }
    }

    /// Random sets and removals against a Dictionary model, through several doublings.
    @Test func behavesLikeADictionary() {
        var table = Keyed(table: FlowTable(capacity: 8, seed: 42))
        var model: [FlowKey: Int32] = [:]
        var generator = SplitMix64(seed: 7)
        for step in 0..<60_000 {
            let k = Self.key(Int(generator.next() % 20_000))
            if generator.next() % 3 == 0, let value = model[k] {
                table.remove(k, ifValue: value)
                model[k] = nil
            } else {
                table.set(k, Int32(step))
                model[k] = Int32(step)
            }
        }
        #expect(table.table.count == model.count)
        for i in 0..<20_000 { #expect(table.find(Self.key(i)) == model[Self.key(i)]) }
    }

    /// The table takes a slot from the hash's low bits: keys that differ in a port or an address's
    /// last bytes (most of a capture's) must spread evenly over them, whatever the seed, and two
    /// keys must not share a 32-bit tag more often than chance allows.
    @Test(arguments: [0, 1, 0xDEAD_BEEF_0BAD_F00D, UInt64.max])
    func hashesSpreadOverTheSlots(seed: UInt64) {
        var keys: [FlowKey] = []
        for client in 0..<256 {
            for port in 0..<256 {  // IPv4 clients on 256 ports each, to one server; and IPv6 alike
                keys.append(FlowKey(side0: IPAddress(ipv4: 0x0A00_0000 | UInt32(client)), side1: IPAddress(ipv4: 0xC0A8_0001),
                                    port0: UInt16(1024 + port), port1: 443))
                keys.append(FlowKey(side0: IPAddress(ipv6High: 0x2001_0DB8_0000_0000, low: UInt64(client) << 16 | 1),
                                    side1: IPAddress(ipv6High: 0x2001_0DB8_0000_0001, low: 1), port0: 443, port1: UInt16(1024 + port)))
            }
        }
        let slots = 1 << 16  // 131,072 keys: two a slot on average
        var perSlot = [Int](repeating: 0, count: slots)
        var tags = Set<UInt32>()
        for key in keys {
            let hash = key.hash(seed: seed)
            perSlot[Int(hash & UInt64(slots - 1))] += 1
            tags.insert(UInt32(truncatingIfNeeded: hash))
        }
        // Poisson(2): a slot holds 12 or more about once in 10^6 slots; empty ones are e^-2 = 13.5%.
        #expect(perSlot.max()! < 12)
        let empty = Double(perSlot.filter { $0 == 0 }.count) / Double(slots)
        #expect(abs(empty - 0.135) < 0.01, "\(empty)")
        // Expected 32-bit tag collisions among 131,072 keys: about 2.
        #expect(keys.count - tags.count < 12)
    }

    @Test func removeOnlyWhenTheValueStillMatches() {
        var table = Keyed(table: FlowTable(capacity: 4, seed: 1))
        table.set(Self.key(1), 5)
        table.remove(Self.key(1), ifValue: 4)  // a newer conversation took the key: keep it
        #expect(table.find(Self.key(1)) == 5)
        table.remove(Self.key(1), ifValue: 5)
        #expect(table.find(Self.key(1)) == nil)
    }
}

@Suite struct EvictionTests {
    @Test func idleConnectionsAreReleasedAndTheirSlotsReused() {
        var c = Conversation()
        c.handshake()                       // stream 0, last seen at 11 ms
        c.clientPort = 40001
        c.send(true, .syn, seq: 1, at: 5000)  // stream 1, at 5 s
        let idle = c.tracker.idleConnections(now: 5_000_000_000, timeout: 1_000_000_000)
        #expect(idle == [0])
        c.tracker.release([0])
        #expect(c.tracker.evictions == 1)
        #expect(c.tracker.idleConnections(now: 5_000_000_000, timeout: 1_000_000_000).isEmpty)
        // A new connection takes the freed slot but a new stream number.
        c.clientPort = 40002
        let next = c.send(true, .syn, seq: 9, at: 5001)
        #expect(next.connection == 0 && next.stream == 2)
        // The evicted tuple, seen again, starts over as a new conversation.
        c.clientPort = 40000
        let late = c.send(true, .ack, seq: 1001, ack: 5001, at: 5002)
        #expect(late.stream == 3)
    }

    @Test func connectionsReleasedAtOnceLeaveTheSecondPassLog() {
        // Three conversations whose server answers twice with another ISN: tshark's second pass
        // flags each first SYN-ACK (frames 2, 5 and 8), unless the connection was forgotten.
        var c = Conversation()
        for k in 0..<3 {
            c.clientPort = 40000 + UInt16(k)
            let start = Double(10 * k)
            c.send(true, .syn, seq: 1000, at: start)
            c.send(false, [.syn, .ack], seq: 5000, ack: 1001, at: start + 1)
            c.send(false, [.syn, .ack], seq: 6000, ack: 1001, at: start + 2)
        }
        #expect(c.tracker.secondPassReusedPorts().map(\.frame) == [2, 5, 8])
        c.tracker.release([0, 2])
        #expect(c.tracker.evictions == 2)
        #expect(c.tracker.secondPassReusedPorts().map(\.frame) == [5])
        c.tracker.release([2, 1])  // one of them forgotten already
        #expect(c.tracker.evictions == 3 && c.tracker.secondPassReusedPorts().isEmpty)
    }
}
