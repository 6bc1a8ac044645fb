import TCPAnalysis

/// The tracker's connections at the end of the input, shared by every `ConnectionFacts` (the
/// summaries are not copied: the table reads a finished tracker's own).
public final class ConnectionTable: @unchecked Sendable {
    public let store: SummaryStore
    /// The client side of each connection, decided once.
    let roles: [(side: Int8, basis: RoleBasis)]

    public init(_ tracker: TCPTracker) {
        store = tracker.summaries
        roles = tracker.connections.map { c in
            let r = ConnectionOutcome.roles(c)
            return (Int8(r.clientSide), r.basis)
        }
    }

    /// Every connection that carried a TCP frame.
    /// (Reserved at the connections' count: grown by doubling, the list held up to twice that.)
    public func facts() -> [ConnectionFacts] {
        var facts: [ConnectionFacts] = []
        facts.reserveCapacity(store.count)
        for index in 0..<store.count where store[index].connection.hasTCPFrames {
            facts.append(ConnectionFacts(index: index, table: self))
        }
        return facts
    }
}

/// A connection as the attribution sees it: a small handle on the tracker's record, its two
/// sides and its roles (nothing copied, so millions of connections cost little at the end).
public struct ConnectionFacts: Sendable {
    public let index: Int
    let table: ConnectionTable

    public init(index: Int, table: ConnectionTable) {
        self.index = index
        self.table = table
    }

    // Read in place (`_read`): the attribution asks for one field at a time.
    public var connection: Connection { _read { yield table.store[index].connection } }
    public var side0: DirectionSummary { _read { yield table.store[index].side0 } }
    public var side1: DirectionSummary { _read { yield table.store[index].side1 } }
    /// Zeek's state and history (computed when asked: reports want it, the attribution rarely).
    public var outcome: ConnectionOutcome { ConnectionOutcome(connection, side0, side1) }
    public var clientSide: Int { Int(table.roles[index].side) }
    public var roleBasis: RoleBasis { table.roles[index].basis }
    public func side(_ side: Int) -> DirectionSummary { table.store[index].side(side) }
    public var client: DirectionSummary { _read { yield clientSide == 0 ? table.store[index].side0 : table.store[index].side1 } }
    public var server: DirectionSummary { _read { yield clientSide == 0 ? table.store[index].side1 : table.store[index].side0 } }
    public var clientEndpoint: (address: IPAddress, port: UInt16) { connection.key.endpoint(clientSide) }
    public var serverEndpoint: (address: IPAddress, port: UInt16) { connection.key.endpoint(1 - clientSide) }
    /// When the connection was opened (its SYN, or its first packet).
    public var openTime: Int64 { connection.synTime ?? connection.firstTime }
    /// A refused connection attempt: the client's SYN answered by a RST, no SYN-ACK.
    public var wasRefused: Bool { client.sawSYN && !server.sawSYNACK && server.sawRST }
}
