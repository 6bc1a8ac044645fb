// Micro-benchmarks of the hot path on one capture (kept in memory, mapped): decode, flow lookup,
// per-packet analysis, the whole pipeline, and heap allocations per packet in steady state.
// Figures are nanoseconds per packet, best of ROUNDS; compare them within one run.
//
//   microbench CAPTURE [ROUNDS]
import MallocCounter
import PacketCapture
import PacketCore
import Reporting
import ResetAttribution
import RstscopeKit
import TCPAnalysis
#if canImport(Glibc)
import Glibc
#endif

func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else { print("usage: microbench CAPTURE [ROUNDS]"); exit(64) }
let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5
var reader = try CaptureFile.open(arguments[1])
var records: [CaptureRecord] = []
while let record = try reader.next() { records.append(record) }  // views into the mapping, which stays
let packets = Double(records.count)

func best(_ body: () -> Void) -> Double {
    var fastest = UInt64.max
    for _ in 0..<rounds {
        let start = now()
        body()
        fastest = min(fastest, now() - start)
    }
    return Double(fastest) / packets
}

// Decode only.
var segment = TCPSegment.blank
var sink = 0
let decodeNs = best {
    var decoder = PacketDecoder()
    for record in records where decoder.decode(record, into: &segment) { sink &+= segment.payloadLength }
}
// Flow lookup: every segment's key looked up in a table that holds them all.
var keys: [FlowKey] = []
var decoder = PacketDecoder()
for record in records where decoder.decode(record, into: &segment) { keys.append(FlowKey.of(segment).key) }
// The table keeps hashes and indices; the key compared on a hit is the connection record's (here
// an array of the keys, by index).
var table = FlowTable()
var keyOf: [FlowKey] = []
for key in keys where table.find(hash: key.hash(seed: table.seed), matches: { keyOf[Int($0)] == key }) == nil {
    table.set(hash: key.hash(seed: table.seed), Int32(keyOf.count), replacing: { keyOf[Int($0)] == key })
    keyOf.append(key)
}
let lookupNs = best {
    for key in keys {
        if let v = table.find(hash: key.hash(seed: table.seed), matches: { keyOf[Int($0)] == key }) { sink &+= Int(v) }
    }
} * packets / Double(max(keys.count, 1))
// Decode and analysis (the tracker: flow table, sequence analysis, latency, reset observations).
let analysisNs = best {
    var decoder = PacketDecoder()
    var tracker = TCPTracker()
    for record in records where decoder.decode(record, into: &segment) { sink &+= tracker.process(segment).stream }
}
// The pipeline with JSON Lines events into memory (what `analyze --format jsonl` does per packet).
func timePipeline(idleTimeout: Int64? = nil) -> Double {
    best {
        let output = OutputBuffer(fd: nil, flushThreshold: 1 << 30)
        var pipeline = Pipeline(options: PipelineOptions(events: .problems, format: .jsonl, idleTimeout: idleTimeout), output: output)
        for record in records { try? pipeline.process(record) }
        sink &+= output.bytes.count
    }
}
let pipelineNs = timePipeline()
// The same with live capture's idle eviction (0.2 s: most connections are reported and forgotten
// on the way, in a sweep each second of capture time).
let evictingNs = timePipeline(idleTimeout: 200_000_000)
// Allocations per packet in steady state: the second half of the capture, after the first half
// warmed the tables up (new connections still grow them, amortized).
func allocationsPerPacket(_ body: (ArraySlice<CaptureRecord>) -> Void) -> Double {
    let half = records.count / 2
    body(records[..<half])
    let before = malloc_counter_allocations()
    body(records[half...])
    return Double(malloc_counter_allocations() - before) / Double(records.count - half)
}
var hotDecoder = PacketDecoder()
var hotTracker = TCPTracker()
let hotAllocations = allocationsPerPacket { slice in
    for record in slice where hotDecoder.decode(record, into: &segment) { sink &+= hotTracker.process(segment).stream }
}
let eventsOutput = OutputBuffer(fd: nil, flushThreshold: 1 << 30)
var fullPipeline = Pipeline(options: PipelineOptions(events: .problems, format: .jsonl), output: eventsOutput)
let pipelineAllocations = allocationsPerPacket { slice in
    for record in slice { try? fullPipeline.process(record) }
}

// The end of the run, per connection: the attribution, then every line (resets, sessions,
// connections) into memory.
var endPipeline = Pipeline(options: PipelineOptions(events: .none, format: .jsonl), output: OutputBuffer(fd: nil, flushThreshold: 1 << 30))
for record in records { try? endPipeline.process(record) }
endPipeline.completeInput()
let connectionCount = Double(max(endPipeline.tracker.connections.count, 1))
var start = now()
let facts = ConnectionFactsList(endPipeline.tracker)
let judged = ResetAnalyzer.analyze(connections: facts, resets: endPipeline.tracker.resets, proxies: nil)
let attributionNs = Double(now() - start) / connectionCount
sink &+= judged.verdicts.count
let summaries = endPipeline.tracker.summaries  // finished by completeInput: the tracker's own
start = now()
var lineBytes = 0
var lineWriter = ByteWriter(capacity: 1 << 20)
for index in endPipeline.tracker.connections.indices {
    AnalysisReport.writeConnection(ConnectionView(summaries[index]), to: &lineWriter, leading: [])
    lineBytes += lineWriter.count
    lineWriter.removeAll()
}
let connectionLineNs = Double(now() - start) / connectionCount
// The same, on a few connections over and over (warm caches): what formatting itself costs.
let warm = min(endPipeline.tracker.connections.count, 1000)
start = now()
for _ in 0..<(CommandLine.arguments.count > 3 ? 400 : 20) {
    for index in 0..<warm {
        AnalysisReport.writeConnection(ConnectionView(summaries[index]), to: &lineWriter, leading: [])
        lineBytes += lineWriter.count
        lineWriter.removeAll()
    }
}
let warmLineNs = Double(now() - start) / Double(20 * max(warm, 1))
start = now()
for _ in 0..<(CommandLine.arguments.count > 3 ? 400 : 20) {
    for index in 0..<warm {
        endPipeline.tracker.connections[index].key.appendCommunityID(to: &lineWriter)
        lineBytes += lineWriter.count
        lineWriter.removeAll()
    }
}
let communityNs = Double(now() - start) / Double(20 * max(warm, 1))
start = now()
_ = endPipeline.finish()
let finishNs = Double(now() - start) / connectionCount
sink &+= lineBytes

func show(_ name: String, _ value: Double, _ unit: String) {
    let number = value < 10 ? String((value * 1000).rounded() / 1000) : String(Int(value.rounded()))
    let label = String(name.prefix(44)) + String(repeating: " ", count: max(0, 44 - name.count))
    print(label + String(repeating: " ", count: max(0, 10 - number.count)) + number + " " + unit)
}
print("\(records.count) packets, best of \(rounds) rounds (sink \(sink & 1))")
print("state: \(MemoryLayout<ConnectionRecord>.stride) bytes a connection (connection \(MemoryLayout<Connection>.stride), "
      + "direction \(MemoryLayout<DirectionState>.stride) x 2), \(MemoryLayout<ConnectionSummary>.stride) once finished "
      + "(direction \((MemoryLayout<ConnectionSummary>.stride - MemoryLayout<Connection>.stride) / 2) x 2), "
      + "\(MemoryLayout<ResetObservation>.stride) a reset, "
      + "\(MemoryLayout<ResetVerdict>.stride) a verdict, \(MemoryLayout<TCPSegment>.stride) a decoded segment")
show("decode", decodeNs, "ns/packet")
show("flow lookup (hit)", lookupNs, "ns/lookup")
show("decode + analysis (TCPTracker)", analysisNs, "ns/packet")
show("  analysis alone (difference)", analysisNs - decodeNs, "ns/packet")
show("pipeline with JSON Lines events", pipelineNs, "ns/packet")
show("  with idle eviction (live capture's)", evictingNs, "ns/packet")
show("end of run: attribution", attributionNs, "ns/connection")
show("end of run: connection line", connectionLineNs, "ns/connection")
show("end of run: connection line, warm caches", warmLineNs, "ns/connection")
show("  of which the Community ID", communityNs, "ns/connection")
show("end of run: all of it (\(Int(connectionCount)) connections)", finishNs, "ns/connection")
show("allocations, decode + analysis, steady state", hotAllocations, "per packet")
show("allocations, pipeline with events", pipelineAllocations, "per packet")
