/// An open-addressing hash table from a flow key to a connection index: one flat array of slots,
/// linear probing, a per-run random seed, no Dictionary and no allocation per lookup. A slot holds
/// the key and its value together, so a lookup touches one cache line, not one per array. It grows
/// by doubling (amortized, never per packet); live capture removes idle connections
/// (backward-shift deletion), files never do: Wireshark never forgets a conversation either.
public struct FlowTable {
    struct Slot {
        var key: FlowKey
        /// -1 marks an empty slot.
        var value: Int32
    }

    private var slots: [Slot]
    private var mask: Int
    public private(set) var count = 0
    private let seed: UInt64

    private static let empty = Slot(key: FlowKey(side0: IPAddress(ipv4: 0), side1: IPAddress(ipv4: 0), port0: 0, port1: 0), value: -1)

    public init(capacity: Int = 1 << 12, seed: UInt64 = UInt64.random(in: .min ... .max)) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Self.empty, count: size)
        mask = size - 1
        self.seed = seed
    }

    @inline(__always)
    private func home(_ key: FlowKey) -> Int { Int(truncatingIfNeeded: key.hash(seed: seed)) & mask }

    /// The connection index stored for `key`, if any.
    public func find(_ key: FlowKey) -> Int32? {
        var slot = home(key)
        while true {
            let entry = slots[slot]
            if entry.value < 0 { return nil }
            if entry.key == key { return entry.value }
            slot = (slot + 1) & mask
        }
    }

    /// Stores `value` for `key`, replacing what was there (a reused port pair points to its newest
    /// conversation, as Wireshark's lookup returns the latest one).
    public mutating func set(_ key: FlowKey, _ value: Int32) {
        if (count + 1) * 4 > slots.count * 3 { grow() }
        var slot = home(key)
        while true {
            if slots[slot].value < 0 {
                slots[slot] = Slot(key: key, value: value)
                count += 1
                return
            }
            if slots[slot].key == key {
                slots[slot].value = value
                return
            }
            slot = (slot + 1) & mask
        }
    }

    /// Removes `key` if it maps to `value` (backward-shift deletion keeps every probe chain whole).
    public mutating func remove(_ key: FlowKey, ifValue value: Int32) {
        var slot = home(key)
        while true {
            if slots[slot].value < 0 { return }
            if slots[slot].key == key { break }
            slot = (slot + 1) & mask
        }
        guard slots[slot].value == value else { return }
        slots[slot].value = -1
        count -= 1
        var hole = slot
        var next = (slot + 1) & mask
        while slots[next].value >= 0 {
            let entryHome = home(slots[next].key)
            // Move the entry back into the hole when its home is not between the hole and it.
            let distanceToNext = (next - entryHome) & mask
            let distanceToHole = (hole - entryHome) & mask
            if distanceToHole <= distanceToNext {
                slots[hole] = slots[next]
                slots[next].value = -1
                hole = next
            }
            next = (next + 1) & mask
        }
    }

    mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Self.empty, count: old.count * 2)
        mask = slots.count - 1
        count = 0
        for entry in old where entry.value >= 0 { set(entry.key, entry.value) }
    }
}
