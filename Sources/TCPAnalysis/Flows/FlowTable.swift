/// An open-addressing hash table from a flow's hash to a connection index: one flat array of
/// 8-byte slots (32 bits of the hash and the index), linear probing, no Dictionary and no
/// allocation per lookup. The keys are not stored here: the connection records hold them, and a
/// slot whose hash bits match is confirmed by the caller's `matches` (which reads the record the
/// segment then updates anyway). Hashes come from `FlowKey.hash(seed:)` with a per-run random seed.
/// It grows by doubling (amortized, never per packet); live capture removes idle connections
/// (backward-shift deletion), files never do: Wireshark never forgets a conversation either.
public struct FlowTable {
    struct Slot {
        /// The hash's low 32 bits: the home slot, and a filter before the key comparison.
        var tag: UInt32
        /// -1 marks an empty slot.
        var value: Int32
    }

    private var slots: [Slot]
    private var mask: Int
    public private(set) var count = 0
    public let seed: UInt64

    public init(capacity: Int = 1 << 12, seed: UInt64 = UInt64.random(in: .min ... .max)) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(tag: 0, value: -1), count: size)
        mask = size - 1
        self.seed = seed
    }

    @inline(__always)
    private static func tag(_ hash: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: hash) }

    /// The value stored for the key whose hash is `hash` and that `matches` confirms, if any.
    @inline(__always)
    public func find(hash: UInt64, matches: (Int32) -> Bool) -> Int32? {
        let tag = Self.tag(hash)
        var slot = Int(tag) & mask
        while true {
            let entry = slots[slot]
            if entry.value < 0 { return nil }
            if entry.tag == tag && matches(entry.value) { return entry.value }
            slot = (slot + 1) & mask
        }
    }

    /// Stores `value` for the key of `hash`, replacing the entry `matches` confirms (a reused port
    /// pair points to its newest conversation, as Wireshark's lookup returns the latest one).
    public mutating func set(hash: UInt64, _ value: Int32, replacing matches: (Int32) -> Bool) {
        if (count + 1) * 4 > slots.count * 3 { grow() }
        let tag = Self.tag(hash)
        var slot = Int(tag) & mask
        while true {
            if slots[slot].value < 0 {
                slots[slot] = Slot(tag: tag, value: value)
                count += 1
                return
            }
            if slots[slot].tag == tag && matches(slots[slot].value) {
                slots[slot].value = value
                return
            }
            slot = (slot + 1) & mask
        }
    }

    /// Removes the entry of `hash` whose value is `value` (backward-shift deletion keeps every
    /// probe chain whole). A newer conversation that took the key keeps it.
    public mutating func remove(hash: UInt64, value: Int32) {
        let tag = Self.tag(hash)
        var slot = Int(tag) & mask
        while true {
            if slots[slot].value < 0 { return }
            if slots[slot].tag == tag && slots[slot].value == value { break }
            slot = (slot + 1) & mask
        }
        slots[slot].value = -1
        count -= 1
        var hole = slot
        var next = (slot + 1) & mask
        while slots[next].value >= 0 {
            let entryHome = Int(slots[next].tag) & mask
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
        slots = [Slot](repeating: Slot(tag: 0, value: -1), count: old.count * 2)
        mask = slots.count - 1
        for entry in old where entry.value >= 0 {
            var slot = Int(entry.tag) & mask
            while slots[slot].value >= 0 { slot = (slot + 1) & mask }
            slots[slot] = entry
        }
    }
}
