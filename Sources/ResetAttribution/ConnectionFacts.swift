import TCPAnalysis

/// The facts of a finished tracker's connections that carried a TCP frame, in the order of their
/// indices. The facts read the tracker's summaries where they lie (nothing copied), and this list
/// keeps the summaries alive: read facts through a list you hold.
public struct ConnectionFactsList: RandomAccessCollection, Sendable {
    /// The summaries the facts read.
    public let store: SummaryStore
    private let facts: [ConnectionFacts]
    /// Each of the tracker's connections' place in `facts` (-1: it carried no TCP frame).
    private let places: [Int32]

    /// (Reserved at the connections' count: grown by doubling, the list held up to twice that.)
    public init(_ tracker: TCPTracker) {
        store = tracker.summaries
        var facts: [ConnectionFacts] = []
        facts.reserveCapacity(store.count)
        var places = [Int32](repeating: -1, count: store.count)
        for index in 0..<store.count where store[index].connection.hasTCPFrames {
            let roles = ConnectionOutcome.roles(store[index].connection)
            places[index] = Int32(facts.count)
            facts.append(ConnectionFacts(index: index, summary: store.reference(index), clientSide: roles.clientSide, basis: roles.basis))
        }
        self.facts = facts
        self.places = places
    }

    /// The place in this list of the tracker's connection `connection` (nil: it carried no TCP frame).
    public func place(of connection: Int) -> Int? {
        connection >= 0 && connection < places.count && places[connection] >= 0 ? Int(places[connection]) : nil
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { facts.count }
    public subscript(position: Int) -> ConnectionFacts { facts[position] }
}

/// A connection as the attribution sees it: a small handle on the tracker's summary (nothing
/// copied, so millions of connections cost little at the end) and its roles. Plain data, no
/// reference: copied on every thread at once, it touches no shared count (see `RecordReference`).
public struct ConnectionFacts: Sendable {
    private let summary: RecordReference<ConnectionSummary>
    private let connectionIndex: Int32
    private let clientSideByte: Int8
    public let roleBasis: RoleBasis

    init(index: Int, summary: RecordReference<ConnectionSummary>, clientSide: Int, basis: RoleBasis) {
        self.summary = summary
        connectionIndex = Int32(index)
        clientSideByte = Int8(clientSide)
        roleBasis = basis
    }

    /// The connection's index in the tracker.
    public var index: Int { Int(connectionIndex) }
    // Read in place (`_read`): the attribution asks for one field at a time.
    public var connection: Connection { _read { yield summary.record.connection } }
    public var side0: DirectionSummary { _read { yield summary.record.side0 } }
    public var side1: DirectionSummary { _read { yield summary.record.side1 } }
    /// Zeek's state and history (computed when asked: reports want it, the attribution rarely).
    public var outcome: ConnectionOutcome { ConnectionOutcome(connection, side0, side1) }
    public var clientSide: Int { Int(clientSideByte) }
    public func side(_ side: Int) -> DirectionSummary { summary.record.side(side) }
    public var client: DirectionSummary { _read { yield clientSideByte == 0 ? summary.record.side0 : summary.record.side1 } }
    public var server: DirectionSummary { _read { yield clientSideByte == 0 ? summary.record.side1 : summary.record.side0 } }
    public var clientEndpoint: (address: IPAddress, port: UInt16) { connection.key.endpoint(clientSide) }
    public var serverEndpoint: (address: IPAddress, port: UInt16) { connection.key.endpoint(1 - clientSide) }
    /// When the connection was opened (its SYN, or its first packet).
    public var openTime: Int64 { connection.synTime ?? connection.firstTime }
    /// A refused connection attempt: the client's SYN answered by a RST, no SYN-ACK.
    public var wasRefused: Bool { client.sawSYN && !server.sawSYNACK && server.sawRST }
}
