import PacketCore

/// Base64 encoding with the standard alphabet and `=` padding (RFC 4648, section 4).
public enum Base64 {
    private static let letters: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    /// `encode` appended to a sink, without a string: up to 48 bytes at a time into a stack
    /// buffer of 64 characters, then one append (a Community ID is one such block).
    public static func append<Sink: ByteSink & ~Copyable>(_ bytes: UnsafeRawBufferPointer, to sink: inout Sink) {
        let table = UnsafeRawPointer(letters.utf8Start)
        var text: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        var i = 0
        while i < bytes.count {
            let end = min(bytes.count, i + 48)
            withUnsafeMutableBytes(of: &text) { out in
                var n = 0
                while i < end {
                    let b1 = i + 1 < end ? bytes[i + 1] : 0, b2 = i + 2 < end ? bytes[i + 2] : 0
                    let group = Int(bytes[i]) << 16 | Int(b1) << 8 | Int(b2)
                    out[n] = table.load(fromByteOffset: group >> 18 & 0x3F, as: UInt8.self)
                    out[n + 1] = table.load(fromByteOffset: group >> 12 & 0x3F, as: UInt8.self)
                    out[n + 2] = i + 1 < end ? table.load(fromByteOffset: group >> 6 & 0x3F, as: UInt8.self) : UInt8(ascii: "=")
                    out[n + 3] = i + 2 < end ? table.load(fromByteOffset: group & 0x3F, as: UInt8.self) : UInt8(ascii: "=")
                    n += 4
                    i += 3
                }
                sink.append(UnsafeRawBufferPointer(rebasing: out[0..<n]))
            }
        }
    }

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        Array(bytes).withUnsafeBytes { append($0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}
