import PacketCore

/// EtherIP (RFC 3378, IP protocol 97): a 2-byte header (version 3 in the top nibble), then an
/// Ethernet frame without FCS (packet-etherip.c does not check the version).
enum EtherIP {
    static func parse(_ bytes: ByteView, end: Int) -> TunnelResult {
        guard bytes.has(2) else { return .truncated }
        return .inner(.ethernet, offset: 2, end: end)
    }
}
