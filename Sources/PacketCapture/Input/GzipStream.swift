import CZlib

/// Inflates a gzip stream read from another stream, member after member as gzip(1) does for
/// concatenated files. Bytes after a complete member that do not start a new one are ignored
/// (gzip's "trailing garbage"); an input that ends inside a member is reported as cut short.
public final class GzipStream: ByteStream {
    private let input: any ByteStream
    private var stream = z_stream()
    private let inputBuffer: UnsafeMutableRawBufferPointer
    private var inputEnded = false
    private var finished = false
    private var cutShort = false
    /// True before any member starts and right after one ends.
    private var atMemberBoundary = true

    public init(_ input: any ByteStream) throws(CaptureError) {
        self.input = input
        self.inputBuffer = .allocate(byteCount: 1 << 18, alignment: 16)
        let status = czlib_inflate_init_gzip(&stream)
        guard status == Z_OK else {
            inputBuffer.deallocate()
            throw .decompression(reason: "inflateInit2 failed (\(status))")
        }
    }

    deinit {
        _ = czlib_inflate_end(&stream)
        inputBuffer.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(CaptureError) -> Int {
        guard !finished, buffer.count > 0 else {
            if cutShort {
                cutShort = false
                throw .truncated(reason: "gzip data ends inside a compressed member", offset: Int64(stream.total_out))
            }
            return 0
        }
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = UInt32(clamping: buffer.count)
        inflating: while stream.avail_out > 0 {
            if stream.avail_in == 0 && !inputEnded {
                let n = try input.read(into: inputBuffer)
                if n == 0 {
                    inputEnded = true
                } else {
                    stream.next_in = inputBuffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_in = UInt32(n)
                }
            }
            // Inflate even when the input is gone: zlib may still hold output it could not hand over.
            let status = czlib_inflate(&stream)
            switch status {
            case Z_OK:
                atMemberBoundary = false
            case Z_STREAM_END:
                atMemberBoundary = true
                _ = czlib_inflate_reset(&stream)
                if stream.avail_in == 0 && inputEnded { finished = true; break inflating }
            case Z_BUF_ERROR:
                // No progress possible without more input.
                if inputEnded {
                    finished = true
                    cutShort = !atMemberBoundary
                    break inflating
                }
            default:
                if atMemberBoundary {
                    finished = true  // trailing garbage after the last member
                    break inflating
                }
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw .decompression(reason: message)
            }
        }
        let produced = buffer.count - Int(stream.avail_out)
        if produced == 0 && cutShort {
            cutShort = false
            throw .truncated(reason: "gzip data ends inside a compressed member", offset: Int64(stream.total_out))
        }
        return produced
    }
}
