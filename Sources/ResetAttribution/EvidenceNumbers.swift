/// Numbers in the evidence text, written without Foundation: milliseconds with one decimal,
/// rounded half away from zero (from the exact nanoseconds when they are known).
import PacketCore

enum EvidenceNumbers {
    static func appendMilliseconds<Sink: ByteSink & ~Copyable>(nanoseconds: Int64, to out: inout Sink) {
        appendTenths(Int((nanoseconds.magnitude + 50_000) / 100_000), negative: nanoseconds < 0, to: &out)
    }

    /// Milliseconds already in a `Double` (a cluster's mean and spread), written in place (a
    /// `String` made for each cost an allocation and a copy).
    static func appendMilliseconds<Sink: ByteSink & ~Copyable>(_ value: Double, to out: inout Sink) {
        let tenths = (abs(value) * 10).rounded()
        guard tenths.isFinite, tenths < 1e15 else {
            out.append(utf8: "\(value)")
            return
        }
        appendTenths(Int(tenths), negative: value < 0, to: &out)
    }

    /// `tenths` of a millisecond as "12.3", with a minus sign when negative and not zero.
    private static func appendTenths<Sink: ByteSink & ~Copyable>(_ tenths: Int, negative: Bool, to out: inout Sink) {
        if negative && tenths > 0 { out.append(UInt8(ascii: "-")) }
        out.appendDecimal(tenths / 10)
        out.append(UInt8(ascii: "."))
        out.appendDecimal(tenths % 10)
    }
}
