/// The merge step of a merge sort across lists already in order by `key`: calls `body(list, index)`
/// for every item of every list, in the order of all of them sorted by key (on equal keys, the
/// earlier list first), without building the combined list. `counts[list]` is a list's length.
@inlinable
public func forEachInMergedOrder(counts: [Int], key: (_ list: Int, _ index: Int) -> Int,
                                 _ body: (_ list: Int, _ index: Int) -> Void) {
    var next = [Int](repeating: 0, count: counts.count)
    while true {
        var pick = -1
        for list in counts.indices where next[list] < counts[list] {
            if pick < 0 || key(list, next[list]) < key(pick, next[pick]) { pick = list }
        }
        guard pick >= 0 else { return }
        let index = next[pick]
        next[pick] += 1
        body(pick, index)
    }
}
