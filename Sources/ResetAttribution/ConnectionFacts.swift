import TCPAnalysis

/// A connection as the attribution sees it: its tracker record, its two sides and its roles.
public struct ConnectionFacts: Sendable {
    public let index: Int
    public let connection: Connection
    public let outcome: ConnectionOutcome
    public let side0: DirectionState
    public let side1: DirectionState

    public init(index: Int, connection: Connection, side0: DirectionState, side1: DirectionState) {
        self.index = index
        self.connection = connection
        self.side0 = side0
        self.side1 = side1
        outcome = ConnectionOutcome(connection, side0, side1)
    }

    public var clientSide: Int { outcome.clientSide }
    public func side(_ side: Int) -> DirectionState { side == 0 ? side0 : side1 }
    public var client: DirectionState { side(clientSide) }
    public var server: DirectionState { side(1 - clientSide) }
    public var clientEndpoint: (address: IPAddress, port: UInt16) { connection.key.endpoint(clientSide) }
    public var serverEndpoint: (address: IPAddress, port: UInt16) { connection.key.endpoint(1 - clientSide) }
    /// When the connection was opened (its SYN, or its first packet).
    public var openTime: Int64 { connection.synTime ?? connection.firstTime }
    /// A refused connection attempt (SYN answered by RST, no SYN-ACK).
    public var wasRefused: Bool { outcome.state == "REJ" }
}
