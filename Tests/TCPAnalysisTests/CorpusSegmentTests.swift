import PacketCapture
import PacketCore
import TCPAnalysis
import TestSupport
import Testing

/// Which frames count as TCP segments, and which carry RST, against tshark 4.0.17's truth on every
/// public capture whose link types and encapsulations the decoder covers.
@Suite struct CorpusSegmentTests {
    /// Link types (catalog names) the foundation decodes.
    static let linkTypes: Set<String> = ["ether", "linux-sll", "linux-sll2", "null", "rawip", "rawip4", "rawip6", "ppp"]
    /// Features that need the long-tail decoder (tunnels, other encapsulations, IP reassembly).
    static let laterFeatures: Set<String> = ["tunnel", "gre", "vxlan", "gtp", "mpls", "pppoe", "ipv6frag", "multi_tcp", "multi_linktype"]

    static var covered: [Corpus.Entry] {
        Corpus.catalog.filter { linkTypes.contains($0.linkType) && $0.features.isDisjoint(with: laterFeatures) }
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
        #expect(entries.count > 1000)
    }
}
