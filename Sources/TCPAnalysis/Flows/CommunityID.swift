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
}

extension Connection {
    /// The connection's Community ID v1 (TCP, protocol 6).
    public func communityID(seed: UInt16 = 0) -> String {
        key.communityID(seed: seed)
    }
}
