/// How the connections are split among the shards of a multi-threaded read: by the top six bits of
/// a direction-independent flow hash, 64 buckets. Shard 0 is the thread that reads the file and
/// routes every record to its owner, so it owns fewer buckets; the other shards share the rest.
/// Any split gives the same output (the shards are merged by frame): only the balance changes.
public struct ShardMap: Sendable, Equatable {
    public let count: Int
    /// Buckets (of 64) that shard 0 owns.
    public let firstBuckets: Int
    /// When the shards after shard 0 are a power of two in number, their count minus one (a mask
    /// picks a bucket's shard among them); else -1 (a division). The reader routes every record
    /// by `owner`: the division cost 1% of a two-thread run.
    private let othersMask: Int

    public init(count: Int, firstBuckets: Int) {
        precondition(count >= 1 && (0...64).contains(firstBuckets) && (count > 1 || firstBuckets == 64), "ShardMap: bad split")
        self.count = count
        self.firstBuckets = firstBuckets
        let others = count - 1
        othersMask = others > 0 && others & (others - 1) == 0 ? others - 1 : -1
    }

    /// The split for `threads` threads. Reading and routing every record costs shard 0 about
    /// 45% of what analyzing them all costs, on the kind of machine the benchmark runs on (two
    /// threads, generated 2M-packet capture, 6 interleaved runs: 18 buckets of 64 for shard 0,
    /// 0.62 s median, against 0.66 s at 22 and 0.67 s at 26; its read thread then takes as long as
    /// the other, 370 ms against 345). A machine with slower memory found 26 best (the analysis
    /// costs more there). So shard 0 takes 28% of the connections with two threads, 3% with
    /// three, none from four on.
    public static func balanced(threads: Int) -> ShardMap {
        guard threads > 1 else { return ShardMap(count: 1, firstBuckets: 64) }
        // Shard 0: read + s·P = (1 − s)·P / (threads − 1), with read ≈ 0.45 P.
        let share = max(0, (1 - Double(threads - 1) * 0.45) / Double(threads))
        return ShardMap(count: threads, firstBuckets: Int((share * 64).rounded()))
    }

    @inline(__always)
    public func owner(hash: UInt64) -> Int {
        let bucket = Int(truncatingIfNeeded: hash >> 58)
        if bucket < firstBuckets { return 0 }
        let rest = bucket - firstBuckets
        return 1 + (othersMask >= 0 ? rest & othersMask : rest % (count - 1))
    }
}
