import PacketCore
import Reporting
import TCPAnalysis
import Synchronization

/// A shard's event lines on their way to the thread that writes them (a multi-threaded run with
/// JSON Lines output). The shard formats each line without its stream number (which depends on
/// the other shards' connections) and appends it in frame order, with a marker for every
/// connection it creates; it hands them over in chunks, with a watermark: nothing more will come
/// of a frame at or below it. `EventLineWriter` merges the shards' chunks by frame up to their
/// lowest watermark and puts the stream numbers in. So the lines leave while the capture is read
/// (a shard kept every event until the merge: 25 MiB more peak on the 2M capture with `--events all`), and
/// the shards' threads do the formatting.
final class EventSpool: @unchecked Sendable {
    /// Lines (or markers) a chunk holds. A chunk's text (60 KiB to start with; an event line
    /// takes about 120 bytes) stays under malloc's mmap threshold (128 KiB).
    static let chunkSize = 512

    /// One line of a chunk (`cut` is where its stream number goes), or a connection's creation
    /// (`cut` < 0).
    struct Entry {
        @Count32 var frame: Int
        @Count32 var connection: Int
        var start: Int32
        var cut: Int32
    }

    /// Lines formatted in a row, and where each one is.
    final class Chunk: @unchecked Sendable {
        @exclusivity(unchecked) var text: ByteWriter
        @exclusivity(unchecked) var entries: [Entry] = []

        /// `lines`: room for as many lines (0: the producer's last, which is never filled).
        init(lines: Int = EventSpool.chunkSize) {
            text = ByteWriter(capacity: lines * 120)
            entries.reserveCapacity(lines)
        }

        /// (Consumer.) Writes the lines from entry `first` on, up to the first of a frame at or
        /// past `limit`, into `output`, with their connections' numbers from `streams` (a marker
        /// adds its connection's: `nextStream`). Returns the entry it stopped at.
        func write(from first: Int, below limit: Int, streams: inout [Int32], nextStream: inout Int32, to output: OutputBuffer) -> Int {
            text.withUnsafeBytes { text in
                entries.withUnsafeBufferPointer { entries in
                    var i = first
                    while i < entries.count && entries[i].frame < limit {
                        let entry = entries[i]
                        if entry.cut < 0 {
                            streams.append(nextStream)
                            nextStream += 1
                        } else {
                            let start = Int(entry.start), end = i + 1 < entries.count ? Int(entries[i + 1].start) : text.count
                            AnalysisReport.writeEvent(UnsafeRawBufferPointer(rebasing: text[start..<end]), cut: Int(entry.cut) - start,
                                                      stream: Int(streams[entry.connection]), to: output)
                        }
                        i += 1
                    }
                    return i
                }
            }
        }
    }

    private let leading: [UInt8]
    /// The producer's chunk being filled.
    @exclusivity(unchecked) private var pending = Chunk()
    /// (Producer's.) Connections marked so far.
    @exclusivity(unchecked) private var connectionsMarked = 0
    private let handed = Mutex(Handed())

    private struct Handed {
        var chunks: [Chunk] = []
        var watermark = -1
        /// Chunks the writer is done with, for the producer to fill again: once the first few
        /// exist, no chunk is allocated (and no freed one leaves a hole in malloc's heap: that cost
        /// 6 MiB of peak memory on the 2M capture).
        var spare: [Chunk] = []
    }

    /// `leading`: the output's leading fields.
    init(leading: [UInt8]) {
        self.leading = leading
    }

    /// (Producer.) An event line, after the ones before it in frame order.
    func append(_ event: EventRecord) {
        let start = pending.text.count
        let cut = event.writeWithoutStream(to: &pending.text, leading: leading)
        add(Entry(frame: event.frame, connection: event.connection, start: Int32(start), cut: Int32(cut)))
    }

    /// (Producer.) The shard has created `created` connections by `frame`: a marker for each
    /// one it has not marked yet.
    @inline(__always)
    func noteConnections(_ created: Int, at frame: Int) {
        while connectionsMarked < created { appendCreation(frame: frame) }
    }

    /// (Producer.) The shard created its next connection at `frame`.
    func appendCreation(frame: Int) {
        connectionsMarked += 1
        add(Entry(frame: frame, connection: 0, start: Int32(pending.text.count), cut: -1))
    }

    @inline(__always)
    private func add(_ entry: Entry) {
        pending.entries.append(entry)
        if pending.entries.count == Self.chunkSize { hand(watermark: nil) }
    }

    /// (Producer.) Every line of a frame up to `frame` has been appended.
    func publish(through frame: Int) { hand(watermark: frame) }

    /// (Producer.) The shard's input has ended: its last chunk goes, and no spare is kept for it.
    func finish() { hand(watermark: Self.endOfInput) }

    /// The watermark of a shard whose input has ended.
    static let endOfInput = Int.max

    private func hand(watermark: Int?) {
        let last = watermark == Self.endOfInput
        let chunk = pending.entries.isEmpty ? nil : pending
        let spare = handed.withLock { handed -> Chunk? in
            if let chunk { handed.chunks.append(chunk) }
            if let watermark { handed.watermark = watermark }
            if last { handed.spare = [] }
            return chunk == nil || last ? nil : handed.spare.popLast()
        }
        if last {
            pending = Chunk(lines: 0)
        } else if chunk != nil {
            pending = spare ?? Chunk()
        }
    }

    /// (Consumer.) Chunks whose lines are written, emptied for the producer (dropped once it has
    /// finished: they would stay to the end of the run, through the attribution's peak).
    func recycle(_ chunks: ArraySlice<Chunk>) {
        // (Emptied outside the lock, which the producer takes at every hand-over.)
        for chunk in chunks {
            chunk.text.removeAll()
            chunk.entries.removeAll(keepingCapacity: true)
        }
        handed.withLock { handed in
            if handed.watermark != Self.endOfInput { handed.spare.append(contentsOf: chunks) }
        }
    }

    /// (Consumer.) The chunks handed over since the last call, and the watermark they reach.
    func take() -> (chunks: [Chunk], watermark: Int) {
        handed.withLock { handed in
            let chunks = handed.chunks
            handed.chunks = []
            return (chunks, handed.watermark)
        }
    }
}
