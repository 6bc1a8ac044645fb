import PacketCore

/// Reassembles IP fragments as Wireshark does by default: a datagram is complete when its (first)
/// last fragment has arrived and every byte from 0 to its end is covered; it is then decoded on the frame
/// that completed it. Overlaps keep the bytes of the fragment with the lowest offset (first arrived
/// among equals), as Wireshark's reassembly copies only what extends the data so far.
///
/// Fragment bytes are the one place where packet bytes are copied. The cache is bounded in
/// datagrams and bytes; the oldest datagram is evicted when a limit is reached (evictions counted).
/// Fragments are rare, so a Dictionary here costs nothing on the per-packet path.
public final class FragmentReassembler {
    struct Key: Hashable {
        var source: IPAddress
        var destination: IPAddress
        var identification: UInt32
        var protocolNumber: UInt8
    }

    struct Piece {
        var offset: Int
        var bytes: [UInt8]
    }

    struct Datagram {
        var pieces: [Piece] = []
        var totalLength: Int?
        var sequence: Int  // arrival order of the first fragment, for eviction
        var byteCount = 0
    }

    public let maximumDatagrams: Int
    public let maximumBytes: Int
    public private(set) var evicted = 0
    private var pending: [Key: Datagram] = [:]
    private var bytesHeld = 0
    private var arrivals = 0
    /// The last reassembled datagram's payload; views into it are valid until the next `add`.
    private var assembled = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
    private var assembledCount = 0

    public init(maximumDatagrams: Int = 16_384, maximumBytes: Int = 64 << 20) {
        self.maximumDatagrams = maximumDatagrams
        self.maximumBytes = maximumBytes
    }

    deinit { assembled.deallocate() }

    /// Adds a fragment's payload; returns the whole datagram's payload when this fragment completes it.
    func add(_ key: Key, offset: Int, moreFragments: Bool, payload: ByteView) -> ByteView? {
        var datagram = pending.removeValue(forKey: key) ?? Datagram(sequence: arrivals)
        arrivals += 1
        datagram.pieces.append(Piece(offset: offset, bytes: payload.toArray()))
        datagram.byteCount += payload.count
        bytesHeld += payload.count
        // The first last fragment sets the datagram's length; a later one that disagrees is only
        // noted by Wireshark ("multiple tails"), its bytes kept like any other fragment's.
        if !moreFragments && datagram.totalLength == nil { datagram.totalLength = offset + payload.count }
        if let total = datagram.totalLength, Self.covers(datagram.pieces, total) {
            bytesHeld -= datagram.byteCount
            assemble(datagram.pieces, total)
            return ByteView(unsafeStart: UnsafeRawPointer(assembled.baseAddress!), count: assembledCount)
        }
        pending[key] = datagram
        evictIfNeeded()
        return nil
    }

    /// True when the pieces cover [0, total) without a hole.
    private static func covers(_ pieces: [Piece], _ total: Int) -> Bool {
        var covered = 0
        for piece in pieces.sorted(by: { $0.offset < $1.offset }) {
            if piece.offset > covered { return false }
            covered = max(covered, piece.offset + piece.bytes.count)
            if covered >= total { return true }
        }
        return covered >= total
    }

    private func assemble(_ pieces: [Piece], _ total: Int) {
        if total > assembled.count {
            assembled.deallocate()
            assembled = .allocate(byteCount: total, alignment: 8)
        }
        assembledCount = 0
        // A stable sort keeps arrival order among equal offsets; each piece adds only what extends
        // the data so far.
        let ordered = pieces.enumerated().sorted { ($0.element.offset, $0.offset) < ($1.element.offset, $1.offset) }
        for (_, piece) in ordered {
            let end = min(piece.offset + piece.bytes.count, total)
            guard end > assembledCount else { continue }
            let from = assembledCount - piece.offset
            piece.bytes[from..<(end - piece.offset)].withUnsafeBytes { chunk in
                (assembled.baseAddress! + assembledCount).copyMemory(from: chunk.baseAddress!, byteCount: chunk.count)
            }
            assembledCount = end
        }
    }

    private func evictIfNeeded() {
        while pending.count > maximumDatagrams || bytesHeld > maximumBytes {
            guard let oldest = pending.min(by: { $0.value.sequence < $1.value.sequence }) else { return }
            bytesHeld -= oldest.value.byteCount
            pending.removeValue(forKey: oldest.key)
            evicted += 1
        }
    }

    /// Datagrams waiting for more fragments.
    public var pendingCount: Int { pending.count }
}
