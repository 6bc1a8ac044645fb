import Foundation
import TestSupport
import Testing

/// Several vantage points of the same traffic (`-r` repeated): each input analyzed on its own,
/// packets matched across them, the clock offset measured, and resets made between two of them
/// found. Built from one conversation written as two captures, so the truth is known exactly.
@Suite(.enabled(if: Rstscope.isBuilt, "needs the rstscope binary"))
struct VantageTests {
    /// The path: client — A — (2 ms) — B — server. A's clock is right, B's is 5 s ahead.
    static let delay: Int64 = 2_000_000, skew: Int64 = 5_000_000_000

    /// A conversation as A and B capture it. `injected`: a RST claiming to come from the client
    /// appears between A and B (only B sees it).
    static func captures(injected: Bool) -> (a: [UInt8], b: [UInt8]) {
        var a: [ScenarioCapture.Segment] = [], b: [ScenarioCapture.Segment] = []
        var ipID: UInt16 = 100
        let client: UInt32 = 0x0A00_0001, server: UInt32 = 0x0A00_0002
        func send(_ fromClient: Bool, _ flags: UInt16, seq: UInt32, ack: UInt32, length: Int = 0, at ms: Int64, onlyB: Bool = false) {
            ipID &+= 1
            let t = ms * 1_000_000
            var s = ScenarioCapture.Segment(time: 0, source: fromClient ? client : server, destination: fromClient ? server : client,
                                            sourcePort: fromClient ? 40000 : 80, destinationPort: fromClient ? 80 : 40000,
                                            sequence: seq, acknowledgment: ack, flags: flags, window: 8192, windowScale: nil,
                                            payloadLength: length, ipID: ipID)
            // The client's packets pass A first, the server's pass B first.
            s.time = onlyB ? t : (fromClient ? t : t + delay)
            if !onlyB { a.append(s) }
            s.time = (onlyB ? t : (fromClient ? t + delay : t)) + skew
            b.append(s)
        }
        let syn: UInt16 = 0x02, ack: UInt16 = 0x10, psh: UInt16 = 0x08, rst: UInt16 = 0x04, fin: UInt16 = 0x01
        send(true, syn, seq: 1000, ack: 0, at: 1000)
        send(false, syn | ack, seq: 5000, ack: 1001, at: 1004)
        send(true, ack, seq: 1001, ack: 5001, at: 1008)
        send(true, psh | ack, seq: 1001, ack: 5001, length: 100, at: 1010)
        send(false, ack, seq: 5001, ack: 1101, at: 1014)
        send(false, psh | ack, seq: 5001, ack: 1101, length: 300, at: 1050)
        if injected { send(true, rst | ack, seq: 1101, ack: 5301, at: 1055, onlyB: true) }
        send(true, ack, seq: 1101, ack: 5301, at: 1056)
        send(true, fin | ack, seq: 1101, ack: 5301, at: 2000)
        send(false, rst, seq: 5301, ack: 0, at: 2004)
        return (ScenarioCapture.pcap(a), ScenarioCapture.pcap(b))
    }

    static func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rstscope-vantage-\(UUID())-\(name)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func lines(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try Rstscope.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return try result.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func theViewNearerTheClientProvesTheResetWasInjected() throws {
        let (a, b) = Self.captures(injected: true)
        let pathA = try Self.write(a, "a.pcap"), pathB = try Self.write(b, "b.pcap")
        defer { for p in [pathA, pathB] { try? FileManager.default.removeItem(atPath: p) } }

        // B alone: nothing distinguishes the forged RST (right TTL, next sequence number): the client.
        let alone = try Self.lines(["analyze", "-r", pathB, "--format", "jsonl", "--events", "none"])
        let forgedAlone = try #require(alone.first { $0["type"] as? String == "reset" && $0["src"] as? String == "10.0.0.1:40000" })
        #expect(forgedAlone["attribution"] as? String == "client")
        #expect(alone.allSatisfy { $0["input"] == nil }, "one input: no input field")

        let both = try Self.lines(["analyze", "-r", pathA, "-r", pathB, "--format", "jsonl", "--events", "none"])
        // Each input keeps its own frame numbers: B's forged RST is its frame 7, A has 9 frames.
        let forged = try #require(both.first { $0["type"] as? String == "reset" && $0["src"] as? String == "10.0.0.1:40000" })
        #expect(forged["input"] as? String == pathB)
        #expect(forged["frame"] as? Int == 7)
        #expect(forged["attribution"] as? String == "network")
        #expect(forged["cause"] as? String == "injected")
        #expect((forged["evidence"] as? [String])?.contains { $0.hasPrefix("not captured at \(pathA), which is nearer 10.0.0.1:40000") } == true)
        // The server's closing RST passed both: captured at A too, 2 ms after B.
        let closing = both.filter { $0["type"] as? String == "reset" && $0["src"] as? String == "10.0.0.2:80" }
        #expect(closing.count == 2)
        #expect(closing.allSatisfy { (($0["evidence"] as? [String]) ?? []).contains { $0.hasPrefix("also captured at") } })
        let summaries = both.filter { $0["type"] as? String == "summary" }
        #expect(summaries.map { $0["input"] as? String } == [pathA, pathB])
        #expect(summaries.map { $0["packets"] as? Int } == [9, 10])
        // The clock offset and the delay between the two points, exactly.
        let vantage = try #require(both.first { $0["type"] as? String == "vantage" })
        #expect(vantage["reference"] as? String == pathA && vantage["input"] as? String == pathB)
        #expect(vantage["matched_packets"] as? Int == 9)
        #expect(vantage["matched_connections"] as? Int == 1)
        #expect((vantage["clock_offset_ms"] as? Double).map { abs($0 - 5000) < 1e-9 } == true)
        #expect((vantage["path_delay_ms"] as? Double).map { abs($0 - 2) < 1e-9 } == true)
    }

    @Test func aResetCapturedAtBothPointsIsTheSendersOwn() throws {
        let (a, b) = Self.captures(injected: false)
        let pathA = try Self.write(a, "a.pcap"), pathB = try Self.write(b, "b.pcap")
        defer { for p in [pathA, pathB] { try? FileManager.default.removeItem(atPath: p) } }
        let both = try Self.lines(["analyze", "-r", pathB, "-r", pathA, "--format", "jsonl"])
        let resets = both.filter { $0["type"] as? String == "reset" }
        #expect(resets.count == 2)
        #expect(resets.allSatisfy { $0["attribution"] as? String != "network" })
        // Reference first: B's clock minus... A's clock is 5 s behind B's.
        let vantage = try #require(both.first { $0["type"] as? String == "vantage" })
        #expect((vantage["clock_offset_ms"] as? Double).map { abs($0 + 5000) < 1e-9 } == true)
    }

    @Test func tablesAndTextNameTheInput() throws {
        let (a, b) = Self.captures(injected: true)
        let pathA = try Self.write(a, "a.pcap"), pathB = try Self.write(b, "b.pcap")
        defer { for p in [pathA, pathB] { try? FileManager.default.removeItem(atPath: p) } }
        let csv = try Rstscope.run(["analyze", "-r", pathA, "-r", pathB, "--format", "csv"])
        let rows = csv.stdout.split(separator: "\n")
        #expect(rows.first?.hasPrefix("input,ts,") == true)
        #expect(rows.filter { $0.hasPrefix("input,") }.count == 1)
        #expect(rows.filter { $0.hasPrefix(pathA + ",") }.count == 1 && rows.filter { $0.hasPrefix(pathB + ",") }.count == 2)
        let zeek = try Rstscope.run(["analyze", "-r", pathA, "-r", pathB, "--format", "zeek", "--table", "connections"])
        #expect(zeek.stdout.components(separatedBy: "#fields").count == 2 && zeek.stdout.components(separatedBy: "#close").count == 2)
        let text = try Rstscope.run(["analyze", "-r", pathA, "-r", pathB])
        #expect(text.stdout.contains("== \(pathB) ==") && text.stdout.contains("Vantage points"))
        #expect(text.stdout.contains("1 reset was made on the path between two vantage points"))
        // Copies are written from one input only.
        let refused = try Rstscope.run(["analyze", "-r", pathA, "-r", pathB, "--extract", "/tmp/never.pcap"])
        #expect(refused.status == 64)
    }
}
