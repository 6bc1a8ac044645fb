import FlyingFox
import Foundation
import Prometheus
import Dispatch
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
        retransmissions = registry.makeGauge(descriptor: Self.metric("rstscope_retransmissions",
                                                                     "TCP segments Wireshark flags as retransmissions"), labels: labels)
        active = registry.makeGauge(descriptor: Self.metric("rstscope_active_connections", "TCP connections tracked now"), labels: labels)
        drops = registry.makeGauge(descriptor: Self.metric("rstscope_capture_dropped",
                                                           "Packets the kernel dropped (they distort resets and retransmissions)"),
                                   labels: labels)
        benign = registry.makeGauge(descriptor: Self.metric("rstscope_benign_resets", "Resets that ended connections whose work was done"),
                                    labels: labels)
        handshake = registry.makeValueHistogram(descriptor: Self.metric("rstscope_handshake_rtt_seconds",
                                                                        "Initial RTT of new connections (SYN to the first ACK)"),
                                                labels: labels,
                                                buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5])
    }

    /// A metric's name (whole: the unit is part of it) and help text.
    private static func metric(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// Updates the values (called on the capture thread).
    func publish(resets: [String: Int], benignResets: Int, retransmissions: Int, activeConnections: Int,
                 kernelDrops: UInt32?, newInitialRTTs: [Int64]) {
        resetGauges.withLock { gauges in
            for (key, count) in resets {
                let gauge = gauges[key] ?? {
                    let parts = key.split(separator: "|").map(String.init)
                    let made = registry.makeGauge(descriptor: Self.metric("rstscope_resets",
                                                                          "Resets that broke connections, by who caused them and why"),
                                                  labels: [("attribution", parts[0]), ("cause", parts[1]), ("interface", interface)])
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

}

// The C entry points the command looks up with dlsym (MetricsPlugin.swift): plain C types only,
// so the command shares no Swift type with this library and does not link it.

/// A server for `interface`'s metrics; not yet listening.
@_cdecl("rstscope_metrics_create")
public func rstscopeMetricsCreate(_ interface: UnsafePointer<CChar>) -> UnsafeMutableRawPointer {
    Unmanaged.passRetained(MetricsServer(interface: String(cString: interface))).toOpaque()
}

/// Listens on `host`:`port` and returns 0 once it does; else writes the reason into `error`.
@_cdecl("rstscope_metrics_start")
public func rstscopeMetricsStart(_ handle: UnsafeMutableRawPointer, _ host: UnsafePointer<CChar>, _ port: UInt16,
                                 _ error: UnsafeMutablePointer<CChar>, _ errorCapacity: Int) -> Int32 {
    let server = Unmanaged<MetricsServer>.fromOpaque(handle).takeUnretainedValue()
    let hostName = String(cString: host)
    let outcome = StartOutcome()
    let semaphore = DispatchSemaphore(value: 0)
    Task {
        do { try await server.start(host: hostName, port: port) } catch { outcome.error = "\(error)" }
        semaphore.signal()
    }
    semaphore.wait()
    guard let message = outcome.error else { return 0 }
    let bytes = Array(message.utf8.prefix(max(0, errorCapacity - 1)))
    for (i, byte) in bytes.enumerated() { error[i] = CChar(bitPattern: byte) }
    error[bytes.count] = 0
    return 1
}

/// Publishes a snapshot: `resetKeys` holds `count` "attribution|cause" keys, each ended by a
/// newline, with their counts in `resetCounts`; `kernelDrops` < 0 when unknown.
@_cdecl("rstscope_metrics_publish")
public func rstscopeMetricsPublish(_ handle: UnsafeMutableRawPointer, _ resetKeys: UnsafePointer<CChar>,
                                   _ resetCounts: UnsafePointer<Int>, _ count: Int, _ benign: Int, _ retransmissions: Int,
                                   _ active: Int, _ kernelDrops: Int64, _ rtts: UnsafePointer<Int64>?, _ rttCount: Int) {
    let server = Unmanaged<MetricsServer>.fromOpaque(handle).takeUnretainedValue()
    let keys = String(cString: resetKeys).split(separator: "\n").map(String.init)
    var resets: [String: Int] = [:]
    for (i, key) in keys.prefix(count).enumerated() { resets[key] = resetCounts[i] }
    server.publish(resets: resets, benignResets: benign, retransmissions: retransmissions, activeConnections: active,
                   kernelDrops: kernelDrops < 0 ? nil : UInt32(truncatingIfNeeded: kernelDrops),
                   newInitialRTTs: rtts.map { Array(UnsafeBufferPointer(start: $0, count: rttCount)) } ?? [])
}

private final class StartOutcome: @unchecked Sendable {
    var error: String?
}
