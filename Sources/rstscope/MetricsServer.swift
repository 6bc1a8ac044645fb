import FlyingFox
import Foundation
import Prometheus
import Synchronization

/// `--metrics [ADDR:]PORT`: Prometheus text format over HTTP for Grafana. The capture thread
/// publishes a snapshot (resets by attribution and cause, retransmissions, connections alive,
/// kernel drops, handshake RTTs); FlyingFox serves it. Labels are bounded: attribution, cause,
/// interface, never addresses.
final class MetricsServer: @unchecked Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let interface: String
    private let resetGauges = Mutex<[String: Gauge]>([:])
    private let retransmissions: Gauge
    private let active: Gauge
    private let drops: Gauge
    private let benign: Gauge
    private let handshake: ValueHistogram
    private var server: HTTPServer?

    init(interface: String) {
        self.interface = interface
        let labels = [("interface", interface)]
        retransmissions = registry.makeGauge(name: "rstscope_retransmissions", labels: labels,
                                             help: "TCP segments Wireshark flags as retransmissions")
        active = registry.makeGauge(name: "rstscope_active_connections", labels: labels, help: "TCP connections tracked now")
        drops = registry.makeGauge(name: "rstscope_capture_dropped", labels: labels,
                                   help: "Packets the kernel dropped (they distort resets and retransmissions)")
        benign = registry.makeGauge(name: "rstscope_benign_resets", labels: labels,
                                    help: "Resets that ended connections whose work was done")
        handshake = registry.makeValueHistogram(name: "rstscope_handshake_rtt_seconds", labels: labels,
                                                buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
                                                help: "Initial RTT of new connections (SYN to the first ACK)")
    }

    /// Updates the values (called on the capture thread).
    func publish(resets: [String: Int], benignResets: Int, retransmissions: Int, activeConnections: Int,
                 kernelDrops: UInt32?, newInitialRTTs: [Int64]) {
        resetGauges.withLock { gauges in
            for (key, count) in resets {
                let gauge = gauges[key] ?? {
                    let parts = key.split(separator: "|").map(String.init)
                    let made = registry.makeGauge(name: "rstscope_resets", labels: [("attribution", parts[0]), ("cause", parts[1]),
                                                                                     ("interface", interface)],
                                                  help: "Resets that broke connections, by who caused them and why")
                    gauges[key] = made
                    return made
                }()
                gauge.set(to: Double(count))
            }
            for (key, gauge) in gauges where resets[key] == nil { gauge.set(to: 0) }
        }
        self.retransmissions.set(to: Double(retransmissions))
        active.set(to: Double(activeConnections))
        benign.set(to: Double(benignResets))
        if let kernelDrops { drops.set(to: Double(kernelDrops)) }
        for rtt in newInitialRTTs { handshake.record(Double(rtt) / 1e9) }
    }

    /// Starts serving `/metrics`; returns once the socket listens.
    func start(host: String, port: UInt16) async throws {
        // FlyingFox logs to standard output, which carries our report: keep it quiet.
        let server = host.contains(":") ? HTTPServer(address: try .inet6(ip6: host, port: port), logger: .disabled)
                                        : HTTPServer(address: try .inet(ip4: host, port: port), logger: .disabled)
        let registry = self.registry
        await server.appendRoute("GET /metrics") { _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                         body: Data(registry.emitToBuffer()))
        }
        self.server = server
        Task { try await server.run() }
        try await server.waitUntilListening()
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
