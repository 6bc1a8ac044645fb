import Foundation
import PacketCore
import TCPAnalysis
import TestSupport
import Testing

/// Inputs the libFuzzer harness (Scripts/fuzz) found, replayed through the same driver: each once
/// trapped somewhere in the pipeline. Also a few built inputs in both of the driver's modes, so the
/// driver itself is exercised by every test run.
@Suite struct FuzzRegressionTests {
    static let directory = Corpus.repositoryRoot.appendingPathComponent("Tests/TCPAnalysisTests/Fixtures/fuzz-regressions")

    static var regressionFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test("every input the fuzzer found runs through without a trap", arguments: regressionFiles)
    func regression(name: String) throws {
        let data = try Data(contentsOf: Self.directory.appendingPathComponent(name))
        FuzzDriver.run(Array(data))
    }

    /// Packet mode: each hand-built frame of DecoderCases as a one-record sequence on its link type,
    /// and all of them cut at every length as one long sequence.
    @Test("packet sequences built from the decoder cases")
    func packetSequences() {
        for item in DecoderCases.all {
            guard let selector = (0...255).first(where: { FuzzDriver.linkTypes.contains(item.linkType) && FuzzDriver.linkType(selector: UInt8($0)) == item.linkType })
            else { continue }
            var sequence: [UInt8] = [UInt8(selector)]
            for cut in stride(from: 0, through: item.bytes.count, by: 7) {
                sequence += [UInt8(cut & 0xFF), UInt8(cut >> 8), UInt8(min(item.bytes.count - cut, 255)), 1] + item.bytes.prefix(cut)
            }
            FuzzDriver.run(sequence)
        }
    }

    /// File mode: a pcap holding a handshake and a reset, plain and cut short.
    @Test("capture files, whole and cut")
    func captureFiles() {
        let frames = [TCPBuilder(flags: TCPBuilder.syn), TCPBuilder(sourcePort: 443, destinationPort: 49152, flags: TCPBuilder.syn | TCPBuilder.ack),
                      TCPBuilder(flags: TCPBuilder.rst)].map { LinkFraming.ethernet().frame(IPv4Builder().packet($0.bytes)) }
        let file = CaptureFileBuilder.pcap(records: frames.enumerated().map { (seconds: UInt32(1_700_000_000 + $0.offset), fraction: 0, wireLength: nil, data: $0.element) })
        for cut in [file.count, file.count - 1, 30, 24, 4] { FuzzDriver.run(Array(file.prefix(cut))) }
    }
}
