import ResetAttribution
import TCPAnalysis
import TestSupport
import Testing

/// Facts read the tracker's summaries in place, and verdicts its resets, through references that
/// keep no count: the report must keep those alive on its own.
@Suite struct ConnectionFactsTests {
    @Test func aReportOutlivesTheTrackerThatMadeIt() {
        var first = Conversation(), second = Conversation()
        exchange(&first)
        second.clientPort = 40001
        second.handshake(at: 100)
        second.send(false, [.rst, .ack], seq: 5001, ack: 1001, at: 150)
        // `attribute` builds its tracker, judges, and lets the tracker go: only the report is left.
        let report = attribute([first, second])
        let facts = report.connections
        #expect(facts.count == 2)
        for (position, fact) in facts.enumerated() {
            #expect(fact.index == position)
            #expect(fact.clientSide == fact.connection.synSender && fact.roleBasis == .syn)
            #expect(fact.clientEndpoint.address == IPAddress(ipv4: 0x0A00_0001) && fact.serverEndpoint.port == 80)
        }
        #expect(facts.map(\.clientEndpoint.port) == [40000, 40001])
        #expect(facts[0].client.payloadBytes == 100 && facts[0].server.payloadBytes == 300)
        #expect(facts[1].server.sawRST && !facts[1].client.sawRST)
        let verdict = try! #require(report.verdicts.first)
        #expect(verdict.observation.frame == 10 && verdict.observation.senderSide == 1 - facts[1].clientSide)
        #expect(facts[verdict.observation.connection].connection.stream == 1)
    }
}
