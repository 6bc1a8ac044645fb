import PacketCore
import Reporting
import ResetAttribution
import TCPAnalysis
import TestSupport
import Testing

/// The JSON writer formats numbers, times and addresses straight into bytes; these must be exactly
/// the strings the readable formatters (`IPAddress.description`, `Timestamp.rfc3339`, `String`)
/// give, on seeded random values with the awkward cases forced in.
struct OutputFormattingTests {
    static func text(_ write: (inout [UInt8]) -> Void) -> String {
        var bytes: [UInt8] = []
        write(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func addressesAsDescriptionWritesThem() {
        var random = SplitMix64(seed: 0xADD2)
        for _ in 0..<20_000 {
            // Groups zeroed at random, so every zero-run shape shows up.
            var words = (random.next(), random.next())
            let zeroMask = random.next() & 0xFF
            for group in 0..<8 where zeroMask & (1 << group) != 0 {
                let shift = UInt64(48 - 16 * (group % 4))
                if group < 4 { words.0 &= ~(0xFFFF << shift) } else { words.1 &= ~(0xFFFF << shift) }
            }
            let v6 = IPAddress(ipv6High: words.0, low: words.1)
            #expect(Self.text { v6.appendText(to: &$0) } == Self.rfc5952(words.0, words.1))
            // The same text kept inline for a line that writes it twice.
            #expect(Self.text { AddressText(v6).write(to: &$0) } == Self.rfc5952(words.0, words.1))
            let v4 = IPAddress(ipv4: UInt32(truncatingIfNeeded: random.next()))
            #expect(Self.text { JSONLine.appendEndpoint(v4, 8080, to: &$0) } == v4.endpoint(8080))
        }
        // IPv4 against dotted quads built from Strings (`description` is the writer's text too):
        // random addresses, and every digit-count boundary in every octet.
        let edges: [UInt32] = [0, 1, 9, 10, 11, 99, 100, 101, 199, 200, 249, 250, 255]
        var values = (0..<20_000).map { _ in UInt32(truncatingIfNeeded: random.next()) }
        for position in 0..<4 {
            for edge in edges { values.append(UInt32(truncatingIfNeeded: random.next()) & ~(0xFF << (8 * position)) | edge << (8 * position)) }
        }
        for a in edges { for b in edges { values.append(a << 24 | b << 16 | b << 8 | a) } }
        for value in values {
            let dotted = [24, 16, 8, 0].map { String(value >> $0 & 0xFF) }.joined(separator: ".")
            #expect(Self.text { IPAddress(ipv4: value).appendText(to: &$0) } == dotted)
            #expect(Self.text { AddressText(IPAddress(ipv4: value)).write(to: &$0) } == dotted)
            #expect(IPAddress(ipv4: value).description == dotted)
        }
        for v6 in [IPAddress(ipv6High: 0, low: 0), IPAddress(ipv6High: 0, low: 1), IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 0)] {
            #expect(Self.text { JSONLine.appendEndpoint(v6, 443, to: &$0) } == v6.endpoint(443))
        }
    }

    /// RFC 5952 text written another way (strings, not the writer's buffer): the reference.
    static func rfc5952(_ high: UInt64, _ low: UInt64) -> String {
        let groups = (0..<8).map { i in UInt16(truncatingIfNeeded: (i < 4 ? high : low) >> UInt64(48 - 16 * (i % 4))) }
        var best = (start: -1, length: 1)
        var i = 0
        while i < 8 {
            var j = i
            while j < 8 && groups[j] == 0 { j += 1 }
            if j - i > best.length { best = (i, j - i) }
            i = max(j, i + 1)
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.start >= 0 else { return hex.joined(separator: ":") }
        return hex[..<best.start].joined(separator: ":") + "::" + hex[(best.start + best.length)...].joined(separator: ":")
    }

    @Test func numbersWithDecimalsAndDigitCounts() {
        var random = SplitMix64(seed: 0xDEC1)
        var powers: [UInt] = [0]
        var p: UInt = 1
        for _ in 0..<19 { powers += [p - 1, p, p + 1]; p *= 10 }
        powers += [p - 1, p, UInt.max]
        for value in powers + (0..<5_000).map({ _ in UInt(random.next()) >> (random.next() % 64) }) {
            #expect(DecimalDigits.count(value) == String(value).count)
        }
        // Fixed decimals against text built from Strings: milliseconds (three) and hundredths (two),
        // in a line and in one writer that grows from 16 bytes.
        func reference(_ value: Int, _ digits: Int) -> String {
            var scale = 1
            for _ in 0..<digits { scale *= 10 }
            let fraction = String(Int(value.magnitude % UInt(scale)))
            return (value < 0 ? "-" : "") + String(value.magnitude / UInt(scale)) + "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        var writer = ByteWriter(capacity: 16)
        var expected = ""
        let nanoseconds: [Int64] = [0, 499, 500, -500, -499, 1_234_567, Int64.max / 2, -(Int64.max / 2)]
        for ns in nanoseconds + (0..<5_000).map({ _ in Int64(bitPattern: random.next()) >> (1 + random.next() % 63) }) {
            let micro = Int((ns + (ns >= 0 ? 500 : -500)) / 1000)
            var json = JSONLine(type: "t")
            json.field("ms", milliseconds: ns)
            #expect(String(decoding: json.finish(), as: UTF8.self) == "{\"type\":\"t\",\"ms\":\(reference(micro, 3))}\n")
            #expect(AnalysisReport.milliseconds(ns) == reference(micro, 3))
            let hundredths = Int(random.next() % 20_001) - 10_000
            writer.appendDecimal(hundredths, fractionDigits: 2)
            expected += reference(hundredths, 2)
        }
        #expect(String(decoding: writer.bytes, as: UTF8.self) == expected)
    }

    /// Each vocabulary word written as a static string is spelled as its raw value.
    @Test func jsonWordsAreTheRawValues() {
        func check<T: JSONWord & RawRepresentable & CaseIterable>(_: T.Type) where T.RawValue == String {
            for value in T.allCases { #expect(value.word.description == value.rawValue) }
        }
        check(RoleBasis.self)
        check(Role.self)
        check(Leg.self)
        check(Attribution.self)
        check(ResetPhase.self)
        check(ResetCause.self)
    }

    @Test func timesAndNumbersAsTheReadableFormattersWriteThem() {
        var random = SplitMix64(seed: 0x7153)
        let edges: [Int64] = [0, 1, -1, 999_999_999, 1_000_000_000, -1_000_000_001, 951_782_400_000_000_000, 4_102_444_800_123_456_789]
        for value in edges + (0..<20_000).map({ _ in Int64(bitPattern: random.next()) >> 2 }) {
            var json = JSONLine(type: "t")
            json.field("ts", timestamp: value)
            #expect(String(decoding: json.finish(), as: UTF8.self) == "{\"type\":\"t\",\"ts\":\"\(Timestamp.rfc3339(value))\"}\n")
            var integer = JSONLine(type: "t")
            integer.field("n", Int(value))
            #expect(String(decoding: integer.finish(), as: UTF8.self) == "{\"type\":\"t\",\"n\":\(value)}\n")
        }
        // One writer for many lines, as the reports use it: the times it remembers (the last
        // second's date) and the numbers it writes in place give the same text.
        var writer = ByteWriter()
        var expected = ""
        var time: Int64 = 1_700_000_000_000_000_000
        for step in (0..<5_000).map({ _ in Int64(random.next() % 3_000_000_000) }) + [Int64.max / 2, -Int64.max / 2] {
            time = step > 1_000_000_000_000 || step < 0 ? step : time &+ step
            let number = Int(bitPattern: UInt(random.next())) >> Int(random.next() % 64)
            Timestamp.appendRFC3339(time, to: &writer)
            writer.appendDecimal(number)
            expected += Timestamp.rfc3339(time) + String(number)
        }
        for number in [Int.min, Int.max, -9, -10, 9, 10, 99, 100] {
            writer.appendDecimal(number)
            expected += String(number)
        }
        #expect(String(decoding: writer.bytes, as: UTF8.self) == expected)
        // Keys of every length.
        var keys = JSONLine(type: "t")
        keys.field("a", 1); keys.field("abcd", 2); keys.field("abcdefg", 3); keys.field("abcdefgh", 4)
        keys.field("abcdefghijklmnop", 5); keys.field("abcdefghijklmnopq", 6)
        #expect(String(decoding: keys.finish(), as: UTF8.self)
                == "{\"type\":\"t\",\"a\":1,\"abcd\":2,\"abcdefg\":3,\"abcdefgh\":4,\"abcdefghijklmnop\":5,\"abcdefghijklmnopq\":6}\n")
        // Milliseconds with microsecond precision, rounded half away from zero.
        for (ns, text) in [(0, "0.000"), (499, "0.000"), (500, "0.001"), (-500, "-0.001"), (1_234_567, "1.235"),
                           (-1_234_567, "-1.235"), (10_000_000_000, "10000.000")] as [(Int64, String)] {
            #expect(AnalysisReport.milliseconds(ns) == text)
        }
    }
}
