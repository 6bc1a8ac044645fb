/// Numbers in the evidence text, written without Foundation: milliseconds with one decimal,
/// rounded half away from zero (from the exact nanoseconds when they are known).
import PacketCore

enum EvidenceNumbers {
    static func appendMilliseconds<Sink: ByteSink & ~Copyable>(nanoseconds: Int64, to out: inout Sink) {
        let tenths = (nanoseconds.magnitude + 50_000) / 100_000
        if nanoseconds < 0 && tenths > 0 { out.append(UInt8(ascii: "-")) }
        out.appendDecimal(Int(tenths / 10))
        out.append(UInt8(ascii: "."))
        out.appendDecimal(Int(tenths % 10))
    }

    /// Milliseconds already in a `Double` (a cluster's mean and spread), written in place (a
    /// `String` made for each cost an allocation and a copy).
    static func appendMilliseconds<Sink: ByteSink & ~Copyable>(_ value: Double, to out: inout Sink) {
        let tenths = (abs(value) * 10).rounded()
        guard tenths.isFinite, tenths < 1e15 else {
            out.append(utf8: "\(value)")
            return
        }
        let whole = Int(tenths)
        if value < 0 && whole > 0 { out.append(UInt8(ascii: "-")) }
        out.appendDecimal(whole / 10)
        out.append(UInt8(ascii: "."))
        out.appendDecimal(whole % 10)
    }
}
