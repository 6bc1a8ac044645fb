import PacketCore

///     0                   1                   2                   3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |Version|  IHL  |Type of Service|          Total Length         |
///    |         Identification        |Flags|      Fragment Offset    |
///    |  Time to Live |    Protocol   |         Header Checksum       |
///    |                       Source Address                          |
///    |                    Destination Address                        |
///    |                    Options (IHL > 5)                          |
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
struct IPv4Header {
    var headerLength: Int
    /// Bytes of payload the header announces, bounded by what was on the wire.
    var payloadLength: Int
    var protocolNumber: UInt8
    var ttl: UInt8
    var identification: UInt16
    var isFragment: Bool
    var moreFragments: Bool
    /// Fragment offset in bytes.
    var fragmentOffset: Int
    var source: UInt32
    var destination: UInt32

    /// Parses the header at the start of `bytes`; `wireLength` is how many bytes of the frame from
    /// here were on the wire. Returns the weird when the header is unusable (Wireshark stops there).
    static func parse(_ bytes: ByteView, wireLength: Int) -> Result<IPv4Header, DecodeWeird> {
        guard bytes.has(20) else { return .failure(.truncatedIPv4Header) }
        let versionAndLength = bytes.u8(0)
        guard versionAndLength >> 4 == 4 else { return .failure(.badIPVersion) }
        let headerLength = Int(versionAndLength & 0x0F) * 4
        guard headerLength >= 20 else { return .failure(.badIPv4HeaderLength) }
        guard bytes.has(headerLength) else { return .failure(.truncatedIPv4Header) }
        var totalLength = Int(bytes.u16be(2))
        if totalLength == 0 {
            // TSO/GRO: the NIC fills the length in later; the frame's own length is the datagram's.
            totalLength = wireLength
        } else if totalLength < headerLength {
            return .failure(.ipv4TotalLengthTooSmall)
        }
        var destination = bytes.u32be(16)
        if headerLength > 20 {
            let options = bytes.slice(20, headerLength - 20)
            if let weird = checkOptions(options) { return .failure(weird) }
            // Wireshark takes a source-routed datagram's final destination, the last address of
            // the route, as its destination (so conversations key on it).
            if let routed = sourceRouteDestination(options) { destination = routed }
        }
        let fragment = bytes.u16be(6)
        return .success(IPv4Header(
            headerLength: headerLength,
            payloadLength: min(totalLength, wireLength) - headerLength,
            protocolNumber: bytes.u8(9),
            ttl: bytes.u8(8),
            identification: bytes.u16be(4),
            isFragment: fragment & 0x3FFF != 0,  // more-fragments set, or a non-zero offset
            moreFragments: fragment & 0x2000 != 0,
            fragmentOffset: Int(fragment & 0x1FFF) * 8,
            source: bytes.u32be(12),
            destination: destination))
    }
}

extension IPv4Header {
    /// Sizes of the options whose layout is fixed (RFC 791, 1108, 1191, 2113, 4782): Wireshark
    /// dissects their fields at fixed places, so an option announcing fewer bytes makes it read past
    /// the option and give up on the whole packet ("Malformed Packet: IPv4"): no TCP is seen.
    static func minimumOptionLength(_ type: UInt8) -> Int? {
        switch type {
        case 130: return 11   // security
        case 136: return 4    // stream identifier
        case 11, 12: return 4 // MTU probe / reply
        case 148: return 4    // router alert
        case 25: return 8     // quick-start
        case 7, 131, 137: return 3   // record route, loose and strict source route
        case 68: return 4     // timestamp
        default: return nil
        }
    }

    /// The last address of a loose or strict source route option, if there is one.
    static func sourceRouteDestination(_ options: ByteView) -> UInt32? {
        var offset = 0
        while offset < options.count {
            let type = options.u8(offset)
            if type == 0 { return nil }
            if type == 1 { offset += 1; continue }
            guard options.has(2, at: offset) else { return nil }
            let length = Int(options.u8(offset + 1))
            guard length >= 2, options.has(length, at: offset) else { return nil }
            if (type == 131 || type == 137) && length >= 7 { return options.u32be(offset + length - 4) }
            offset += length
        }
        return nil
    }

    /// The weird for an option list Wireshark would reject, nil when it is acceptable.
    static func checkOptions(_ options: ByteView) -> DecodeWeird? {
        var offset = 0
        while offset < options.count {
            let type = options.u8(offset)
            if type == 0 { return nil }          // end of options
            if type == 1 { offset += 1; continue }  // no-operation
            guard options.has(2, at: offset) else { return nil }
            let length = Int(options.u8(offset + 1))
            guard length >= 2, options.has(length, at: offset) else { return nil }  // Wireshark stops quietly
            if let minimum = minimumOptionLength(type), length < minimum { return .ipv4OptionBadLength }
            offset += length
        }
        return nil
    }
}
