/// A connection once its input has ended: the connection and what the reports read of its two
/// directions, 288 bytes where the tracker's record takes 400 (see `DirectionSummary`). A finished
/// tracker holds these alone; the attribution and the reports read them in place.
public struct ConnectionSummary: Sendable {
    public internal(set) var connection: Connection
    public let side0: DirectionSummary
    public let side1: DirectionSummary

    init(_ record: ConnectionRecord) {
        connection = record.connection
        side0 = DirectionSummary(record.side0, record.connection.timeScale)
        side1 = DirectionSummary(record.side1, record.connection.timeScale)
    }

    public func side(_ side: Int) -> DirectionSummary { side == 0 ? side0 : side1 }
}
