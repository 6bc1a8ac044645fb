import Foundation
import PacketCapture
import PacketCore
import TestSupport
import Testing

/// Bytes handed out `chunk` at a time, as a pipe or the sniffing of a file's magic cuts them.
private final class ChunkStream: ByteStream {
    private let bytes: [UInt8]
    private let chunk: Int
    private var offset = 0

    init(_ bytes: [UInt8], chunk: Int) {
        self.bytes = bytes
        self.chunk = chunk
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(CaptureError) -> Int {
        let n = min(buffer.count, chunk, bytes.count - offset)
        for i in 0..<n { buffer[i] = bytes[offset + i] }
        offset += n
        return n
    }
}

/// The gzip inflater (igzip) against what gzip(1) wrote and RFC 1952 allows: members one after
/// another, every header field, trailing bytes, damage and a cut, with the input and the output
/// in pieces of every size.
struct GzipStreamTests {
    /// Everything `stream` gives, `outputChunk` bytes a read, and the error it ends with.
    private func drain(_ stream: GzipStream, outputChunk: Int) -> (bytes: [UInt8], error: CaptureError?) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: outputChunk)
        do {
            while true {
                let n = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
                if n == 0 { return (bytes, nil) }
                bytes += buffer[..<n]
            }
        } catch {
            return (bytes, error as? CaptureError)
        }
    }

    /// Compressible bytes (a capture is): runs of a few values, seeded.
    private func sample(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        var bytes: [UInt8] = []
        while bytes.count < count {
            let value = UInt8(truncatingIfNeeded: generator.next() % 7)
            bytes += repeatElement(value, count: Int(generator.next() % 40) + 1)
        }
        return Array(bytes.prefix(count))
    }

    /// CRC-32 of RFC 1952 (bit by bit: a test's few hundred bytes).
    private func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// gzip(1)'s member for `bytes`, its header replaced by one with every optional field: extra
    /// data, a name, a comment and the header's own CRC16 (FHCRC, which gzip(1) never writes).
    private func memberWithEveryHeaderField(_ bytes: [UInt8]) throws -> [UInt8] {
        let plain = try [UInt8](gzipped(Data(bytes)))
        var header: [UInt8] = [0x1F, 0x8B, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 3]
        header += [4, 0] + Array("abcd".utf8)
        header += Array("capture.pcap".utf8) + [0]
        header += Array("a comment".utf8) + [0]
        let crc = crc32(header)
        header += [UInt8(crc & 0xFF), UInt8(crc >> 8 & 0xFF)]
        return header + plain.dropFirst(10)  // gzip(1) reading a pipe writes the bare 10 bytes
    }

    @Test func inflatesMembersWithEveryHeaderFieldInPiecesOfAnySize() throws {
        let parts = [sample(150_000, seed: 1), sample(70_000, seed: 2), sample(90_000, seed: 3)]
        let compressed = try [UInt8](gzipped(Data(parts[0]))) + [UInt8](gzipped(Data(parts[1])))
            + memberWithEveryHeaderField(parts[2])
        for (inputChunk, outputChunk) in [(1, 4096), (7, 1), (4096, 65_536), (1 << 20, 100_003)] {
            let result = drain(GzipStream(ChunkStream(compressed, chunk: inputChunk)), outputChunk: outputChunk)
            #expect(result.error == nil, "input \(inputChunk), output \(outputChunk)")
            let whole = result.bytes == parts[0] + parts[1] + parts[2]  // (a Bool: a failure prints no 300 KB arrays)
            #expect(whole, "input \(inputChunk), output \(outputChunk): \(result.bytes.count) bytes")
        }
    }

    @Test func bytesAfterTheLastMemberAreIgnoredUnlessTheyBeginOne() throws {
        let data = sample(100_000, seed: 4)
        let member = try [UInt8](gzipped(Data(data)))
        for garbage in [Array("not gzip at all, trailing".utf8), Array("junk".utf8), [UInt8](repeating: 0, count: 1024)] {
            let result = drain(GzipStream(ChunkStream(member + garbage, chunk: 5000)), outputChunk: 8192)
            let whole = result.bytes == data
            #expect(whole && result.error == nil, "\(garbage.count) bytes after: \(String(describing: result.error))")
        }
        // The start of another member that never comes: cut short, after every byte before it.
        for start in [[0x1F] as [UInt8], [0x1F, 0x8B]] {
            let result = drain(GzipStream(ChunkStream(member + start, chunk: 5000)), outputChunk: 8192)
            let whole = result.bytes == data
            #expect(whole)
            #expect(result.error == .truncated(reason: "gzip data ends inside a compressed member", offset: Int64(data.count)))
        }
    }

    @Test func aCutOrADamagedCheckIsReported() throws {
        let data = sample(200_000, seed: 5)
        let member = try [UInt8](gzipped(Data(data)))
        // Cut inside the member: what was inflated, then where.
        let cut = drain(GzipStream(ChunkStream(Array(member.prefix(member.count / 2)), chunk: 3000)), outputChunk: 4096)
        let prefix = cut.bytes == Array(data.prefix(cut.bytes.count))
        #expect(!cut.bytes.isEmpty && prefix)
        #expect(cut.error == .truncated(reason: "gzip data ends inside a compressed member", offset: Int64(cut.bytes.count)))
        // The CRC-32, then the length, of the trailer changed.
        for position in [member.count - 8, member.count - 1] {
            var damaged = member
            damaged[position] ^= 0x55
            let result = drain(GzipStream(ChunkStream(damaged, chunk: 1 << 16)), outputChunk: 1 << 16)
            guard case .decompression = result.error else {
                Issue.record("a damaged trailer at \(position) gave \(String(describing: result.error))")
                continue
            }
        }
    }
}
