import TCPAnalysis
import Testing

@Suite struct ShardMapTests {
    /// Every one of the 64 buckets (the hash's top six bits) goes to one shard: shard 0 takes the
    /// first `firstBuckets`, the others the rest in turn, as the division by their number gives.
    @Test(arguments: 2...9)
    func bucketsGoToTheirShardInTurn(threads: Int) {
        for map in [ShardMap.balanced(threads: threads), ShardMap.balanced(threads: threads, readCost: 0.44),
                    ShardMap(count: threads, firstBuckets: 0),
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

    /// The dearer the reading, the fewer connections the reading thread keeps: with two threads, 24
    /// buckets for pcap's cost and 18 for pcapng's (the splits measured best), none once the
    /// reading alone outweighs a share.
    @Test func theReadingThreadKeepsLessTheDearerItsReading() {
        #expect(ShardMap.balanced(threads: 2).firstBuckets == 24)
        #expect(ShardMap.balanced(threads: 2, readCost: 0.44).firstBuckets == 18)
        for threads in 2...8 {
            let costs = stride(from: 0.0, through: 1.0, by: 0.05).map { ShardMap.balanced(threads: threads, readCost: $0).firstBuckets }
            #expect(zip(costs, costs.dropFirst()).allSatisfy { $0 >= $1 } && costs.last == 0, "\(threads) threads: \(costs)")
        }
    }

    @Test func oneThreadOwnsEverything() {
        let map = ShardMap.balanced(threads: 1)
        #expect((0..<64).allSatisfy { map.owner(hash: UInt64($0) << 58) == 0 })
    }
}
