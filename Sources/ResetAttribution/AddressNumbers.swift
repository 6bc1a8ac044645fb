import TCPAnalysis

/// Numbers for addresses in the order they are first seen: an open-addressing table with a cheap
/// multiply-xorshift hash (a Dictionary hashes each address with SipHash: a tenth of the detection
/// on a busy capture).
struct AddressNumbers {
    private(set) var addresses: [IPAddress] = []
    private var slots: [Int32]
    private var mask: Int

    init(capacity: Int) {
        var size = 16
        while size < 2 * capacity { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        addresses.reserveCapacity(capacity)
    }

    mutating func number(_ address: IPAddress) -> Int32 {
        var slot = Int(truncatingIfNeeded: FlowKey.mix(address.high ^ FlowKey.mix(address.low) ^ (address.isIPv6 ? 1 : 0))) & mask
        while slots[slot] >= 0 {
            if addresses[Int(slots[slot])] == address { return slots[slot] }
            slot = (slot + 1) & mask
        }
        if (addresses.count + 1) * 2 > slots.count { grow(); return number(address) }
        slots[slot] = Int32(addresses.count)
        addresses.append(address)
        return slots[slot]
    }

    private mutating func grow() {
        let known = addresses
        self = AddressNumbers(capacity: slots.count)
        for address in known { _ = number(address) }
    }
}
