#if canImport(Glibc)
import Glibc
#endif
import PacketCore
import Reporting
import Synchronization

/// Lines of a multi-threaded run formatted on every thread in batches of consecutive items:
/// batch `j` belongs to thread `j % threads`, thread 0 being the writer, which writes every batch
/// in order (the same bytes as one by one): the caller (`write`), or a thread of its own while the
/// caller does other work (`writeInBackground`, then `wait`). A helper stays at most a few batches
/// ahead of the writer, so memory holds a few batches of text, not every line. `format` writes the
/// lines of a range of items and returns how many it wrote; it runs on several threads at once.
final class ParallelLines: @unchecked Sendable {
    private let items: Int
    private let batchSize: Int
    private let threads: Int
    private let batches: Int
    private let format: (Range<Int>, inout ByteWriter) -> Int
    /// How far (in batches) a helper may run ahead of the writer.
    private let lead: Int
    /// A batch's buffer: room for a batch of lines as long as `lineBytes`, so that it rarely grows
    /// (a growth copies the batch).
    private let capacity: Int
    /// Formatted batches waiting for the writer.
    private let slots: [Slot]
    /// Batches written so far.
    private let written = Atomic<Int>(0)
    private var helpers: [CaptureThread] = []

    /// A batch handed from its helper to the writer: `lines` and `count` are set, then `ready`
    /// (release); the writer reads them after seeing `ready` (acquire).
    private final class Slot: @unchecked Sendable {
        var lines: ByteWriter?
        var count = 0
        let ready = Atomic<Bool>(false)
    }

    /// Starts the helpers at once (they format their first batches while the caller does other work).
    init(items: Int, batchSize: Int, lineBytes: Int, threads: Int, format: @escaping (Range<Int>, inout ByteWriter) -> Int) {
        self.items = items
        self.batchSize = batchSize
        capacity = batchSize * lineBytes
        self.threads = max(threads, 1)
        self.format = format
        batches = (items + batchSize - 1) / batchSize
        lead = 2 * self.threads
        slots = (0..<batches).map { _ in Slot() }
        helpers = (1..<self.threads).map { t in CaptureThread { self.help(t) } }
        for helper in helpers { helper.start() }
    }

    private func range(_ batch: Int) -> Range<Int> { batch * batchSize..<min(items, (batch + 1) * batchSize) }

    /// A helper's part: its batches, each published for the writer.
    private func help(_ thread: Int) {
        for batch in stride(from: thread, to: batches, by: threads) {
            while batch - written.load(ordering: .acquiring) > lead { usleep(50) }
            var writer = ByteWriter(capacity: capacity)
            let count = format(range(batch), &writer)
            slots[batch].lines = consume writer
            slots[batch].count = count
            slots[batch].ready.store(true, ordering: .releasing)
        }
    }

    /// The thread of `writeInBackground`, and what it wrote.
    private var backgroundWriter: CaptureThread?
    private var backgroundTotal = 0

    /// Writes every line in order on a thread of its own; nothing else may use `output` until
    /// `wait` returns.
    func writeInBackground(to output: OutputBuffer) {
        precondition(backgroundWriter == nil, "ParallelLines: written twice")
        backgroundWriter = CaptureThread { self.backgroundTotal = self.write(to: output) }
        backgroundWriter!.start()
    }

    /// Waits for `writeInBackground` to finish; returns how many lines it wrote.
    func wait() -> Int {
        backgroundWriter?.join()
        backgroundWriter = nil  // it held this object: the cycle ends here
        return backgroundTotal
    }

    /// Writes every line in order; returns how many.
    func write(to output: OutputBuffer) -> Int {
        var total = 0
        for batch in 0..<batches {
            if batch % threads == 0 {
                var writer = ByteWriter(capacity: capacity)
                total += format(range(batch), &writer)
                output.append(writer)
            } else {
                let slot = slots[batch]
                while !slot.ready.load(ordering: .acquiring) { usleep(50) }
                if let lines = slot.lines.take() { output.append(lines) }
                total += slot.count
            }
            written.store(batch + 1, ordering: .releasing)
        }
        for helper in helpers { helper.join() }
        helpers = []  // they held this object: the cycle ends here
        return total
    }
}
