/// A table of records for `--format csv` and `--format zeek`: named, typed columns and rows of
/// optional values (nil is Zeek's unset field).
public struct Table: Sendable {
    public struct Column: Sendable {
        public var name: String
        /// Zeek's type name: time, string, count, int, double, bool, port, addr, interval, set[string].
        public var zeekType: String
        public init(_ name: String, _ zeekType: String) { self.name = name; self.zeekType = zeekType }
    }

    public var path: String
    public var columns: [Column]
    public var rows: [[String?]] = []

    public init(path: String, columns: [Column]) {
        self.path = path
        self.columns = columns
    }

    /// RFC 4180: a header row, fields quoted when they hold a comma, a quote or a line break.
    public func csv(header: Bool = true) -> String {
        func quote(_ value: String?) -> String {
            guard var value else { return "" }
            value = value.replacingOccurrences(of: "\u{1F}", with: "; ")  // set elements
            if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return value
        }
        var text = header ? columns.map { quote($0.name) }.joined(separator: ",") + "\n" : ""
        for row in rows { text += row.map(quote).joined(separator: ",") + "\n" }
        return text
    }

    /// Zeek's ASCII log: `#separator`, `#fields`, `#types`, `#open`, the rows, `#close`. Sets are
    /// written with `,` between elements (a comma inside one is escaped as \x2c, as Zeek does).
    /// A log written in parts (one per input): only the first has the header, only the last
    /// (`closeTime` given) the `#close` line.
    public func zeek(openTime: String, closeTime: String?, header: Bool = true) -> String {
        func field(_ value: String?, _ type: String) -> String {
            guard let value else { return "-" }
            if value.isEmpty { return "(empty)" }
            var escaped = value.replacingOccurrences(of: "\\", with: "\\x5c").replacingOccurrences(of: "\t", with: "\\x09")
                .replacingOccurrences(of: "\n", with: "\\x0a")
            if !type.hasPrefix("set") { return escaped }
            escaped = escaped.replacingOccurrences(of: ",", with: "\\x2c").replacingOccurrences(of: "\u{1F}", with: ",")
            return escaped
        }
        var text = ""
        if header {
            text += "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\t\(path)\n#open\t\(openTime)\n"
            text += "#fields\t" + columns.map(\.name).joined(separator: "\t") + "\n"
            text += "#types\t" + columns.map(\.zeekType).joined(separator: "\t") + "\n"
        }
        for row in rows { text += zip(row, columns).map { field($0, $1.zeekType) }.joined(separator: "\t") + "\n" }
        if let closeTime { text += "#close\t\(closeTime)\n" }
        return text
    }

    /// The table with one more column first, the same value on every row (the input's name).
    public func withLeadingColumn(_ column: Column, value: String) -> Table {
        var result = Table(path: path, columns: [column] + columns)
        result.rows = rows.map { [value] + $0 }
        return result
    }

    /// Joins set elements for a set column (the unit separator marks element boundaries).
    public static func set(_ elements: [String]) -> String { elements.joined(separator: "\u{1F}") }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Index>? {
        let t = Array(target)
        guard !t.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            var j = i, k = 0
            while k < t.count && j < endIndex && self[j] == t[k] { j = index(after: j); k += 1 }
            if k == t.count { return i..<j }
            i = index(after: i)
        }
        return nil
    }
}
