import PacketCore

/// IEEE 802.11 data frames (packet-ieee80211.c, dissect_ieee80211_common), the only ones that carry IP:
///
///     frame control (2, little-endian) | duration (2) | address 1, 2, 3 (18) | sequence control (2)
///     [address 4 (6) when both To DS and From DS] [QoS control (2)] [HT control (4) when QoS and +HTC]
///     [mesh control (6, 12 or 18)] | body ... | [FCS (4)]
///
/// The radio header (radiotap, PPI) says whether an FCS ends the frame and whether the header is
/// padded to a multiple of 4. The mesh control field is found by Wireshark's heuristic (valid mesh
/// flags followed by AA AA, or the QoS field's mesh bit). The body is an A-MSDU when the QoS field
/// says so, else LLC, or (the checks Wireshark makes when it does not start AA AA) an Ethernet frame
/// when it starts with the destination or has the source at 6, 2 bytes to skip when it starts 00 00
/// or repeats the sequence control, or an EtherType (EPD) when one Wireshark knows starts it.
///
/// Not decoded: protected frames (no keys), fragments (Wireshark reassembles 802.11 fragments; they
/// are rare), and A-MSDU subframes after the first.
enum IEEE80211 {
    struct RadioInfo {
        var hasFCS = false
        var dataPad = false
    }

    static func parse(_ bytes: ByteView, end frameEnd: Int, radio: RadioInfo) -> LinkResult {
        var end = frameEnd
        if radio.hasFCS {
            guard end >= 4 else { return .truncated }
            end -= 4
        }
        guard bytes.has(2) else { return .truncated }
        let control = bytes.u16le(0)
        let flags = UInt8(truncatingIfNeeded: control >> 8)
        guard (control & 0x0C) >> 2 == 2 else { return .notIP }  // not a data frame
        let subtype = (control & 0xF0) >> 4
        let isQoS = subtype & 0x08 != 0
        let addressSelector = flags & 0x03  // To DS, From DS
        var header = addressSelector == 3 ? 30 : 24
        var qosControl: UInt16 = 0
        if isQoS {
            guard bytes.has(2, at: header) else { return .truncated }
            qosControl = bytes.u16le(header)
            header += 2
            if flags & 0x80 != 0 { header += 4 }  // HT control
        }
        if radio.dataPad { header = (header + 3) & ~3 }
        // Mesh control (IEEE 802.11s), by Wireshark's heuristic.
        if bytes.has(1, at: header) {
            let meshFlags = bytes.u8(header)
            var meshLength = 6 + 6 * Int(meshFlags & 0x03)
            let plausible = (addressSelector == 3 || addressSelector == 2) && meshFlags & ~0x03 == 0 && meshFlags & 0x03 != 0x03
            if bytes.has(meshLength + 2, at: header) {
                if !(plausible && bytes.u16le(header + meshLength) == 0xAAAA) { meshLength = 0 }
            } else if !(isQoS && plausible && qosControl & 0x0100 != 0) {
                meshLength = 0
            }
            header += meshLength
        }
        guard bytes.has(24) else { return .truncated }
        if flags & 0x40 != 0 { return .notIP }  // protected: no keys to decrypt it
        let sequenceControl = bytes.u16le(22)
        if flags & 0x04 != 0 || sequenceControl & 0x000F != 0 { return .notIP }  // a fragment
        guard header <= end else { return .truncated }
        if isQoS && qosControl & 0x0080 != 0 {
            // A-MSDU: destination (6), source (6), length (2, big-endian), then LLC; the first subframe.
            guard end - header > 4 else { return .notIP }
            guard bytes.has(14, at: header) else { return .truncated }
            let length = Int(bytes.u16be(header + 12))
            return LinkLayer.walk(.llc, bytes, at: header + 14, end: min(end, header + 14 + length))
        }
        var body = header
        var step = LinkStep.llc
        if bytes.has(2, at: body) {
            let first = bytes.u8(body), second = bytes.u8(body + 1)
            if first != 0xAA || second != 0xAA {
                let (source, destination) = addresses(addressSelector)
                if matches(bytes, body + 6, source) || matches(bytes, body, destination) {
                    step = .ethernet
                } else if first == 0xFF && second == 0xFF {
                    return .notIP  // IPX
                } else if first == 0 && second == 0 && bytes.has(18, at: body)
                            && matches(bytes, body + 6, destination) && matches(bytes, body + 12, source) {
                    body += 6
                    step = .ethernet
                } else if (first == 0 && second == 0) || UInt16(second) << 8 | UInt16(first) == sequenceControl {
                    body += 2
                } else if isKnownEtherType(UInt16(first) << 8 | UInt16(second)) {
                    return LinkLayer.walk(.etherType(UInt16(first) << 8 | UInt16(second)), bytes, at: body + 2, end: end)
                }
            }
        }
        return LinkLayer.walk(step, bytes, at: body, end: end)
    }

    /// Offsets of the source and destination addresses (dl_src, dl_dst) for a data frame.
    private static func addresses(_ selector: UInt8) -> (source: Int, destination: Int) {
        switch selector {
        case 0: return (10, 4)
        case 2: return (16, 4)    // From DS
        case 1: return (10, 16)   // To DS
        default: return (24, 16)  // both: address 3 is the destination, 4 the source
        }
    }

    private static func matches(_ bytes: ByteView, _ offset: Int, _ address: Int) -> Bool {
        guard bytes.has(6, at: offset), bytes.has(6, at: address) else { return false }
        return bytes.u32be(offset) == bytes.u32be(address) && bytes.u16be(offset + 4) == bytes.u16be(address + 4)
    }

    /// EtherTypes Wireshark has a dissector for, among those that matter here: the ones this decoder
    /// follows, and ARP and XNS (which would otherwise be read as LLC).
    private static func isKnownEtherType(_ type: UInt16) -> Bool {
        switch type {
        case EtherType.ipv4, EtherType.ipv6, EtherType.vlan, EtherType.qinqOld, EtherType.ieee8021ad, EtherType.ieee8021ah,
             EtherType.mplsUnicast, EtherType.mplsMulticast, EtherType.pppoeSession, EtherType.transparentEthernet,
             0x0806, 0x0600:
            return true
        default:
            return false
        }
    }
}
