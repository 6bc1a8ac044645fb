import Foundation
import PacketCapture
import PacketCore
import TCPAnalysis
import TestSupport
import Testing

/// Initial RTT and per-ACK RTT against tshark 4.0.17's `tcp.analysis.initial_rtt`, `acks_frame` and
/// `ack_rtt`, recorded once by Scripts/make-rtt-truth into a fixture.
@Suite struct LatencyTests {
    static let fixture = Corpus.repositoryRoot.appendingPathComponent("Tests/TCPAnalysisTests/Fixtures/rtt-truth.tsv.gz").path

    /// tshark's seconds and nanoseconds ("0.000453000"); an unnormalized time (from an invalid
    /// capture timestamp) prints its nanoseconds with ten digits, which still add up the same way.
    static func nanoseconds(_ text: Substring) -> Int64? {
        let negative = text.hasPrefix("-")
        let digits = negative ? text.dropFirst() : text
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let seconds = Int64(parts[0]), parts[1].count >= 9, let fraction = Int64(parts[1]) else { return nil }
        let value = seconds * 1_000_000_000 + fraction
        return negative ? -value : value
    }

    static func loadFixture() throws -> [String: (acks: [Int: (frame: Int, rtt: Int64)], initialRTT: [Int: Int64])] {
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-dc", fixture]
        let pipe = Pipe()
        gzip.standardOutput = pipe
        try gzip.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        gzip.waitUntilExit()
        var truth: [String: (acks: [Int: (frame: Int, rtt: Int64)], initialRTT: [Int: Int64])] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            let file = String(f[0])
            var entry = truth[file] ?? ([:], [:])
            if f[1] == "ack", let frame = Int(f[2]), let acked = Int(f[3]) {
                entry.acks[frame] = (acked, f[4].isEmpty ? 0 : nanoseconds(f[4]) ?? -1)  // tshark omits an RTT of 0
            } else if f[1] == "irtt", let stream = Int(f[2]), let rtt = nanoseconds(f[3]) {
                entry.initialRTT[stream] = rtt
            }
            truth[file] = entry
        }
        return truth
    }

    @Test(.enabled(if: Corpus.isAvailable && FileManager.default.fileExists(atPath: fixture), "needs ../shared/captures and the RTT fixture"))
    func initialAndAckRTTEqualTshark() throws {
        let truth = try Self.loadFixture()
        var ackCompared = 0, ackAmbiguous = 0, irttCompared = 0
        var differences: [String] = []
        for entry in CorpusSegmentTests.covered {
            let expected = truth[entry.id] ?? ([:], [:])
            var reader = try CaptureFile.open(entry.path)
            var decoder = PacketDecoder()
            var tracker = TCPTracker()
            // tshark's stream numbers to ours, through the frames (they differ only where the
            // SOCKS dissector used some up).
            var truthStream: [Int: Int] = [:]
            for row in try Corpus.truth(entry) { truthStream[row.frame] = row.stream }
            var streamMap: [Int: Int] = [:]
            while let record = try reader.next() {
                guard let segment = decoder.decode(record) else { continue }
                let analysis = tracker.process(segment)
                if segment.isTCPFrame, let theirs = truthStream[record.frame] { streamMap[theirs] = analysis.stream }
                guard segment.isTCPFrame, analysis.printable else { continue }
                let theirs = expected.acks[record.frame]
                if analysis.ackedFrame != 0 || theirs != nil {
                    if analysis.ackedFrame != theirs?.frame || analysis.ackRTT != theirs?.rtt {
                        if differences.count < 20 {
                            differences.append("\(entry.id) #\(record.frame): ack of \(analysis.ackedFrame) \(analysis.ackRTT) ns, tshark \(String(describing: theirs))")
                        }
                    } else if analysis.ackRTTAmbiguous {
                        ackAmbiguous += 1
                    } else {
                        ackCompared += 1
                    }
                }
            }
            let ourStreams = Dictionary(uniqueKeysWithValues: streamMap.map { ($0.value, $0.key) })
            for connection in tracker.connections where connection.hasTCPFrames {
                guard let tsharkStream = ourStreams[connection.stream], let theirs = expected.initialRTT[tsharkStream] else { continue }
                irttCompared += 1
                if connection.initialRTT != theirs, differences.count < 20 {
                    differences.append("\(entry.id) stream \(connection.stream): iRTT \(connection.initialRTT) ns, tshark \(theirs)")
                }
            }
        }
        print("LatencyTests: \(ackCompared) ACK RTT samples equal to the nanosecond (\(ackAmbiguous) more equal but Karn-ambiguous), "
              + "\(irttCompared) initial RTTs compared")
        for line in differences { print("  " + line) }
        #expect(differences.isEmpty)
        #expect(ackCompared > 10_000 && irttCompared > 1000)
    }
}
