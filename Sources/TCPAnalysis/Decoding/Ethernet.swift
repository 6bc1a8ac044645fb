import PacketCore

///     +-------------------+-------------------+-----------+
///     | destination (6)   | source (6)        | type (2)  |  then 802.1Q/802.1ad tags, or an
///     +-------------------+-------------------+-----------+  802.3 length and LLC (type <= 1500)
enum Ethernet {
    static func parse(_ bytes: ByteView) -> LinkResult {
        guard bytes.has(14) else { return .truncated }
        let type = bytes.u16be(12)
        if type <= 1500 { return LLC.parse(bytes, at: 14) }
        return EtherType.dispatch(type, bytes, at: 14)
    }
}
