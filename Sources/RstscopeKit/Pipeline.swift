import PacketCapture
import PacketCore
import Reporting
import ResetAttribution
import TCPAnalysis

/// What a run prints and how.
public struct PipelineOptions: Sendable {
    public var filter: String?
    public var events: EventLevel = .problems
    public var format: OutputFormat = .text
    /// Live capture: connections idle this long (nanoseconds) are reported and forgotten.
    public var idleTimeout: Int64?
    /// Proxies named with `--proxy`; nil finds them in the traffic.
    public var proxies: [ProxySpec]?
    /// Verify TCP checksums (off by default, as in Wireshark: offload makes them wrong).
    public var checkChecksums = false
    /// Collect a comment per finding, by frame, for `--write-annotated`.
    public var collectAnnotations = false
    /// Keep packet fingerprints, to correlate this input with others of the same traffic.
    public var recordFingerprints = false
    /// Threads that format the connection lines at the end (JSON Lines; a multi-threaded run).
    public var outputThreads = 1
    /// This pipeline is shard `index` of a multi-threaded run: it tracks only the connections of
    /// its shard (shard 0 reads and routes every record), and hands its event lines to `spool`.
    public var shard: (index: Int, map: ShardMap)?

    public init(filter: String? = nil, events: EventLevel = .problems, format: OutputFormat = .text, idleTimeout: Int64? = nil,
                proxies: [ProxySpec]? = nil) {
        self.filter = filter
        self.events = events
        self.format = format
        self.idleTimeout = idleTimeout
        self.proxies = proxies
    }
}

/// The per-packet path: count the record, filter it, decode it, track its connection, report its
/// events. One instance per input.
public struct Pipeline {
    public private(set) var summary = CaptureSummary()
    public private(set) var tracker = TCPTracker()
    private var decoder = PacketDecoder()
    private var filter: FileFilter?
    private let options: PipelineOptions
    private let emitFlags: AnalysisFlags
    /// Where event lines go as they happen (JSON Lines output only).
    private let output: OutputBuffer?
    /// Counts per analysis flag (bit order), over visible flags.
    public private(set) var eventCounts = [Int](repeating: 0, count: AnalysisFlags.names.count)
    public private(set) var duplicatePackets = 0
    /// Connections already reported (evicted), and problem connections kept for the text report.
    private var connectionsReported = 0
    private var problems: [ConnectionView] = []
    private var lastSweep: Int64 = 0
    /// Initial RTTs measured since the last `takeInitialRTTs` (live metrics), in nanoseconds.
    public private(set) var pendingInitialRTTs: [Int64] = []
    public var collectInitialRTTs = false
    /// Comments by frame (only with `collectAnnotations`): grows with findings, not with packets.
    public private(set) var annotations: [Int: [String]] = [:]
    /// The streams those comments are about (`--only-flagged`).
    public private(set) var streamsWithFindings = Set<Int>()
    /// The attribution, once `finish` ran.
    public private(set) var attribution: AttributionReport?
    /// Packets kept for correlation with other inputs (`recordFingerprints`).
    public private(set) var fingerprints = FingerprintLog()
    private var inputComplete = false
    /// Where a shard's event lines go (JSON Lines output): to the thread that writes them, with a
    /// marker for each connection this shard creates (see `EventSpool`).
    var spool: EventSpool?
    /// Connections a reset broke (not benign), for the text report; live eviction reports before
    /// any attribution, so there every reset counts.
    private var brokenConnections = Set<Int>()

    public init(options: PipelineOptions = PipelineOptions(), output: OutputBuffer? = nil) {
        self.options = options
        self.filter = options.filter.map(FileFilter.init(expression:))
        self.decoder = PacketDecoder(checkChecksums: options.checkChecksums)
        self.emitFlags = options.format == .jsonl ? options.events.flags : []
        self.output = options.format == .jsonl ? output : nil
    }

    /// Compiles the filter for a link type now, so a bad expression fails before any output.
    public mutating func prepareFilter(for linkType: LinkType) throws(CaptureError) {
        try filter?.prepare(for: linkType)
    }

    /// One record of a single pass: counted, filtered, decoded, analyzed.
    @inline(__always)
    public mutating func process(_ record: CaptureRecord) throws(CaptureError) {
        guard try admit(record) else { return }
        processRouted(record)
    }

    /// Shard 0 of a multi-threaded read, the one that reads every record: counts and filters it,
    /// analyzes it when shard 0 owns its connection, else returns the shard that does (its thread
    /// gets the record through `processRouted`). A plain TCP packet's owner is read from its
    /// headers. Anything else (fragments, tunnels, ICMP errors) returns `Self.everyShard`: every
    /// shard decodes it (`processShared`), so each holds the same fragments for reassembly, and
    /// each analyzes it only if it owns the result. So segments and anomalies are counted by their
    /// owner only, records by shard 0, and the merged counts are one pass's.
    @inline(__always)
    public mutating func route(_ record: CaptureRecord) throws(CaptureError) -> Int {
        guard try admit(record) else { return 0 }
        if let owner = FastShard.owner(record, map: options.shard!.map) {
            if owner == 0 { processRouted(record) }
            return owner
        }
        processShared(record)
        return Self.everyShard
    }

    /// What `route` returns for a record every shard gets.
    public static let everyShard = -1

    /// A record every shard decodes: analyzed by the one shard that owns the decoded segment (a
    /// record that decodes to nothing belongs to shard 0). The other shards put the decoder's
    /// counts back.
    public mutating func processShared(_ record: CaptureRecord) {
        let shard = options.shard!
        let saved = decoder.counters
        var decoding = TCPSegment.blank
        let decoded = decoder.decode(record, intoBlank: &decoding)
        let owner = decoded ? TCPTracker.shard(of: decoding, map: shard.map) : 0
        guard owner == shard.index else {
            decoder.counters = saved
            return
        }
        if decoded { analyze(decoding) }
    }

    /// Decodes and analyzes a record already counted and filtered (by shard 0, when it routed it here).
    @inline(__always)
    public mutating func processRouted(_ record: CaptureRecord) {
        // Decoded in place into a fresh blank local (not blanked a second time). Handing it on
        // copies it once (208 bytes); binding it to a `let` first, or passing it inout, measured
        // no better (callgrind: the same, and 0.9% more instructions).
        var decoding = TCPSegment.blank
        guard decoder.decode(record, intoBlank: &decoding) else { return }
        analyze(decoding)
    }

    @inline(__always)
    private mutating func admit(_ record: CaptureRecord) throws(CaptureError) -> Bool {
        summary.countRecord(record)
        if filter != nil, try !filter!.matches(record) { return false }
        summary.countMatched(record)
        return true
    }

    @inline(__always)
    private mutating func analyze(_ segment: TCPSegment) {
        summary.countSegment(segment)
        let analysis = tracker.process(segment)
        spool?.noteConnections(tracker.connectionsCreated, at: segment.frame)
        if let timeout = options.idleTimeout, segment.timestamp - lastSweep >= 1_000_000_000 {
            lastSweep = segment.timestamp
            evictIdle(now: segment.timestamp, timeout: timeout)
        }
        guard segment.isTCPFrame else { return }
        if collectInitialRTTs && analysis.newInitialRTT != 0 { pendingInitialRTTs.append(analysis.newInitialRTT) }
        if analysis.isDuplicate { duplicatePackets += 1 } else if options.recordFingerprints { fingerprints.record(segment, analysis: analysis) }
        let flags = analysis.visibleFlags
        if !flags.isEmpty {
            count(flags, frame: segment.frame, stream: analysis.stream, time: segment.timestamp, analysis: analysis)
            if options.collectAnnotations {
                streamsWithFindings.insert(analysis.stream)
                annotations[segment.frame, default: []].append(
                    "rstscope: " + flags.names.map { "tcp.analysis.\($0)" }.joined(separator: ", ") + " (tcp.stream \(analysis.stream), input frame \(segment.frame))")
            }
        }
        if options.events == .all, output != nil, analysis.ackedFrame != 0, !analysis.ackRTTAmbiguous {
            emit(EventRecord(frame: segment.frame, time: segment.timestamp, connection: analysis.connection, kind: -1,
                             isDuplicate: false, number: analysis.ackedFrame, detail: analysis.ackRTT), stream: analysis.stream)
        }
    }

    private mutating func count(_ flags: AnalysisFlags, frame: Int, stream: Int, time: Int64, analysis: FrameAnalysis) {
        for bit in 0..<AnalysisFlags.names.count where flags.rawValue & (1 << bit) != 0 {
            eventCounts[bit] += 1
            guard emitFlags.rawValue & (1 << bit) != 0, output != nil else { continue }
            emit(EventRecord(frame: frame, time: time, connection: analysis.connection, kind: Int8(bit), isDuplicate: analysis.isDuplicate,
                             number: Int(analysis.duplicateAckNumber), detail: Int64(analysis.duplicateAckFrame)), stream: stream)
        }
    }

    /// An event line: printed now, or (a shard) handed to the thread that writes the lines, which
    /// knows its stream number.
    @inline(__always)
    private mutating func emit(_ event: EventRecord, stream: Int) {
        if options.shard != nil {
            spool?.append(event)
        } else {
            if let output { event.write(to: output, stream: stream) }
        }
    }

    /// (A shard.) Every event line of a frame up to `frame` is handed over.
    mutating func publishEvents(through frame: Int) {
        spool?.publish(through: frame)
    }

    /// (A shard.) Its input has ended: the last event lines are handed over.
    mutating func finishEvents() {
        spool?.finish()
    }

    /// Ends the input: applies what tshark's second pass adds. After it the tracker's connections
    /// are final (what the correlation of several inputs reads).
    public mutating func completeInput() {
        guard !inputComplete else { return }
        inputComplete = true
        tracker.finishTracking()
        // Earlier SYN-ACKs of reused conversations (files only: live capture cannot look ahead).
        let reusedBit = 14
        for late in tracker.secondPassReusedPorts() where late.printable {
            eventCounts[reusedBit] += 1
            if options.collectAnnotations {
                streamsWithFindings.insert(late.stream)
                annotations[late.frame, default: []].append("rstscope: tcp.analysis.reused_ports (tcp.stream \(late.stream), input frame \(late.frame))")
            }
            if emitFlags.contains(.reusedPorts), let output {
                AnalysisReport.writeEvent(to: output, frame: late.frame, stream: late.stream, timestamp: late.time,
                                          kind: "reused_ports") { json in
                    json.field("second_pass", true)
                }
            }
        }
        tracker.releaseSecondPassLog()
    }

    /// The input has ended for this pipeline's tracker: it keeps only its connections' summaries
    /// (see `TCPTracker.finishTracking`). A shard's thread calls it before the merge.
    public mutating func finishTracking() {
        tracker.finishTracking()
    }

    /// Reports the connections, judges the resets (with what other inputs saw of them, by frame),
    /// then reports them and the sessions. Returns the connections with problems, for the text report.
    public mutating func finish(crossView: [Int: CrossViewFinding] = [:]) -> [ConnectionView] {
        completeInput()
        // Connection lines come first: they do not depend on the attribution, so a multi-threaded
        // run formats and writes them on other threads while this one judges the resets. Every
        // kind of line goes through `ParallelLines`, on one thread or many, after the output's
        // leading fields (several inputs).
        let threads = options.outputThreads
        let leading = output?.leadingFields ?? []
        let store = tracker.summaries
        var connectionLines: ParallelLines?
        if let output {
            let lines = ParallelLines(items: store.count, batchSize: 256, lineBytes: 1024, threads: threads) { range, writer in
                var lines = 0
                for index in range where store[index].connection.hasTCPFrames {
                    AnalysisReport.writeConnection(ConnectionView(store[index]), to: &writer, leading: leading)
                    lines += 1
                }
                return lines
            }
            if threads > 1 {
                lines.writeInBackground(to: output)
                connectionLines = lines
            } else {
                connectionsReported += lines.write(to: output)
            }
        }
        // Resets are judged with the whole capture in view: roles, proxy legs, clusters.
        let connectionFacts = ConnectionFactsList(tracker)
        PhaseClock.mark("connection-facts")
        let judged = ResetAnalyzer.analyze(connections: connectionFacts, resets: tracker.resets, proxies: options.proxies,
                                           crossView: crossView, threads: threads)
        attribution = judged
        PhaseClock.mark("attribution")
        if options.format == .text {  // (only the text report marks them: 2 MiB kept to the end on the 2M capture)
            brokenConnections = Set(judged.verdicts.lazy.filter { !$0.benign && !$0.observation.isDuplicate }.map(\.observation.connection))
        }
        if options.collectAnnotations {
            for v in judged.verdicts {
                let r = v.observation
                var text = "rstscope reset: \(v.attribution.rawValue) (\(v.senderRole.rawValue) sent it, \(v.leg.rawValue) leg, phase \(v.phase.rawValue), cause \(v.cause.rawValue)"
                text += v.benign ? ", benign)" : ")"
                if let session = v.session, session < judged.sessions.count { text += " session \(judged.sessions[session].termination)" }
                text += "; " + v.evidence.joined(separator: "; ") + " (tcp.stream \(r.stream), input frame \(r.frame))"
                streamsWithFindings.insert(r.stream)
                annotations[r.frame, default: []].append(text)
            }
        }
        if let connectionLines { connectionsReported += connectionLines.wait() }
        PhaseClock.mark("connection-lines")
        if let output {
            // In frame order (the tracker's order already: then no copy of the verdicts is sorted).
            let verdicts = judged.verdicts
            var order = Array(verdicts.indices)
            // (Verdicts read by index: one bound to a name is a copy, two retains and releases.)
            if !verdicts.indices.dropFirst().allSatisfy({ verdicts[$0 - 1].observation.frame <= verdicts[$0].observation.frame }) {
                order.sort { verdicts[$0].observation.frame < verdicts[$1].observation.frame }
            }
            let facts = connectionFacts
            let resetLines = ParallelLines(items: order.count, batchSize: 128, lineBytes: 2048, threads: threads) { range, writer in
                var lines = 0
                for k in range {
                    // The k-th reset line's verdict and connection (none: a connection not reported).
                    guard let p = facts.place(of: verdicts[order[k]].observation.connection) else { continue }
                    ResetReport.writeReset(verdicts[order[k]], facts: facts[p], to: &writer, leading: leading)
                    lines += 1
                }
                return lines
            }
            _ = resetLines.write(to: output)
            PhaseClock.mark("reset-lines")
            let sessions = judged.sessions
            let sessionLines = ParallelLines(items: sessions.count, batchSize: 256, lineBytes: 1024, threads: threads) { range, writer in
                for i in range { ResetReport.writeSession(sessions[i], index: i, connections: facts, to: &writer, leading: leading) }
                return range.count
            }
            _ = sessionLines.write(to: output)
            PhaseClock.mark("session-lines")
        }
        // Without an output (the text report), the connections with problems are kept, judged.
        if output == nil { reportConnections() }
        return problems
    }

    private mutating func reportConnections() {
        for (index, connection) in tracker.connections.enumerated() where connection.hasTCPFrames {
            report(index)
        }
    }

    private mutating func report(_ index: Int) {
        var view = ConnectionView(tracker.summary(index))
        if attribution != nil && options.format == .text { view.brokenByReset = brokenConnections.contains(index) }
        connectionsReported += 1
        if let output { AnalysisReport.writeConnection(view, to: output) }
        if options.format == .text && TextReport.hasProblem(view) && problems.count < 100_000 { problems.append(view) }
    }

    /// The initial RTTs measured since the last call.
    public mutating func takeInitialRTTs() -> [Int64] {
        defer { pendingInitialRTTs.removeAll(keepingCapacity: true) }
        return pendingInitialRTTs
    }

    /// A live view of the attribution (live metrics): every reset so far judged with what is known
    /// now, counted by (attribution, cause), benign ones apart; and the connections alive.
    public func attributionSnapshot() -> (resets: [String: Int], benign: Int, retransmissions: Int, activeConnections: Int) {
        let report = ResetAnalyzer.analyze(connections: ConnectionFactsList(tracker), resets: tracker.resets, proxies: options.proxies)
        var resets: [String: Int] = [:]
        var benign = 0
        for v in report.verdicts where !v.observation.isDuplicate {
            if v.benign { benign += 1 } else { resets["\(v.attribution.rawValue)|\(v.cause.rawValue)", default: 0] += 1 }
        }
        return (resets, benign, eventCounts[0], tracker.connections.filter { $0.isLive && $0.hasTCPFrames }.count)
    }

    /// Reports and forgets connections idle longer than the timeout (live capture).
    public mutating func evictIdle(now: Int64, timeout: Int64) {
        let idle = tracker.idleConnections(now: now, timeout: timeout)
        for index in idle where tracker.connections[index].hasTCPFrames { report(index) }
        tracker.release(idle)
    }

    /// The summary with the decoder's anomaly counts and the analysis counts folded in.
    public var finalSummary: CaptureSummary {
        var result = summary
        result.malformed = decoder.weirds
        result.connections = connectionsReported
        result.evictedConnections = tracker.evictions
        result.eventCounts = zip(AnalysisFlags.names, eventCounts).filter { $0.1 > 0 }.map { ($0.0, $0.1) }
        result.duplicatePackets = duplicatePackets
        if let attribution {
            let counts = ResetReport.counts(attribution)
            result.resetsByAttribution = counts.byAttribution
            result.resetsByCause = counts.byCause
            result.benignResets = counts.benign
            result.sessions = attribution.sessions.count
        }
        return result
    }
}

extension Pipeline {
    /// Joins the shards of a multi-threaded run (each fed the records of its connections) into
    /// the pipeline a single pass would have left (their event lines are written already: see
    /// `EventLineWriter`).
    /// What follows (`finish`, the summary) is then the single pass's, byte for byte.
    public static func merged(_ shards: [Pipeline], output: OutputBuffer?) -> Pipeline {
        var options = shards[0].options
        options.shard = nil
        options.outputThreads = shards.count
        var result = Pipeline(options: options, output: output)
        // Shard 0 counted every record; segments and anomalies were counted by their owner.
        result.summary = shards[0].summary
        result.decoder = shards[0].decoder
        var counters = shards[0].decoder.counters
        for shard in shards.dropFirst() {
            result.summary.addSegmentCounts(of: shard.summary)
            counters.weirds.add(shard.decoder.counters.weirds)
            counters.unsupportedLinkType += shard.decoder.counters.unsupportedLinkType
        }
        result.decoder.counters = counters
        result.tracker = TCPTracker.merged(shards.map(\.tracker))
        for shard in shards {
            for (bit, count) in shard.eventCounts.enumerated() { result.eventCounts[bit] += count }
            result.duplicatePackets += shard.duplicatePackets
        }
        return result
    }
}

/// Reads a whole capture through the pipeline. A read that fails part-way keeps what was read:
/// the summary covers every complete record, and the error says where the input broke. Every
/// record is analyzed on return, so a mapped file's pages are dropped then.
public func analyzeCapture(_ reader: inout any PacketReader, pipeline: inout Pipeline,
                           progress: ((Int) -> Void)? = nil) -> CaptureError? {
    defer { reader.releaseReadPages() }
    // The readers of mapped files get loops specialized for them (a generic loop calls the reader
    // and its byte source through witness tables for every record); the rest share one.
    if var mapped = reader as? PcapReader<MappedSource> {
        defer { reader = mapped }
        return analyzeRecords(&mapped, pipeline: &pipeline, progress: progress)
    }
    if var mapped = reader as? PcapngReader<MappedSource> {
        defer { reader = mapped }
        return analyzeRecords(&mapped, pipeline: &pipeline, progress: progress)
    }
    return analyzeRecords(&reader, pipeline: &pipeline, progress: progress)
}

@_specialize(where Reader == PcapReader<MappedSource>)
@_specialize(where Reader == PcapngReader<MappedSource>)
private func analyzeRecords<Reader: PacketReader>(_ reader: inout Reader, pipeline: inout Pipeline,
                                                  progress: ((Int) -> Void)?) -> CaptureError? {
    do {
        while let record = try reader.next() {
            try pipeline.process(record)
            if let progress, record.frame & 0xFFFF == 0 { progress(record.frame) }
        }
        return nil
    } catch {
        return error
    }
}

