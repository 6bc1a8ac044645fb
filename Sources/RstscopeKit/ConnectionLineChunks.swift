import Reporting
import TCPAnalysis

/// The connection lines of a multi-threaded run, in contiguous chunks: all but the first are
/// formatted on threads of their own from the start; `write` streams the first and then appends
/// the others in order (the same bytes as one by one).
final class ConnectionLineChunks: @unchecked Sendable {
    private let connections: [Connection]
    private let directions: [DirectionState]
    private let size: Int
    /// One object per chunk: each thread writes only its own.
    private let parts: [Part]
    private var helpers: [CaptureThread] = []

    private final class Part: @unchecked Sendable {
        var bytes: [UInt8] = []
        var count = 0
    }

    init(tracker: TCPTracker, chunks: Int) {
        connections = tracker.connections
        directions = tracker.directions
        size = (connections.count + chunks - 1) / chunks
        parts = (0..<chunks).map { _ in Part() }
        helpers = (1..<chunks).map { chunk in CaptureThread { self.format(chunk, into: nil) } }
        for helper in helpers { helper.start() }
    }

    private func format(_ chunk: Int, into sink: (([UInt8]) -> Void)?) {
        var bytes: [UInt8] = []
        var count = 0
        let start = min(connections.count, chunk * size), end = min(connections.count, start + size)
        for index in start..<end where connections[index].hasTCPFrames {
            let line = AnalysisReport.connectionLine(ConnectionView(connections[index], side0: directions[2 * index],
                                                                    side1: directions[2 * index + 1]))
            if let sink { sink(line) } else { bytes.append(contentsOf: line) }
            count += 1
        }
        parts[chunk].bytes = bytes
        parts[chunk].count = count
    }

    /// Writes every line in order; returns how many.
    func write(to output: OutputBuffer) -> Int {
        format(0, into: output.append)
        for helper in helpers { helper.join() }
        helpers = []  // they held this object: the cycle ends here
        for part in parts.dropFirst() { output.append(part.bytes) }
        return parts.reduce(0) { $0 + $1.count }
    }
}
