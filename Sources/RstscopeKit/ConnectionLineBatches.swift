#if canImport(Glibc)
import Glibc
#endif
import PacketCore
import Reporting
import Synchronization
import TCPAnalysis

/// The connection lines of a multi-threaded run, formatted on every thread in batches of
/// consecutive connections: batch `j` belongs to thread `j % threads`, thread 0 being the caller,
/// which writes every batch in order (the same bytes as one by one). A helper stays at most a few
/// batches ahead of the writer, so memory holds a few batches of text, not every line.
final class ConnectionLineBatches: @unchecked Sendable {
    private let store: ConnectionStore
    private let threads: Int
    private let batches: Int
    static let batchSize = 2048
    /// How far (in batches) a helper may run ahead of the writer.
    private let lead: Int
    /// Formatted batches waiting for the writer (nil: not ready, or already written).
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

    init(store: ConnectionStore, threads: Int) {
        self.store = store
        self.threads = max(threads, 1)
        batches = (store.count + Self.batchSize - 1) / Self.batchSize
        lead = 2 * self.threads
        slots = (0..<batches).map { _ in Slot() }
        helpers = (1..<self.threads).map { t in CaptureThread { self.help(t) } }
        for helper in helpers { helper.start() }
    }

    /// A helper's part: its batches, each published for the writer.
    private func help(_ thread: Int) {
        for batch in stride(from: thread, to: batches, by: threads) {
            while batch - written.load(ordering: .acquiring) > lead { usleep(50) }
            var writer = ByteWriter(capacity: Self.batchSize * 768)
            let count = format(batch, into: &writer)
            slots[batch].lines = consume writer
            slots[batch].count = count
            slots[batch].ready.store(true, ordering: .releasing)
        }
    }

    private func format(_ batch: Int, into writer: inout ByteWriter) -> Int {
        let start = batch * Self.batchSize, end = min(store.count, start + Self.batchSize)
        var count = 0
        for index in start..<end where store[index].connection.hasTCPFrames {
            AnalysisReport.writeConnection(ConnectionView(store[index]), to: &writer)
            count += 1
        }
        return count
    }

    /// Writes every line in order; returns how many.
    func write(to output: OutputBuffer) -> Int {
        var total = 0
        for batch in 0..<batches {
            if batch % threads == 0 {
                var writer = ByteWriter(capacity: Self.batchSize * 768)
                total += format(batch, into: &writer)
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
