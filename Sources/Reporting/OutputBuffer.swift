#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte buffer that goes to a file descriptor in large writes. No Foundation: output is built as
/// UTF-8 bytes and written with write(2).
public final class OutputBuffer {
    public private(set) var bytes: [UInt8] = []
    private let fd: Int32?
    private let flushThreshold: Int

    /// Writes to `fd` (nil collects in memory, for tests).
    public init(fd: Int32?, flushThreshold: Int = 1 << 16) {
        self.fd = fd
        self.flushThreshold = flushThreshold
        bytes.reserveCapacity(flushThreshold + 1024)
    }

    deinit { flush() }

    @inline(__always)
    public func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
        if bytes.count >= flushThreshold { flush() }
    }

    public func append(byte: UInt8) { bytes.append(byte) }

    /// Fields put first in every JSON line appended as bytes (`"input":"...",` for several
    /// inputs), so each line says where it comes from.
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

    @inline(__always)
    public func append(_ line: [UInt8]) {
        if !leadingFields.isEmpty && line.first == UInt8(ascii: "{") {
            bytes.append(UInt8(ascii: "{"))
            bytes.append(contentsOf: leadingFields)
            bytes.append(contentsOf: line[1...])
        } else {
            bytes.append(contentsOf: line)
        }
        if bytes.count >= flushThreshold { flush() }
    }

    public func flush() {
        guard let fd, !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { raw in
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
        bytes.removeAll(keepingCapacity: true)
    }

    /// What was collected (in-memory buffers).
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
