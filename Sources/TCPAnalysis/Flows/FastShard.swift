import PacketCore

/// The shard of a plain TCP packet read straight from its headers, without decoding it: Ethernet
/// (at most one 802.1Q tag), Linux cooked (v1, v2) of an Ethernet or loopback interface, or raw IP;
/// then IPv4 that is no fragment, or IPv6 with TCP as its first next header; the ports captured.
/// For these the decoder takes the same addresses and ports, so the shard is the one
/// `TCPTracker.shard(of:map:)` gives the decoded segment. Anything else (tunnels, fragments,
/// ICMP errors, other link types) is nil: every shard decodes it to find out.
public enum FastShard {
    public static func owner(_ record: CaptureRecord, map: ShardMap) -> Int? {
        let bytes = record.bytes
        var offset: Int
        var type: UInt16
        switch record.linkType.rawValue {
        case LinkType.ethernet.rawValue:
            guard bytes.has(14) else { return nil }
            type = bytes.u16be(12)
            offset = 14
            if type == 0x8100 {
                guard bytes.has(4, at: 14) else { return nil }
                type = bytes.u16be(16)
                offset = 18
            }
        case LinkType.linuxSLL.rawValue:
            guard bytes.has(16), isPlainInterface(bytes.u16be(2)) else { return nil }
            type = bytes.u16be(14)
            offset = 16
        case LinkType.linuxSLL2.rawValue:
            guard bytes.has(20), isPlainInterface(bytes.u16be(8)) else { return nil }
            type = bytes.u16be(0)
            offset = 20
        case LinkType.raw.rawValue:
            guard bytes.has(1) else { return nil }
            type = bytes.u8(0) >> 4 == 4 ? 0x0800 : bytes.u8(0) >> 4 == 6 ? 0x86DD : 0
            offset = 0
        default:
            return nil
        }
        switch type {
        case 0x0800:
            guard bytes.has(20, at: offset) else { return nil }
            let versionAndLength = bytes.u8(offset)
            let headerLength = Int(versionAndLength & 0x0F) * 4
            let fragment = bytes.u16be(offset + 6) & 0x3FFF  // MF or an offset
            guard versionAndLength >> 4 == 4, headerLength >= 20, fragment == 0, bytes.u8(offset + 9) == 6,
                  bytes.has(4, at: offset + headerLength) else { return nil }
            let tcp = offset + headerLength
            return TCPTracker.shard(IPAddress(ipv4: bytes.u32be(offset + 12)), bytes.u16be(tcp),
                                    IPAddress(ipv4: bytes.u32be(offset + 16)), bytes.u16be(tcp + 2), map: map)
        case 0x86DD:
            guard bytes.has(44, at: offset), bytes.u8(offset) >> 4 == 6, bytes.u8(offset + 6) == 6 else { return nil }
            let source = IPAddress(ipv6High: bytes.u64be(offset + 8), low: bytes.u64be(offset + 16))
            let destination = IPAddress(ipv6High: bytes.u64be(offset + 24), low: bytes.u64be(offset + 32))
            return TCPTracker.shard(source, bytes.u16be(offset + 40), destination, bytes.u16be(offset + 42), map: map)
        default:
            return nil
        }
    }

    /// ARPHRD_ETHER and ARPHRD_LOOPBACK: their cooked EtherType is the payload's (not GRE's, 802.11's...).
    private static func isPlainInterface(_ hardwareType: UInt16) -> Bool { hardwareType == 1 || hardwareType == 772 }
}
