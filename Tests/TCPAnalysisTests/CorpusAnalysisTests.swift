import PacketCapture
import PacketCore
import TCPAnalysis
import TestSupport
import Testing

/// Streams and analysis flags, frame by frame, against tshark 4.0.17's two-pass truth.
@Suite struct CorpusAnalysisTests {
    struct FrameResult { var stream: Int; var flags: AnalysisFlags }

    /// Runs decoder and tracker over a capture: per TCP frame, its stream and visible flags.
    static func analyze(_ path: String) throws -> [Int: FrameResult] {
        var reader = try CaptureFile.open(path)
        var decoder = PacketDecoder()
        var tracker = TCPTracker()
        var frames: [Int: FrameResult] = [:]
        while let record = try reader.next() {
            guard let segment = decoder.decode(record) else { continue }
            let analysis = tracker.process(segment)
            if segment.isTCPFrame { frames[record.frame] = FrameResult(stream: analysis.stream, flags: analysis.visibleFlags) }
        }
        for late in tracker.secondPassReusedPorts() where late.printable {
            frames[late.frame]?.flags.insert(.reusedPorts)
        }
        return frames
    }

    @Test(.enabled(if: Corpus.isAvailable, "needs ../shared/captures"))
    func streamsAndFlagsMatchTheTruth() throws {
        let entries = CorpusSegmentTests.covered
        var counts = [[Int]](repeating: [0, 0, 0], count: AnalysisFlags.names.count)  // tp, fp, fn
        var streamFiles: [String] = [], partitionFiles: [String] = [], socksGapFiles: [String] = [], flagFiles: [String: Int] = [:], examples: [String] = []
        var framesCompared = 0
        for entry in entries {
            let truth = try Corpus.truth(entry)
            let ours = try Self.analyze(entry.path)
            var streamsDiffer = false
            var flagDiffs = 0
            var oursToTruth: [Int: Int] = [:], truthToOurs: [Int: Int] = [:]
            var partitionDiffers = false
            for row in truth {
                guard let mine = ours[row.frame] else { continue }
                framesCompared += 1
                if mine.stream != row.stream { streamsDiffer = true }
                if oursToTruth[mine.stream, default: row.stream] != row.stream || truthToOurs[row.stream, default: mine.stream] != mine.stream {
                    partitionDiffers = true
                }
                oursToTruth[mine.stream] = row.stream
                truthToOurs[row.stream] = mine.stream
                let expected = AnalysisFlags(names: row.analysis)
                for bit in 0..<AnalysisFlags.names.count {
                    let flag = AnalysisFlags(rawValue: 1 << bit)
                    switch (mine.flags.contains(flag), expected.contains(flag)) {
                    case (true, true): counts[bit][0] += 1
                    case (true, false): counts[bit][1] += 1; flagDiffs += 1
                        if examples.count < 40 { examples.append("\(entry.id) #\(row.frame): extra \(AnalysisFlags.names[bit])") }
                    case (false, true): counts[bit][2] += 1; flagDiffs += 1
                        if examples.count < 40 { examples.append("\(entry.id) #\(row.frame): missing \(AnalysisFlags.names[bit])") }
                    default: break
                    }
                }
            }
            if partitionDiffers { partitionFiles.append(entry.id) }
            if streamsDiffer {
                // The one known class: tshark's SOCKS dissector (packet-socks.c) attaches TCP
                // conversation data to the proxied destination's tuple, which uses up a stream
                // number no TCP frame of the capture carries. Our numbers are then the truth's with
                // those gaps closed: the same order, so the mapping must be increasing.
                let gaps = Set(truth.map(\.stream)).count < (truth.map(\.stream).max() ?? -1) + 1
                let increasing = oursToTruth.sorted { $0.key < $1.key }.map(\.value) == oursToTruth.values.sorted()
                if gaps && increasing { socksGapFiles.append(entry.id) } else { streamFiles.append(entry.id) }
            }
            if flagDiffs > 0 { flagFiles[entry.id] = flagDiffs }
        }
        print("CorpusAnalysisTests: \(entries.count) captures, \(framesCompared) TCP frames")
        print("  flag                      agree  extra  missing")
        for (bit, name) in AnalysisFlags.names.enumerated() {
            print("  " + name.padding(toLength: 24, withPad: " ", startingAt: 0)
                  + String(counts[bit][0]).leftPad(7) + String(counts[bit][1]).leftPad(7) + String(counts[bit][2]).leftPad(9))
        }
        print("  stream partition differs in \(partitionFiles.count) files: \(partitionFiles)")
        print("  class 'stream numbers used up by the SOCKS dissector': \(socksGapFiles.count) files: \(socksGapFiles)")
        print("  stream numbering differs otherwise in \(streamFiles.count) files: \(streamFiles.prefix(20))")
        print("  flags differ in \(flagFiles.count) files: \(flagFiles.sorted { $0.value > $1.value }.prefix(30))")
        for example in examples { print("    " + example) }
        #expect(partitionFiles.isEmpty)
        #expect(streamFiles.isEmpty)
        #expect(socksGapFiles.count <= 3)
        #expect(flagFiles.isEmpty)
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
