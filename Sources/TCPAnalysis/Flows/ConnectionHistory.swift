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
        if f.contains(.syn) && f.contains(.rst) { add("I", side, &connection, &state) }
        if f.contains(.syn) && f.contains(.fin) { add("Q", side, &connection, &state) }
        if f.contains(.syn) && !f.contains(.ack) { add("S", side, &connection, &state) }
        if f.contains(.syn) && f.contains(.ack) { add("H", side, &connection, &state) }
        if f.contains(.ack) && !f.contains(.syn) && segment.payloadLength == 0 && f.intersection([.fin, .rst]).isEmpty {
            add("A", side, &connection, &state)
        }
        if segment.payloadLength > 0 { add("D", side, &connection, &state) }
        if f.contains(.fin) { add("F", side, &connection, &state) }
        if segment.isReset { add("R", side, &connection, &state) }
        if ta.contains(.retransmission) && segment.payloadLength > 0 { add("T", side, &connection, &state) }
        if segment.window == 0 && f.intersection([.syn, .fin, .rst]).isEmpty { add("W", side, &connection, &state) }
        if segment.checksumBad { add("C", side, &connection, &state) }
    }

    /// Letters are stored for the sending side; the report turns them to the originator's case.
    private static let letters: [Character] = ["S", "H", "A", "D", "F", "R", "T", "W", "I", "Q", "C"]

    private static func add(_ letter: Character, _ side: Int, _ connection: inout Connection, _ state: inout DirectionState) {
        guard let bit = letters.firstIndex(of: letter) else { return }
        let mask: UInt32 = 1 << UInt32(bit)
        guard state.historySeen & mask == 0 else { return }
        state.historySeen |= mask
        // Side markers: "0" / "1" before the letter; resolved to upper/lower case once roles are known.
        connection.history.append(side == 0 ? "0" : "1")
        connection.history.append(letter)
    }
}
