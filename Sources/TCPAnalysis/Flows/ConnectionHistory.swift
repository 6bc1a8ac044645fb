import PacketCore

/// Zeek's connection history letters: upper case for the originator (the client), lower case for
/// the responder; each letter is recorded the first time it happens on that side.
///
///     S SYN without ACK    H SYN+ACK         A pure ACK         D payload
///     F FIN                R RST             T retransmitted payload   W zero window
///     I inconsistent flags (SYN with RST)    Q SYN with FIN     C bad checksum (--check-checksums)
enum ConnectionHistory {
    static func record(_ segment: TCPSegment, flags ta: AnalysisFlags, side: Int, connection: inout Connection,
                       state: inout DirectionState) {
        let f = segment.flags
        if f.contains(.syn) && f.contains(.rst) { add(.I, side, &connection, &state) }
        if f.contains(.syn) && f.contains(.fin) { add(.Q, side, &connection, &state) }
        if f.contains(.syn) && !f.contains(.ack) { add(.S, side, &connection, &state) }
        if f.contains(.syn) && f.contains(.ack) { add(.H, side, &connection, &state) }
        if f.contains(.ack) && !f.contains(.syn) && segment.payloadLength == 0 && f.intersection([.fin, .rst]).isEmpty {
            add(.A, side, &connection, &state)
        }
        if segment.payloadLength > 0 { add(.D, side, &connection, &state) }
        if f.contains(.fin) { add(.F, side, &connection, &state) }
        if segment.isReset { add(.R, side, &connection, &state) }
        if ta.contains(.retransmission) && segment.payloadLength > 0 { add(.T, side, &connection, &state) }
        if segment.window == 0 && f.intersection([.syn, .fin, .rst]).isEmpty { add(.W, side, &connection, &state) }
        if segment.checksumBad { add(.C, side, &connection, &state) }
    }

    /// The letters, by their bit in `DirectionState.historySeen` (and index in `letterBytes`).
    enum Letter: Int { case S, H, A, D, F, R, T, W, I, Q, C }
    /// Letters are stored for the sending side; the report turns them to the originator's case.
    /// (A static string: read in place, where a global array is initialized lazily and checked.)
    static let letterBytes: StaticString = "SHADFRTWIQC"

    private static func add(_ letter: Letter, _ side: Int, _ connection: inout Connection, _ state: inout DirectionState) {
        let bit = letter.rawValue
        let mask: UInt16 = 1 << UInt16(bit)
        guard state.historySeen & mask == 0 else { return }
        state.historySeen |= mask
        // The sending side is kept with the letter; resolved to upper/lower case once roles are known.
        connection.history.append(side: side, letter: bit)
    }
}

/// The history letters of one connection in order, with the side that sent each: at most 22 (each
/// letter once per side), five bits each, in two words (a slot's code is never 0, so the first
/// empty slot ends the log). Plain data: a connection record copies without reference counting.
public struct HistoryLog: Sendable {
    private var words: (UInt64, UInt64) = (0, 0)
    static let capacity = 24

    /// Slots fill from the low bits, each code non-zero: a word's used slots are its bit length
    /// divided by five, rounded up (no walk over the slots on every append).
    public var count: UInt8 {
        @inline(__always) func used(_ word: UInt64) -> Int { (64 - word.leadingZeroBitCount + 4) / 5 }
        return UInt8(words.1 != 0 ? 12 + used(words.1) : used(words.0))
    }

    mutating func append(side: Int, letter: Int) {
        let slot = Int(count)
        guard slot < Self.capacity else { return }
        let code = UInt64(side << 4 | (letter + 1))
        if slot < 12 { words.0 |= code << UInt64(5 * slot) } else { words.1 |= code << UInt64(5 * (slot - 12)) }
    }

    /// Zeek's history text: the client's letters upper case, the server's lower case.
    public func text(clientSide: Int) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(count))
        appendText(clientSide: clientSide, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `text` appended as bytes (the JSON writer's path).
    public func appendText<Sink: ByteSink & ~Copyable>(clientSide: Int, to bytes: inout Sink) {
        // Five bits at a time, to the first empty slot (codes are never 0); the second word only
        // holds codes once the first is full.
        var word = words.0, next = words.1
        while word != 0 {
            let code = Int(word & 31)
            word >>= 5
            let letter = ConnectionHistory.letterBytes.utf8Start[(code & 15) - 1]
            bytes.append(code >> 4 == clientSide ? letter : letter | 0x20)  // ASCII lower case
            if word == 0 { (word, next) = (next, 0) }
        }
    }
}
