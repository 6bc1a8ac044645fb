import Foundation
import PacketCapture
import PacketCore
import TCPAnalysis
import TestSupport
import Testing

/// `--check-checksums`: the frames with a bad TCP checksum are exactly those tshark 4.0.17 finds
/// with `tcp.check_checksum:TRUE` (the oracle), and nothing is checked without the option.
@Suite(.enabled(if: Corpus.isAvailable && FileManager.default.isExecutableFile(atPath: "/usr/bin/tshark"), "needs the corpus and tshark"))
struct ChecksumTests {
    @Test(arguments: ["ndpi__tests+cfgs+default+pcap+opc-ua.pcap", "ndpi__tests+cfgs+default+pcap+amqp.pcap",
                      "ndpi__tests+cfgs+default+pcap+jabber.pcap", "zeek__testing+btest+Traces+http+vnd.ms-cab-compressed-multi-conn.pcap"])
    func badChecksumsEqualTsharks(file: String) throws {
        let path = Corpus.capturesDirectory.appendingPathComponent(file).path
        let tshark = Process()
        tshark.executableURL = URL(fileURLWithPath: "/usr/bin/tshark")
        tshark.arguments = ["-n", "-r", path, "-o", "tcp.check_checksum:TRUE", "-Y", "tcp.checksum.status==0 && !icmp && !icmpv6",
                            "-T", "fields", "-e", "frame.number"]
        let pipe = Pipe()
        tshark.standardOutput = pipe
        tshark.standardError = FileHandle.nullDevice
        try tshark.run()
        let expected = Set(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").compactMap { Int($0) })
        tshark.waitUntilExit()
        var reader = try CaptureFile.open(path)
        var checking = PacketDecoder(checkChecksums: true), plain = PacketDecoder()
        var bad = Set<Int>()
        while let record = try reader.next() {
            if let segment = checking.decode(record), segment.checksumBad { bad.insert(record.frame) }
            #expect(plain.decode(record)?.checksumBad != true)
        }
        #expect(bad == expected, "\(file): \(bad.count) bad, tshark \(expected.count)")
        #expect(checking.weirds[.tcpChecksumBad] == expected.count)
    }
}
