@testable import ResetAttribution
import TestSupport
import Testing

/// Proxy leg pairing takes its candidate pairs cheapest first through a heap of each back leg's
/// cheapest key (`LegPairing.takeCheapest`): it must take exactly the pairs that sorting every key
/// and reading them in turn takes.
@Suite struct CheapestFirstTests {
    static func key(cost: UInt64, back: Int, request: Int) -> UInt128 {
        UInt128(cost) << 64 | UInt128(UInt64(back) << 32 | UInt64(request))
    }

    @Test func heapGivesKeysInOrder() {
        var random = SplitMix64(seed: 7)
        let keys = (0..<5000).map { _ in UInt128(random.next() % 1000) << 64 | UInt128(random.next()) }
        var heap = KeyHeap(capacity: 16)
        for (i, key) in keys.enumerated() { heap.push(key, Int32(i)) }
        var out: [UInt128] = []
        while let (key, payload) = heap.pop() {
            #expect(keys[Int(payload)] == key)
            out.append(key)
        }
        #expect(out == keys.sorted())
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func takesWhatSortingEveryKeyTakes(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        // Back legs with up to 12 candidates among a few requests (so that many collide), costs
        // from a small range (so that many tie, and the back leg and request decide).
        let backs = 300, requests = 120
        var candidates: [UInt128] = [], lists: [Range<Int>] = []
        for back in 0..<backs {
            var keys = Set<UInt128>()
            for _ in 0..<Int(random.next() % 13) {
                keys.insert(Self.key(cost: random.next() % 50, back: back, request: Int(random.next() % UInt64(requests))))
            }
            lists.append(candidates.count..<candidates.count + keys.count)
            candidates += keys.sorted()
        }
        var taken: [Int: Int] = [:]
        LegPairing.takeCheapest(candidates, lists: lists, requests: requests) { back, request in
            #expect(taken[back] == nil, "back leg \(back) taken twice")
            taken[back] = request
        }
        // The reference: every key sorted, each taken if its back leg and its request are free.
        var expected: [Int: Int] = [:], used = Set<Int>()
        for key in candidates.sorted() {
            let back = Int(UInt64(truncatingIfNeeded: key) >> 32), request = Int(UInt32(truncatingIfNeeded: key))
            guard expected[back] == nil && !used.contains(request) else { continue }
            expected[back] = request
            used.insert(request)
        }
        #expect(taken == expected)
        #expect(taken.count == min(requests, expected.count) && taken.count > 50)
    }
}
