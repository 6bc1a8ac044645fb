/// Segments sent but not yet acknowledged, for every direction of every connection, in one pool of
/// flat arrays with a free list: per-direction lists (newest first) cost no allocation in steady
/// state, and memory follows what is in flight, not the packet count. Wireshark keeps at most 10000
/// per direction (4.0.17 `tcp_analyze_sequence_number`); so do we.
struct UnackedSegments {
    static let maximumPerDirection: Int32 = 10_000

    private(set) var frame: [Int] = []
    var seq: [UInt32] = []
    private(set) var nextSeq: [UInt32] = []
    private(set) var time: [Int64] = []
    /// A retransmission covered this segment: an RTT measured from it is ambiguous (Karn).
    var retransmitted: [Bool] = []
    private(set) var next: [Int32] = []
    private var freeHead: Int32 = -1

    /// Pushes a segment in front of the list at `head`; returns the new head.
    mutating func push(frame f: Int, seq s: UInt32, nextSeq n: UInt32, time t: Int64, retransmitted r: Bool, head: Int32) -> Int32 {
        let index: Int32
        if freeHead >= 0 {
            index = freeHead
            let i = Int(index)
            freeHead = next[i]
            frame[i] = f; seq[i] = s; nextSeq[i] = n; time[i] = t; retransmitted[i] = r; next[i] = head
        } else {
            index = Int32(frame.count)
            frame.append(f); seq.append(s); nextSeq.append(n); time.append(t); retransmitted.append(r); next.append(head)
        }
        return index
    }

    /// Returns a node to the free list.
    mutating func release(_ index: Int32) {
        next[Int(index)] = freeHead
        freeHead = index
    }

    mutating func setNext(_ index: Int32, _ value: Int32) { next[Int(index)] = value }

    /// Marks every listed segment overlapping [from, to) as retransmitted.
    mutating func markRetransmitted(head: Int32, from: UInt32, to: UInt32) {
        var i = head
        while i >= 0 {
            let k = Int(i)
            if SequenceNumber.lessThan(seq[k], to) && SequenceNumber.greaterThan(nextSeq[k], from) { retransmitted[k] = true }
            i = next[k]
        }
    }
}

/// 32-bit sequence comparisons with wrap-around, exactly as packet-tcp.h defines GT_SEQ and friends:
/// GT and GE subtract the other way round from LT and LE, so at a distance of exactly 2^31 both
/// `greaterThan(a, b)` and `lessThan(a, b)` hold. Wireshark's flags depend on that edge.
enum SequenceNumber {
    @inline(__always) static func greaterThan(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: b &- a) < 0 }
    @inline(__always) static func lessThan(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) < 0 }
    @inline(__always) static func greaterOrEqual(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: b &- a) <= 0 }
    @inline(__always) static func lessOrEqual(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) <= 0 }
}
