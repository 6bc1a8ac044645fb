import Foundation
import TestSupport
import Testing

/// Proxy detection (no `--proxy`) on real captures where timing alone misleads it.
@Suite(.enabled(if: Rstscope.isBuilt, "build rstscope first (swift build)"))
struct ProxyDetectionTests {
    static let fixtures = Corpus.repositoryRoot.appendingPathComponent("Tests/rstscopeTests/Fixtures")

    static func lines(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try Rstscope.run(["analyze"] + arguments + ["--format", "jsonl", "--events", "none"])
        #expect(result.status == 0, "\(result.stderr)")
        return try result.jsonLines()
    }

    /// The lab's "concurrent" scenario (200 sessions, 20 at a time; Scripts/lab/lab.sh) with HAProxy
    /// starved of CPU (nice 5, on one core beside a busy loop), cut to 128 bytes a packet. Its
    /// back legs open about 0.15 ms after each request, in bursts; seen from those back legs, the
    /// client connecting again once answered looks like a proxy in front of the backend. That
    /// reflection used to win, and the real proxy failed the chance test (a 1 ms span held
    /// chance's share of such dense traffic): every session was keyed on the wrong front.
    /// HAProxy's log of the run is the truth for the pairing.
    @Test func busyProxyIsFoundAndNotItsReflection() throws {
        let capture = Self.fixtures.appendingPathComponent("lab-concurrent-starved.pcap.gz").path
        let log = try String(contentsOf: Self.fixtures.appendingPathComponent("lab-concurrent-starved.haproxy.log"), encoding: .utf8)
        var backLegOf: [String: String] = [:]  // HAProxy's client tuple -> its source tuple towards the backend
        for entry in LabTests.logLines(log) { if let back = entry.backSource { backLegOf[entry.client] = back } }
        #expect(backLegOf.count == 200)
        let sessions = try Self.lines([capture]).filter { $0["type"] as? String == "session" }
        #expect(sessions.count == 200)
        #expect(sessions.allSatisfy { $0["proxy"] as? String == "10.77.2.2:8080" })
        var paired = 0
        for session in sessions {
            guard let client = session["client"] as? String, let back = backLegOf[client] else { continue }
            if (session["back_legs"] as? [String]) == [back] { paired += 1 }
        }
        // As in the lab's tests, 99%: under this starvation two requests of the same size come and
        // are answered so close together that their back legs are swapped (also with `--proxy`).
        #expect(paired >= 198, "\(paired) of 200 sessions paired as HAProxy logged them")
    }

    /// Zeek's redis/attr.pcap: a client tries Redis on [::1]:6379, is refused (RST), and connects to
    /// 127.0.0.1:6379 at once, twice. The second connection is no back leg of the first (it opens
    /// after the first is gone), so the refusals are the server's, not a proxy's policy.
    @Test(.enabled(if: Corpus.isAvailable, "needs ../shared/captures"))
    func fallbackAfterARefusalIsNoProxy() throws {
        let capture = Corpus.capturesDirectory.appendingPathComponent("zeek__testing+btest+Traces+redis+attr.pcap").path
        let lines = try Self.lines([capture])
        #expect(!lines.contains { $0["type"] as? String == "session" })
        let resets = lines.filter { $0["type"] as? String == "reset" }
        #expect(resets.count == 2)
        for reset in resets {
            #expect(reset["leg"] as? String == "direct" && reset["attribution"] as? String == "backend" && reset["phase"] as? String == "refused")
        }
    }
}
