import PacketCore

/// Cisco FabricPath (packet-cisco-fp-mim.c, dissect_fp_heur): outer hierarchical MACs, EtherType
/// 0x8903 (optionally behind an 802.1Q or 802.1ad tag), a 2-byte FTAG/TTL, then a whole Ethernet
/// frame whose FCS is the outer frame's last 4 bytes.
enum FabricPath {
    /// The FabricPath header's length when the frame is one.
    static func header(_ bytes: ByteView, at offset: Int, type: UInt16) -> Int? {
        if type == EtherType.fabricPath { return 16 }
        if (type == EtherType.vlan || type == EtherType.ieee8021ad) && bytes.has(2, at: offset + 16)
            && bytes.u16be(offset + 16) == EtherType.fabricPath {
            return 20
        }
        return nil
    }
}
