import PacketCore
import Reporting
import TCPAnalysis

/// One analysis event line (`{"type":"event",...}`): a single pass prints it at once; a shard of a
/// multi-threaded run formats it without its stream number and hands it to the thread that writes
/// the lines, which knows the number (`EventSpool`).
struct EventRecord: Sendable {
    var time: Int64
    /// `dup_ack_of` (duplicate ACK) or the RTT in nanoseconds (ACK RTT).
    var detail: Int64
    @Count32 var frame: Int
    /// The connection's index in the tracker that saw it (a shard's, until merged).
    @Count32 var connection: Int
    /// `dup_ack_num` (duplicate ACK) or `acks_frame` (ACK RTT).
    @Count32 var number: Int
    /// The analysis flag's bit, or -1 for an ACK RTT sample.
    var kind: Int8
    var isDuplicate: Bool

    init(frame: Int, time: Int64, connection: Int, kind: Int8, isDuplicate: Bool, number: Int, detail: Int64) {
        self.time = time
        self.detail = detail
        self.frame = frame
        self.connection = connection
        self.number = number
        self.kind = kind
        self.isDuplicate = isDuplicate
    }

    static let duplicateAckBit: Int8 = 6

    /// The line, written straight into the output.
    func write(to output: OutputBuffer, stream: Int) {
        AnalysisReport.writeEvent(to: output, frame: frame, stream: stream, timestamp: time, kind: kindName, details: { fields(&$0) })
    }

    /// The line without its stream number (a shard's, formatted before the number is known);
    /// returns where the number goes (see `AnalysisReport.writeEvent(_:cut:stream:to:)`).
    func writeWithoutStream(to writer: inout ByteWriter, leading: [UInt8]) -> Int {
        AnalysisReport.writeEvent(to: &writer, leading: leading, frame: frame, timestamp: time, kind: kindName, details: { fields(&$0) })
    }

    private var kindName: String { kind < 0 ? "ack_rtt" : AnalysisFlags.names[Int(kind)] }

    // (Called from closure literals: a method passed as a closure is a heap allocation a line.)
    private func fields(_ json: inout JSONLine) {
        if kind < 0 {
            json.field("acks_frame", number)
            json.field("rtt_ms", milliseconds: detail)
            return
        }
        if kind == Self.duplicateAckBit {
            json.field("dup_ack_num", number)
            json.field("dup_ack_of", Int(detail))
        }
        if isDuplicate { json.field("duplicate_packet", true) }
    }
}
