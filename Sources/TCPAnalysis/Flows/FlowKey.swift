/// A connection's identity whatever the direction of the packet: the two endpoints in a fixed order.
/// Side 0 is the side Wireshark 4.0.17 calls `flow1` (`get_tcp_conversation_data`): the endpoint
/// whose address sorts higher as bytes in network order, or, for equal addresses, the higher port.
@frozen
public struct FlowKey: Hashable, Sendable {
    // The two addresses as words (`IPAddress`'s layout without its padding), the ports, and which
    // addresses are IPv6: 40 bytes, where two `IPAddress` values and the ports took 48. A key is
    // kept in every connection record.
    @usableFromInline var high0: UInt64
    @usableFromInline var low0: UInt64
    @usableFromInline var high1: UInt64
    @usableFromInline var low1: UInt64
    public var port0: UInt16
    public var port1: UInt16
    /// Bit 0: side 0's address is IPv6; bit 1: side 1's.
    @usableFromInline var families: UInt8

    public init(side0: IPAddress, side1: IPAddress, port0: UInt16, port1: UInt16) {
        high0 = side0.high
        low0 = side0.low
        high1 = side1.high
        low1 = side1.low
        self.port0 = port0
        self.port1 = port1
        families = (side0.isIPv6 ? 1 : 0) | (side1.isIPv6 ? 2 : 0)
    }

    public var side0: IPAddress {
        get { IPAddress(high: high0, low: low0, isIPv6: families & 1 != 0) }
        set { high0 = newValue.high; low0 = newValue.low; families = families & ~1 | (newValue.isIPv6 ? 1 : 0) }
    }

    public var side1: IPAddress {
        get { IPAddress(high: high1, low: low1, isIPv6: families & 2 != 0) }
        set { high1 = newValue.high; low1 = newValue.low; families = families & ~2 | (newValue.isIPv6 ? 2 : 0) }
    }

    /// The key of a segment, and which side sent it (0 or 1).
    public static func of(_ segment: TCPSegment) -> (key: FlowKey, direction: Int) {
        let src = segment.source, dst = segment.destination
        let order = FlowKey.compare(src, dst)
        // cmp_address, then the ports when the addresses are equal (equal ports count as "lower").
        let sourceIsSide0 = order > 0 || (order == 0 && segment.sourcePort > segment.destinationPort)
        if sourceIsSide0 {
            return (FlowKey(side0: src, side1: dst, port0: segment.sourcePort, port1: segment.destinationPort), 0)
        }
        return (FlowKey(side0: dst, side1: src, port0: segment.destinationPort, port1: segment.sourcePort), 1)
    }

    /// Compares two addresses as Wireshark's cmp_address does for IP: type, then the bytes.
    static func compare(_ a: IPAddress, _ b: IPAddress) -> Int {
        if a.isIPv6 != b.isIPv6 { return a.isIPv6 ? 1 : -1 }
        if a.high != b.high { return a.high > b.high ? 1 : -1 }
        if a.low != b.low { return a.low > b.low ? 1 : -1 }
        return 0
    }

    /// The endpoint (address, port) of a side.
    public func endpoint(_ side: Int) -> (address: IPAddress, port: UInt16) {
        side == 0 ? (side0, port0) : (side1, port1)
    }

    /// A well-mixed 64-bit hash with a per-run seed (flooding-resistant, like Suricata's flow hash).
    /// Each word is XORed with the seed (rotated apart for each) and multiplied by an odd constant
    /// of its own: five multiplies with no chain between them, which the CPU runs side by side;
    /// their sum goes through one finalizer. (Five finalizers in a chain, one a word, were 3% of a
    /// two-thread run, every packet waiting on them before its flow lookup.)
    @inline(__always)
    public func hash(seed: UInt64) -> UInt64 {
        @inline(__always) func rotated(_ k: UInt64) -> UInt64 { seed << k | seed >> (64 - k) }
        let ports = UInt64(port0) << 32 | UInt64(port1) << 16 | UInt64(families & 1)
        let sum = (high0 ^ seed) &* 0x9E37_79B9_7F4A_7C15
            &+ (low0 ^ rotated(13)) &* 0xC2B2_AE3D_27D4_EB4F
            &+ (high1 ^ rotated(29)) &* 0x1656_67B1_9E37_79F9
            &+ (low1 ^ rotated(41)) &* 0xD6E8_FEB8_6659_FD93
            &+ (ports ^ rotated(53)) &* 0xFF51_AFD7_ED55_8CCD
        return FlowKey.mix(sum ^ sum >> 32)
    }

    public static func mix(_ x: UInt64) -> UInt64 {
        // A multiply-xorshift finalizer (as in SplitMix64 / Murmur3).
        var z = x &* 0xBF58_476D_1CE4_E5B9
        z ^= z >> 31
        z = z &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 29)
    }
}

extension FlowKey {
    /// The key of the connection between two endpoints given in either order (the same side rule
    /// as `of(_:)`).
    public init(_ a: (address: IPAddress, port: UInt16), _ b: (address: IPAddress, port: UInt16)) {
        let order = FlowKey.compare(a.address, b.address)
        if order > 0 || (order == 0 && a.port > b.port) {
            self.init(side0: a.address, side1: b.address, port0: a.port, port1: b.port)
        } else {
            self.init(side0: b.address, side1: a.address, port0: b.port, port1: a.port)
        }
    }
}
