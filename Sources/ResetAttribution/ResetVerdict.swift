import TCPAnalysis

/// The verdict on one RST frame.
public struct ResetVerdict: Sendable {
    /// The RST as the tracker observed it: read in place from the list of resets, which the
    /// report keeps (`AttributionReport.resets`; no copy of it per verdict).
    public var observation: ResetObservation { _read { yield reset.record } }
    private let reset: RecordReference<ResetObservation>
    /// The TCP role of the endpoint whose address the RST carries.
    public var senderRole: Role
    public var roleBasis: RoleBasis
    public var leg: Leg
    public var attribution: Attribution
    public var benign: Bool
    public var phase: ResetPhase
    public var cause: ResetCause
    /// The evidence, as data (`evidence` puts it in words).
    public var notes: [EvidenceNote]
    public var confidence: Double
    /// Index of the proxied session it belongs to, if any.
    public var session: Int?

    init(observing resets: PagedList<ResetObservation>, at index: Int, senderRole: Role, roleBasis: RoleBasis, leg: Leg,
         attribution: Attribution, benign: Bool, phase: ResetPhase, cause: ResetCause, notes: [EvidenceNote],
         confidence: Double, session: Int?) {
        reset = resets.reference(index)
        self.senderRole = senderRole
        self.roleBasis = roleBasis
        self.leg = leg
        self.attribution = attribution
        self.benign = benign
        self.phase = phase
        self.cause = cause
        self.notes = notes
        self.confidence = confidence
        self.session = session
    }

    /// The evidence in words, in order.
    public var evidence: [String] { notes.map(\.text) }
}

/// One proxied session: a front leg and the back legs it caused, with the HAProxy-style
/// termination code a proxy log would show for it.
public struct SessionVerdict: Sendable {
    public var front: Int
    public var backs: [Int]
    public var client: (address: IPAddress, port: UInt16)
    public var proxy: (address: IPAddress, port: UInt16)
    public var backend: (address: IPAddress, port: UInt16)?
    /// Two characters of HAProxy's section 8.5: what ended the session, and in which state.
    public var termination: String
    public var attribution: Attribution
    public var cause: ResetCause
    /// Verdict indices of the resets in this session.
    public var resets: [Int]
}

/// A group of resets sent after the same idle time: the mark of a configured timeout.
public struct TimeoutCluster: Sendable {
    public var attribution: Attribution
    public var count: Int
    public var meanMilliseconds: Double
    public var spreadMilliseconds: Double
}
