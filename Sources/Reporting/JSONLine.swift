import TCPAnalysis

/// Builds one JSON object on one line, field by field, as UTF-8 bytes (no Foundation, no
/// intermediate strings for numbers).
public struct JSONLine {
    public private(set) var bytes: [UInt8]
    private var first = true

    /// `capacity`: about the line's length (a connection line is near a kilobyte): no regrowth.
    public init(type: String, capacity: Int = 384) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
        field("type", type)
    }

    @inline(__always)
    private mutating func appendASCII(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func key(_ name: StaticString) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        bytes.append(UInt8(ascii: "\""))
        appendASCII(name)
        appendASCII("\":")
    }

    private mutating func key(_ name: String) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        JSONLine.appendQuoted(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    public mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        JSONLine.appendQuoted(value, to: &bytes)
    }

    public mutating func field(_ name: StaticString, _ value: Int) {
        key(name)
        JSONLine.appendInteger(value, to: &bytes)
    }

    public mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        appendASCII(value ? "true" : "false")
    }

    public mutating func field(_ name: StaticString, strings: [String]) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (i, value) in strings.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONLine.appendQuoted(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    public mutating func field(_ name: StaticString, numbers: [Int]) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (i, value) in numbers.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONLine.appendInteger(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A nested object of counters, in the given order.
    public mutating func field(_ name: StaticString, counts: [(String, Int)]) {
        key(name)
        bytes.append(UInt8(ascii: "{"))
        for (i, (counter, value)) in counts.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONLine.appendQuoted(counter, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            JSONLine.appendInteger(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// A value already in JSON form (a number with a chosen precision).
    public mutating func field(_ name: StaticString, raw: String) {
        key(name)
        var raw = raw
        raw.withUTF8 { bytes.append(contentsOf: $0) }
    }

    public mutating func fieldNull(_ name: StaticString) {
        key(name)
        appendASCII("null")
    }

    /// The finished line's bytes, with its newline (no copy: the builder is used up).
    public consuming func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// A time as RFC 3339 in UTC with nine fractional digits, written straight into the line.
    public mutating func field(_ name: StaticString, timestamp nanoseconds: Int64) {
        key(name)
        bytes.append(UInt8(ascii: "\""))
        Timestamp.appendRFC3339(nanoseconds, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// "address:port" ("[v6]:port"), written straight into the line for IPv4.
    public mutating func field(_ name: StaticString, address: IPAddress, port: UInt16) {
        key(name)
        bytes.append(UInt8(ascii: "\""))
        JSONLine.appendEndpoint(address, port, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A string built by `write` from ASCII that needs no escaping (addresses, numbers, operators).
    public mutating func field(_ name: StaticString, plain write: (inout [UInt8]) -> Void) {
        key(name)
        bytes.append(UInt8(ascii: "\""))
        write(&bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    public static func appendAddress(_ address: IPAddress, to bytes: inout [UInt8]) {
        address.appendText(to: &bytes)
    }

    /// Milliseconds with microsecond precision (`AnalysisReport.milliseconds`), as a JSON number.
    public mutating func field(_ name: StaticString, milliseconds nanoseconds: Int64) {
        key(name)
        JSONLine.appendMilliseconds(nanoseconds, to: &bytes)
    }

    static func appendMilliseconds(_ nanoseconds: Int64, to bytes: inout [UInt8]) {
        let micro = (nanoseconds + (nanoseconds >= 0 ? 500 : -500)) / 1000
        if micro < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = Int(micro.magnitude)
        appendInteger(magnitude / 1000, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        let fraction = magnitude % 1000
        bytes.append(UInt8(ascii: "0") &+ UInt8(fraction / 100))
        bytes.append(UInt8(ascii: "0") &+ UInt8(fraction / 10 % 10))
        bytes.append(UInt8(ascii: "0") &+ UInt8(fraction % 10))
    }

    public static func appendEndpoint(_ address: IPAddress, _ port: UInt16, to bytes: inout [UInt8]) {
        if address.isIPv6 { bytes.append(UInt8(ascii: "[")) }
        appendAddress(address, to: &bytes)
        if address.isIPv6 { bytes.append(UInt8(ascii: "]")) }
        bytes.append(UInt8(ascii: ":"))
        appendInteger(Int(port), to: &bytes)
    }

    public static func appendASCII(_ text: StaticString, to bytes: inout [UInt8]) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    static func appendInteger(_ value: Int, to bytes: inout [UInt8]) {
        if value >= 0 && value < 10 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            if value == .min { bytes.append(contentsOf: Array("9223372036854775808".utf8)); return }
        }
        // Digits from the right into a stack buffer, then one append.
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var start = buffer.count
            repeat {
                start -= 1
                buffer[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start...]))
        }
    }

    /// JSON string quoting (RFC 8259): quote, backslash and control characters escaped.
    static func appendQuoted(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings need no escape: one bulk copy.
        let plain = value.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if plain == true {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
