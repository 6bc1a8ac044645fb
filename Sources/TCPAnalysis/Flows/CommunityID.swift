import PacketCore

/// Community ID flow hashing, version 1 (Corelight's community-id-spec): a direction-free flow
/// identifier that Zeek, Suricata, Wireshark and others compute the same way.
///
///     "1:" + base64(SHA-1(seed . saddr . daddr . proto . 0 . sport . dport))
///
/// seed and ports are 16-bit big-endian, addresses are their 4 or 16 bytes in network order, proto
/// is one byte followed by one zero byte of padding. The endpoints are ordered so that the smaller
/// address comes first, the smaller port when the addresses are equal. Protocols without ports
/// (not TCP, UDP, SCTP or ICMP) hash the addresses and protocol only.
///
/// ICMP's type/code to port mapping is not done here: callers pass the mapped values as ports.
public enum CommunityID {
    public static let version = "1"
    static let prefix: StaticString = "1:"

    /// The Community ID of a flow between two endpoints with ports (TCP by default).
    public static func v1(_ a: (address: IPAddress, port: UInt16), _ b: (address: IPAddress, port: UInt16),
                          ipProtocol: UInt8 = 6, seed: UInt16 = 0) -> String {
        render(digest(a.address, a.port, b.address, b.port, ipProtocol: ipProtocol, seed: seed))
    }

    /// The Community ID of a flow of a protocol without ports (addresses and protocol only).
    public static func v1(_ a: IPAddress, _ b: IPAddress, ipProtocol: UInt8, seed: UInt16 = 0) -> String {
        render(digest(a, nil, b, nil, ipProtocol: ipProtocol, seed: seed))
    }

    /// The 20-byte SHA-1 digest before base64 (what the spec's `--no-base64` prints in hex).
    public static func digest(_ a: IPAddress, _ aPort: UInt16?, _ b: IPAddress, _ bPort: UInt16?,
                              ipProtocol: UInt8, seed: UInt16 = 0) -> [UInt8] {
        SHA1.hashShort(hashInput(a, aPort, b, bPort, ipProtocol: ipProtocol, seed: seed))
    }

    /// The bytes that are hashed, with the endpoints already ordered.
    static func hashInput(_ a: IPAddress, _ aPort: UInt16?, _ b: IPAddress, _ bPort: UInt16?,
                          ipProtocol: UInt8, seed: UInt16) -> [UInt8] {
        // order_endpoints: keep the order when a's address is smaller, or the addresses are equal
        // and a's port is not larger; swap otherwise.
        let order = compare(a, b)
        let keep = order < 0 || (order == 0 && (aPort ?? 0) <= (bPort ?? 0))
        let (first, firstPort, second, secondPort) = keep ? (a, aPort, b, bPort) : (b, bPort, a, aPort)

        var input: [UInt8] = []
        input.reserveCapacity(2 + 16 + 16 + 2 + 4)
        append16(seed, to: &input)
        first.appendBytes(to: &input)
        second.appendBytes(to: &input)
        input.append(ipProtocol)
        input.append(0)
        if let firstPort, let secondPort {
            append16(firstPort, to: &input)
            append16(secondPort, to: &input)
        }
        return input
    }

    /// Addresses compared as their bytes in network order (memcmp over the shorter length, then
    /// the length, as the reference implementation's byte-string comparison does).
    static func compare(_ a: IPAddress, _ b: IPAddress) -> Int {
        if a.isIPv6 == b.isIPv6 {
            if a.high != b.high { return a.high < b.high ? -1 : 1 }
            if a.low != b.low { return a.low < b.low ? -1 : 1 }
            return 0
        }
        let x = a.bytes, y = b.bytes
        for (p, q) in zip(x, y) where p != q { return p < q ? -1 : 1 }
        return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
    }

    private static func append16(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    private static func render(_ digest: [UInt8]) -> String {
        version + ":" + Base64.encode(digest)
    }
}

extension FlowKey {
    /// The connection's Community ID v1 (TCP, protocol 6). The same for both directions.
    public func communityID(seed: UInt16 = 0) -> String {
        CommunityID.v1((side0, port0), (side1, port1), ipProtocol: 6, seed: seed)
    }

    /// `communityID` appended to a sink: the hash input on the stack, one SHA-1 block, base64
    /// straight out (a connection line's path: no array or string per connection).
    public func appendCommunityID<Sink: ByteSink & ~Copyable>(seed: UInt16 = 0, to sink: inout Sink) {
        let a = side0, b = side1
        let order = CommunityID.compare(a, b)
        let keep = order < 0 || (order == 0 && port0 <= port1)
        let (first, firstPort, second, secondPort) = keep ? (a, port0, b, port1) : (b, port1, a, port0)
        var input: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        let words = withUnsafeMutableBytes(of: &input) { raw -> (UInt32, UInt32, UInt32, UInt32, UInt32) in
            let p = raw.baseAddress!
            var length = 0
            func put<T: FixedWidthInteger>(_ value: T) {
                p.storeBytes(of: value.bigEndian, toByteOffset: length, as: T.self)
                length += MemoryLayout<T>.size
            }
            func putAddress(_ address: IPAddress) {
                if address.isIPv6 {
                    put(address.high)
                    put(address.low)
                } else {
                    put(UInt32(truncatingIfNeeded: address.low))
                }
            }
            put(seed)
            putAddress(first)
            putAddress(second)
            put(UInt16(6) << 8)  // the protocol, then a zero byte of padding
            put(firstPort)
            put(secondPort)
            return SHA1.hashShortWords(UnsafeRawBufferPointer(rebasing: raw[0..<length]))
        }
        var digest = (words.0.bigEndian, words.1.bigEndian, words.2.bigEndian, words.3.bigEndian, words.4.bigEndian)
        sink.append(CommunityID.prefix)
        withUnsafeBytes(of: &digest) { Base64.append($0, to: &sink) }
    }
}

extension Connection {
    /// The connection's Community ID v1 (TCP, protocol 6).
    public func communityID(seed: UInt16 = 0) -> String {
        key.communityID(seed: seed)
    }
}
