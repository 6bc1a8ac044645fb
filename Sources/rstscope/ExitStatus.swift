import ArgumentParser
import PacketCapture
#if canImport(Glibc)
import Glibc
#endif

/// Exit codes, sysexits(3)-style so scripts can tell failures apart.
enum ExitStatus: Int32, CaseIterable {
    case success = 0
    /// A live capture failed while running.
    case failure = 1
    /// `--fail-on-reset`: at least N resets broke connections.
    case resetsFound = 3
    /// Bad usage, including a BPF filter that does not compile.
    case usage = 64
    /// Not a capture file, or a corrupt one (what was read before the fault is reported).
    case dataError = 65
    /// The capture file is missing or unreadable.
    case noInput = 66
    /// No such capture interface.
    case unavailable = 69
    /// The capture file is cut short (what was read before the cut is reported).
    case truncated = 74
    /// No permission to capture.
    case noPermission = 77

    static var table: String {
        "0 success; 1 live capture failed; 3 --fail-on-reset threshold reached; 64 bad usage or bad BPF filter; 65 not a capture file or corrupt; "
            + "66 missing or unreadable file; 69 unknown interface; 74 capture file cut short; 77 no permission to capture."
    }

    init(_ error: CaptureError) {
        switch error {
        case .fileNotFound, .cannotRead: self = .noInput
        case .notACaptureFile, .corrupt: self = .dataError
        case .truncated, .decompression, .io: self = .truncated
        case .libpcap: self = .failure
        case .unknownInterface: self = .unavailable
        case .permissionDenied: self = .noPermission
        case .badFilter: self = .usage
        }
    }
}

/// Prints `rstscope: message` on standard error and returns the exit code to throw.
func fail(_ error: Error) -> ExitCode {
    let message: String
    let status: ExitStatus
    if let error = error as? CaptureError {
        message = error.description
        status = ExitStatus(error)
    } else {
        message = String(describing: error)
        status = .failure
    }
    printError("rstscope: \(message)")
    return ExitCode(status.rawValue)
}

func printError(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
