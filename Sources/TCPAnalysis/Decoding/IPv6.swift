import PacketCore

///    +-------+---------------+---------------------------------------+
///    |Version| Traffic Class |           Flow Label                  |
///    |         Payload Length        |  Next Header  |   Hop Limit   |
///    |                   Source Address (16 bytes)                   |
///    |                Destination Address (16 bytes)                 |
///    +---------------------------------------------------------------+
///    then a chain of extension headers, each naming the next.
struct IPv6Header {
    /// The fixed header plus every extension header before the upper-layer protocol.
    var headerLength: Int
    /// Bytes of payload, bounded by what was on the wire.
    var payloadLength: Int
    /// Bytes of payload the header announces (Wireshark's frag_plen for a fragment).
    var announcedPayloadLength: Int
    var protocolNumber: UInt8
    var hopLimit: UInt8
    /// A fragment of a larger datagram (not an atomic fragment).
    var isFragment: Bool
    var moreFragments = false
    /// Fragment offset in bytes, and the fragment header's identification.
    var fragmentOffset = 0
    var fragmentID: UInt32 = 0
    var sourceHigh: UInt64, sourceLow: UInt64
    var destinationHigh: UInt64, destinationLow: UInt64

    /// The Jumbo Payload option (type 0xC2) of the hop-by-hop header right after the fixed header.
    static func jumboPayloadLength(_ bytes: ByteView) -> Int? {
        guard bytes.has(2, at: 40) else { return nil }
        let end = 40 + (Int(bytes.u8(41)) + 1) * 8
        var offset = 42
        while offset < end, bytes.has(1, at: offset) {
            let type = bytes.u8(offset)
            if type == 0 { offset += 1; continue }  // Pad1
            guard bytes.has(2, at: offset) else { return nil }
            let length = Int(bytes.u8(offset + 1))
            if type == 0xC2 && length == 4 && bytes.has(6, at: offset) { return Int(bytes.u32be(offset + 2)) }
            offset += 2 + length
        }
        return nil
    }

    static func parse(_ bytes: ByteView, wireLength: Int) -> Result<IPv6Header, DecodeWeird> {
        guard bytes.has(40) else { return .failure(.truncatedIPv6Header) }
        guard bytes.u8(0) >> 4 == 6 else { return .failure(.badIPVersion) }
        var payloadLength = Int(bytes.u16be(4))
        if payloadLength == 0 && bytes.u8(6) == 0, let jumbo = jumboPayloadLength(bytes) {
            // A jumbogram (RFC 2675) announces its length in a hop-by-hop option. Wireshark's IPv6
            // TSO support is off by default, so a zero length otherwise means nothing follows.
            payloadLength = jumbo
        }
        let announced = payloadLength
        payloadLength = min(payloadLength, wireLength - 40)
        var header = IPv6Header(
            headerLength: 40, payloadLength: payloadLength, announcedPayloadLength: announced,
            protocolNumber: bytes.u8(6), hopLimit: bytes.u8(7), isFragment: false,
            sourceHigh: bytes.u64be(8), sourceLow: bytes.u64be(16),
            destinationHigh: bytes.u64be(24), destinationLow: bytes.u64be(32))
        switch walkExtensions(bytes, from: 40, next: header.protocolNumber, into: &header) {
        case .failure(let weird): return .failure(weird)
        case .success: return .success(header)
        }
    }

    /// For bytes that begin with the extension header `next` names (a reassembled datagram's
    /// fragmentable part, RFC 8200 4.5): the upper-layer protocol, the extension headers' length, and
    /// whether another fragment header came first.
    static func skipExtensions(_ bytes: ByteView, next: UInt8) -> Result<(protocolNumber: UInt8, length: Int, isFragment: Bool), DecodeWeird> {
        var chain = IPv6Header(headerLength: 0, payloadLength: bytes.count, announcedPayloadLength: bytes.count,
                               protocolNumber: next, hopLimit: 0, isFragment: false,
                               sourceHigh: 0, sourceLow: 0, destinationHigh: 0, destinationLow: 0)
        if case .failure(let weird) = walkExtensions(bytes, from: 0, next: next, into: &chain) { return .failure(weird) }
        return .success((chain.protocolNumber, chain.headerLength, chain.isFragment))
    }

    /// Walks the extension headers (RFC 8200 section 4) from `start` until an upper-layer protocol,
    /// or a fragment header (what follows one is only known after reassembly). As ipv6_dissect_next:
    /// hop-by-hop, routing, fragment, AH, destination options, Mobility and shim6 are Wireshark's
    /// extension headers, but Mobility (135) is dissected by itself and hands nothing on, and HIP
    /// (139) is no extension header to it: either ends the chain.
    static func walkExtensions(_ bytes: ByteView, from start: Int, next: UInt8, into header: inout IPv6Header) -> Result<Void, DecodeWeird> {
        header.protocolNumber = next
        for _ in 0..<16 {
            let offset = header.headerLength
            let length: Int
            switch header.protocolNumber {
            case 0, 43, 60, 140:  // hop-by-hop, routing, destination, shim6
                guard bytes.has(2, at: offset) else { return .failure(.truncatedIPv6ExtensionHeader) }
                length = (Int(bytes.u8(offset + 1)) + 1) * 8
            case 51:  // authentication header: length in 32-bit words, minus 2
                guard bytes.has(2, at: offset) else { return .failure(.truncatedIPv6ExtensionHeader) }
                length = (Int(bytes.u8(offset + 1)) + 2) * 4
            case 44:  // fragment
                guard bytes.has(8, at: offset) else { return .failure(.truncatedIPv6ExtensionHeader) }
                let field = bytes.u16be(offset + 2)
                if field & 0xFFF9 != 0 {  // offset or more-fragments set: not an atomic fragment
                    header.isFragment = true
                    header.moreFragments = field & 1 != 0
                    header.fragmentOffset = Int(field & 0xFFF8)
                    header.fragmentID = bytes.u32be(offset + 4)
                }
                length = 8
            default:
                return .success(())
            }
            guard bytes.has(length, at: offset) else { return .failure(.truncatedIPv6ExtensionHeader) }
            header.protocolNumber = bytes.u8(offset)
            header.headerLength += length
            header.payloadLength -= length
            header.announcedPayloadLength -= length
            // A fragment with no payload is dissected as if it were not one (frag_plen is 0).
            if header.isFragment && header.announcedPayloadLength <= 0 { header.isFragment = false }
            if header.isFragment { return .success(()) }
        }
        return .success(())
    }
}
