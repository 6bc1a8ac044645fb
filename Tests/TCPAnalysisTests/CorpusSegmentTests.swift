import PacketCapture
import PacketCore
import TCPAnalysis
import TestSupport
import Testing

/// Which frames count as TCP segments, and which carry RST, against tshark 4.0.17's truth on every
/// public capture: all link types, tunnels and encapsulations of the corpus (radiotap and PPI 802.11,
/// FDDI, ARCnet, Juniper, IPoIB, NFLOG, pcapng with several link types; VXLAN, Geneve, GTP-U, GRE,
/// MPLS, PPPoE, IP-in-IP, Teredo, sFlow samples), IP reassembly, and the crafted fuzz/crash captures.
@Suite struct CorpusSegmentTests {
    /// Captures left out, each with its reason (at most 5). None: every capture matches.
    static let exceptions: [String: String] = [:]

    static var covered: [Corpus.Entry] {
        Corpus.catalog.filter { exceptions[$0.id] == nil }
    }

    @Test(.enabled(if: Corpus.isAvailable, "needs ../shared/captures"))
    func tcpAndResetFramesMatchTheTruth() throws {
        let entries = Self.covered
        var mismatches: [String] = []
        for entry in entries {
            let truth = try Corpus.truth(entry)
            let expectedTCP = Set(truth.map(\.frame))
            let expectedRST = Set(truth.filter(\.rst).map(\.frame))
            var reader = try CaptureFile.open(entry.path)
            var decoder = PacketDecoder()
            var tcp = Set<Int>(), rst = Set<Int>()
            while let record = try reader.next() {
                if let segment = decoder.decode(record), segment.isTCPFrame {
                    tcp.insert(record.frame)
                    if segment.isReset { rst.insert(record.frame) }
                }
            }
            if tcp != expectedTCP || rst != expectedRST {
                let missing = expectedTCP.subtracting(tcp).sorted().prefix(5)
                let extra = tcp.subtracting(expectedTCP).sorted().prefix(5)
                mismatches.append("\(entry.id): missing \(Array(missing)) extra \(Array(extra)) rst \(rst.count)/\(expectedRST.count)")
            }
        }
        print("CorpusSegmentTests: \(entries.count) of \(Corpus.catalog.count) captures covered, \(mismatches.count) differ")
        for line in mismatches.prefix(40) { print("  " + line) }
        #expect(mismatches.isEmpty)
        #expect(Self.exceptions.count <= 5)
        #expect(entries.count == Corpus.catalog.count - Self.exceptions.count)
    }
}
