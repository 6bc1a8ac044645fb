import TCPAnalysis
import Testing

@Suite struct ShardMapTests {
    /// Every one of the 64 buckets (the hash's top six bits) goes to one shard: shard 0 takes the
    /// first `firstBuckets`, the others the rest in turn, whether a mask (a power of two of other
    /// shards) or a division picks among them.
    @Test(arguments: 2...9)
    func bucketsGoToTheirShardInTurn(threads: Int) {
        for map in [ShardMap.balanced(threads: threads), ShardMap(count: threads, firstBuckets: 0),
                    ShardMap(count: threads, firstBuckets: 7)] {
            var perShard = [Int](repeating: 0, count: threads)
            for bucket in 0..<64 {
                let owner = map.owner(hash: UInt64(bucket) << 58 | 0x1234_5678)
                let expected = bucket < map.firstBuckets ? 0 : 1 + (bucket - map.firstBuckets) % (threads - 1)
                #expect(owner == expected, "\(threads) threads, bucket \(bucket)")
                perShard[owner] += 1
            }
            #expect(perShard[0] == map.firstBuckets)
            let others = perShard.dropFirst()
            #expect(others.max()! - others.min()! <= 1, "\(perShard)")
        }
    }

    @Test func oneThreadOwnsEverything() {
        let map = ShardMap.balanced(threads: 1)
        #expect((0..<64).allSatisfy { map.owner(hash: UInt64($0) << 58) == 0 })
    }
}
