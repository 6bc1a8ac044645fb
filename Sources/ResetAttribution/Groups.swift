/// Values grouped by an owner index (the sessions each address accepted, the back legs of each
/// front, the verdicts of each connection), side by side in one array: `pairs` is walked twice,
/// once to count each owner's values and once to place them, in the order it gives them. An array
/// per owner took a heap block each, tens of thousands on a busy capture, with room to grow.
struct Groups<Element> {
    /// Owner `o`'s values are `values[first[o]..<first[o + 1]]`.
    private var first: [Int32]
    private var values: [Element]

    /// `pairs(visit)` calls `visit(owner, value)` for every value, the same way both times (the
    /// value is not evaluated on the counting walk).
    init(owners: Int, blank: Element, pairs: (_ visit: (_ owner: Int, _ value: @autoclosure () -> Element) -> Void) -> Void) {
        var first = [Int32](repeating: 0, count: owners + 1)
        pairs { owner, _ in first[owner + 1] += 1 }
        for owner in 0..<owners { first[owner + 1] += first[owner] }
        var next = first
        var values = [Element](repeating: blank, count: Int(first[owners]))
        pairs { owner, value in
            values[Int(next[owner])] = value()
            next[owner] += 1
        }
        self.first = first
        self.values = values
    }

    var owners: Int { first.count - 1 }

    func count(of owner: Int) -> Int { Int(first[owner + 1] - first[owner]) }

    subscript(owner: Int) -> ArraySlice<Element> { values[Int(first[owner])..<Int(first[owner + 1])] }
}
