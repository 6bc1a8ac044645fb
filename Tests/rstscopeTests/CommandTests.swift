import Foundation
import TestSupport
import Testing

/// The command line as users meet it: summaries, filters, errors and exit codes.
@Suite(.enabled(if: Rstscope.isBuilt, "build rstscope first (swift build)"))
struct CommandTests {
    static let demo = Corpus.repositoryRoot.appendingPathComponent("Captures/http-multi-conn-resets.pcap").path

    @Test func jsonSummaryOfTheDemoCapture() throws {
        let result = try Rstscope.run(["analyze", "-r", Self.demo, "--format", "jsonl"])
        #expect(result.status == 0)
        let summary = try #require(result.summary)
        #expect(summary["type"] as? String == "summary")
        #expect(summary["packets"] as? Int == 158)
        #expect(summary["packets_matched"] as? Int == 158)
        #expect(summary["tcp_segments"] as? Int == 158)
        #expect(summary["rst_segments"] as? Int == 10)
        #expect(summary["link_types"] as? [String] == ["EN10MB"])
        #expect(summary["first_ts"] as? String == "2009-11-19T01:52:13.195539000Z")
        #expect(summary["last_ts"] as? String == "2009-11-19T01:52:46.166098000Z")
        #expect((summary["malformed"] as? [String: Int])?.isEmpty == true)
    }

    @Test func positionalFileAndTrailingFilterAsInTcpdump() throws {
        let all = try Rstscope.run(["analyze", Self.demo, "--format", "jsonl"])
        let rstOnly = try Rstscope.run(["analyze", Self.demo, "--format", "jsonl", "tcp[tcpflags] & tcp-rst != 0"])
        let viaOption = try Rstscope.run(["analyze", "-r", Self.demo, "-f", "tcp[tcpflags] & tcp-rst != 0", "--format", "jsonl"])
        #expect(all.status == 0 && rstOnly.status == 0 && viaOption.status == 0)
        // Every record is still counted; only the matching ones are analyzed.
        #expect(rstOnly.summary?["packets"] as? Int == 158)
        #expect(rstOnly.summary?["packets_matched"] as? Int == 10)
        #expect(rstOnly.summary?["tcp_segments"] as? Int == 10)
        #expect(rstOnly.summary?["rst_segments"] as? Int == 10)
        #expect(viaOption.stdout == rstOnly.stdout)
    }

    @Test func standardInputAndGzipGiveTheSameSummary() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.demo))
        let fromFile = try Rstscope.run(["analyze", Self.demo, "--format", "jsonl"])
        let fromStdin = try Rstscope.run(["analyze", "-r", "-", "--format", "jsonl"], stdin: bytes)
        #expect(fromStdin.status == 0)
        #expect(fromStdin.stdout == fromFile.stdout)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-c"]
        let input = Pipe(), output = Pipe()
        gzip.standardInput = input
        gzip.standardOutput = output
        try gzip.run()
        input.fileHandleForWriting.write(bytes)
        try input.fileHandleForWriting.close()
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        gzip.waitUntilExit()
        let fromGzipStdin = try Rstscope.run(["analyze", "-r", "-", "--format", "jsonl"], stdin: compressed)
        #expect(fromGzipStdin.stdout == fromFile.stdout)
    }

    @Test func libpcapReaderGivesTheSameSummary() throws {
        let native = try Rstscope.run(["analyze", Self.demo, "--format", "jsonl"])
        let viaLibpcap = try Rstscope.run(["analyze", Self.demo, "--format", "jsonl", "--reader", "libpcap"])
        #expect(viaLibpcap.status == 0 && viaLibpcap.stdout == native.stdout)
    }

    @Test func textReportNamesTheSource() throws {
        let result = try Rstscope.run(["analyze", Self.demo])
        #expect(result.status == 0)
        #expect(result.stdout.contains("RST segments"))
        #expect(result.stdout.contains("EN10MB (Ethernet)"))
        #expect(!result.stdout.contains("\u{1B}["))  // no colour codes when not on a terminal
    }

    @Test func truncatedFileReportsWhatWasReadThenFails() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.demo))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rstscope-cut-\(UUID()).pcap").path
        try bytes.prefix(bytes.count - 30).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try Rstscope.run(["analyze", path, "--format", "jsonl"])
        #expect(result.status == 74)
        #expect(result.summary?["packets"] as? Int == 157)
        #expect(result.stderr.hasPrefix("rstscope: capture file is cut short"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test(arguments: [
        (["analyze", "/nonexistent/capture.pcap"], Int32(66), "no such file"),
        (["analyze", "/etc/hostname"], 65, "not a pcap or pcapng capture file"),
        (["analyze", "/"], 66, "is a directory"),
        (["analyze"], 64, "no capture file"),
        (["analyze", "--format", "xml", "x.pcap"], 64, "format"),
        (["analyze", "-r", "Captures/rst-injection.pcap", "tcp port"], 64, "bad capture filter"),
        (["live"], 64, "-i"),
        (["live", "-i", "no-such-interface0", "-c", "1"], 69, "no such capture interface"),
    ])
    func errorsExitWithTheirDocumentedCode(arguments: [String], status: Int32, message: String) throws {
        let result = try Rstscope.run(arguments.map { $0.hasPrefix("Captures/") ? Corpus.repositoryRoot.appendingPathComponent($0).path : $0 })
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func helpAndVersion() throws {
        let help = try Rstscope.run(["analyze", "--help"])
        #expect(help.status == 0 && help.stdout.contains("--filter") && help.stdout.contains("Examples"))
        let version = try Rstscope.run(["--version"])
        #expect(version.status == 0 && version.stdout.hasPrefix("rstscope "))
    }
}
