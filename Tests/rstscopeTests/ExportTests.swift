import Foundation
import TestSupport
import Testing

/// The Wireshark companion: annotated and extracted captures, and display filters, checked by
/// reading them back with tshark 4.0.17.
@Suite(.enabled(if: Rstscope.isBuilt && FileManager.default.isExecutableFile(atPath: "/usr/bin/tshark"), "needs rstscope and tshark"))
struct ExportTests {
    static var inputs: [String] {
        var paths = [Corpus.repositoryRoot.appendingPathComponent("Captures/haproxy-injected-reset.pcap").path,
                     Corpus.repositoryRoot.appendingPathComponent("Captures/http-multi-conn-resets.pcap").path]
        if Corpus.isAvailable {
            // Several interfaces with different link types in one pcapng.
            paths.append(Corpus.capturesDirectory.appendingPathComponent("pcapplusplus__Tests+Packet++Test+PacketExamples+ldap.pcapng").path)
            paths.append(Corpus.capturesDirectory.appendingPathComponent("ndpi__tests+cfgs+default+pcap+KakaoTalk_chat.pcap").path)
        }
        return paths
    }

    static func temporary(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("rstscope-export-\(UUID())\(suffix)").path
    }

    static func jsonLines(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try Rstscope.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return try result.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test(arguments: inputs)
    func annotatedCaptureCarriesEveryFindingOnItsFrame(input: String) throws {
        let output = Self.temporary(".pcapng")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let lines = try Self.jsonLines(["analyze", input, "--format", "jsonl", "--events", "all", "--write-annotated", output])
        // Every packet, with its lengths and time, as in the input.
        let fields = ["-T", "fields", "-e", "frame.len", "-e", "frame.cap_len", "-e", "frame.time_epoch", "-e", "frame.protocols"]
        let original = try tshark(["-r", input] + fields), annotated = try tshark(["-r", output] + fields)
        #expect(!original.isEmpty && original == annotated)
        if input.hasSuffix(".pcapng") {
            // Each packet stays on its own interface (with its own link type).
            let interfaces = ["-T", "fields", "-e", "frame.interface_id", "-e", "frame.encap_type"]
            #expect(try tshark(["-r", input] + interfaces) == (try tshark(["-r", output] + interfaces)))
        }
        // A comment exactly on the frames with a finding: a Wireshark flag or a reset.
        let commented = Set(try tshark(["-r", output, "-Y", "frame.comment", "-T", "fields", "-e", "frame.number"])
            .split(separator: "\n").compactMap { Int($0) })
        let findings = Set(lines.filter { ($0["type"] as? String == "event" && $0["kind"] as? String != "ack_rtt") || $0["type"] as? String == "reset" }
            .compactMap { $0["frame"] as? Int })
        #expect(commented == findings, "\(input): \(commented.symmetricDifference(findings).sorted().prefix(8))")
        // The reset comments say who and why.
        if let reset = lines.first(where: { $0["type"] as? String == "reset" }), let frame = reset["frame"] as? Int {
            let comment = try tshark(["-r", output, "-Y", "frame.number==\(frame)", "-T", "fields", "-e", "frame.comment"])
            #expect(comment.contains("rstscope reset: \(reset["attribution"] as! String)"))
        }
    }

    @Test func onlyFlaggedKeepsTheFlaggedConnectionsAndQuotesTheOriginalFrames() throws {
        let input = Self.inputs[0], output = Self.temporary(".pcapng")
        defer { try? FileManager.default.removeItem(atPath: output) }
        _ = try Self.jsonLines(["analyze", input, "--format", "jsonl", "--write-annotated", output, "--only-flagged"])
        let kept = try tshark(["-r", output, "-T", "fields", "-e", "frame.number"]).split(separator: "\n").count
        let all = try tshark(["-r", input, "-T", "fields", "-e", "frame.number"]).split(separator: "\n").count
        #expect(kept > 0 && kept < all)
        #expect(try tshark(["-r", output, "-Y", "frame.comment contains \"input frame\"", "-T", "fields", "-e", "frame.number"]).isEmpty == false)
    }

    @Test(arguments: inputs)
    func extractHoldsExactlyTheResetConnections(input: String) throws {
        let output = Self.temporary(".cap")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let lines = try Self.jsonLines(["analyze", input, "--format", "jsonl", "--events", "none", "--extract", output])
        let broken = Set(lines.filter { $0["type"] as? String == "reset" && $0["benign"] as? Bool == false && $0["duplicate_packet"] == nil }
            .compactMap { $0["stream"] as? Int })
        let extracted = try tshark(["-r", output, "-T", "fields", "-e", "frame.len", "-e", "frame.time_epoch"])
        if broken.isEmpty {
            #expect(extracted.isEmpty)
            return
        }
        let filter = broken.sorted().map { "tcp.stream eq \($0)" }.joined(separator: " || ")
        let expected = try tshark(["-r", input, "-Y", filter, "-T", "fields", "-e", "frame.len", "-e", "frame.time_epoch"])
        #expect(extracted == expected)
    }

    /// Every connection's display filter selects exactly its frames: tshark counts the frames each
    /// filter matches in one pass (io,stat), and they equal the connection's packets.
    @Test(arguments: inputs)
    func connectionAndSessionFiltersSelectExactlyTheirFrames(input: String) throws {
        let lines = try Self.jsonLines(["analyze", input, "--format", "jsonl", "--events", "none"])
        let connections = Array(lines.filter { $0["type"] as? String == "connection" }.prefix(40))
        var packetsOfStream: [Int: Int] = [:]
        for c in lines where c["type"] as? String == "connection" { packetsOfStream[c["stream"] as! Int] = (c["packets"] as! [Int]).reduce(0, +) }
        let sessions = Array(lines.filter { $0["type"] as? String == "session" }.prefix(20))
        var filters = connections.map { $0["wireshark_filter"] as! String }
        filters += sessions.map { $0["wireshark_filter"] as! String }
        let report = try tshark(["-r", input, "-q", "-z", "io,stat,0," + filters.joined(separator: ",")])
        // The data row: "| 0.000 <> x | frames | bytes | frames | bytes | ..."
        let row = try #require(report.split(separator: "\n").first { $0.contains("<>") })
        let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.dropFirst()
        let counts = stride(from: 0, to: cells.count, by: 2).map { Int(cells[cells.index(cells.startIndex, offsetBy: $0)]) ?? -1 }
        #expect(counts.count == connections.count + sessions.count)
        for (connection, count) in zip(connections, counts) {
            let packets = (connection["packets"] as! [Int]).reduce(0, +)
            #expect(count == packets, "\(input) stream \(connection["stream"] ?? "?"): filter matches \(count), connection has \(packets)")
        }
        for (session, count) in zip(sessions, counts.dropFirst(connections.count)) {
            let streams = [session["front_stream"] as! Int] + (session["back_streams"] as! [Int])
            let packets = streams.reduce(0) { $0 + (packetsOfStream[$1] ?? 0) }
            #expect(count == packets, "\(input) session \(session["session"] ?? "?"): filter matches \(count), legs have \(packets)")
        }
    }
}
