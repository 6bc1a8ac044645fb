#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import CSupport
import PacketCapture
import PacketCore
import Reporting
import ResetAttribution
import RstscopeKit

extension OutputFormat: ExpressibleByArgument {}
extension EventLevel: ExpressibleByArgument {}
extension TableKind: ExpressibleByArgument {}
extension ReaderKind: ExpressibleByArgument {}

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyze a capture file (pcap or pcapng, plain or gzip).",
        discussion: """
            Examples:
              rstscope analyze capture.pcapng
              rstscope analyze -r capture.pcap.gz --format jsonl
              rstscope analyze -r capture.pcap 'host 10.0.0.5 and tcp port 443'
              tcpdump -w - -i eth0 | rstscope analyze -r -
              rstscope analyze -r client.pcap -r proxy.pcap --format jsonl

            Several -r inputs are several vantage points of the same traffic (captured at the \
            client, on the proxy host, at the backend): each is analyzed on its own (its own frame \
            and stream numbers), then their packets are matched to measure the clock offset \
            between them and to find resets made on the path between two of them. Every JSON line \
            says which input it comes from ("input").

            A BPF filter (-f, or a trailing expression as in tcpdump) is applied after every record \
            is counted, so frame numbers always match Wireshark's on the unfiltered file.
            """
    )

    @Option(name: [.customShort("r"), .customLong("read")], help: ArgumentHelp("Read packets from this file ('-' for standard input). Repeat for several vantage points of the same traffic.", valueName: "file"))
    var files: [String] = []

    @Option(name: [.customShort("f"), .customLong("filter")], help: ArgumentHelp("BPF filter expression (tcpdump syntax).", valueName: "expression"))
    var filter: String?

    @Option(help: "Output format: text, jsonl, csv (with a header row) or zeek (Zeek-style TSV log).")
    var format: OutputFormat = .text

    @Option(help: ArgumentHelp("The table --format csv and zeek print: resets, connections or sessions.", valueName: "table"))
    var table: TableKind = .resets

    @Flag(help: "Text output: show times in UTC (the default is local time, from TZ).")
    var utc = false

    @Option(name: .customLong("fail-on-reset"), help: ArgumentHelp("Exit with status 3 when at least N resets broke connections (benign ones do not count). --fail-on-reset alone means 1.", valueName: "N"))
    var failOnReset: Int?

    @Option(help: ArgumentHelp("Which analysis events to print with --format jsonl: all (every flag tshark sets, and ACK RTT samples), problems, or none.", valueName: "level"))
    var events: EventLevel = .problems

    @Option(name: .customLong("proxy"), help: ArgumentHelp("A proxy: its front address (and port), then the addresses it connects out from, e.g. 10.0.0.5:443,10.0.1.5. Repeat for several. Without it, proxies are found in the traffic.", valueName: "front[:port][,back-source...]"))
    var proxyTexts: [String] = []

    @Option(name: .customLong("write-annotated"), help: ArgumentHelp("Write the input as pcapng with a packet comment on every frame that carries a finding (Wireshark: Packet comments, frame.comment).", valueName: "file.pcapng"))
    var annotatedPath: String?

    @Flag(help: "With --write-annotated: only the packets of connections with findings.")
    var onlyFlagged = false

    @Option(name: .customLong("extract"), help: ArgumentHelp("Write every packet of the connections a reset broke (and the ICMP errors quoting them); pcapng when the input has several interfaces, else pcap.", valueName: "file"))
    var extractPath: String?

    @Flag(help: "Verify TCP checksums and count bad ones (off by default: checksum offload makes them wrong on capture hosts).")
    var checkChecksums = false

    @Option(name: .customLong("threads"), help: ArgumentHelp("Analysis threads (default: every CPU it may use, as nproc counts them). Connections are split between them by a hash of their addresses and ports; the output is the same as with one. Used for one plain (not gzip) capture file, without --write-annotated and --extract.", valueName: "n"))
    var threadCount: Int?

    /// `--threads`, or every CPU the process may use.
    var threads: Int { threadCount ?? Self.usableCPUs }

    /// The CPUs this process may run on, as `nproc` counts them: its affinity mask (taskset, a
    /// container's cpuset), else every CPU online. (Two threads on one allowed CPU took 45% longer
    /// than one.)
    static var usableCPUs: Int {
        let allowed = Int(csupport_allowed_cpu_count())
        return max(1, allowed > 0 ? allowed : Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    @Option(help: ArgumentHelp("Which reader to use: native (ours) or libpcap (a cross-check; pcap files).", valueName: "reader"))
    var reader: ReaderKind = .native

    @Argument(help: ArgumentHelp("The capture file (when -r is not given), then an optional BPF filter expression.", valueName: "file | expression"))
    var words: [String] = []

    var proxies: [ProxySpec]? {
        proxyTexts.isEmpty ? nil : proxyTexts.compactMap(ProxySpec.init(parsing:))
    }

    mutating func validate() throws {
        for text in proxyTexts where ProxySpec(parsing: text) == nil {
            throw ValidationError("--proxy \(text): expected FRONT_ADDR[:PORT][,BACK_SRC_ADDR...]")
        }
        if files.isEmpty {
            guard !words.isEmpty else { throw ValidationError("no capture file: give one with -r FILE or as the first argument") }
            files = [words.removeFirst()]
        }
        if let threadCount, threadCount < 1 { throw ValidationError("--threads must be at least 1") }
        if files.count > 1 {
            if annotatedPath != nil || extractPath != nil {
                throw ValidationError("--write-annotated and --extract take a single input (give one -r)")
            }
            if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input can be read once") }
        }
        if !words.isEmpty {
            guard filter == nil else { throw ValidationError("give the filter either with -f or as trailing words, not both") }
            filter = words.joined(separator: " ")
        }
    }

    /// `--write-annotated` and `--extract`: a second pass over the input file.
    func writeCopies(pipeline: Pipeline, path: String) throws {
        guard annotatedPath != nil || extractPath != nil else { return }
        guard path != "-" else { throw fail(CaptureError.cannotRead(path: "standard input", reason: "--write-annotated and --extract need a file they can read twice")) }
        do {
            if let annotatedPath {
                _ = try CaptureExport.write(input: path, reader: reader, to: annotatedPath, format: .pcapng,
                                            comments: pipeline.annotations, keepStreams: onlyFlagged ? pipeline.streamsWithFindings : nil)
            }
            if let extractPath {
                let broken = Set((pipeline.attribution?.verdicts ?? []).filter { !$0.benign && !$0.observation.isDuplicate }.map(\.observation.stream))
                let interfaces = Set(pipeline.summary.linkTypes).count
                _ = try CaptureExport.write(input: path, reader: reader, to: extractPath, format: interfaces > 1 ? .pcapng : .pcap,
                                            comments: [:], keepStreams: broken)
            }
        } catch {
            throw fail(error)
        }
    }

    func run() throws {
        let output = OutputBuffer(fd: 1)
        var options = PipelineOptions(filter: filter, events: events, format: format, proxies: proxies)
        options.checkChecksums = checkChecksums
        options.collectAnnotations = annotatedPath != nil
        options.recordFingerprints = files.count > 1
        // Every input is read whole first: the correlation needs all of them before any verdict.
        var inputs: [(pipeline: Pipeline, formatName: String?, failure: CaptureError?)] = []
        for path in files {
            if format == .jsonl && files.count > 1 { output.lead(with: "input", Self.name(path)) }
            inputs.append(try read(path, options: options, output: output, shardable: files.count == 1))
            output.flush()
        }
        let names = files.map(Self.name)
        var correlation: VantageCorrelation?
        if inputs.count > 1 {
            correlation = VantageCorrelation.correlate(inputs.indices.map { i in
                VantageView(name: names[i], connections: inputs[i].pipeline.tracker.connections,
                            fingerprints: inputs[i].pipeline.fingerprints.fingerprints)
            })
        }
        var mostBroken = 0
        for i in inputs.indices {
            if format == .jsonl && files.count > 1 { output.lead(with: "input", names[i]) }
            var printer = ReportPrinter(format: format, table: table, utc: utc)
            if inputs.count > 1 {
                printer.inputName = names[i]
                printer.tableHeader = i == 0
                printer.tableFooter = i == inputs.count - 1
            }
            if i > 0 && format == .text { output.append("\n") }
            let summary = printer.write(&inputs[i].pipeline, crossView: correlation?.findings[i] ?? [:], source: names[i],
                                        formatName: inputs[i].formatName, filter: filter, to: output)
            mostBroken = max(mostBroken, summary.resetsByAttribution.reduce(0) { $0 + $1.1 })
        }
        output.leadingFields = []
        PhaseClock.mark("reported")
        if let correlation {
            switch format {
            case .jsonl: for pair in correlation.pairs { output.append(VantageReport.jsonLine(pair, names: names)) }
            case .text: output.append("\n" + VantageReport.text(correlation, names: names))
            case .csv, .zeek: break
            }
        }
        output.flush()
        try writeCopies(pipeline: inputs[0].pipeline, path: files[0])
        if let failure = inputs.lazy.compactMap(\.failure).first { throw fail(failure) }
        if let threshold = failOnReset, mostBroken >= max(threshold, 1) {
            printError("rstscope: \(mostBroken) reset\(mostBroken == 1 ? "" : "s") broke connections (--fail-on-reset \(threshold))")
            throw ExitCode(ExitStatus.resetsFound.rawValue)
        }
        // Done, everything written: the process ends here. Returning would free every connection
        // record, verdict and evidence list one by one (tens of millions of instructions on a big
        // capture) for memory the exit gives back at once.
        Glibc.exit(0)
    }

    /// Reads one input through a pipeline, on `--threads` threads when it can be read in parallel.
    func read(_ path: String, options: PipelineOptions, output: OutputBuffer,
              shardable: Bool) throws -> (pipeline: Pipeline, formatName: String?, failure: CaptureError?) {
        var reader: any PacketReader
        do {
            reader = try CaptureFile.open(path, reader: self.reader)
        } catch {
            throw fail(error)
        }
        let progress = ProgressLine(totalBytes: nil)
        defer { progress?.finish() }
        let report = progress.map { meter in { (frames: Int) in meter.update(frames: frames) } }
        let parallel = shardable && threads > 1 && reader.readsMappedFile && annotatedPath == nil && extractPath == nil
        PhaseClock.mark("open")
        var pipeline: Pipeline
        var failure: CaptureError?
        if parallel {
            (pipeline, failure) = analyzeShardedCapture(reader, threads: threads, options: options, output: output,
                                                        progress: report)
        } else {
            pipeline = Pipeline(options: options, output: output)
            failure = analyzeCapture(&reader, pipeline: &pipeline, progress: report)
        }
        if case .badFilter = failure { throw fail(failure!) }
        PhaseClock.mark("read")
        pipeline.completeInput()
        PhaseClock.mark("second-pass")
        return (pipeline, reader.formatName, failure)
    }

    /// How outputs name an input.
    static func name(_ path: String) -> String { path == "-" ? "standard input" : path }
}
