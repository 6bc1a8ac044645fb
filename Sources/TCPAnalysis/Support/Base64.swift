import PacketCore

/// Base64 encoding with the standard alphabet and `=` padding (RFC 4648, section 4).
public enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let letters: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    /// `encode` appended to a sink, without a string.
    public static func append<Sink: ByteSink & ~Copyable>(_ bytes: UnsafeRawBufferPointer, to sink: inout Sink) {
        let table = letters.utf8Start
        var i = 0
        while i < bytes.count {
            let b1 = i + 1 < bytes.count ? bytes[i + 1] : 0, b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
            let group = UInt32(bytes[i]) << 16 | UInt32(b1) << 8 | UInt32(b2)
            sink.append(table[Int(group >> 18 & 0x3F)])
            sink.append(table[Int(group >> 12 & 0x3F)])
            sink.append(i + 1 < bytes.count ? table[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
            sink.append(i + 2 < bytes.count ? table[Int(group & 0x3F)] : UInt8(ascii: "="))
            i += 3
        }
    }

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let b0 = iterator.next() {
            let b1 = iterator.next()
            let b2 = b1 == nil ? nil : iterator.next()
            // 24 bits of input (missing bytes as zeros) -> four 6-bit groups.
            let group = UInt32(b0) << 16 | UInt32(b1 ?? 0) << 8 | UInt32(b2 ?? 0)
            out.append(alphabet[Int(group >> 18 & 0x3F)])
            out.append(alphabet[Int(group >> 12 & 0x3F)])
            out.append(b1 == nil ? UInt8(ascii: "=") : alphabet[Int(group >> 6 & 0x3F)])
            out.append(b2 == nil ? UInt8(ascii: "=") : alphabet[Int(group & 0x3F)])
            if b2 == nil { break }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
