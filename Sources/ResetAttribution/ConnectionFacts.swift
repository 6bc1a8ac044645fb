import TCPAnalysis

/// The tracker's connections and directions at the end of the input, shared by every
/// `ConnectionFacts` (the arrays are not copied: they share the tracker's storage).
public final class ConnectionTable: @unchecked Sendable {
    public let connections: [Connection]
    public let directions: [DirectionState]
    /// The client side of each connection, decided once.
    let roles: [(side: Int8, basis: RoleBasis)]

    public init(connections: [Connection], directions: [DirectionState]) {
        self.connections = connections
        self.directions = directions
        roles = connections.map { c in
            let r = ConnectionOutcome.roles(c)
            return (Int8(r.clientSide), r.basis)
        }
    }

    /// Every connection that carried a TCP frame.
    public func facts() -> [ConnectionFacts] {
        connections.indices.compactMap { connections[$0].hasTCPFrames ? ConnectionFacts(index: $0, table: self) : nil }
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

    public var connection: Connection { table.connections[index] }
    public var side0: DirectionState { table.directions[2 * index] }
    public var side1: DirectionState { table.directions[2 * index + 1] }
    /// Zeek's state and history (computed when asked: reports want it, the attribution rarely).
    public var outcome: ConnectionOutcome { ConnectionOutcome(connection, side0, side1) }
    public var clientSide: Int { Int(table.roles[index].side) }
    public var roleBasis: RoleBasis { table.roles[index].basis }
    public func side(_ side: Int) -> DirectionState { table.directions[2 * index + side] }
    public var client: DirectionState { side(clientSide) }
    public var server: DirectionState { side(1 - clientSide) }
    public var clientEndpoint: (address: IPAddress, port: UInt16) { table.connections[index].key.endpoint(clientSide) }
    public var serverEndpoint: (address: IPAddress, port: UInt16) { table.connections[index].key.endpoint(1 - clientSide) }
    /// When the connection was opened (its SYN, or its first packet).
    public var openTime: Int64 { let c = table.connections[index]; return c.synTime ?? c.firstTime }
    /// A refused connection attempt: the client's SYN answered by a RST, no SYN-ACK.
    public var wasRefused: Bool { client.sawSYN && !server.sawSYNACK && server.sawRST }
}
