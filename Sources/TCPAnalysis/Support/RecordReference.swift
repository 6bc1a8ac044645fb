/// One element of a `RecordStore` or a `PagedList`, read where it lies, holding no reference to
/// its store: for the views that are many, copied often and read on several threads at once (the
/// attribution's connection facts, and its verdicts' resets). A reference to the store in each of
/// them made every copy an atomic change of the one count they all shared, and that count's cache
/// line bounced between the cores. Valid while its store lives: whoever hands these out keeps the
/// store (`ConnectionFactsList`, `AttributionReport`). Elements never move: both grow by fixed
/// pages, and a `PagedList` shared with a copy is copied before it changes.
public struct RecordReference<Record>: @unchecked Sendable {
    @usableFromInline let address: UnsafePointer<Record>

    init(address: UnsafeMutablePointer<Record>) { self.address = UnsafePointer(address) }

    @inlinable
    public var record: Record { unsafeAddress { address } }
}
