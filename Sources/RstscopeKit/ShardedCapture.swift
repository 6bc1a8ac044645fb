import PacketCapture
import PacketCore
import Reporting

/// Multi-threaded reading of one memory-mapped capture file (`--threads N`): N shards each read
/// the whole file through one shared mapping, each decodes and tracks the connections of its
/// flow-hash shard (a plain TCP packet's shard is read from its headers, see `FastShard`). Nothing is exchanged while
/// reading; at the end the shards are merged into the pipeline one pass would have built, so the
/// output is the same byte for byte.
///
/// `first` is the input opened already (it becomes shard 0, read on the calling thread, with the
/// progress); the other shards open `path` again.
public func analyzeShardedCapture(_ first: any PacketReader, path: String, threads: Int, options: PipelineOptions,
                                  output: OutputBuffer?, progress: ((Int) -> Void)? = nil) -> (pipeline: Pipeline, failure: CaptureError?) {
    let shards = (0..<threads).map { i in
        var shardOptions = options
        shardOptions.shard = (i, threads)
        return ShardRun(pipeline: Pipeline(options: shardOptions, output: output))
    }
    shards[0].reader = first
    // The same mapping when the input has one (its page tables are shared), made here before any
    // thread reads `first`; else every shard opens the file again.
    for shard in shards.dropFirst() {
        do throws(CaptureError) {
            shard.reader = try first.reopened()
        } catch {
            shard.failure = error
        }
    }
    let helpers = shards.dropFirst().map { shard in
        CaptureThread {
            do throws(CaptureError) {
                if shard.failure != nil { return }
                if shard.reader == nil { shard.reader = try CaptureFile.open(path, reader: .native) }
                shard.failure = analyzeCapture(&shard.reader!, pipeline: &shard.pipeline)
                shard.reader!.finish()
            } catch {
                shard.failure = error
            }
        }
    }
    for helper in helpers { helper.start() }
    shards[0].failure = analyzeCapture(&shards[0].reader!, pipeline: &shards[0].pipeline, progress: progress)
    shards[0].reader!.finish()
    for helper in helpers { helper.join() }
    // Every shard read the same records: the first failure is every shard's.
    let failure = shards[0].failure ?? shards.lazy.compactMap(\.failure).first
    return (Pipeline.merged(shards.map(\.pipeline), output: output), failure)
}

/// One shard of a multi-threaded read: written by its thread, read by the caller after `join`.
private final class ShardRun: @unchecked Sendable {
    var pipeline: Pipeline
    var reader: (any PacketReader)?
    var failure: CaptureError?
    init(pipeline: Pipeline) { self.pipeline = pipeline }
}
