/// Segments sent but not yet acknowledged, for every direction of every connection, in one pool of
/// nodes with a free list: per-direction lists (newest first) cost no allocation in steady
/// state, and memory follows what is in flight, not the packet count. Wireshark keeps at most 10000
/// per direction (4.0.17 `tcp_analyze_sequence_number`); so do we.
struct UnackedSegments {
    static let maximumPerDirection: Int32 = 10_000

    /// One listed segment: 32 bytes, one load per node when a list is walked.
    struct Node {
        var seq: UInt32
        var nextSeq: UInt32
        @Count32 var frame: Int
        var next: Int32
        var time: Int64
        /// A retransmission covered this segment: an RTT measured from it is ambiguous (Karn).
        var retransmitted: Bool
    }

    private(set) var nodes: [Node] = []
    private var freeHead: Int32 = -1

    subscript(index: Int32) -> Node {
        get { nodes[Int(index)] }
        set { nodes[Int(index)] = newValue }
    }

    /// Pushes a segment in front of the list at `head`; returns the new head.
    mutating func push(frame: Int, seq: UInt32, nextSeq: UInt32, time: Int64, retransmitted: Bool, head: Int32) -> Int32 {
        let node = Node(seq: seq, nextSeq: nextSeq, frame: frame, next: head, time: time, retransmitted: retransmitted)
        if freeHead >= 0 {
            let index = freeHead
            freeHead = nodes[Int(index)].next
            nodes[Int(index)] = node
            return index
        }
        nodes.append(node)
        return Int32(nodes.count - 1)
    }

    /// Returns a node to the free list.
    mutating func release(_ index: Int32) {
        nodes[Int(index)].next = freeHead
        freeHead = index
    }

    /// Marks every listed segment overlapping [from, to) as retransmitted.
    mutating func markRetransmitted(head: Int32, from: UInt32, to: UInt32) {
        var i = head
        while i >= 0 {
            let k = Int(i)
            if SequenceNumber.lessThan(nodes[k].seq, to) && SequenceNumber.greaterThan(nodes[k].nextSeq, from) { nodes[k].retransmitted = true }
            i = nodes[k].next
        }
    }
}

/// 32-bit sequence comparisons with wrap-around, exactly as packet-tcp.h defines GT_SEQ and friends:
/// GT and GE subtract the other way round from LT and LE, so at a distance of exactly 2^31 both
/// `greaterThan(a, b)` and `lessThan(a, b)` hold. Wireshark's flags depend on that edge.
public enum SequenceNumber {
    @inlinable @inline(__always) public static func greaterThan(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: b &- a) < 0 }
    @inlinable @inline(__always) public static func lessThan(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) < 0 }
    @inlinable @inline(__always) public static func greaterOrEqual(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: b &- a) <= 0 }
    @inlinable @inline(__always) public static func lessOrEqual(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) <= 0 }
}
