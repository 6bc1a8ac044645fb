import PacketCore

/// What a tunnel header found in its payload: where the inner headers begin (and end), nothing to
/// decode, a header cut short, or (for a UDP port's dissector) a refusal that lets the other port try.
enum TunnelResult {
    case inner(LinkStep, offset: Int, end: Int)
    case none
    case truncated
    case rejected
}

extension TunnelResult {
    /// The same result with offsets counted from `shift` bytes earlier.
    func shifted(by shift: Int) -> TunnelResult {
        switch self {
        case .inner(let step, let offset, let end): return .inner(step, offset: offset + shift, end: end + shift)
        case .none, .truncated, .rejected: return self
        }
    }
}
