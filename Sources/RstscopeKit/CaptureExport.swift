import PacketCapture
import PacketCore
import Reporting
import TCPAnalysis

/// Writes a copy of the input (all of it, or the packets of chosen streams and the ICMP errors that
/// quote them), with comments on the frames that carry findings. A second pass over the input
/// file: the findings (resets above all) are only known once the whole capture was read.
public enum CaptureExport {
    /// Returns the number of packets written.
    public static func write(input path: String, reader kind: ReaderKind, to output: String, format: CaptureWriter.Format,
                             comments: [Int: [String]], keepStreams: Set<Int>?) throws -> Int {
        try write(input: path, reader: kind, to: CaptureWriter.create(output), format: format, comments: comments, keepStreams: keepStreams)
    }

    /// The same, to a descriptor opened earlier (live capture opens it before dropping root).
    public static func write(input path: String, reader kind: ReaderKind, to output: Int32, format: CaptureWriter.Format,
                             comments: [Int: [String]], keepStreams: Set<Int>?) throws -> Int {
        try write(input: CaptureFile.open(path, reader: kind), to: output, format: format, comments: comments, keepStreams: keepStreams)
    }

    /// The same, from a reader opened by the caller (a spool read back through its descriptor).
    public static func write(input: any PacketReader, to output: Int32, format: CaptureWriter.Format,
                             comments: [Int: [String]], keepStreams: Set<Int>?) throws -> Int {
        var reader = input
        var writer: CaptureWriter?
        var decoder = PacketDecoder()
        var tracker = TCPTracker()
        while let record = try reader.next() {
            if let keepStreams {
                // The same decoder and tracker as the first pass give every frame the same stream.
                guard let segment = decoder.decode(record), keepStreams.contains(tracker.process(segment).stream) else { continue }
            }
            let descriptions = reader.interfaceDescriptions
            if writer == nil {
                let first = descriptions.first ?? InterfaceDescription(linkType: record.linkType, snaplen: 262_144)
                writer = CaptureWriter(fileDescriptor: output, format: format, firstInterface: first)
            }
            writer!.write(record, interfaces: descriptions, comments: format == .pcapng ? comments[record.frame] ?? [] : [])
        }
        if writer == nil {
            let description = reader.interfaceDescriptions.first ?? InterfaceDescription(linkType: .ethernet, snaplen: 262_144)
            writer = CaptureWriter(fileDescriptor: output, format: format, firstInterface: description)
        }
        writer!.close()
        return writer!.packets
    }
}
