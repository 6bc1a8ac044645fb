import PacketCore

/// OpenBSD pf's log header (LINKTYPE_PFLOG, packet-pflog.c):
///
///     length (1) | address family (1) | action (1) | reason (1) | interface (16) | ruleset (16)
///     rule (4) | subrule (4) | [OpenBSD 3.8+, length >= 61: uid, pid, rule uid, rule pid (16)]
///     direction (1) | [4.9+, length >= 100: rewritten (1), pad (2), addresses (32), ports (4)]
///
/// Wireshark shows every field of the header (so they must have been captured), then dissects the
/// packet at the length rounded up to 4: IPv4 for family 2, IPv6 for 24, 28 and 30.
enum PFLOG {
    static func parse(_ bytes: ByteView, end: Int) -> LinkResult {
        guard bytes.has(2) else { return .truncated }
        let length = Int(bytes.u8(0))
        var fields = 4 + 16 + 16 + 4 + 4
        if length >= 61 { fields += 16 }
        fields += 1
        if length >= 100 { fields += 1 + 2 + 32 + 4 }
        guard bytes.has(fields) else { return .truncated }
        let start = (length + 3) & ~3
        guard start <= end else { return .truncated }
        switch bytes.u8(1) {
        case 2: return .network(.ipv4, offset: start, end: end)
        case 24, 28, 30: return .network(.ipv6, offset: start, end: end)
        default: return .notIP
        }
    }
}
