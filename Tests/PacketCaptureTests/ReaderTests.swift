import Foundation
import PacketCapture
import PacketCore
import TestSupport
import Testing

/// A record's essentials, kept after the reader moves on.
struct RecordDigest: Equatable, CustomStringConvertible {
    var frame: Int
    var timestamp: Int64
    var wireLength: Int
    var interface: Int
    var linkType: UInt32
    var bytes: [UInt8]

    init(_ record: CaptureRecord) {
        frame = record.frame
        timestamp = record.timestamp
        wireLength = record.wireLength
        interface = record.interface
        linkType = record.linkType.rawValue
        bytes = record.bytes.toArray()
    }

    var description: String { "frame \(frame) ts \(timestamp) len \(bytes.count)/\(wireLength) if \(interface) lt \(linkType)" }
}

/// Reads every record (and the error that ended the read, if any).
func readAll(_ reader: inout any PacketReader) -> ([RecordDigest], CaptureError?) {
    var records: [RecordDigest] = []
    do {
        while let record = try reader.next() { records.append(RecordDigest(record)) }
        return (records, nil)
    } catch {
        return (records, error)
    }
}

func readAll(path: String, reader kind: ReaderKind = .native) throws -> ([RecordDigest], CaptureError?) {
    var reader = try CaptureFile.open(path, reader: kind)
    return readAll(&reader)
}

/// Reads a file through the stream path (as standard input would be read).
func readAllStreamed(path: String) throws -> ([RecordDigest], CaptureError?) {
    let fd = open(path, O_RDONLY)
    defer { close(fd) }
    var reader = try CaptureFile.open(fileDescriptor: fd, name: path)
    return readAll(&reader)
}

@Suite struct ReaderTests {
    @Test(.enabled(if: Corpus.isAvailable, "needs ../shared/captures"))
    func streamedReadsEqualMappedReads() throws {
        for entry in Corpus.catalog where entry.format == "pcapng" || entry.features.contains("gzip") {
            let (mapped, mappedError) = try readAll(path: entry.path)
            let (streamed, streamedError) = try readAllStreamed(path: entry.path)
            #expect(mappedError == nil, "\(entry.id): \(String(describing: mappedError))")
            #expect(streamedError == nil, "\(entry.id): \(String(describing: streamedError))")
            #expect(mapped.count == entry.packets, "\(entry.id): \(mapped.count) records, catalog says \(entry.packets)")
            if mapped != streamed {
                let firstDiff = zip(mapped, streamed).first { $0 != $1 }
                Issue.record("\(entry.id): mapped \(mapped.count) streamed \(streamed.count); first difference \(String(describing: firstDiff))")
            }
        }
    }
}

