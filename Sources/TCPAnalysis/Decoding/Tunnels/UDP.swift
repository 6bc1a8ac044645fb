import PacketCore

/// UDP (RFC 768) as a carrier of tunnels: source port, destination port, length, checksum.
///
/// packet-udp.c: a length below 8 stops dissection; a length of 0 over IPv6 is a jumbogram (the IP
/// payload's length); a longer length than the IP payload is only a warning. The payload ends at the
/// UDP length or the IP payload's end, whichever is first. decode_udp_ports then offers the payload
/// to the dissector of the lower port and, if that one refuses it, of the higher one (ports of 0 are
/// skipped). Only the tunnels below are known here, at Wireshark's default ports; any other protocol
/// Wireshark would pick for a port is not one that carries TCP, so those datagrams are not decoded.
enum UDP {
    /// The UDP tunnels the decoder follows, by default port.
    enum Tunnel: Equatable {
        case vxlan, vxlanGPE, geneve, gtp, gtpPrime, teredo, sflow, gre, l2tp

        init?(port: UInt16) {
            switch port {
            case 4789: self = .vxlan
            case 4790: self = .vxlanGPE
            case 6081: self = .geneve
            case 2123, 2152: self = .gtp        // GTPv1-C and GTPv1-U (gtp_handle)
            case 3386: self = .gtpPrime         // GTPv0 / GTP' (gtp_prime_handle)
            case 3544: self = .teredo
            case 6343: self = .sflow
            case 4754: self = .gre              // GRE-in-UDP (RFC 8086)
            case 1701: self = .l2tp
            default: return nil
            }
        }
    }

    /// The UDP header and where its payload ends, or why there is none.
    enum Header {
        case datagram(sourcePort: UInt16, destinationPort: UInt16, payloadEnd: Int)
        case empty
        case truncated
        case badLength
    }

    static func header(_ bytes: ByteView, reported: Int, overIPv6: Bool, inErrorPacket: Bool) -> Header {
        guard bytes.has(8) else { return .truncated }
        var length = Int(bytes.u16be(4))
        if length == 0 && overIPv6 { length = reported }  // RFC 2675 jumbogram
        guard length >= 8 else { return .badLength }
        guard length > 8 else { return .empty }
        let payloadEnd = min(length, reported)
        // In an ICMP error, nothing is handed on unless payload bytes were captured.
        if inErrorPacket && bytes.count <= 8 { return .empty }
        return .datagram(sourcePort: bytes.u16be(0), destinationPort: bytes.u16be(2), payloadEnd: payloadEnd)
    }

    /// The tunnels to try, lower port first.
    static func candidates(_ source: UInt16, _ destination: UInt16) -> (Tunnel?, Tunnel?) {
        let low = min(source, destination), high = max(source, destination)
        return (low == 0 ? nil : Tunnel(port: low), high == 0 || high == low ? nil : Tunnel(port: high))
    }

    /// Offers `payload` (the UDP payload: captured bytes, `end` of them reported) to one tunnel's
    /// dissector. sFlow is handled by the decoder itself (it carries many packets).
    static func dissect(_ tunnel: Tunnel, _ payload: ByteView, end: Int) -> TunnelResult {
        switch tunnel {
        case .vxlan: return VXLAN.parse(payload, end: end, gpe: false)
        case .vxlanGPE: return VXLAN.parse(payload, end: end, gpe: true)
        case .geneve: return Geneve.parse(payload, end: end)
        case .gtp: return GTP.parse(payload, end: end, prime: false)
        case .gtpPrime: return GTP.parse(payload, end: end, prime: true)
        case .teredo: return Teredo.parse(payload, end: end)
        case .gre: return GRE.parse(payload, reported: end)
        case .l2tp: return L2TP.parse(payload, end: end)
        case .sflow: return .none
        }
    }
}
