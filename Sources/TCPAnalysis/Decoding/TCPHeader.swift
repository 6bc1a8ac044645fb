import PacketCore

///    +-------------------------------+-------------------------------+
///    |          Source Port          |       Destination Port        |
///    |                        Sequence Number                        |
///    |                    Acknowledgment Number                      |
///    |  Data |       |C|E|U|A|P|R|S|F|                               |
///    | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
///    |           Checksum            |         Urgent Pointer        |
///    |                    Options (data offset > 5)                  |
///    +---------------------------------------------------------------+
enum TCPHeader {
    /// Wireshark reads the ports, sequence, acknowledgment, offset, flags and window (16 bytes)
    /// before it gives the segment a stream: a frame counts as TCP exactly when they are there.
    static let minimumCounted = 16

    /// Reads the TCP header from `bytes`, which hold the captured part of `reportedLength` bytes of
    /// IP payload. Nil when fewer than 16 bytes are there (not a TCP segment for Wireshark).
    static func parse(_ bytes: ByteView, reportedLength: Int, into segment: inout TCPSegment,
                      weirds: inout WeirdCounts) -> Bool {
        let available = min(bytes.count, reportedLength)
        guard available >= minimumCounted else {
            weirds.count(.tcpTooShort)
            return false
        }
        segment.sourcePort = bytes.u16be(0)
        segment.destinationPort = bytes.u16be(2)
        segment.sequence = bytes.u32be(4)
        segment.acknowledgment = bytes.u32be(8)
        let offsetAndFlags = bytes.u16be(12)
        segment.flags = TCPFlags(rawValue: offsetAndFlags & 0x0FFF)
        segment.window = bytes.u16be(14)
        segment.tcpLength = reportedLength
        segment.capturedTCPLength = available
        let headerLength = Int(offsetAndFlags >> 12) * 4
        segment.headerLength = headerLength
        segment.headerBogus = headerLength < 20 || headerLength > reportedLength
        if segment.headerBogus { weirds.count(.badTCPHeaderLength) }
        segment.payloadLength = segment.headerBogus ? 0 : reportedLength - headerLength
        segment.headerTruncated = available < max(headerLength, 20)
        if !segment.headerBogus {
            let captured = min(available, headerLength)
            if captured > 20 {
                segment.options = TCPOptionParser.parse(bytes.slice(20, captured - 20), declaredLength: headerLength - 20)
                if segment.options.malformed { weirds.count(.tcpOptionBadLength) }
            }
            segment.payload = available > headerLength ? bytes.slice(headerLength, available - headerLength) : .empty
        }
        return true
    }
}
