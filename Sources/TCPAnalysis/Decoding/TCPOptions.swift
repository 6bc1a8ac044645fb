import PacketCore

/// Walks the TCP option list (RFC 9293 section 3.2): kind, length, value; EOL ends the list, NOP is
/// one byte, unknown kinds are skipped by their length. A length below 2 or past the end stops the
/// walk and marks the options malformed.
enum TCPOptionParser {
    /// `bytes` are the captured options; `declaredLength` is the option area's size by the data
    /// offset. An option the capture cuts (it fits the declared area) ends the walk but is no
    /// malformed option: tshark 4.0.17 reads what was captured and reports no bad length.
    static func parse(_ bytes: ByteView, declaredLength: Int) -> TCPOptions {
        var options = TCPOptions()
        var offset = 0
        while offset < bytes.count {
            let kind = bytes.u8(offset)
            if kind == 0 { break }            // end of option list
            if kind == 1 { offset += 1; continue }  // no-operation
            guard bytes.has(2, at: offset) else { options.malformed = offset + 2 > declaredLength; break }
            let length = Int(bytes.u8(offset + 1))
            guard length >= 2 else { options.malformed = true; break }
            guard bytes.has(length, at: offset) else { options.malformed = offset + length > declaredLength; break }
            switch (kind, length) {
            case (2, 4): options.mss = bytes.u16be(offset + 2)
            case (3, 3): options.windowScale = bytes.u8(offset + 2)
            case (4, 2): options.sackPermitted = true
            case (8, 10):
                options.timestampValue = bytes.u32be(offset + 2)
                options.timestampEcho = bytes.u32be(offset + 6)
            case (5, 2):
                // A SACK option without blocks: Wireshark's dissector throws ("Malformed Packet"),
                // so it prints no analysis for the frame.
                options.malformed = true
                options.stopsWireshark = true
            case (5, _) where (length - 2) % 8 == 0:
                let blocks = (length - 2) / 8
                options.sackBlockCount = UInt8(min(blocks, 255))
                for i in 0..<min(blocks, 4) {
                    options.setSackBlock(i, left: bytes.u32be(offset + 2 + i * 8), right: bytes.u32be(offset + 6 + i * 8))
                }
            case (2, _), (3, _), (4, _), (8, _), (5, _):
                options.malformed = true  // a known option with the wrong length
            default:
                break
            }
            offset += length
        }
        return options
    }
}
