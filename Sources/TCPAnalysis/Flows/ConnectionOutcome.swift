/// How a connection went, in the vocabulary of Zeek's conn.log: who the client was, the
/// `conn_state`, the `history` letters, and how it ended.
public struct ConnectionOutcome: Sendable {
    /// The client's side (0 or 1 of the key) and how that was decided.
    public var clientSide: Int
    public var roleBasis: RoleBasis
    /// Zeek's conn_state: S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR or OTH.
    /// (The words are static strings: a report writes them with one copy, and the outcome holds no
    /// reference.)
    public let stateWord: StaticString
    public var state: String { stateWord.description }
    /// Zeek's history: originator (client) letters upper case, responder letters lower case.
    public var history: String { historyLog.text(clientSide: clientSide) }
    public let historyLog: HistoryLog
    /// "rst", "fin" or "open".
    public let endWord: StaticString
    public var end: String { endWord.description }
    /// Which side sent the first RST (or FIN when there was no RST): "client", "server" or nil.
    public let closedByWord: StaticString?
    public var closedBy: String? { closedByWord?.description }

    /// Ports servers commonly listen on above 1023, used only when no handshake was seen.
    static let serverPorts: Set<UInt16> = [1080, 1433, 1521, 2049, 3128, 3306, 3389, 5432, 5672, 5900, 6379, 6443,
                                           8000, 8008, 8080, 8081, 8443, 8888, 9000, 9090, 9092, 9200, 9300, 11211, 27017]

    /// Which side is the client, and how that was decided: the pure SYN's sender, else the peer
    /// of the SYN-ACK's sender, else the side not on a server port, else the first sender.
    public static func roles(_ connection: Connection) -> (clientSide: Int, basis: RoleBasis) {
        if let synSide = connection.synSender { return (synSide, .syn) }
        if let synAckSide = connection.synAckSender { return (1 - synAckSide, .synack) }
        if let serverSide = serverSideByPort(connection.key) { return (1 - serverSide, .port) }
        return (Int(connection.firstSender), .firstData)
    }

    public init(_ connection: Connection, _ side0: DirectionSummary, _ side1: DirectionSummary) {
        (clientSide, roleBasis) = Self.roles(connection)
        let client = clientSide == 0 ? side0 : side1, server = clientSide == 0 ? side1 : side0
        let established = client.sawSYN && server.sawSYNACK
        switch (client.sawSYN, server.sawSYNACK) {
        case (false, false):
            stateWord = "OTH"
        case (true, false):
            stateWord = server.sawRST ? "REJ" : client.sawRST ? "RSTOS0" : client.sawFIN ? "SH" : "S0"
        case (false, true):
            stateWord = server.sawRST ? "RSTRH" : server.sawFIN ? "SHR" : "OTH"
        case (true, true):
            if client.sawRST || server.sawRST {
                stateWord = connection.firstRSTSide == Int8(clientSide) ? "RSTO" : "RSTR"
            } else if client.sawFIN && server.sawFIN {
                stateWord = "SF"
            } else if client.sawFIN {
                stateWord = "S2"
            } else if server.sawFIN {
                stateWord = "S3"
            } else {
                stateWord = "S1"
            }
        }
        _ = established
        historyLog = connection.history
        if let rstSide = connection.firstRSTSide {
            endWord = "rst"
            closedByWord = Int(rstSide) == clientSide ? "client" : "server"
        } else if let finSide = connection.firstFINSide {
            endWord = "fin"
            closedByWord = Int(finSide) == clientSide ? "client" : "server"
        } else {
            endWord = "open"
            closedByWord = nil
        }
    }

    /// The side listening on a well-known or common service port, when only one side is.
    static func serverSideByPort(_ key: FlowKey) -> Int? {
        func isServerPort(_ port: UInt16) -> Bool { port < 1024 || serverPorts.contains(port) }
        switch (isServerPort(key.port0), isServerPort(key.port1)) {
        case (true, false): return 0
        case (false, true): return 1
        case (true, true): return key.port0 < key.port1 ? 0 : 1
        default: return nil
        }
    }
}
