import PacketCore

/// Cisco ERSPAN (packet-cisco-erspan.c, dissect_erspan): the version in the top 4 bits of the first
/// word says the header's size. Version 1 (type II) is 8 bytes; version 2 (type III) is 12, plus an
/// 8-byte platform-specific subheader when its O bit is set, and carries Ethernet only when its
/// frame type (bits 10-14 of the word at 10) is 0. Other versions carry nothing Wireshark reads.
enum ERSPAN {
    static func parse(_ bytes: ByteView, at offset: Int) -> LinkNext {
        guard bytes.has(2, at: offset) else { return .done(.truncated) }
        switch bytes.u16be(offset) >> 12 {
        case 1:
            guard bytes.has(8, at: offset) else { return .done(.truncated) }
            return .next(.ethernet, offset: offset + 8)
        case 2:
            guard bytes.has(12, at: offset) else { return .done(.truncated) }
            let word = bytes.u16be(offset + 10)
            var length = 12
            if word & 0x0001 != 0 {
                guard bytes.has(20, at: offset) else { return .done(.truncated) }
                length += 8
            }
            guard (word & 0x7C00) >> 10 == 0 else { return .done(.notIP) }
            return .next(.ethernet, offset: offset + length)
        default:
            return .done(.notIP)
        }
    }
}
