import ResetAttribution
import TCPAnalysis
import TestSupport
import Testing

/// A proxy whose backend refuses every connection: each request's first back leg is paired by its
/// timing, and the proxy's retries (refused too) join the same session.
@Suite struct LegPairingTests {
    static let proxy = ProxySpec(parsing: "10.0.0.9:80,10.0.1.9")!

    /// A client's session through the proxy: handshake at `start`, a request 20 ms later, the
    /// proxy's 503 at 23 ms, then both FINs (the front leg lasts until `start` + 24.2 ms).
    static func front(client: String, port: UInt16, at start: Double) -> Conversation {
        var c = Conversation()
        c.client = IPAddress(parsing: client)!
        c.server = IPAddress(parsing: "10.0.0.9")!
        c.clientPort = port
        c.handshake(at: start)
        c.send(true, [.psh, .ack], seq: 1001, ack: 5001, length: 100, at: start + 20)
        c.send(false, [.psh, .ack], seq: 5001, ack: 1101, length: 150, at: start + 23)
        c.send(false, [.fin, .ack], seq: 5151, ack: 1101, at: start + 23.5)
        c.send(true, [.fin, .ack], seq: 1101, ack: 5152, at: start + 24)
        c.send(false, .ack, seq: 5152, ack: 1102, at: start + 24.2)
        return c
    }

    /// A back leg the backend refuses: the proxy's SYN, the backend's RST 0.1 ms later.
    static func refused(port: UInt16, backend: String = "10.0.1.20", at time: Double) -> Conversation {
        var c = Conversation()
        c.client = IPAddress(parsing: "10.0.1.9")!
        c.server = IPAddress(parsing: backend)!
        c.clientPort = port
        c.serverPort = 8080
        c.send(true, .syn, seq: 1000, at: time)
        c.send(false, [.rst, .ack], seq: 0, ack: 1001, at: time + 0.1)
        return c
    }

    @Test func retriesOfARefusedBackLegJoinItsSession() {
        // Connections in the order they open (their indices): A's front 0, its back legs 1-3, a
        // leg after A's front is gone 4; B's front 5, its back legs 6, 7 and 9, and 8 to another backend.
        let conversations = [
            Self.front(client: "10.0.0.1", port: 40000, at: 0),
            Self.refused(port: 50001, at: 20.3), Self.refused(port: 50002, at: 21.3), Self.refused(port: 50003, at: 22.3),
            Self.refused(port: 50004, at: 30),
            Self.front(client: "10.0.0.2", port: 40001, at: 100),
            Self.refused(port: 50006, at: 120.3), Self.refused(port: 50007, at: 121.3),
            Self.refused(port: 50008, backend: "10.0.1.21", at: 121.8), Self.refused(port: 50009, at: 122.3),
        ]
        let report = attribute(conversations, proxies: [Self.proxy])
        #expect(report.sessions.map(\.front) == [0, 5])
        #expect(report.sessions.map(\.backs) == [[1, 2, 3], [6, 7, 9]])
        #expect(report.sessions.allSatisfy { $0.attribution == .backend })
    }

    @Test func eachBackLegKeepsItsCheapestCandidates() {
        // 40 sessions at once: request i at 10 + 0.05·i ms, its back leg 0.3 ms later, the backend's
        // response 1 ms after that and the proxy's to the client 0.01 ms later; every front stays
        // open, so the last back legs have more candidate requests than they keep.
        var conversations: [Conversation] = []
        for i in 0..<40 {
            let request = 10 + 0.05 * Double(i)
            var front = Conversation()
            front.client = IPAddress(ipv4: 0x0A00_0100 + UInt32(i))
            front.server = IPAddress(parsing: "10.0.0.9")!
            front.handshake(at: request - 11)
            front.send(true, [.psh, .ack], seq: 1001, ack: 5001, length: 100, at: request)
            front.send(false, [.psh, .ack], seq: 5001, ack: 1101, length: 300, at: request + 1.31)
            front.send(true, .ack, seq: 1101, ack: 5301, at: 100)
            var back = Conversation()
            back.client = IPAddress(parsing: "10.0.1.9")!
            back.server = IPAddress(parsing: "10.0.1.20")!
            back.clientPort = 50000 + UInt16(i)
            back.serverPort = 8080
            back.send(true, .syn, seq: 1000, at: request + 0.3)
            back.send(false, [.syn, .ack], seq: 5000, ack: 1001, at: request + 0.32)
            back.send(true, .ack, seq: 1001, ack: 5001, at: request + 0.33)
            back.send(true, [.psh, .ack], seq: 1001, ack: 5001, length: 120, at: request + 0.34)
            back.send(false, [.psh, .ack], seq: 5001, ack: 1121, length: 300, at: request + 1.3)
            conversations += [front, back]
        }
        let report = attribute(conversations, proxies: [Self.proxy])
        // Connections open as front i (at request - 11 ms) then back i: fronts 0-39, backs 40-79.
        #expect(report.sessions.map(\.front) == Array(0..<40))
        #expect(report.sessions.map(\.backs) == (40..<80).map { [$0] })
    }
}
