#if canImport(Glibc)
import Glibc
#endif

/// `--metrics`: the Prometheus endpoint lives in a library of its own (`libRstscopeMetrics.so`,
/// next to this binary: swift-prometheus, FlyingFox and Foundation), loaded only when asked for,
/// so that analyzing a file does not load (or pay the memory of) an HTTP server and Foundation.
/// Its three C functions are all this command knows of it.
final class MetricsPlugin: @unchecked Sendable {
    private typealias Create = @convention(c) (UnsafePointer<CChar>) -> UnsafeMutableRawPointer
    private typealias Start = @convention(c) (UnsafeMutableRawPointer, UnsafePointer<CChar>, UInt16,
                                              UnsafeMutablePointer<CChar>, Int) -> Int32
    private typealias Publish = @convention(c) (UnsafeMutableRawPointer, UnsafePointer<CChar>, UnsafePointer<Int>, Int, Int, Int,
                                                Int, Int64, UnsafePointer<Int64>?, Int) -> Void
    static let libraryName = "libRstscopeMetrics.so"

    private let server: UnsafeMutableRawPointer
    private let startServer: Start
    private let publishSnapshot: Publish

    /// Loads the library from the directory of this executable; the reason when it cannot.
    static func load(interface: String) -> Result<MetricsPlugin, MetricsError> {
        var path = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &path, path.count - 1)
        guard length > 0 else { return .failure(MetricsError(text: "cannot find the rstscope binary's directory")) }
        let executable = String(decoding: path.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let directory = executable.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let library = directory + "/" + libraryName
        guard let handle = dlopen(library, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "not found"
            return .failure(MetricsError(text: "\(libraryName) must be installed next to rstscope (\(reason))"))
        }
        guard let create = dlsym(handle, "rstscope_metrics_create"), let start = dlsym(handle, "rstscope_metrics_start"),
              let publish = dlsym(handle, "rstscope_metrics_publish") else {
            return .failure(MetricsError(text: "\(library) is not rstscope's metrics library"))
        }
        let plugin = MetricsPlugin(server: interface.withCString { unsafeBitCast(create, to: Create.self)($0) },
                                   start: unsafeBitCast(start, to: Start.self), publish: unsafeBitCast(publish, to: Publish.self))
        return .success(plugin)
    }

    private init(server: UnsafeMutableRawPointer, start: Start, publish: Publish) {
        self.server = server
        startServer = start
        publishSnapshot = publish
    }

    /// Starts serving `/metrics`; returns once the socket listens.
    func start(host: String, port: UInt16) -> MetricsError? {
        var error = [CChar](repeating: 0, count: 512)
        let status = host.withCString { startServer(server, $0, port, &error, error.count) }
        return status == 0 ? nil : MetricsError(text: String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// Updates the values (called on the capture thread).
    func publish(resets: [String: Int], benignResets: Int, retransmissions: Int, activeConnections: Int,
                 kernelDrops: UInt32?, newInitialRTTs: [Int64]) {
        let keys = resets.keys.sorted()
        let counts = keys.map { resets[$0]! }
        let text = keys.map { $0 + "\n" }.joined()
        text.withCString { keyText in
            counts.withUnsafeBufferPointer { countBuffer in
                newInitialRTTs.withUnsafeBufferPointer { rtts in
                    publishSnapshot(server, keyText, countBuffer.baseAddress ?? UnsafePointer(bitPattern: 8)!, keys.count, benignResets,
                                    retransmissions, activeConnections, kernelDrops.map(Int64.init) ?? -1, rtts.baseAddress, rtts.count)
                }
            }
        }
    }

    /// Parses `[ADDR:]PORT` (IPv6 in brackets); 127.0.0.1 when no address is given.
    static func endpoint(_ text: String) -> (host: String, port: UInt16)? {
        if let port = UInt16(text) { return ("127.0.0.1", port) }
        if text.hasPrefix("["), let close = text.firstIndex(of: "]"), let port = UInt16(text[text.index(close, offsetBy: 2)...]) {
            return (String(text[text.index(after: text.startIndex)..<close]), port)
        }
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        return (String(text[..<colon]), port)
    }

    static func isLoopback(_ host: String) -> Bool { host.hasPrefix("127.") || host == "::1" || host == "localhost" }
}

struct MetricsError: Error, CustomStringConvertible {
    var text: String
    var description: String { text }
}
