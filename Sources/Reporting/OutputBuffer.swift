#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PacketCore

/// A byte buffer that goes to a file descriptor in large writes. No Foundation: output is built as
/// UTF-8 bytes (JSON lines written straight into the buffer) and written with write(2).
public final class OutputBuffer {
    /// One owner mutates it, between reads: no dynamic exclusivity check per line.
    @exclusivity(unchecked) private var writer: ByteWriter?
    private let fd: Int32?
    private let flushThreshold: Int

    /// Writes to `fd` (nil collects in memory, for tests).
    public init(fd: Int32?, flushThreshold: Int = 1 << 16) {
        self.fd = fd
        self.flushThreshold = flushThreshold
        writer = ByteWriter(capacity: flushThreshold + 4096)
    }

    deinit { flush() }

    /// Fields put first in every JSON line (`"input":"...",` for several inputs), so each line
    /// says where it comes from.
    public var leadingFields: [UInt8] = []

    /// Sets `leadingFields` to `"name":"value",`.
    public func lead(with name: String, _ value: String) {
        var field: [UInt8] = []
        JSONLine.appendQuoted(name, to: &field)
        field.append(UInt8(ascii: ":"))
        JSONLine.appendQuoted(value, to: &field)
        field.append(UInt8(ascii: ","))
        leadingFields = field
    }

    public func append(_ text: String) {
        writer!.append(utf8: text)
        flushIfFull()
    }

    public func append(byte: UInt8) { writer!.append(byte) }

    /// A line built elsewhere; a JSON object gets the leading fields.
    public func append(_ line: [UInt8]) {
        if !leadingFields.isEmpty && line.first == UInt8(ascii: "{") {
            writer!.append(UInt8(ascii: "{"))
            writer!.append(leadingFields)
            line.withUnsafeBytes { writer!.append(UnsafeRawBufferPointer(rebasing: $0[1...])) }
        } else {
            writer!.append(line)
        }
        flushIfFull()
    }

    /// Bytes another writer holds (lines formatted on another thread).
    /// A large block goes straight to the file, not through the buffer.
    public func append(_ bytes: borrowing ByteWriter) {
        if fd != nil && bytes.count >= flushThreshold {
            flush()
            bytes.withUnsafeBytes { writeAll($0) }
            return
        }
        writer!.append(bytes)
        flushIfFull()
    }

    /// Bytes written in place by `body` (a line put together from parts made elsewhere).
    func appendInPlace(_ body: (inout ByteWriter) -> Void) {
        body(&writer!)
        flushIfFull()
    }

    /// A JSON line written in place: `body` adds its fields after the type (and leading fields).
    public func line(type: StaticString, _ body: (inout JSONLine) -> Void) {
        var json = JSONLine(type: type, continuing: writer.take()!, leading: leadingFields)
        body(&json)
        writer = json.end()
        flushIfFull()
    }

    @inline(__always)
    private func flushIfFull() {
        if (writer?.count ?? 0) >= flushThreshold { flush() }
    }

    public func flush() {
        guard fd != nil, (writer?.count ?? 0) > 0 else { return }
        writer?.withUnsafeBytes { writeAll($0) }
        writer!.removeAll()
    }

    private func writeAll(_ raw: UnsafeRawBufferPointer) {
        guard let fd else { return }
        var offset = 0
        while offset < raw.count {
            let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                break  // a closed pipe: nothing more can be written
            }
            offset += n
        }
    }

    /// What was collected (in-memory buffers).
    public var bytes: [UInt8] { writer?.bytes ?? [] }
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
