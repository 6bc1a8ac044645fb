/// A binary min-heap of 128-bit keys, each with a small payload: the smallest key comes out first.
/// (Proxy leg pairing takes candidate pairs cheapest first from one list per back leg.)
struct KeyHeap {
    private var items: [(key: UInt128, payload: Int32)] = []

    init(capacity: Int) { items.reserveCapacity(capacity) }

    mutating func push(_ key: UInt128, _ payload: Int32) {
        items.append((key, payload))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[i].key < items[parent].key else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    /// The smallest key and its payload (nil: empty).
    mutating func pop() -> (key: UInt128, payload: Int32)? {
        guard let last = items.popLast() else { return nil }
        guard !items.isEmpty else { return last }
        let top = items[0]
        items[0] = last
        var i = 0
        while true {
            let left = 2 * i + 1, right = left + 1
            var smallest = i
            if left < items.count && items[left].key < items[smallest].key { smallest = left }
            if right < items.count && items[right].key < items[smallest].key { smallest = right }
            guard smallest != i else { break }
            items.swapAt(i, smallest)
            i = smallest
        }
        return top
    }
}
