import PacketCore

/// ICMP and ICMPv6 error messages quote the start of the datagram that caused them, 8 bytes into the
/// message (RFC 792, RFC 4443).
enum ICMPError {
    /// The quoted datagram of an error message, nil for other messages.
    static func quotedDatagram(_ message: ByteView, isICMPv6: Bool) -> ByteView? {
        guard message.has(8) else { return nil }
        let type = message.u8(0)
        let isError = isICMPv6 ? (1...4).contains(type) : [3, 4, 5, 11, 12].contains(type)
        guard isError, message.count > 8 else { return nil }
        return message.dropFirst(8)
    }
}
