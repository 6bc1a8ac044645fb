/// A connection once its input has ended: the connection and what the reports read of its two
/// directions, 272 bytes where the tracker's record takes 400 (see `DirectionSummary.Kept`). A
/// finished tracker holds these alone; the attribution and the reports read them in place.
public struct ConnectionSummary: Sendable {
    public internal(set) var connection: Connection
    @usableFromInline let kept0: DirectionSummary.Kept
    @usableFromInline let kept1: DirectionSummary.Kept

    init(_ record: ConnectionRecord) {
        connection = record.connection
        kept0 = DirectionSummary.Kept(record.side0)
        kept1 = DirectionSummary.Kept(record.side1)
    }

    @inlinable public var side0: DirectionSummary { side(0) }
    @inlinable public var side1: DirectionSummary { side(1) }

    @inlinable public func side(_ side: Int) -> DirectionSummary { DirectionSummary(side == 0 ? kept0 : kept1, connection.timeScale) }
}
