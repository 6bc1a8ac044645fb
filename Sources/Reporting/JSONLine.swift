/// Builds one JSON object on one line, field by field, straight into an output buffer.
public struct JSONLine {
    private var text = "{"
    private var first = true

    public init(type: String) {
        field("type", type)
    }

    private mutating func key(_ name: String) {
        if !first { text += "," }
        first = false
        text += "\""
        text += name
        text += "\":"
    }

    public mutating func field(_ name: String, _ value: String) {
        key(name)
        JSONLine.appendQuoted(value, to: &text)
    }

    public mutating func field(_ name: String, _ value: Int) {
        key(name)
        text += String(value)
    }

    public mutating func field(_ name: String, _ value: Bool) {
        key(name)
        text += value ? "true" : "false"
    }

    public mutating func field(_ name: String, strings: [String]) {
        key(name)
        text += "["
        for (i, value) in strings.enumerated() {
            if i > 0 { text += "," }
            JSONLine.appendQuoted(value, to: &text)
        }
        text += "]"
    }

    /// A nested object of counters, in the given order.
    public mutating func field(_ name: String, counts: [(String, Int)]) {
        key(name)
        text += "{"
        for (i, (counter, value)) in counts.enumerated() {
            if i > 0 { text += "," }
            JSONLine.appendQuoted(counter, to: &text)
            text += ":" + String(value)
        }
        text += "}"
    }

    /// A value already in JSON form (a number with a chosen precision, an array).
    public mutating func field(_ name: String, raw: String) {
        key(name)
        text += raw
    }

    public mutating func fieldNull(_ name: String) {
        key(name)
        text += "null"
    }

    /// The finished line, with its newline.
    public var line: String { text + "}\n" }

    /// JSON string quoting (RFC 8259): quote, backslash and control characters escaped.
    static func appendQuoted(_ value: String, to text: inout String) {
        text += "\""
        var plain = true
        for byte in value.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C { plain = false; break }
        if plain {
            text += value
        } else {
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                case "\r": text += "\\r"
                case "\t": text += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }
}
