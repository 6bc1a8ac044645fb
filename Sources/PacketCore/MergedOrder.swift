/// The merge step of a merge sort across lists already in order by `key`: calls `body(list, index)`
/// for every item of every list, in the order of all of them sorted by key (on equal keys, the
/// earlier list first), without building the combined list. `counts[list]` is a list's length.
@inlinable
public func forEachInMergedOrder(counts: [Int], key: (_ list: Int, _ index: Int) -> Int,
                                 _ body: (_ list: Int, _ index: Int) -> Void) {
    forEachInMergedOrder(counts: counts, key: key, from: [Int](repeating: 0, count: counts.count), limit: .max, body)
}

/// The same merge, resumed from `cursors` (each list's next index) for at most `limit` items.
@inlinable
public func forEachInMergedOrder(counts: [Int], key: (_ list: Int, _ index: Int) -> Int, from cursors: [Int], limit: Int,
                                 _ body: (_ list: Int, _ index: Int) -> Void) {
    var next = cursors
    var left = limit
    while left > 0 {
        var pick = -1
        for list in counts.indices where next[list] < counts[list] {
            if pick < 0 || key(list, next[list]) < key(pick, next[pick]) { pick = list }
        }
        guard pick >= 0 else { return }
        let index = next[pick]
        next[pick] += 1
        left -= 1
        body(pick, index)
    }
}

/// Where the merge stands before every `every`-th item (each list's next index): a merge can be
/// split into batches that threads run from these points, without a list of the merged order.
@inlinable
public func mergedOrderCheckpoints(counts: [Int], key: (_ list: Int, _ index: Int) -> Int, every: Int) -> [[Int]] {
    var checkpoints: [[Int]] = []
    var next = [Int](repeating: 0, count: counts.count)
    var position = 0
    forEachInMergedOrder(counts: counts, key: key) { list, _ in
        if position % every == 0 { checkpoints.append(next) }
        next[list] += 1
        position += 1
    }
    return checkpoints
}
