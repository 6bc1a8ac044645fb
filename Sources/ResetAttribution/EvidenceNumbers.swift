/// Numbers in the evidence text, written without Foundation: milliseconds with one decimal,
/// rounded half away from zero (from the exact nanoseconds when they are known).
import PacketCore

enum EvidenceNumbers {
    static func milliseconds(nanoseconds: Int64) -> String {
        var bytes: [UInt8] = []
        appendMilliseconds(nanoseconds: nanoseconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func appendMilliseconds<Sink: ByteSink & ~Copyable>(nanoseconds: Int64, to out: inout Sink) {
        let tenths = (nanoseconds.magnitude + 50_000) / 100_000
        if nanoseconds < 0 && tenths > 0 { out.append(UInt8(ascii: "-")) }
        out.appendDecimal(Int(tenths / 10))
        out.append(UInt8(ascii: "."))
        out.appendDecimal(Int(tenths % 10))
    }

    static func milliseconds(_ value: Double) -> String {
        let tenths = (abs(value) * 10).rounded()
        guard tenths.isFinite, tenths < 1e15 else { return "\(value)" }
        let whole = Int64(tenths)
        return (value < 0 && whole > 0 ? "-" : "") + "\(whole / 10).\(whole % 10)"
    }
}
