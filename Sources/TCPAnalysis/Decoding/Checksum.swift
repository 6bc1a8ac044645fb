import PacketCore

/// The Internet checksum (RFC 1071) of a TCP segment with its IPv4 or IPv6 pseudo-header. Only
/// computed with `--check-checksums`: capture hosts offload checksums to the NIC, so the ones in
/// a capture are usually wrong for outgoing packets (Wireshark does not check them by default
/// either).
enum TCPChecksum {
    /// True when the segment's checksum verifies; nil when it cannot be checked (not all captured).
    static func verify(_ segment: TCPSegment, tcpBytes: ByteView) -> Bool? {
        guard tcpBytes.count == segment.tcpLength, segment.tcpLength >= 20 else { return nil }
        var sum: UInt64 = 0
        func addAddress(_ a: IPAddress) {
            if a.isIPv6 {
                sum += (a.high >> 48) + (a.high >> 32 & 0xFFFF) + (a.high >> 16 & 0xFFFF) + (a.high & 0xFFFF)
                sum += (a.low >> 48) + (a.low >> 32 & 0xFFFF) + (a.low >> 16 & 0xFFFF) + (a.low & 0xFFFF)
            } else {
                sum += (a.low >> 16 & 0xFFFF) + (a.low & 0xFFFF)
            }
        }
        addAddress(segment.source)
        addAddress(segment.destination)
        let length = UInt64(segment.tcpLength)
        sum += 6 + (length >> 16) + (length & 0xFFFF)
        var offset = 0
        while offset + 1 < tcpBytes.count {
            sum += UInt64(tcpBytes.u16be(offset))
            offset += 2
        }
        if offset < tcpBytes.count { sum += UInt64(tcpBytes.u8(offset)) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
        return sum == 0xFFFF
    }
}
