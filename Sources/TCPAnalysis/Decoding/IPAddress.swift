import PacketCore

/// An IPv4 or IPv6 address as two words, cheap to copy, hash and compare. IPv4 addresses live in the
/// low 32 bits of `low` with `high == 0` and `isIPv6 == false`.
@frozen
public struct IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64
    public var isIPv6: Bool

    @inlinable
    public init(ipv4: UInt32) {
        high = 0
        low = UInt64(ipv4)
        isIPv6 = false
    }

    /// An address from its words, as `high`, `low` and `isIPv6` hold them.
    @inlinable
    public init(high: UInt64, low: UInt64, isIPv6: Bool) {
        self.high = high
        self.low = low
        self.isIPv6 = isIPv6
    }

    @inlinable
    public init(ipv6High high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
        isIPv6 = true
    }

    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        (a.isIPv6 ? 1 : 0, a.high, a.low) < (b.isIPv6 ? 1 : 0, b.high, b.low)
    }

    /// The address's bytes in network order (4 or 16).
    public var bytes: [UInt8] {
        var result: [UInt8] = []
        appendBytes(to: &result)
        return result
    }

    /// Appends the address's bytes in network order (no array of its own: hashing inputs).
    public func appendBytes<Sink: ByteSink & ~Copyable>(to sink: inout Sink) {
        if !isIPv6 {
            var word = UInt32(truncatingIfNeeded: low).bigEndian
            withUnsafeBytes(of: &word) { sink.append($0) }
            return
        }
        var words = (high.bigEndian, low.bigEndian)
        withUnsafeBytes(of: &words) { sink.append($0) }
    }

    /// Dotted quad, or RFC 5952 text for IPv6 (lower case, longest zero run compressed).
    public var description: String {
        var text: [UInt8] = []
        appendText(to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// Appends `description`'s text as ASCII (the JSON writer's path: no String per address).
    public func appendText<Sink: ByteSink & ~Copyable>(to sink: inout Sink) {
        guard isIPv6 else {
            // Each octet as one 4-byte store: its three digits and a dot, packed in a word and
            // shifted past its leading zeros (the next store overwrites what lies beyond); then one
            // append. At most 15 bytes, the last store ending by byte 16.
            var text: (UInt64, UInt64, UInt64) = (0, 0, 0)
            let length = withUnsafeMutableBytes(of: &text) { out -> Int in
                let p = out.baseAddress!
                // (Wrapping arithmetic and masked shifts: no overflow or oversized-shift checks.)
                @inline(__always) func put(_ octet: UInt32, at n: Int) -> Int {
                    let hundreds = octet / 100, rest = octet &- hundreds &* 100
                    let tens = rest / 10, units = rest &- tens &* 10
                    let digits: UInt32 = octet >= 100 ? 3 : octet >= 10 ? 2 : 1
                    let packed = (hundreds | tens &<< 8 | units &<< 16 | 0x2E &<< 24) &+ 0x0030_3030  // "."
                    p.storeBytes(of: (packed &>> (8 &* (3 &- digits))).littleEndian, toByteOffset: n, as: UInt32.self)
                    return n &+ Int(digits) &+ 1
                }
                let address = UInt32(truncatingIfNeeded: low)
                let n = put(address &>> 8 & 0xFF, at: put(address &>> 16 & 0xFF, at: put(address &>> 24, at: 0)))
                return put(address & 0xFF, at: n) &- 1  // no dot after the last octet
            }
            withUnsafeBytes(of: &text) { sink.append(UnsafeRawBufferPointer(rebasing: $0[0..<length])) }
            return
        }
        func group(_ i: Int) -> UInt16 { UInt16(truncatingIfNeeded: (i < 4 ? high : low) >> (48 - 16 * UInt64(i % 4))) }
        // Longest run of at least two zero groups (first one wins a tie), per RFC 5952 section 4.2.
        var bestStart = -1, bestLength = 1, runStart = -1
        for i in 0...8 {
            if i < 8 && group(i) == 0 {
                if runStart < 0 { runStart = i }
            } else if runStart >= 0 {
                if i - runStart > bestLength { bestStart = runStart; bestLength = i - runStart }
                runStart = -1
            }
        }
        // Into a stack buffer (at most 39 bytes), then one append.
        var text: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &text) { out in
            let hex = UnsafeRawPointer(("0123456789abcdef" as StaticString).utf8Start)
            var n = 0, i = 0
            while i < 8 {
                if i == bestStart {
                    out[n] = UInt8(ascii: ":")
                    out[n + 1] = UInt8(ascii: ":")
                    n += 2
                    i += bestLength
                    continue
                }
                if i > 0 && i != bestStart + bestLength { out[n] = UInt8(ascii: ":"); n += 1 }
                // Lower-case hex without leading zeros.
                let value = Int(group(i))
                let digits = value >= 0x1000 ? 4 : value >= 0x100 ? 3 : value >= 0x10 ? 2 : 1
                for k in 0..<digits {
                    out[n + k] = hex.load(fromByteOffset: value >> (4 * (digits - 1 - k)) & 0xF, as: UInt8.self)
                }
                n += digits
                i += 1
            }
            sink.append(UnsafeRawBufferPointer(rebasing: out[0..<n]))
        }
    }

    /// "ip:port", with IPv6 in brackets.
    public func endpoint(_ port: UInt16) -> String {
        isIPv6 ? "[\(self)]:\(port)" : "\(self):\(port)"
    }
}

extension IPAddress {
    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (with `::`, and an IPv4 tail).
    public init?(parsing text: String) {
        if !text.contains(":") {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var value: UInt32 = 0
            for part in parts {
                guard let byte = UInt8(part) else { return nil }
                value = value << 8 | UInt32(byte)
            }
            self.init(ipv4: value)
            return
        }
        var text = Substring(text)
        var tail: [UInt16] = []
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains("."),
           let v4 = IPAddress(parsing: String(text[text.index(after: lastColon)...])) {
            tail = [UInt16(v4.low >> 16), UInt16(v4.low & 0xFFFF)]
            text = text[...lastColon]
            if text.hasSuffix(":") && !text.hasSuffix("::") { text = text.dropLast() }
        }
        var halves: [String] = []
        let chars = Array(text)
        var start = 0, i = 0
        while i < chars.count {
            if i + 1 < chars.count && chars[i] == ":" && chars[i + 1] == ":" {
                halves.append(String(chars[start..<i]))
                i += 2
                start = i
            } else {
                i += 1
            }
        }
        halves.append(String(chars[start..<chars.count]))
        guard halves.count <= 2 else { return nil }
        func groups(_ s: String) -> [UInt16]? {
            if s.isEmpty { return [] }
            var result: [UInt16] = []
            for g in s.split(separator: ":", omittingEmptySubsequences: false) {
                guard g.count <= 4, let v = UInt16(g, radix: 16) else { return nil }
                result.append(v)
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        var all: [UInt16]
        if halves.count == 2 {
            guard let back = groups(halves[1]) else { return nil }
            let missing = 8 - head.count - back.count - tail.count
            guard missing >= 1 else { return nil }
            all = head + [UInt16](repeating: 0, count: missing) + back + tail
        } else {
            all = head + tail
        }
        guard all.count == 8 else { return nil }
        let high = all[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = all[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        self.init(ipv6High: high, low: low)
    }
}
