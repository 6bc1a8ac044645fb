#if canImport(Glibc)
import Glibc
#endif
import PacketCore

/// Formats integer nanoseconds since the epoch at the output edge.
public enum Timestamp {
    /// Local time (from TZ) with its UTC offset, microseconds: `2024-05-01 14:34:56.123456 +0200`.
    public static func local(_ nanoseconds: Int64) -> String {
        let (seconds, fraction) = floorDivide(nanoseconds, 1_000_000_000)
        var t = time_t(seconds)
        var parts = tm()
        guard localtime_r(&t, &parts) != nil else { return rfc3339(nanoseconds) }
        let offset = Int64(parts.tm_gmtoff)
        let sign = offset < 0 ? "-" : "+"
        let o = abs(offset)
        return "\(pad(Int64(parts.tm_year) + 1900, 4))-\(pad(Int64(parts.tm_mon) + 1, 2))-\(pad(Int64(parts.tm_mday), 2)) "
            + "\(pad(Int64(parts.tm_hour), 2)):\(pad(Int64(parts.tm_min), 2)):\(pad(Int64(parts.tm_sec), 2)).\(pad(fraction / 1000, 6)) "
            + "\(sign)\(pad(o / 3600, 2))\(pad(o / 60 % 60, 2))"
    }

    /// RFC 3339 in UTC with nine fractional digits: `2024-05-01T12:34:56.123456789Z`.
    public static func rfc3339(_ nanoseconds: Int64) -> String {
        var bytes: [UInt8] = []
        appendRFC3339(nanoseconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `rfc3339` written into a byte buffer (JSON output: no string per timestamp).
    public static func appendRFC3339<Sink: ByteSink & ~Copyable>(_ nanoseconds: Int64, to bytes: inout Sink) {
        writeRFC3339(nanoseconds, to: &bytes)
    }

    private static func writeRFC3339<Sink: ByteSink & ~Copyable>(_ nanoseconds: Int64, to bytes: inout Sink) {
        let (seconds, fraction) = floorDivide(nanoseconds, 1_000_000_000)
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        guard year >= 0 && year <= 9999 else {  // outside the fixed widths: as `pad` writes them
            bytes.append(utf8: "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
                         + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(fraction, 9))Z")
            return
        }
        // Fixed-width fields into one stack buffer, then one append: "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ".
        var text: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &text) { out in
            let p = out.baseAddress!
            func put(_ value: Int64, _ width: Int, at offset: Int) { DecimalDigits.write(UInt(value), width: width, at: offset, in: p) }
            put(year, 4, at: 0); out[4] = UInt8(ascii: "-"); put(month, 2, at: 5); out[7] = UInt8(ascii: "-")
            put(day, 2, at: 8); out[10] = UInt8(ascii: "T")
            put(secondOfDay / 3600, 2, at: 11); out[13] = UInt8(ascii: ":"); put(secondOfDay / 60 % 60, 2, at: 14)
            out[16] = UInt8(ascii: ":"); put(secondOfDay % 60, 2, at: 17); out[19] = UInt8(ascii: ".")
            put(fraction, 9, at: 20); out[29] = UInt8(ascii: "Z")
            bytes.append(UnsafeRawBufferPointer(rebasing: out[0..<30]))
        }
    }

    /// `appendRFC3339` into a writer, which remembers the last second's "YYYY-MM-DDTHH:MM:SS."
    /// (the calendar arithmetic is most of the cost): a time in the same second writes only its
    /// fraction.
    public static func appendRFC3339(_ nanoseconds: Int64, to writer: inout ByteWriter) {
        let (seconds, fraction) = floorDivide(nanoseconds, 1_000_000_000)
        if writer.memoKey != seconds {
            // Written in full, and its date and time kept (not outside the fixed widths).
            let start = writer.count
            writeRFC3339(nanoseconds, to: &writer)
            guard writer.count - start == 30 else { return }
            var memo: (UInt64, UInt64, UInt64) = (0, 0, 0)
            writer.withUnsafeBytes { written in
                withUnsafeMutableBytes(of: &memo) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: written[start..<start + 20])) }
            }
            writer.memoKey = seconds
            writer.memoText = memo
            return
        }
        var text: (UInt64, UInt64, UInt64, UInt64) = (writer.memoText.0, writer.memoText.1, writer.memoText.2, 0)
        withUnsafeMutableBytes(of: &text) { out in
            DecimalDigits.write(UInt(fraction), width: 9, at: 20, in: out.baseAddress!)
            out[29] = UInt8(ascii: "Z")
            writer.append(UnsafeRawBufferPointer(rebasing: out[0..<30]))
        }
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
