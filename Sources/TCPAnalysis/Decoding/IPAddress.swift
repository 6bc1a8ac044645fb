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
        let words = (high, low)
        @inline(__always) func group(_ i: Int) -> UInt32 {
            UInt32(truncatingIfNeeded: (i < 4 ? words.0 : words.1) &>> UInt64(48 &- 16 &* (i & 3))) & 0xFFFF
        }
        // Longest run of at least two zero groups (first one wins a tie), per RFC 5952 section 4.2.
        var bestStart = 8, bestLength = 1, i = 0  // (bestStart 8: no run)
        while i < 8 {
            guard group(i) == 0 else { i &+= 1; continue }
            var j = i &+ 1
            while j < 8 && group(j) == 0 { j &+= 1 }
            if j &- i > bestLength { bestStart = i; bestLength = j &- i }
            i = j
        }
        // Each group as one 8-byte store: its hex digits and a colon, made in a word (one nibble a
        // byte, turned to ASCII all at once) and shifted past its leading zeros; the next store
        // overwrites what lies beyond. Then one append. At most 39 bytes, stores end by byte 43.
        var text: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
        let length = withUnsafeMutableBytes(of: &text) { out -> Int in
            let p = out.baseAddress!
            @inline(__always) func put(_ group: UInt32, at n: Int) -> Int {
                // Nibbles most significant first, byte 0 first (little-endian).
                let nibbles = group &>> 12 | (group &>> 8 & 0xF) &<< 8 | (group &>> 4 & 0xF) &<< 16 | (group & 0xF) &<< 24
                // "0"-"9" from 0x30, "a"-"f" from 0x61: 39 more where a nibble is 10 or above.
                let ascii = nibbles &+ 0x3030_3030 &+ ((nibbles &+ 0x0606_0606) &>> 4 & 0x0101_0101) &* 39
                let digits = group == 0 ? 1 : (35 &- group.leadingZeroBitCount) / 4
                let word = UInt64(ascii &>> UInt32(8 &* (4 &- digits))) | 0x3A &<< UInt64(8 &* digits)  // ":"
                p.storeBytes(of: word.littleEndian, toByteOffset: n, as: UInt64.self)
                return n &+ digits &+ 1
            }
            var n = 0
            for i in 0..<bestStart { n = put(group(i), at: n) }
            guard bestStart < 8 else { return n &- 1 }  // no run: no colon after the last group
            let end = bestStart &+ bestLength
            // "::": a colon after the groups before the run (both, when there are none).
            if bestStart == 0 { p.storeBytes(of: 0x3A, toByteOffset: n, as: UInt8.self); n &+= 1 }
            p.storeBytes(of: 0x3A, toByteOffset: n, as: UInt8.self)
            n &+= 1
            for i in end..<8 { n = put(group(i), at: n) }
            return end < 8 ? n &- 1 : n
        }
        withUnsafeBytes(of: &text) { sink.append(UnsafeRawBufferPointer(rebasing: $0[0..<length])) }
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
