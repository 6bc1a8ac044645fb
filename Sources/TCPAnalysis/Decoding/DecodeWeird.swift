/// Named reasons a packet could not be decoded as far as it claims (Zeek's "weirds"). Counted, never
/// fatal.
public enum DecodeWeird: Int, CaseIterable, Sendable, Error {
    case truncatedLinkHeader
    case badIPVersion
    case truncatedIPv4Header
    case badIPv4HeaderLength
    case ipv4TotalLengthTooSmall
    case ipv4OptionBadLength
    case truncatedIPv6Header
    case truncatedIPv6ExtensionHeader
    case tcpTooShort
    case badTCPHeaderLength
    case tcpOptionBadLength
    case tcpChecksumBad
    case truncatedTunnelHeader
    case badUDPLength
    case tunnelTooDeep

    /// The name in output (snake case, grep-friendly).
    public var name: String {
        switch self {
        case .truncatedLinkHeader: return "truncated_link_header"
        case .badIPVersion: return "bad_ip_version"
        case .truncatedIPv4Header: return "truncated_ipv4_header"
        case .badIPv4HeaderLength: return "bad_ipv4_header_length"
        case .ipv4TotalLengthTooSmall: return "ipv4_total_length_too_small"
        case .ipv4OptionBadLength: return "ipv4_option_bad_length"
        case .truncatedIPv6Header: return "truncated_ipv6_header"
        case .truncatedIPv6ExtensionHeader: return "truncated_ipv6_extension_header"
        case .tcpTooShort: return "tcp_shorter_than_16_bytes"
        case .badTCPHeaderLength: return "bad_tcp_header_length"
        case .tcpOptionBadLength: return "tcp_option_bad_length"
        case .tcpChecksumBad: return "tcp_checksum_bad"
        case .truncatedTunnelHeader: return "truncated_tunnel_header"
        case .badUDPLength: return "bad_udp_length"
        case .tunnelTooDeep: return "tunnel_too_deep"
        }
    }
}

/// A fixed table of weird counters: no allocation when one is counted.
public struct WeirdCounts: Sendable, Equatable {
    private var counts = [Int](repeating: 0, count: DecodeWeird.allCases.count)

    public init() {}

    @inlinable public mutating func count(_ weird: DecodeWeird) { self[weird] += 1 }

    public subscript(weird: DecodeWeird) -> Int {
        get { counts[weird.rawValue] }
        set { counts[weird.rawValue] = newValue }
    }

    /// The non-zero counters, in declaration order.
    public var nonZero: [(DecodeWeird, Int)] {
        DecodeWeird.allCases.compactMap { counts[$0.rawValue] > 0 ? ($0, counts[$0.rawValue]) : nil }
    }

    public mutating func add(_ other: WeirdCounts) {
        for i in counts.indices { counts[i] += other.counts[i] }
    }
}
