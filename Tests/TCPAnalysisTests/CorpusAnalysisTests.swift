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
        var streamFiles: [String] = [], flagFiles: [String: Int] = [:]
        var framesCompared = 0
        for entry in entries {
            let truth = try Corpus.truth(entry)
            let ours = try Self.analyze(entry.path)
            var streamsDiffer = false
            var flagDiffs = 0
            for row in truth {
                guard let mine = ours[row.frame] else { continue }
                framesCompared += 1
                if mine.stream != row.stream { streamsDiffer = true }
                let expected = AnalysisFlags(names: row.analysis)
                for bit in 0..<AnalysisFlags.names.count {
                    let flag = AnalysisFlags(rawValue: 1 << bit)
                    switch (mine.flags.contains(flag), expected.contains(flag)) {
                    case (true, true): counts[bit][0] += 1
                    case (true, false): counts[bit][1] += 1; flagDiffs += 1
                    case (false, true): counts[bit][2] += 1; flagDiffs += 1
                    default: break
                    }
                }
            }
            if streamsDiffer { streamFiles.append(entry.id) }
            if flagDiffs > 0 { flagFiles[entry.id] = flagDiffs }
        }
        print("CorpusAnalysisTests: \(entries.count) captures, \(framesCompared) TCP frames")
        print("  flag                      agree  extra  missing")
        for (bit, name) in AnalysisFlags.names.enumerated() {
            print("  " + name.padding(toLength: 24, withPad: " ", startingAt: 0)
                  + String(counts[bit][0]).leftPad(7) + String(counts[bit][1]).leftPad(7) + String(counts[bit][2]).leftPad(9))
        }
        print("  stream numbering differs in \(streamFiles.count) files: \(streamFiles.prefix(20))")
        print("  flags differ in \(flagFiles.count) files: \(flagFiles.sorted { $0.value > $1.value }.prefix(30))")
        #expect(streamFiles.isEmpty)
        #expect(flagFiles.isEmpty)
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
