import PacketCapture
import PacketCore
import Reporting
import TCPAnalysis

/// Multi-threaded reading of one memory-mapped capture file (`--threads N`): the calling thread
/// reads every record, counts and filters it, and routes it by the flow hash of its connection
/// (`ShardMap`): it analyzes the connections of shard 0 itself and hands each other record, a
/// copy of its 64-byte description whose bytes stay in the mapping, to its shard's thread through
/// a `RecordRing` (a record it cannot route by its headers, to every shard). Each shard sees its connections' packets in frame order; at the end the shards
/// are merged into the pipeline one pass would have built, so the output is the same byte for byte.
///
/// Only readers of a mapped file (`readsMappedFile`) are read so: other readers reuse their
/// buffers, and are read on this thread alone.
public func analyzeShardedCapture(_ reader: any PacketReader, threads: Int, options: PipelineOptions,
                                  output: OutputBuffer?, progress: ((Int) -> Void)? = nil) -> (pipeline: Pipeline, failure: CaptureError?) {
    guard reader.readsMappedFile && threads > 1 else {
        var reader = reader
        var pipeline = Pipeline(options: options, output: output)
        let failure = analyzeCapture(&reader, pipeline: &pipeline, progress: progress)
        return (pipeline, failure)
    }
    let map = ShardMap.balanced(threads: threads, readCost: reader.readCost)
    let shards = (0..<threads).map { i in
        var shardOptions = options
        shardOptions.shard = (i, map)
        return ShardRun(pipeline: Pipeline(options: shardOptions, output: output))
    }
    // Event lines leave as the shards read (JSON Lines): a thread merges what the shards hand over.
    var lineWriter: EventLineWriter?
    if let output, options.format == .jsonl {
        let spools = shards.map { _ in EventSpool(leading: output.leadingFields) }
        for (shard, spool) in zip(shards, spools) { shard.pipeline.spool = spool }
        lineWriter = EventLineWriter(spools: spools, output: output)
    }
    let router = RecordRouter(count: threads - 1)
    let helpers = router.rings.indices.map { i in
        CaptureThread {
            drain(router.rings[i], into: &shards[i + 1].pipeline)
            PhaseClock.mark("helper-read")
            shards[i + 1].pipeline.finishEvents()
            shards[i + 1].pipeline.finishTracking()  // on this thread, beside the others
            PhaseClock.mark("helper-finished")
        }
    }
    for helper in helpers { helper.start() }
    var reader = reader
    let failure = routeCapture(&reader, pipeline: &shards[0].pipeline, router: router, progress: progress)
    PhaseClock.mark("reader-read")
    shards[0].pipeline.finishEvents()
    shards[0].pipeline.finishTracking()
    for helper in helpers { helper.join() }
    lineWriter?.wait()
    reader.releaseReadPages()
    PhaseClock.mark("shards-joined")
    defer { PhaseClock.mark("shards-merged") }
    return (Pipeline.merged(shards.map(\.pipeline), output: output), failure)
}

/// One shard of a multi-threaded read: written by its thread, read by the caller after `join`.
private final class ShardRun: @unchecked Sendable {
    var pipeline: Pipeline
    init(pipeline: Pipeline) { self.pipeline = pipeline }
}

private func drain(_ ring: RecordRing, into pipeline: inout Pipeline) {
    while let (record, entry) = ring.pop() {
        switch entry {
        case .owned: pipeline.processRouted(record)
        case .shared: pipeline.processShared(record)
        // Every record of this shard up to the mark's frame is analyzed: its event lines up to
        // there may go, however few records the shard gets (its own count would stall the others).
        case .watermark: pipeline.publishEvents(through: record.frame)
        }
    }
}

/// How many frames the reader routes between two hand-overs of the event lines: often enough
/// that few are held, rarely enough that the hand-over (a lock, a mark in each ring) costs
/// nothing per packet.
private let eventPublishInterval = 2048

/// Shard 0's loop: reads, routes; the rings are closed however the read ends (a truncated file
/// keeps what was read, on every shard).
private func routeCapture(_ reader: inout any PacketReader, pipeline: inout Pipeline, router: RecordRouter,
                          progress: ((Int) -> Void)?) -> CaptureError? {
    defer { router.close() }
    if var mapped = reader as? PcapReader<MappedSource> {
        defer { reader = mapped }
        return routeRecords(&mapped, pipeline: &pipeline, router: router, progress: progress)
    }
    if var mapped = reader as? PcapngReader<MappedSource> {
        defer { reader = mapped }
        return routeRecords(&mapped, pipeline: &pipeline, router: router, progress: progress)
    }
    return routeRecords(&reader, pipeline: &pipeline, router: router, progress: progress)
}

@_specialize(where Reader == PcapReader<MappedSource>)
@_specialize(where Reader == PcapngReader<MappedSource>)
private func routeRecords<Reader: PacketReader>(_ reader: inout Reader, pipeline: inout Pipeline, router: RecordRouter,
                                                progress: ((Int) -> Void)?) -> CaptureError? {
    do {
        while let record = try reader.next() {
            let owner = try pipeline.route(record)
            if owner > 0 {
                router.push(record, to: owner - 1)
            } else if owner == Pipeline.everyShard {
                router.broadcast(record)
            }
            if record.frame & (eventPublishInterval - 1) == 0 {
                pipeline.publishEvents(through: record.frame)
                router.markRouted(through: record)
            }
            if let progress, record.frame & 0xFFFF == 0 { progress(record.frame) }
        }
        return nil
    } catch {
        return error
    }
}

