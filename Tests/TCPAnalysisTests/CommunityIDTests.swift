import Foundation
import PacketCapture
import PacketCore
import TCPAnalysis
import TestSupport
import Testing

/// Community ID v1: the spec's published baseline values, and tshark 4.0.17's value for every TCP
/// stream of the covered public corpus (recorded by Scripts/make-community-id-truth).
@Suite struct CommunityIDTests {
    /// An IPv4 dotted quad or IPv6 text (with at most one "::") as an IPAddress.
    static func address(_ text: String) -> IPAddress {
        if !text.contains(":") {
            let parts = text.split(separator: ".").map { UInt32($0)! }
            return IPAddress(ipv4: parts.reduce(0) { $0 << 8 | $1 })
        }
        let halves = text.components(separatedBy: "::")
        func groups(_ s: String) -> [UInt64] { s.isEmpty ? [] : s.split(separator: ":").map { UInt64($0, radix: 16)! } }
        let head = groups(halves[0]), tail = halves.count > 1 ? groups(halves[1]) : []
        let all = head + [UInt64](repeating: 0, count: 8 - head.count - tail.count) + tail
        let high = all[0..<4].reduce(0) { $0 << 16 | $1 }, low = all[4..<8].reduce(0) { $0 << 16 | $1 }
        return IPAddress(ipv6High: high, low: low)
    }

    struct Baseline: Sendable, CustomStringConvertible {
        var proto: UInt8, saddr: String, daddr: String, sport: UInt16?, dport: UInt16?, seed: UInt16, id: String
        var description: String { "\(proto) \(saddr):\(sport.map(String.init) ?? "-") > \(daddr):\(dport.map(String.init) ?? "-") seed \(seed)" }
    }

    /// community-id-spec baseline/baseline_deflt.json (seed 0) and baseline_seed1.json (seed 1):
    /// TCP, UDP, SCTP, ICMP/ICMPv6 (type and code already mapped to ports) and a port-less protocol.
    static let baseline: [Baseline] = {
        let flows: [(UInt8, String, String, UInt16?, UInt16?, String, String)] = [
            (58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 136, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=", "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY="),
            (58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 135, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=", "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY="),
            (58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 136, "1:zavyT/cezQr1fmImYCwYnMXbgck=", "1:2hSqmsDZ2kdcY9kbiUzOEBic0iM="),
            (58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 136, 135, "1:zavyT/cezQr1fmImYCwYnMXbgck=", "1:2hSqmsDZ2kdcY9kbiUzOEBic0iM="),
            (58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0, "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=", "1:lVEtCZpYu84Xqaa++3lXFyuu2n4="),
            (58, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da", 1, 4, "1:hLZd0XGWojozrvxqE0dWB1iM6R0=", "1:W8MHwXpWzpoSTD+cGcaJr4u0ys8="),
            (58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 129, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=", "1:GfZxjAkDk2MkegpBYHV6tadtFXQ="),
            (58, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 129, 128, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=", "1:GfZxjAkDk2MkegpBYHV6tadtFXQ="),
            (58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 134, "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=", "1:L7Ka0ZMYu+J3bL4ulW2PrqyXNo8="),
            (58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 133, "1:pkvHqCL88/tg1k4cPigmZXUtL00=", "1:K/ee5UCqAMAQXDorP5nSa2CGLjc="),
            (1, "192.168.0.89", "192.168.0.1", 8, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=", "1:03g6IloqVBdcZlPyX8r0hgoE7kA="),
            (1, "192.168.0.1", "192.168.0.89", 0, 8, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=", "1:03g6IloqVBdcZlPyX8r0hgoE7kA="),
            (1, "10.0.0.1", "10.0.0.2", 11, 0, "1:YHxtAirCG//0OzkcVAukqKQN9xM=", "1:XjUibYHaafLQ3pxQeiMI8g25q20="),
            (6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 63943, 25, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=", "1:eJYTW6AOzFLlSUoESovMjnu7rMw="),
            (6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=", "1:eJYTW6AOzFLlSUoESovMjnu7rMw="),
            (132, "192.168.170.8", "192.168.170.56", 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=", "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg="),
            (132, "192.168.170.56", "192.168.170.8", 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=", "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg="),
            (6, "128.232.110.120", "66.35.250.204", 34855, 80, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=", "1:3V71V58M3Ksw/yuFALMcW0LAHvc="),
            (6, "66.35.250.204", "128.232.110.120", 80, 34855, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=", "1:3V71V58M3Ksw/yuFALMcW0LAHvc="),
            (17, "192.168.1.52", "8.8.8.8", 54585, 53, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=", "1:Q9We8WO3piVF8yEQBNJF4uiSVrI="),
            (17, "8.8.8.8", "192.168.1.52", 53, 54585, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=", "1:Q9We8WO3piVF8yEQBNJF4uiSVrI="),
            (46, "10.1.12.1", "10.1.12.2", nil, nil, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=", "1:rYir8gphR31noO9iDRQmF/BteEI="),
            (46, "10.1.12.2", "10.1.12.1", nil, nil, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=", "1:rYir8gphR31noO9iDRQmF/BteEI="),
        ]
        return flows.flatMap { f in
            [Baseline(proto: f.0, saddr: f.1, daddr: f.2, sport: f.3, dport: f.4, seed: 0, id: f.5),
             Baseline(proto: f.0, saddr: f.1, daddr: f.2, sport: f.3, dport: f.4, seed: 1, id: f.6)]
        }
    }()

    @Test(arguments: baseline)
    func specBaseline(_ row: Baseline) {
        let s = Self.address(row.saddr), d = Self.address(row.daddr)
        if let sport = row.sport, let dport = row.dport {
            #expect(CommunityID.v1((s, sport), (d, dport), ipProtocol: row.proto, seed: row.seed) == row.id)
        } else {
            #expect(CommunityID.v1(s, d, ipProtocol: row.proto, seed: row.seed) == row.id)
        }
    }

    @Test func addressTextRoundTrips() {
        for text in ["fe80::200:86ff:fe05:80da", "3ffe:501:1800:2345::2", "ff02::1", "2607:f8b0:400c:c03::1a", "::1", "::", "66.35.250.204"] {
            #expect(Self.address(text).description == text)
        }
    }

    /// The spec's ordering example: both directions hash as 10.0.0.1, 127.0.0.1, 1234, 80; the
    /// FlowKey accessor (whose side 0 is the higher address) gives the same value.
    @Test func directionDoesNotMatter() {
        let a = Self.address("10.0.0.1"), b = Self.address("127.0.0.1")
        let forward = CommunityID.v1((a, 1234), (b, 80))
        #expect(forward == CommunityID.v1((b, 80), (a, 1234)))
        #expect(FlowKey((a, 1234), (b, 80)).communityID() == forward)
        #expect(FlowKey((b, 80), (a, 1234)) == FlowKey((a, 1234), (b, 80)))
        // Equal addresses: the ports decide.
        #expect(CommunityID.v1((a, 80), (a, 1234)) == CommunityID.v1((a, 1234), (a, 80)))
        #expect(CommunityID.v1((a, 80), (a, 1234), seed: 7) != forward)
        let tcp = Self.baseline.first { $0.proto == 6 && $0.seed == 0 }!
        let key = FlowKey((Self.address(tcp.saddr), tcp.sport!), (Self.address(tcp.daddr), tcp.dport!))
        #expect(key.communityID() == tcp.id)
    }

    // MARK: - Corpus: every stream against tshark 4.0.17

    struct TruthRow { var stream: Int; var frame: Int; var id: String }

    static var fixturePath: String {
        Corpus.repositoryRoot.appendingPathComponent("Tests/TCPAnalysisTests/Fixtures/community-id-truth.tsv").path
    }

    /// The fixture's rows by capture, in file order.
    static func fixture() throws -> [(file: String, rows: [TruthRow])] {
        let text = try String(contentsOfFile: fixturePath, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.removeFirst() == "file\tstream\tframe\tcommunity_id")
        var files: [(file: String, rows: [TruthRow])] = []
        for line in lines {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let row = TruthRow(stream: Int(f[1])!, frame: Int(f[2])!, id: f[3])
            if files.last?.file == f[0] { files[files.count - 1].rows.append(row) } else { files.append((f[0], [row])) }
        }
        return files
    }

    @Test(.enabled(if: Corpus.isAvailable, "needs ../shared/captures"))
    func everyStreamMatchesTshark() throws {
        let files = try Self.fixture()
        var compared = 0, ipv6 = 0, renumbered = 0, unmatchedOurs = 0
        var differences: [String] = []
        for (file, rows) in files {
            var reader = try CaptureFile.open(Corpus.capturesDirectory.appendingPathComponent(file).path)
            var decoder = PacketDecoder()
            var tracker = TCPTracker()
            var connectionOfFrame: [Int: Int] = [:]
            while let record = try reader.next() {
                guard let segment = decoder.decode(record) else { continue }
                let analysis = tracker.process(segment)
                if segment.isTCPFrame { connectionOfFrame[record.frame] = analysis.connection }
            }
            var seen = Set<Int>()
            for row in rows {
                guard let index = connectionOfFrame[row.frame] else {
                    differences.append("\(file) stream \(row.stream) frame \(row.frame): not a TCP frame for us (tshark \(row.id))")
                    continue
                }
                seen.insert(index)
                compared += 1
                let connection = tracker.connections[index]
                if connection.key.side0.isIPv6 { ipv6 += 1 }
                if connection.stream != row.stream { renumbered += 1 }
                let ours = connection.communityID()
                if ours != row.id {
                    differences.append("\(file) stream \(row.stream) frame \(row.frame): ours \(ours) "
                        + "(\(connection.key.side0.endpoint(connection.key.port0)) - \(connection.key.side1.endpoint(connection.key.port1))) tshark \(row.id)")
                }
            }
            unmatchedOurs += tracker.connections.indices.filter { !seen.contains($0) }.count
        }
        print("CommunityIDTests: \(files.count) captures, \(compared) connections compared with tshark (\(ipv6) IPv6), \(compared - differences.count) agree, \(differences.count) differ")
        print("  \(renumbered) compared with another stream number than tshark's (SOCKS class); \(unmatchedOurs) of our connections have no tshark row")
        for line in differences.prefix(50) { print("  " + line) }
        #expect(differences.isEmpty)
        #expect(compared > 1000)
    }
}
