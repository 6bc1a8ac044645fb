import ArgumentParser
import PacketCapture
import PacketCore
import Reporting
import ResetAttribution
import RstscopeKit
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

struct LiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Capture live on an interface and analyze as packets arrive.",
        discussion: """
            The capture stops on SIGINT or SIGTERM, after -c packets or after --duration seconds, \
            and the report covers everything captured. A readiness line goes to standard error once \
            the interface is open and the filter installed; kernel drops are reported at the end.

            Examples:
              rstscope live -i eth0 'tcp port 443'
              rstscope live -i any -c 10000 --format jsonl
              rstscope live -i lo --duration 30 -f 'tcp port 8080'
            """
    )

    @Option(name: [.customShort("i"), .customLong("interface")], help: ArgumentHelp("Capture on this interface (see -D).", valueName: "interface"))
    var interface: String?

    @Option(name: [.customShort("c"), .customLong("count")], help: ArgumentHelp("Stop after this many packets.", valueName: "count"))
    var count: Int?

    @Option(name: [.customShort("s"), .customLong("snapshot-length")], help: ArgumentHelp("Bytes to capture of each packet (0 means 262144).", valueName: "snaplen"))
    var snaplen: Int32 = 262_144

    @Option(help: ArgumentHelp("Stop after this many seconds.", valueName: "seconds"))
    var duration: Double?

    @Option(name: [.customShort("f"), .customLong("filter")], help: ArgumentHelp("BPF filter expression (tcpdump syntax).", valueName: "expression"))
    var filter: String?

    @Flag(name: [.customShort("p"), .customLong("no-promiscuous-mode")], help: "Do not put the interface into promiscuous mode.")
    var noPromiscuous = false

    @Option(name: [.customShort("B"), .customLong("buffer-size")], help: ArgumentHelp("Kernel capture buffer in KiB (larger than tcpdump's 2 MiB: bursts are what resets come in).", valueName: "KiB"))
    var bufferKiB: Int32 = 16384

    @Option(help: ArgumentHelp("Report and forget connections idle this long, so memory follows the connections alive.", valueName: "seconds"))
    var idleTimeout: Double = 300

    @Flag(name: [.customShort("D"), .customLong("list-interfaces")], help: "List the interfaces and exit.")
    var listInterfaces = false

    @Option(help: "Output format: text, jsonl, csv or zeek (the final report; intervals are text or JSON lines).")
    var format: OutputFormat = .text

    @Option(help: ArgumentHelp("Which analysis events to print as they happen with --format jsonl: all, problems or none.", valueName: "level"))
    var events: EventLevel = .problems

    @Option(help: ArgumentHelp("Print an interval record (or a text line) every this many seconds of capture.", valueName: "seconds"))
    var interval: Double?

    @Option(name: [.customShort("w"), .customLong("write")], help: ArgumentHelp("Write every captured packet to this pcap file, as tcpdump -w.", valueName: "file"))
    var writePath: String?

    @Option(name: .customLong("write-annotated"), help: ArgumentHelp("When the capture ends, write it as pcapng with a packet comment on every frame that carries a finding (the packets are spooled to -w's file, or to an unlinked temporary file, meanwhile).", valueName: "file.pcapng"))
    var annotatedPath: String?

    @Flag(help: "With --write-annotated: only the packets of connections with findings.")
    var onlyFlagged = false

    @Option(name: [.customShort("Z"), .customLong("relinquish-privileges")], help: ArgumentHelp("Once the capture is open and the filter set, drop root and run as this user (tcpdump -Z).", valueName: "user"))
    var user: String?

    @Option(help: ArgumentHelp("Serve Prometheus metrics on [ADDR:]PORT at /metrics (127.0.0.1 unless an address is given).", valueName: "[addr:]port"))
    var metrics: String?

    @Option(help: "The table --format csv and zeek print at the end: resets, connections or sessions.")
    var table: TableKind = .resets

    @Flag(help: "Text output: show times in UTC (the default is local time).")
    var utc = false

    @Argument(help: ArgumentHelp("An optional BPF filter expression, as in tcpdump.", valueName: "expression"))
    var expression: [String] = []

    mutating func validate() throws {
        if listInterfaces { return }
        guard let interface, !interface.isEmpty else { throw ValidationError("give the interface to capture on with -i (see rstscope -D)") }
        if !expression.isEmpty {
            guard filter == nil else { throw ValidationError("give the filter either with -f or as trailing words, not both") }
            filter = expression.joined(separator: " ")
        }
        if let count, count <= 0 { throw ValidationError("-c must be a positive number of packets") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be a positive number of seconds") }
        if snaplen < 0 { throw ValidationError("-s must not be negative") }
        if bufferKiB <= 0 { throw ValidationError("-B must be a positive size in KiB") }
        if !(idleTimeout > 0) { throw ValidationError("--idle-timeout must be a positive number of seconds") }
        if let interval, !(interval > 0) { throw ValidationError("--interval must be a positive number of seconds") }
        if let metrics, MetricsPlugin.endpoint(metrics) == nil { throw ValidationError("--metrics takes [ADDR:]PORT") }
    }

    func run() throws {
        if listInterfaces { return try printInterfaces() }
        var options = LiveCaptureOptions(interface: interface!)
        options.snaplen = snaplen == 0 ? 262_144 : snaplen
        options.promiscuous = !noPromiscuous
        options.bufferSize = bufferKiB * 1024
        options.filter = filter

        // Signals are taken by the main thread with sigtimedwait; the capture thread never sees them.
        blockStopSignals()
        let capture: LiveCapture
        do {
            capture = try LiveCapture(options)
        } catch {
            throw fail(error)
        }
        printError("rstscope: listening on \(options.interface), link-type \(capture.linkType.libpcapName) "
                   + "(\(capture.linkType.libpcapDescription)), snapshot length \(capture.snaplen) bytes")

        var writer: CaptureWriter?
        if let writePath {
            do {
                writer = try CaptureWriter(path: writePath, format: .pcap,
                                           firstInterface: InterfaceDescription(linkType: capture.linkType, snaplen: UInt32(capture.snaplen)))
            } catch {
                throw fail(CaptureError.cannotRead(path: writePath, reason: "\(error)"))
            }
        }
        // --write-annotated: the output is created now (before -Z), the packets spooled until the
        // findings are known. Without -w the spool is a temporary file unlinked at once, read back
        // through a second descriptor (/proc/self/fd is closed to us once -Z dropped root).
        var annotated: (output: Int32, spool: String?, spoolFD: Int32)?
        var spool: CaptureWriter?
        if let annotatedPath {
            let output: Int32
            do {
                output = try CaptureWriter.create(annotatedPath)
            } catch {
                throw fail(CaptureError.cannotRead(path: annotatedPath, reason: "\(error)"))
            }
            if let writePath {
                annotated = (output, writePath, -1)
            } else {
                let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
                var template = Array((directory + "/rstscope-spool-XXXXXX").utf8CString)
                let fd = mkstemp(&template)
                guard fd >= 0 else {
                    throw fail(CaptureError.cannotRead(path: directory, reason: "spool file: \(String(cString: strerror(errno)))"))
                }
                unlink(template)
                annotated = (output, nil, dup(fd))
                spool = CaptureWriter(fileDescriptor: fd, format: .pcapng)
            }
        }
        let liveInterface = [InterfaceDescription(linkType: capture.linkType, snaplen: UInt32(capture.snaplen), name: options.interface)]
        var exporter: MetricsPlugin?
        if let metrics, let endpoint = MetricsPlugin.endpoint(metrics) {
            if !MetricsPlugin.isLoopback(endpoint.host) {
                printError("rstscope: warning: metrics served on \(endpoint.host), not only to this host")
            }
            let server: MetricsPlugin
            switch MetricsPlugin.load(interface: options.interface) {
            case .success(let loaded): server = loaded
            case .failure(let error):
                printError("rstscope: --metrics: \(error)")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            if let error = server.start(host: endpoint.host, port: endpoint.port) {
                printError("rstscope: --metrics \(metrics): \(error)")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            exporter = server
        }
        if let user {
            // Everything that needs root is open: drop it before any packet is parsed.
            if let problem = Privileges.drop(to: user) {
                printError("rstscope: -Z \(user): \(problem)")
                throw ExitCode(ExitStatus.noPermission.rawValue)
            }
        }

        let state = LiveRunState()
        let output = OutputBuffer(fd: 1)
        var pipelineOptions = PipelineOptions(events: events, format: format, idleTimeout: Int64(self.idleTimeout * 1e9))
        pipelineOptions.collectAnnotations = annotated != nil
        state.pipeline = Pipeline(options: pipelineOptions, output: output)
        state.pipeline!.collectInitialRTTs = exporter != nil
        var lastPublish = 0.0
        /// Publishes the metrics at most once a second (and once more at the end), on the capture thread.
        func publish(force: Bool) {
            guard let exporter, force || monotonicSeconds() - lastPublish >= 1 else { return }
            lastPublish = monotonicSeconds()
            let snapshot = state.pipeline!.attributionSnapshot()
            exporter.publish(resets: snapshot.resets, benignResets: snapshot.benign, retransmissions: snapshot.retransmissions,
                             activeConnections: snapshot.activeConnections, kernelDrops: capture.statistics()?.droppedByKernel,
                             newInitialRTTs: state.pipeline!.takeInitialRTTs())
        }
        let limit = count
        let deadline = duration.map { monotonicSeconds() + $0 }
        let intervalLength = interval.map { Int64($0 * 1e9) }
        let textIntervals = format == .text
        let thread = CaptureThread {
            var packets = 0
            var meter = IntervalMeter(length: intervalLength)
            do {
                try capture.run(shouldStop: {
                    publish(force: false)
                    return state.stopRequested.load(ordering: .acquiring) || deadline.map { monotonicSeconds() >= $0 } ?? false
                }) { record in
                    // libpcap's bytes are valid only inside this callback: decode here, keep values.
                    try? state.pipeline!.process(record)
                    writer?.write(record, interfaces: [])
                    spool?.write(record, interfaces: liveInterface)
                    packets += 1
                    if let line = meter.tick(record.timestamp, state.pipeline!.summary, state.pipeline!.eventCounts,
                                              drops: capture.statistics()?.droppedByKernel, text: textIntervals) {
                        output.append(line)
                        output.flush()
                    }
                    return limit.map { packets < $0 } ?? true
                }
            } catch {
                state.failure = (error as? CaptureError) ?? .libpcap(reason: "\(error)")
            }
            publish(force: true)
        }
        thread.start()
        while !thread.isFinished {
            // libpcap's read may block while no packet comes: the deadline is enforced from here.
            let expired = deadline.map { monotonicSeconds() >= $0 } ?? false
            if waitForStopSignal(milliseconds: 100) != nil || expired {
                state.stopRequested.store(true, ordering: .releasing)
                capture.stop()
            }
        }
        thread.join()
        writer?.close()
        spool?.close()

        let statistics = capture.statistics()
        let summary = ReportPrinter(format: format, table: table, utc: utc).write(&state.pipeline!, summary: { summary in
            if let stats = statistics {
                summary.kernelStatistics = KernelStatistics(received: Int(stats.received), droppedByKernel: Int(stats.droppedByKernel),
                                                            droppedByInterface: Int(stats.droppedByInterface))
            }
        }, source: "interface \(options.interface)", formatName: nil, filter: filter, to: output)
        if let stats = statistics {
            printError("rstscope: \(summary.packets) packets captured, \(stats.received) received by filter, "
                       + "\(stats.droppedByKernel) dropped by kernel")
        }
        if let annotated {
            do {
                let input: any PacketReader
                if let path = annotated.spool {
                    input = try CaptureFile.open(path)
                } else {
                    lseek(annotated.spoolFD, 0, SEEK_SET)  // the offset is shared with the writer's descriptor
                    input = try CaptureFile.open(fileDescriptor: annotated.spoolFD, name: "the capture's spool")
                }
                _ = try CaptureExport.write(input: input, to: annotated.output, format: .pcapng,
                                            comments: state.pipeline!.annotations,
                                            keepStreams: onlyFlagged ? state.pipeline!.streamsWithFindings : nil)
                if annotated.spoolFD >= 0 { close(annotated.spoolFD) }
            } catch {
                throw fail(error)
            }
        }
        if let failure = state.failure { throw fail(failure) }
    }
}

/// What the capture thread hands back to the main thread (read only after `join`).
private final class LiveRunState: @unchecked Sendable {
    let stopRequested = Atomic<Bool>(false)
    /// Used by the capture thread until it ends, then by the main thread (after `join`).
    var pipeline: Pipeline?
    var failure: CaptureError?
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
