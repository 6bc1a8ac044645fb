/// Numbers in the evidence text, written without Foundation: milliseconds with one decimal,
/// rounded half away from zero (from the exact nanoseconds when they are known).
enum EvidenceNumbers {
    static func milliseconds(nanoseconds: Int64) -> String {
        let tenths = (nanoseconds.magnitude + 50_000) / 100_000
        return (nanoseconds < 0 && tenths > 0 ? "-" : "") + "\(tenths / 10).\(tenths % 10)"
    }

    static func milliseconds(_ value: Double) -> String {
        let tenths = (abs(value) * 10).rounded()
        guard tenths.isFinite, tenths < 1e15 else { return "\(value)" }
        let whole = Int64(tenths)
        return (value < 0 && whole > 0 ? "-" : "") + "\(whole / 10).\(whole % 10)"
    }
}
