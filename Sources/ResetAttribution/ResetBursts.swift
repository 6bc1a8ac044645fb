import TCPAnalysis

/// Resets one side sent back to back on one connection (within a tenth of a second of a reset, not
/// copies): an injector's burst, which guesses at the sequence number. Found for every reset at
/// once, per connection and side in time order, so a flood of resets on one connection costs its
/// length times a logarithm (each reset reading every other one of its connection took 10 s for
/// 20,000 resets, and hours for a million).
struct ResetBursts {
    /// By reset (the tracker's index): the size of the burst around it when it counts as one, 0 when not.
    private var sizes: [Int32]

    /// The window around a reset: `abs(other.timestamp - r.timestamp) <= span`.
    static let span: Int64 = 100_000_000

    /// `resetCount`: resets per connection (only connections with several are looked at).
    init(_ resets: PagedList<ResetObservation>, resetCount: [Int32]) {
        sizes = [Int32](repeating: 0, count: resets.count)
        // The resets that can be part of a burst (not copies), by connection and side, in time order.
        func group(_ r: ResetObservation) -> Int { 2 * r.connection + r.senderSide }
        var members: [(group: Int, time: Int64, index: Int32)] = []
        for i in 0..<resets.count where resetCount[resets[i].connection] > 1 {
            let r = resets[i]
            if !r.isDuplicate { members.append((group(r), r.timestamp, Int32(i))) }
        }
        guard members.count >= 2 else { return }
        members.sort { ($0.group, $0.time, $0.index) < ($1.group, $1.time, $1.index) }
        var groups: [Int: Range<Int>] = [:]
        var first = 0
        for k in 1...members.count where k == members.count || members[k].group != members[first].group {
            groups[members[first].group] = first..<k
            first = k
        }
        // Per member, the next one with another sequence number (a window holds two sequence
        // numbers or more when its first member's next other one is inside it), and how many up to
        // it are below what their sender had sent (a burst has none).
        let sequences = members.map { resets[Int($0.index)].sequence }
        var nextOther = [Int](repeating: members.count, count: members.count)
        for k in stride(from: members.count - 2, through: 0, by: -1) {
            nextOther[k] = sequences[k + 1] != sequences[k] ? k + 1 : nextOther[k + 1]
        }
        var below = [Int32](repeating: 0, count: members.count + 1)
        for (k, m) in members.enumerated() {
            let r = resets[Int(m.index)]
            let isBelow = r.senderNextSeq != 0 && SequenceNumber.lessThan(r.sequence, r.senderNextSeq)
            below[k + 1] = below[k] + (isBelow ? 1 : 0)
        }
        for i in 0..<resets.count {
            let r = resets[i]
            guard resetCount[r.connection] > 1, let range = groups[group(r)] else { continue }
            let low = members.partitionPoint(in: range) { $0.time < r.timestamp - Self.span }
            let high = members.partitionPoint(in: low..<range.upperBound) { $0.time <= r.timestamp + Self.span }
            if high - low >= 2 && nextOther[low] < high && below[high] == below[low] {
                sizes[i] = Int32(high - low)
            }
        }
    }

    /// The size of the burst reset `index` belongs to, if it is one.
    func size(of index: Int) -> Int? { sizes[index] > 0 ? Int(sizes[index]) : nil }
}
