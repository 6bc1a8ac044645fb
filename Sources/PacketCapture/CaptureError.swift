/// Why a capture could not be read (or could only be read in part). Every case carries the text a
/// user needs on one line; libpcap cases carry `pcap_geterr`'s text.
public enum CaptureError: Error, Equatable, CustomStringConvertible, Sendable {
    case fileNotFound(path: String)
    case cannotRead(path: String, reason: String)
    case notACaptureFile(path: String, reason: String)
    /// The input ends inside a record: every complete record before it was delivered.
    case truncated(reason: String, offset: Int64)
    /// A record or block is invalid (a length that cannot be right): reading stops there.
    case corrupt(reason: String, offset: Int64)
    case decompression(reason: String)
    case io(reason: String)
    case libpcap(reason: String)
    case unknownInterface(name: String, reason: String)
    case permissionDenied(reason: String)
    case badFilter(expression: String, reason: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path): return "\(path): no such file"
        case .cannotRead(let path, let reason): return "\(path): cannot read: \(reason)"
        case .notACaptureFile(let path, let reason): return "\(path): not a pcap or pcapng capture file (\(reason))"
        case .truncated(let reason, let offset): return "capture file is cut short at byte \(offset): \(reason)"
        case .corrupt(let reason, let offset): return "capture file is corrupt at byte \(offset): \(reason)"
        case .decompression(let reason): return "gzip decompression failed: \(reason)"
        case .io(let reason): return "read error: \(reason)"
        case .libpcap(let reason): return "libpcap: \(reason)"
        case .unknownInterface(let name, let reason): return "\(name): no such capture interface (\(reason))"
        case .permissionDenied(let reason): return "no permission to capture: \(reason)"
        case .badFilter(let expression, let reason): return "bad capture filter \"\(expression)\": \(reason)"
        }
    }

    /// The input was read in part: the records before the failure are good.
    public var isPartialRead: Bool {
        switch self {
        case .truncated, .corrupt, .decompression, .io: return true
        default: return false
        }
    }
}
