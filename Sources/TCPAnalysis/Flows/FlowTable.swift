/// An open-addressing hash table from a flow key to a connection index: flat arrays, linear probing,
/// a per-run random seed, no Dictionary and no allocation per lookup. It grows by doubling (amortized,
/// never per packet) and never deletes: Wireshark never forgets a conversation either.
public struct FlowTable {
    private var keys: [FlowKey]
    private var values: [Int32]   // -1 marks an empty slot
    private var mask: Int
    public private(set) var count = 0
    private let seed: UInt64

    public init(capacity: Int = 1 << 12, seed: UInt64 = UInt64.random(in: .min ... .max)) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [FlowKey](repeating: FlowKey(side0: IPAddress(ipv4: 0), side1: IPAddress(ipv4: 0), port0: 0, port1: 0), count: size)
        values = [Int32](repeating: -1, count: size)
        mask = size - 1
        self.seed = seed
    }

    /// The connection index stored for `key`, if any.
    public func find(_ key: FlowKey) -> Int32? {
        var slot = Int(truncatingIfNeeded: key.hash(seed: seed)) & mask
        while true {
            let value = values[slot]
            if value < 0 { return nil }
            if keys[slot] == key { return value }
            slot = (slot + 1) & mask
        }
    }

    /// Stores `value` for `key`, replacing what was there (a reused port pair points to its newest
    /// conversation, as Wireshark's lookup returns the latest one).
    public mutating func set(_ key: FlowKey, _ value: Int32) {
        if (count + 1) * 4 > values.count * 3 { grow() }
        var slot = Int(truncatingIfNeeded: key.hash(seed: seed)) & mask
        while true {
            if values[slot] < 0 {
                keys[slot] = key
                values[slot] = value
                count += 1
                return
            }
            if keys[slot] == key {
                values[slot] = value
                return
            }
            slot = (slot + 1) & mask
        }
    }

    /// Removes `key` if it maps to `value` (backward-shift deletion keeps every probe chain whole).
    public mutating func remove(_ key: FlowKey, ifValue value: Int32) {
        var slot = Int(truncatingIfNeeded: key.hash(seed: seed)) & mask
        while true {
            if values[slot] < 0 { return }
            if keys[slot] == key { break }
            slot = (slot + 1) & mask
        }
        guard values[slot] == value else { return }
        values[slot] = -1
        count -= 1
        var hole = slot
        var next = (slot + 1) & mask
        while values[next] >= 0 {
            let home = Int(truncatingIfNeeded: keys[next].hash(seed: seed)) & mask
            // Move the entry back into the hole when its home is not between the hole and it.
            let distanceToNext = (next - home) & mask
            let distanceToHole = (hole - home) & mask
            if distanceToHole <= distanceToNext {
                keys[hole] = keys[next]
                values[hole] = values[next]
                values[next] = -1
                hole = next
            }
            next = (next + 1) & mask
        }
    }

    mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = [FlowKey](repeating: oldKeys[0], count: oldKeys.count * 2)
        values = [Int32](repeating: -1, count: oldValues.count * 2)
        mask = values.count - 1
        count = 0
        for i in oldValues.indices where oldValues[i] >= 0 { set(oldKeys[i], oldValues[i]) }
    }
}
