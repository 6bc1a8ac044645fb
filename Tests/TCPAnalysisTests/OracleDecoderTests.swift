import Foundation
import PacketCore
import TCPAnalysis
import TestSupport
import Testing

/// The hand-built frames of DecoderCases, written to pcaps and read by tshark 4.0.17 (the oracle; CI
/// installs it, rstscope never runs it): tshark must do what each case's `expected` says, so the
/// decoder tests that hold the decoder to `expected` hold it to tshark.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tshark"), "needs tshark as the oracle"))
struct OracleDecoderTests {
    /// tshark's reading of each frame of a pcap, in the truth's terms (a TCP frame has tcp in
    /// frame.protocols, not after icmp, and a stream).
    static func tshark(_ path: String) throws -> [Int: DecoderCase.Expected] {
        let text = try TestSupport.tshark(["-2", "-o", "tcp.check_checksum:FALSE", "-r", path, "-T", "fields", "-E", "separator=|",
                                           "-E", "occurrence=f", "-e", "frame.number", "-e", "frame.protocols", "-e", "tcp.stream",
                                           "-e", "tcp.srcport", "-e", "tcp.seq_raw", "-e", "tcp.len"])
        var result: [Int: DecoderCase.Expected] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 6, let frame = Int(f[0]) else { continue }
            let layers = f[1].split(separator: ":")
            let tcpIndex = layers.firstIndex(of: "tcp")
            let icmpIndex = layers.firstIndex { $0 == "icmp" || $0 == "icmpv6" }
            if let tcpIndex, !f[2].isEmpty, icmpIndex.map({ $0 > tcpIndex }) ?? true,
               let port = UInt16(f[3]), let sequence = UInt32(f[4]) {
                result[frame] = .tcp(port: port, sequence: sequence, length: Int(f[5]))
            } else {
                result[frame] = .notTCP
            }
        }
        return result
    }

    @Test("tshark 4.0.17 reads every hand-built frame as its case says")
    func tsharkAgreesWithTheCases() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rstscope-oracle-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // One pcap per link type and byte order, one case per frame.
        let groups = Dictionary(grouping: DecoderCases.all) { "\($0.linkType.rawValue)-\($0.bigEndianFile ? "be" : "le")" }
        var mismatches: [String] = []
        for (name, cases) in groups.sorted(by: { $0.key < $1.key }) {
            let linkType = cases[0].linkType, bigEndian = cases[0].bigEndianFile
            let file = CaptureFileBuilder.pcap(bigEndian: bigEndian, snaplen: 262_144, linkType: linkType.rawValue,
                                               records: cases.enumerated().map { i, item in
                (seconds: UInt32(1_700_000_000 + i), fraction: 0, wireLength: item.wireLength.map(UInt32.init), data: item.bytes)
            })
            let path = directory.appendingPathComponent("linktype-\(name).pcap").path
            try Data(file).write(to: URL(fileURLWithPath: path))
            let theirs = try Self.tshark(path)
            for (i, item) in cases.enumerated() where theirs[i + 1] != item.expected {
                mismatches.append("\(item.name): tshark \(theirs[i + 1]?.description ?? "nothing"), case says \(item.expected)")
            }
        }
        print("OracleDecoderTests: \(DecoderCases.all.count) hand-built frames in \(groups.count) pcaps, \(mismatches.count) read otherwise by tshark")
        for line in mismatches { print("  " + line) }
        #expect(mismatches.isEmpty)
    }
}
