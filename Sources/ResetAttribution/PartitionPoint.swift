extension Array {
    /// The first index of `range` (default: all) whose element `before` rejects, by halving: `before`
    /// must hold for a prefix of the range and for nothing after it (as `{ $0 < value }` does over
    /// ascending elements). On the array itself, not a slice: a slice would retain the storage on
    /// every search.
    func partitionPoint(in range: Range<Int>? = nil, _ before: (Element) -> Bool) -> Int {
        var low = range?.lowerBound ?? startIndex, high = range?.upperBound ?? endIndex
        while low < high {
            let mid = low + (high - low) / 2
            if before(self[mid]) { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
