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

    /// `RSTSCOPE_PHASES` (what `Scripts/bench-phases` reads): the end of every stage on standard
    /// error, timed from the capture's opening, the output unchanged; nothing without it.
    @Test func phaseMarksOnlyWhenAsked() throws {
        let arguments = ["analyze", Self.demo, "--format", "jsonl", "--threads", "2"]
        let quiet = try Rstscope.run(arguments)
        let timed = try Rstscope.run(arguments, environment: ["RSTSCOPE_PHASES": "1"])
        #expect(quiet.status == 0 && timed.status == 0)
        #expect(quiet.stderr.isEmpty)
        #expect(timed.stdout == quiet.stdout)
        let marks = timed.stderr.split(separator: "\n").map { $0.split(separator: " ") }
        #expect(marks.allSatisfy { $0.count == 3 && $0[0] == "phase" && Double($0[2]) != nil })
        let times = Dictionary(marks.map { (String($0[1]), Double($0[2]) ?? -1) }) { first, _ in first }
        for stage in ["open", "reader-read", "helper-read", "shards-merged", "read", "second-pass", "connection-facts",
                      "proxy-detection", "leg-pairing", "judging", "attribution", "connection-lines", "reset-lines", "reported"] {
            #expect(times[stage] != nil, "no mark \(stage)")
        }
        #expect(times["open"] == 0 && times.values.allSatisfy { $0 <= times["reported"] ?? -1 })
    }

    /// Without `--threads`, the read uses as many threads as the process may use CPUs (`nproc`):
    /// confined to one CPU by taskset, it reads alone (no helper thread marks its read), the same
    /// output; on two CPUs it has a helper.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/taskset"), "needs taskset (util-linux)"))
    func defaultThreadsFollowTheAllowedCPUs() throws {
        let arguments = [Rstscope.binary, "analyze", Self.demo, "--format", "jsonl"]
        let one = try Rstscope.run(["-c", "0"] + arguments, executable: "/usr/bin/taskset", environment: ["RSTSCOPE_PHASES": "1"])
        #expect(one.status == 0)
        #expect(one.stderr.contains("phase reader-read") == false && one.stderr.contains("phase helper-read") == false)
        #expect(one.stdout == (try Rstscope.run(["analyze", Self.demo, "--format", "jsonl", "--threads", "1"])).stdout)
        guard sysconf(Int32(_SC_NPROCESSORS_ONLN)) >= 2 else { return }
        let two = try Rstscope.run(["-c", "0,1"] + arguments, executable: "/usr/bin/taskset", environment: ["RSTSCOPE_PHASES": "1"])
        #expect(two.status == 0 && two.stderr.contains("phase helper-read"))
        #expect(two.stdout == one.stdout)
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
        let compressed = try gzipped(bytes)
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
        #expect(version.status == 0 && version.stdout.hasPrefix("rstscope ") && version.stdout.contains("libpcap version"))
    }
}

/// JSON Lines from the analysis: events equal tshark's flags frame by frame, one connection line
/// per stream, the summary last.
@Suite(.enabled(if: Rstscope.isBuilt && Corpus.isAvailable, "build rstscope first; needs ../shared/captures"))
struct AnalysisOutputTests {
    static func lines(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try Rstscope.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return try result.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test(arguments: ["ndpi__tests+cfgs+default+pcap+KakaoTalk_chat.pcap", "zeek__testing+btest+Traces+http+vnd.ms-cab-compressed-multi-conn.pcap",
                      "ndpi__tests+cfgs+default+pcap+android.pcap"])
    func eventsAllEqualTheTruthsFlags(file: String) throws {
        let entry = try #require(Corpus.catalog.first { $0.id == file })
        let lines = try Self.lines(["analyze", entry.path, "--format", "jsonl", "--events", "all"])
        #expect(lines.last?["type"] as? String == "summary")
        var ours = Set<String>()
        for line in lines where line["type"] as? String == "event" && line["kind"] as? String != "ack_rtt" {
            ours.insert("\(line["frame"] as! Int) \(line["kind"] as! String)")
        }
        var expected = Set<String>()
        for row in try Corpus.truth(entry) { for flag in row.analysis { expected.insert("\(row.frame) \(flag)") } }
        #expect(ours == expected, "extra \(ours.subtracting(expected).sorted().prefix(5)) missing \(expected.subtracting(ours).sorted().prefix(5))")
        // Events come in frame order, except second-pass flags, which come after all others.
        let frames = lines.filter { $0["type"] as? String == "event" && $0["second_pass"] == nil }.map { $0["frame"] as! Int }
        #expect(frames == frames.sorted())
        // One connection line per stream of the truth, with the same stream numbers.
        let streams = Set(try Corpus.truth(entry).map(\.stream))
        let connectionStreams = lines.filter { $0["type"] as? String == "connection" }.map { $0["stream"] as! Int }
        #expect(Set(connectionStreams) == streams && connectionStreams.count == streams.count)
        #expect(lines.last?["connections"] as? Int == streams.count)
    }

    @Test func problemsLevelKeepsOnlyProblemKindsAndNoneKeepsNoEvents() throws {
        let demo = CommandTests.demo
        let problems = try Self.lines(["analyze", demo, "--format", "jsonl"])
        let kinds = Set(problems.compactMap { $0["type"] as? String == "event" ? $0["kind"] as? String : nil })
        #expect(kinds == ["retransmission", "spurious_retransmission", "duplicate_ack"])
        let none = try Self.lines(["analyze", demo, "--format", "jsonl", "--events", "none"])
        #expect(none.allSatisfy { $0["type"] as? String != "event" })
        #expect(none.last?["events"] as? [String: Int] == ["retransmission": 50, "spurious_retransmission": 2, "duplicate_ack": 25, "window_update": 5])
        // Every packet of the demo capture was captured twice: the copies are a named weird.
        #expect(none.last?["weird"] as? [String: Int] == ["duplicate_packet": 78])
    }

    @Test func connectionLineOfADirectHTTPConnection() throws {
        let lines = try Self.lines(["analyze", CommandTests.demo, "--format", "jsonl", "--events", "none"])
        let first = try #require(lines.first { $0["type"] as? String == "connection" })
        #expect(first["stream"] as? Int == 0)
        #expect(first["client"] as? String == "192.168.1.105:49433")
        #expect(first["server"] as? String == "65.54.95.7:80")
        #expect(first["role_inferred"] as? String == "syn")
        #expect(first["conn_state"] as? String == "RSTO")
        #expect(first["end"] as? String == "rst" && first["closed_by"] as? String == "client")
        #expect(first["wireshark_stream_filter"] as? String == "tcp.stream eq 0")
        #expect((first["wireshark_filter"] as? String)?.contains("frame.number>=1 && frame.number<=25") == true)
    }
}

/// Report formats and exit policy: CSV, Zeek TSV, --fail-on-reset, --utc.
@Suite(.enabled(if: Rstscope.isBuilt, "build rstscope first (swift build)"))
struct FormatTests {
    static let capture = Corpus.repositoryRoot.appendingPathComponent("Captures/haproxy-backend-abort.pcap").path

    static func resets() throws -> [[String: Any]] {
        let result = try Rstscope.run(["analyze", capture, "--format", "jsonl", "--events", "none"])
        return try result.stdout.split(separator: "\n").compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["type"] as? String == "reset" }
    }

    @Test func csvHasAHeaderRowAndOneRowPerReset() throws {
        let result = try Rstscope.run(["analyze", Self.capture, "--format", "csv"])
        #expect(result.status == 0)
        let rows = result.stdout.split(separator: "\n")
        #expect(rows.first?.hasPrefix("ts,uid,frame,stream,src_h,src_p,dst_h,dst_p,sender_role,leg,attribution") == true)
        let resets = try Self.resets()
        #expect(rows.count == 1 + resets.count)
        #expect(rows.dropFirst().allSatisfy { $0.contains(",backend,F,response,app_abort,") })
        let connections = try Rstscope.run(["analyze", Self.capture, "--format", "csv", "--table", "connections"])
        #expect(connections.stdout.split(separator: "\n").first?.hasPrefix("ts,uid,id.orig_h,id.orig_p,id.resp_h,id.resp_p,proto") == true)
    }

    @Test func zeekLogHasItsHeaderBlockAndTypedColumns() throws {
        let result = try Rstscope.run(["analyze", Self.capture, "--format", "zeek", "--table", "connections"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0] == "#separator \\x09")
        #expect(lines.contains { $0.hasPrefix("#path\trstscope_conn") } && lines.contains { $0.hasPrefix("#open\t") })
        let fields = try #require(lines.first { $0.hasPrefix("#fields\t") }).split(separator: "\t")
        let types = try #require(lines.first { $0.hasPrefix("#types\t") }).split(separator: "\t")
        #expect(fields.count == types.count && fields.contains("conn_state") && types.contains("addr"))
        let rows = lines.filter { !$0.hasPrefix("#") }
        #expect(rows.count == 10 && rows.allSatisfy { $0.split(separator: "\t", omittingEmptySubsequences: false).count == fields.count - 1 })
        #expect(lines.last?.hasPrefix("#close\t") == true)
    }

    @Test func failOnResetExitsThreeAtTheThreshold() throws {
        #expect(try Rstscope.run(["analyze", Self.capture, "--fail-on-reset"]).status == 3)
        #expect(try Rstscope.run(["analyze", Self.capture, "--fail-on-reset", "5"]).status == 3)
        #expect(try Rstscope.run(["analyze", Self.capture, "--fail-on-reset=6"]).status == 0)
        // Benign resets never count: the demo capture's resets are all benign.
        #expect(try Rstscope.run(["analyze", CommandTests.demo, "--fail-on-reset"]).status == 0)
    }

    @Test func textTimesAreLocalUnlessUTC() throws {
        let utc = try Rstscope.run(["analyze", Self.capture, "--utc"])
        #expect(utc.stdout.contains("First packet") && utc.stdout.contains("Z\n"))
        let local = try Rstscope.run(["analyze", Self.capture])
        #expect(!local.stdout.contains("T14:") && local.stdout.range(of: #"\d\d:\d\d:\d\d\.\d{6} [+-]\d{4}"#, options: .regularExpression) != nil)
        #expect(!local.stdout.contains("\u{1B}["))  // no colour when not on a terminal
    }
}

@Suite(.enabled(if: Rstscope.isBuilt, "build rstscope first (swift build)"))
struct DocumentationTests {
    /// The committed completions are what the argument parser generates now (Scripts/make-docs).
    @Test(arguments: ["bash", "zsh", "fish"])
    func completionsAreCurrent(shell: String) throws {
        let generated = try Rstscope.run(["--generate-completion-script", shell])
        let committed = try String(contentsOfFile: Corpus.repositoryRoot.appendingPathComponent("docs/completions/rstscope.\(shell)").path,
                                   encoding: .utf8)
        #expect(generated.status == 0 && generated.stdout == committed, "run Scripts/make-docs")
    }

    @Test func manPageDocumentsEveryAnalyzeOption() throws {
        let page = try String(contentsOfFile: Corpus.repositoryRoot.appendingPathComponent("docs/rstscope.1").path, encoding: .utf8)
        for option in ["--proxy", "--write-annotated", "--extract", "--fail-on-reset", "--metrics", "--interval", "--check-checksums"] {
            // mdoc writes "--proxy" as ".It Fl -proxy".
            #expect(page.contains("Fl " + option.dropFirst()), "\(option) missing: run Scripts/make-docs")
        }
    }
}
