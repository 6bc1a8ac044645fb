import Foundation
import PacketCapture
import PacketCore
import TCPAnalysis
import TestSupport
import Testing

/// Rare flags (fewer than 50 positives in the corpus) on captures generated in code, compared frame
/// by frame with tshark 4.0.17 itself, the oracle (CI installs it; rstscope never runs it).
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tshark"), "needs tshark as the oracle"))
struct OracleScenarioTests {
    static let fields = AnalysisFlags.names.map { "tcp.analysis.\($0)" }

    /// tshark's streams and flags per frame (two-pass, the truth's preferences).
    static func tshark(_ path: String) throws -> [Int: (stream: Int, flags: AnalysisFlags)] {
        let text = try TestSupport.tshark(["-2", "-o", "tcp.analyze_sequence_numbers:TRUE", "-o", "tcp.relative_sequence_numbers:TRUE",
                                           "-o", "tcp.check_checksum:FALSE", "-r", path, "-Y", "tcp", "-T", "fields", "-E", "separator=/t",
                                           "-E", "occurrence=f", "-e", "frame.number", "-e", "tcp.stream"] + fields.flatMap { ["-e", $0] })
        var result: [Int: (stream: Int, flags: AnalysisFlags)] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            var flags = AnalysisFlags()
            for (i, value) in f.dropFirst(2).enumerated() where !value.isEmpty { flags.insert(AnalysisFlags(rawValue: 1 << i)) }
            result[Int(f[0])!] = (Int(f[1])!, flags)
        }
        return result
    }

    /// rstscope's streams and flags for the same capture, from its bytes.
    static func ours(_ path: String) throws -> [Int: (stream: Int, flags: AnalysisFlags)] {
        var reader = try CaptureFile.open(path)
        var decoder = PacketDecoder()
        var tracker = TCPTracker()
        var result: [Int: (stream: Int, flags: AnalysisFlags)] = [:]
        while let record = try reader.next() {
            guard let segment = decoder.decode(record) else { continue }
            let analysis = tracker.process(segment)
            result[record.frame] = (analysis.stream, analysis.visibleFlags)
        }
        for late in tracker.secondPassReusedPorts() where late.printable { result[late.frame]?.flags.insert(.reusedPorts) }
        return result
    }

    static let scenarios: [(String, @Sendable (inout Conversation) -> Void)] = [
        ("zero window, probe, probe ACK, update", { c in
            c.handshake()
            c.send(true, .ack, seq: 1001, ack: 5001, length: 100, at: 20)
            c.send(false, .ack, seq: 5001, ack: 1101, window: 0, at: 21)
            c.send(true, .ack, seq: 1101, ack: 5001, length: 1, at: 300)
            c.send(false, .ack, seq: 5001, ack: 1101, window: 0, at: 301)
            c.send(true, .ack, seq: 1101, ack: 5001, length: 1, at: 900)
            c.send(false, .ack, seq: 5001, ack: 1101, window: 0, at: 901)
            c.send(false, .ack, seq: 5001, ack: 1101, window: 4096, at: 1500)
            c.send(true, .ack, seq: 1101, ack: 5001, length: 100, at: 1501)
        }),
        ("window full, unscaled and scaled", { c in
            c.send(true, .syn, seq: 1000, windowScale: 2, at: 0)
            c.send(false, [.syn, .ack], seq: 5000, ack: 1001, window: 50, windowScale: 3, at: 10)
            c.send(true, .ack, seq: 1001, ack: 5001, length: 50, at: 11)  // fills the unscaled SYN-ACK window
            c.send(false, .ack, seq: 5001, ack: 1051, window: 25, at: 20)
            c.send(true, .ack, seq: 1051, ack: 5001, length: 200, at: 21)  // 25 << 3
            c.send(false, .ack, seq: 5001, ack: 1251, window: 100, at: 30)
        }),
        ("keep-alives and their ACKs", { c in
            c.handshake()
            c.send(true, .ack, seq: 1001, ack: 5001, length: 10, at: 20)
            c.send(false, .ack, seq: 5001, ack: 1011, at: 21)
            c.send(true, .ack, seq: 1010, ack: 5001, length: 1, at: 60_000)
            c.send(false, .ack, seq: 5001, ack: 1011, at: 60_001)
            c.send(true, .ack, seq: 1010, ack: 5001, at: 120_000)
            c.send(false, .ack, seq: 5001, ack: 1011, at: 120_001)
        }),
        ("port reuse: same ISN, new ISN, SYN-ACK with a new ISN", { c in
            c.handshake()
            c.send(true, [.fin, .ack], seq: 1001, ack: 5001, at: 20)
            c.send(false, [.fin, .ack], seq: 5001, ack: 1002, at: 21)
            c.send(true, .ack, seq: 1002, ack: 5002, at: 22)
            c.send(true, .syn, seq: 1000, at: 3000)
            c.send(true, .syn, seq: 90_000, at: 5000)
            c.send(false, [.syn, .ack], seq: 70_000, ack: 90_001, at: 5001)
            c.send(false, [.syn, .ack], seq: 71_000, ack: 90_001, at: 5002)
            c.send(true, .ack, seq: 90_001, ack: 71_001, at: 5003)
        }),
        ("SYN-ACK reuse seen only by the second pass", { c in
            c.send(true, .syn, seq: 1000, at: 0)
            c.send(false, [.syn, .ack], seq: 5000, ack: 1001, at: 1)
            c.send(true, .ack, seq: 1001, ack: 5001, at: 2)
            c.send(true, .syn, seq: 1000, at: 4000)
            c.send(false, [.syn, .ack], seq: 8000, ack: 1001, at: 4001)
            c.send(true, .ack, seq: 1001, ack: 8001, at: 4002)
        }),
        ("loss, duplicate ACKs, fast retransmission, spurious, ACKed unseen", { c in
            c.handshake()
            c.send(true, .ack, seq: 1001, ack: 5001, length: 100, at: 20)
            c.send(true, .ack, seq: 1201, ack: 5001, length: 100, at: 21)
            c.send(false, .ack, seq: 5001, ack: 1101, at: 30)
            c.send(false, .ack, seq: 5001, ack: 1101, at: 31)
            c.send(false, .ack, seq: 5001, ack: 1101, at: 32)
            c.send(true, .ack, seq: 1101, ack: 5001, length: 100, at: 33)
            c.send(false, .ack, seq: 5001, ack: 1301, at: 40)
            c.send(true, .ack, seq: 1101, ack: 5001, length: 100, at: 400)
            c.send(false, .ack, seq: 5001, ack: 1501, at: 401)
        }),
    ]

    @Test(arguments: 0..<scenarios.count)
    func scenarioMatchesTshark(index: Int) throws {
        let (name, build) = Self.scenarios[index]
        var conversation = Conversation()
        build(&conversation)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rstscope-scenario-\(index)-\(UUID()).pcap").path
        try Data(ScenarioCapture.pcap(conversation.sent)).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let theirs = try Self.tshark(path), ours = try Self.ours(path)
        #expect(theirs.count == conversation.sent.count, "\(name): tshark saw \(theirs.count) TCP frames")
        for frame in theirs.keys.sorted() {
            #expect(ours[frame]?.stream == theirs[frame]?.stream, "\(name) frame \(frame): stream")
            #expect(ours[frame]?.flags == theirs[frame]?.flags,
                    "\(name) frame \(frame): ours \(ours[frame]?.flags.names ?? []) tshark \(theirs[frame]?.flags.names ?? [])")
        }
        // The scenario exercises what it claims: at least one flag fires.
        #expect(theirs.values.contains { !$0.flags.isEmpty }, "\(name): no flag at all")
    }
}
