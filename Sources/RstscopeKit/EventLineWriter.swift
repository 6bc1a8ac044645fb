#if canImport(Glibc)
import Glibc
#endif
import PacketCore
import Reporting

/// Writes the event lines of a multi-threaded run while the shards read: merges the chunks their
/// `EventSpool`s hand over by frame, up to the lowest watermark, and puts in the stream numbers,
/// given as a single pass gave them. A frame belongs to one shard, and every shard created its
/// connections in frame order, so this merge is the single pass's order of lines and of
/// connections (the same merge as `TCPTracker.merged`): the bytes are the single pass's.
final class EventLineWriter: @unchecked Sendable {
    private let spools: [EventSpool]
    private let output: OutputBuffer
    private var thread: CaptureThread?

    /// Starts writing at once, on a thread of its own; nothing else may use `output` until `wait`.
    init(spools: [EventSpool], output: OutputBuffer) {
        self.spools = spools
        self.output = output
        thread = CaptureThread { self.run() }
        thread!.start()
    }

    /// Waits until every spool has finished and its lines are written.
    func wait() { thread?.join() }

    /// A shard's chunks received and not yet written, and its connections' stream numbers (in
    /// its creation order).
    private struct Queue {
        var chunks: [EventSpool.Chunk] = []
        var chunk = 0
        var entry = 0
        var watermark = -1
        var streams: [Int32] = []
        var isEmpty: Bool { chunk == chunks.count }
        var headFrame: Int { chunks[chunk].entries[entry].frame }

        /// Takes what `spool` handed over; the chunks already written go back to it.
        mutating func receive(from spool: EventSpool) {
            if chunk > 0 {
                spool.recycle(chunks[..<chunk])
                chunks.removeFirst(chunk)
                chunk = 0
            }
            let taken = spool.take()
            chunks.append(contentsOf: taken.chunks)
            watermark = taken.watermark
        }

        /// Writes its lines of frames below `limit`.
        mutating func write(below limit: Int, nextStream: inout Int32, to output: OutputBuffer) {
            while !isEmpty {
                let current = chunks[chunk]
                entry = current.write(from: entry, below: limit, streams: &streams, nextStream: &nextStream, to: output)
                if entry < current.entries.count { return }
                chunk += 1
                entry = 0
            }
        }
    }

    private func run() {
        var queues = [Queue](repeating: Queue(), count: spools.count)
        var nextStream: Int32 = 0
        while true {
            for s in spools.indices { queues[s].receive(from: spools[s]) }
            var wrote = false
            while let (pick, limit) = next(queues) {
                queues[pick].write(below: limit, nextStream: &nextStream, to: output)
                wrote = true
            }
            if queues.allSatisfy({ $0.isEmpty && $0.watermark == EventSpool.endOfInput }) { return }
            // Nothing to write: a millisecond's nap (the shards hand over every 2,048 frames). The
            // 2M capture's run switches context 2,300 times with it, 7,200 with 100 µs, 1,500
            // without this thread.
            if !wrote { usleep(1000) }
        }
    }

    /// The shard whose lines come next, and the frame they may go up to (not included): the
    /// lowest frame at the head of a queue, up to the next shard's head, or through the watermark
    /// of a shard with nothing queued (it may still send lines of later frames). Nil: nothing may
    /// go yet.
    private func next(_ queues: [Queue]) -> (shard: Int, limit: Int)? {
        var pick = -1
        var frame = Int.max
        for s in queues.indices where !queues[s].isEmpty && queues[s].headFrame < frame {
            pick = s
            frame = queues[s].headFrame
        }
        guard pick >= 0 else { return nil }
        var limit = Int.max
        for s in queues.indices where s != pick {
            // (A head at the same frame cannot be: a frame is one shard's. Were it so, the first
            // shard's lines of it go first, rather than none ever.)
            let bound = queues[s].isEmpty ? (queues[s].watermark == EventSpool.endOfInput ? .max : queues[s].watermark + 1)
                                          : max(queues[s].headFrame, frame + 1)
            limit = min(limit, bound)
        }
        return limit > frame ? (pick, limit) : nil
    }
}
