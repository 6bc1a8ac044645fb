/// How the connections are split among the shards of a multi-threaded read: by the top six bits of
/// a direction-independent flow hash, 64 buckets. Shard 0 is the thread that reads the file and
/// routes every record to its owner, so it owns fewer buckets; the other shards share the rest.
/// Any split gives the same output (the shards are merged by frame): only the balance changes.
public struct ShardMap: Sendable, Equatable {
    public let count: Int
    /// Buckets (of 64) that shard 0 owns.
    public let firstBuckets: Int
    /// Each bucket's shard, worked out once: shard 0 the first `firstBuckets`, the other shards
    /// the rest in turn. The reader routes every record by `owner`, where a division per record
    /// cost 1% of a two-thread run. (Inline: no heap storage to retain when a map is copied.)
    private let owners: SIMD64<UInt8>

    public init(count: Int, firstBuckets: Int) {
        precondition(count >= 1 && (0...64).contains(firstBuckets) && (count > 1 || firstBuckets == 64), "ShardMap: bad split")
        self.count = count
        self.firstBuckets = firstBuckets
        var owners = SIMD64<UInt8>()
        for bucket in firstBuckets..<64 { owners[bucket] = UInt8(1 + (bucket - firstBuckets) % (count - 1)) }
        self.owners = owners
    }

    /// The split for `threads` threads, when reading and routing every record costs shard 0
    /// `readCost` times what analyzing them all costs (the reader's `readCost`; the default is a
    /// classic pcap record's). For classic pcap that is about a quarter, on the kind of machine the
    /// benchmark runs on (two threads, generated 2M-packet capture, 7 runs each, interleaved: 24
    /// buckets of 64 for shard 0 end the read at 240 ms median and the run at 345, against 264 and
    /// 370 at 18; 11 runs: 0.376 s at 18, 0.370 at 21, 0.360 at 23, 0.356 at 25, and 0.375 at 28,
    /// 0.385 at 32 in another).
    /// An earlier stop found 18 best, before the reader prefetched ahead and routed without a
    /// division, and a machine with slower memory once found 26: the balance moves with the
    /// machine and the reader's cost. So shard 0 takes 37% of the connections with two threads,
    /// 17% with three, 6% with four, none from five on (three and more extrapolated: this machine
    /// has two cores).
    public static func balanced(threads: Int, readCost: Double = 0.25) -> ShardMap {
        guard threads > 1 else { return ShardMap(count: 1, firstBuckets: 64) }
        // Shard 0: read + s·P = (1 − s)·P / (threads − 1), with read = readCost · P.
        let share = max(0, (1 - Double(threads - 1) * readCost) / Double(threads))
        return ShardMap(count: threads, firstBuckets: Int((share * 64).rounded()))
    }

    @inline(__always)
    public func owner(hash: UInt64) -> Int {
        Int(owners[Int(truncatingIfNeeded: hash >> 58)])
    }
}
