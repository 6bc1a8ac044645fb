import PacketCore
import TCPAnalysis

/// Builds one JSON object on one line, field by field, as UTF-8 bytes in a `ByteWriter` (no
/// Foundation, no intermediate strings for numbers, times or addresses). A line is built on its
/// own (`init(type:)`, then `finish()`), or written straight after what a writer holds
/// (`init(type:continuing:)`, then `end()`): the output buffer's way, with no copy of the line.
public struct JSONLine: ~Copyable {
    private var out: ByteWriter

    /// `capacity`: about the line's length (a connection line is near a kilobyte): no regrowth.
    public init(type: StaticString, capacity: Int = 384) {
        self.init(type: type, continuing: ByteWriter(capacity: capacity))
    }

    /// A line appended to `writer`, after `leading` fields (`"input":"...",` for several inputs).
    /// The type is a vocabulary word, written as it is (a `String` was scanned for characters to
    /// escape on every line: about 200 instructions a line).
    public init(type: StaticString, continuing writer: consuming ByteWriter, leading: [UInt8] = []) {
        out = writer
        out.append(UInt8(ascii: "{"))
        out.append(leading)
        out.append("\"type\":")
        out.appendQuoted(type)
    }

    /// Bytes in the writer so far (what it held before the line, and the line).
    var count: Int { out.count }

    /// The finished line's bytes, with its newline.
    public consuming func finish() -> [UInt8] {
        end().bytes
    }

    /// Closes the line (and its newline); gives the writer back.
    public consuming func end() -> ByteWriter {
        out.append("}\n")
        return out
    }

    @inline(__always)
    private mutating func key(_ name: StaticString) {
        out.appendKey(name)
    }

    public mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        JSONLine.appendQuoted(value, to: &out)
    }

    /// A vocabulary word (see `JSONWord`), quoted.
    public mutating func field(_ name: StaticString, word: StaticString) {
        key(name)
        out.appendQuoted(word)
    }

    public mutating func field(_ name: StaticString, _ value: some JSONWord) {
        field(name, word: value.word)
    }

    /// `value / 10^digits` as a JSON number with exactly `digits` decimals.
    public mutating func field(_ name: StaticString, _ value: Int, fractionDigits digits: Int) {
        key(name)
        out.appendDecimal(value, fractionDigits: digits)
    }

    public mutating func field(_ name: StaticString, _ value: Int) {
        key(name)
        out.appendDecimal(value)
    }

    public mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        out.append(value ? "true" : "false")
    }

    public mutating func field(_ name: StaticString, strings: [String]) {
        key(name)
        out.append(UInt8(ascii: "["))
        for (i, value) in strings.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONLine.appendQuoted(value, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// An array of strings written by `write` straight into the line; an element whose words may
    /// need escaping (`escaping`) goes through a string and is quoted.
    public mutating func field<Items: Collection>(_ name: StaticString, texts items: Items, escaping: (Items.Element) -> Bool,
                                                  write: (Items.Element, inout ByteWriter) -> Void) {
        key(name)
        out.append(UInt8(ascii: "["))
        var first = true
        for item in items {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            if escaping(item) {
                var words = ByteWriter(capacity: 256)
                write(item, &words)
                JSONLine.appendQuoted(String(decoding: words.bytes, as: UTF8.self), to: &out)
            } else {
                out.append(UInt8(ascii: "\""))
                write(item, &out)
                out.append(UInt8(ascii: "\""))
            }
        }
        out.append(UInt8(ascii: "]"))
    }

    public mutating func field(_ name: StaticString, numbers: [Int]) {
        key(name)
        out.append(UInt8(ascii: "["))
        for (i, value) in numbers.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.appendDecimal(value)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// `[a,b]`: the per-side pairs of connection lines (packets, bytes), without an array.
    public mutating func field(_ name: StaticString, pair a: Int, _ b: Int) {
        key(name)
        out.append(UInt8(ascii: "["))
        out.appendDecimal(a)
        out.append(UInt8(ascii: ","))
        out.appendDecimal(b)
        out.append(UInt8(ascii: "]"))
    }

    /// A nested object of counters, in the given order.
    public mutating func field(_ name: StaticString, counts: [(String, Int)]) {
        key(name)
        out.append(UInt8(ascii: "{"))
        for (i, (counter, value)) in counts.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONLine.appendQuoted(counter, to: &out)
            out.append(UInt8(ascii: ":"))
            out.appendDecimal(value)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// A value already in JSON form (a number with a chosen precision).
    public mutating func field(_ name: StaticString, raw: String) {
        key(name)
        out.append(utf8: raw)
    }

    public mutating func fieldNull(_ name: StaticString) {
        key(name)
        out.append("null")
    }

    /// A time as RFC 3339 in UTC with nine fractional digits, written straight into the line.
    public mutating func field(_ name: StaticString, timestamp nanoseconds: Int64) {
        key(name)
        out.append(UInt8(ascii: "\""))
        Timestamp.appendRFC3339(nanoseconds, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// "address:port" ("[v6]:port"), written straight into the line.
    public mutating func field(_ name: StaticString, address: IPAddress, port: UInt16) {
        field(name, address: AddressText(address), port: port)
    }

    /// Side `side` of a connection, from its endpoints' text made once for the line.
    public mutating func field(_ name: StaticString, side: Int, of endpoints: EndpointTexts) {
        field(name, address: endpoints[side], port: endpoints.port(side))
    }

    /// The same, from an address's text made for more than one field of the line.
    public mutating func field(_ name: StaticString, address: AddressText, port: UInt16) {
        key(name)
        out.append(UInt8(ascii: "\""))
        JSONLine.appendEndpoint(address, port, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// A string built by `write` from ASCII that needs no escaping (addresses, numbers, operators).
    public mutating func field(_ name: StaticString, plain write: (inout ByteWriter) -> Void) {
        key(name)
        out.append(UInt8(ascii: "\""))
        write(&out)
        out.append(UInt8(ascii: "\""))
    }

    /// Milliseconds with microsecond precision (`AnalysisReport.milliseconds`), as a JSON number.
    public mutating func field(_ name: StaticString, milliseconds nanoseconds: Int64) {
        key(name)
        JSONLine.appendMilliseconds(nanoseconds, to: &out)
    }

    /// Milliseconds with microsecond precision: microseconds rounded half away from zero, written
    /// as a fixed-point number with three decimals.
    @inline(__always)
    static func appendMilliseconds(_ nanoseconds: Int64, to out: inout ByteWriter) {
        let micro = (nanoseconds + (nanoseconds >= 0 ? 500 : -500)) / 1000
        out.appendDecimal(Int(micro), fractionDigits: 3)
    }

    public static func appendEndpoint<Sink: ByteSink & ~Copyable>(_ address: IPAddress, _ port: UInt16, to bytes: inout Sink) {
        appendEndpoint(AddressText(address), port, to: &bytes)
    }

    public static func appendEndpoint<Sink: ByteSink & ~Copyable>(_ address: AddressText, _ port: UInt16, to bytes: inout Sink) {
        if address.isIPv6 { bytes.append(UInt8(ascii: "[")) }
        address.write(to: &bytes)
        if address.isIPv6 { bytes.append(UInt8(ascii: "]")) }
        bytes.append(UInt8(ascii: ":"))
        bytes.appendDecimal(Int(port))
    }

    public static func appendASCII<Sink: ByteSink & ~Copyable>(_ text: StaticString, to bytes: inout Sink) {
        bytes.append(text)
    }

    static func appendInteger<Sink: ByteSink & ~Copyable>(_ value: Int, to bytes: inout Sink) {
        bytes.appendDecimal(value)
    }

    /// JSON string quoting (RFC 8259): quote, backslash and control characters escaped.
    static func appendQuoted<Sink: ByteSink & ~Copyable>(_ value: String, to bytes: inout Sink) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings need no escape: one bulk copy.
        var value = value
        let plain = value.withUTF8 { utf8 -> Bool in
            for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
            bytes.append(UnsafeRawBufferPointer(utf8))
            return true
        }
        if plain {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        let hex: StaticString = "0123456789abcdef"
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0..<0x20:
                bytes.append("\\u00")
                bytes.append(hex.utf8Start[Int(byte >> 4)])
                bytes.append(hex.utf8Start[Int(byte & 15)])
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
