import Foundation
import PacketCapture
import Reporting
import RstscopeKit
import TestSupport
import Testing

/// `--threads N`: the connections are split between shards by flow hash and merged at the end; the
/// JSON Lines (every event, reset, session, connection and the summary) must be byte for byte those
/// of one thread.
struct ThreadsTests {
    /// Every line a run prints with `--format jsonl --events all`, read in process.
    static func jsonLines(_ path: String, threads: Int) throws -> [UInt8] {
        let output = OutputBuffer(fd: nil)
        let options = PipelineOptions(events: .all, format: .jsonl)
        var reader = try CaptureFile.open(path)
        var pipeline: Pipeline
        if threads == 1 {
            pipeline = Pipeline(options: options, output: output)
            _ = analyzeCapture(&reader, pipeline: &pipeline)
        } else {
            pipeline = analyzeShardedCapture(reader, threads: threads, options: options, output: output).pipeline
        }
        pipeline.completeInput()
        _ = pipeline.finish()
        output.append(SummaryReport.jsonLine(pipeline.finalSummary, linkTypeName: \.libpcapName))
        return output.bytes
    }

    @Test(.enabled(if: Corpus.isAvailable, "needs ../shared/captures"))
    func publicCapturesGiveTheSameLinesOnEveryThreadCount() throws {
        var compared = 0, different: [String] = []
        for entry in Corpus.catalog where entry.tcpPackets > 0 {
            let one = try Self.jsonLines(entry.path, threads: 1)
            for threads in [2, 3] where try Self.jsonLines(entry.path, threads: threads) != one {
                different.append("\(entry.id) (\(threads) threads)")
            }
            compared += 1
        }
        #expect(compared > 1000)
        #expect(different.isEmpty, "\(different.count) differ: \(different.prefix(5))")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") && Rstscope.isBuilt, "needs python3 and rstscope"))
    func generatedCaptureGivesTheSameOutputThroughTheCommand() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rstscope-threads-\(UUID()).pcap").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try runTool("/usr/bin/python3", [Corpus.repositoryRoot.appendingPathComponent("Scripts/gen-capture.py").path, "mixed", "30000", path])
        let one = try Rstscope.run(["analyze", path, "--format", "jsonl", "--events", "all", "--threads", "1"])
        #expect(one.status == 0 && one.stdout.count > 1_000_000)
        // Two threads: the reader analyzes 40% of the connections; six: it only routes.
        for threads in ["2", "4", "6"] {
            let many = try Rstscope.run(["analyze", path, "--format", "jsonl", "--events", "all", "--threads", threads])
            #expect(many.status == 0 && many.stdout == one.stdout, "--threads \(threads)")
        }
        // With a BPF filter (the reading thread applies it before routing).
        let filtered = try Rstscope.run(["analyze", path, "--format", "jsonl", "--threads", "1", "tcp port 80 or ip6"])
        #expect(filtered.status == 0 && filtered.stdout != one.stdout)
        #expect(try Rstscope.run(["analyze", path, "--format", "jsonl", "--threads", "3", "tcp port 80 or ip6"]).stdout == filtered.stdout)
        // The text report too (the verdict, the problem connections, the summary).
        let text = try Rstscope.run(["analyze", path, "--utc", "--threads", "1"]).stdout
        #expect(try Rstscope.run(["analyze", path, "--utc", "--threads", "2"]).stdout == text)
    }
}
