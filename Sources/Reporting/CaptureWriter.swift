#if canImport(Glibc)
import Glibc
#endif
import PacketCore

/// Writes capture files of our own: pcapng (with per-packet comments, which Wireshark shows under
/// "Packet comments" and filters with `frame.comment`) or classic pcap (nanosecond magic).
/// Little-endian, one section; each input interface described once, with its link type, snaplen,
/// name, `if_tsresol` and `if_tsoffset` kept.
public final class CaptureWriter {
    public enum Format: Sendable { case pcapng, pcap }

    private let output: OutputBuffer
    private let fd: Int32
    public let format: Format
    private var interfaces: [InterfaceDescription] = []
    /// Input interface index -> written interface index.
    private var interfaceMap: [Int: Int] = [:]
    public private(set) var packets = 0

    public convenience init(path: String, format: Format, firstInterface: InterfaceDescription? = nil) throws {
        let fd = try Self.create(path)
        self.init(fileDescriptor: fd, format: format, firstInterface: firstInterface)
    }

    /// Creates (or empties) a file for writing, as the user running now (before `-Z` drops root).
    public static func create(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WriterError(message: "\(path): \(String(cString: strerror(errno)))") }
        return fd
    }

    /// Writes to a descriptor opened earlier (the writer closes it).
    public init(fileDescriptor fd: Int32, format: Format, firstInterface: InterfaceDescription? = nil) {
        self.fd = fd
        self.format = format
        output = OutputBuffer(fd: fd, flushThreshold: 1 << 20)
        switch format {
        case .pcapng: sectionHeader()
        case .pcap:
            let first = firstInterface ?? InterfaceDescription(linkType: .ethernet, snaplen: 262_144)
            u32(0xA1B2_3C4D); u16(2); u16(4); u32(0); u32(0); u32(max(first.snaplen, 262_144)); u32(first.linkType.rawValue)
        }
    }

    public struct WriterError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public func close() {
        output.flush()
        Glibc.close(fd)
    }

    private func u8(_ v: UInt8) { output.append(byte: v) }
    private func u16(_ v: UInt16) { u8(UInt8(v & 0xFF)); u8(UInt8(v >> 8)) }
    private func u32(_ v: UInt32) { u16(UInt16(v & 0xFFFF)); u16(UInt16(v >> 16)) }
    private func u64(_ v: UInt64) { u32(UInt32(v & 0xFFFF_FFFF)); u32(UInt32(v >> 32)) }
    private func pad(_ n: Int) { for _ in 0..<((4 - n % 4) % 4) { u8(0) } }
    private func bytes(_ b: [UInt8]) { output.append(b) }

    private func option(_ code: UInt16, _ value: [UInt8]) {
        u16(code); u16(UInt16(value.count)); bytes(value); pad(value.count)
    }

    private static func optionsLength(_ values: [[UInt8]]) -> Int {
        values.isEmpty ? 0 : values.reduce(4) { $0 + 4 + ($1.count + 3) / 4 * 4 }
    }

    private func sectionHeader() {
        u32(0x0A0D_0D0A); u32(28); u32(0x1A2B_3C4D); u16(1); u16(0); u64(UInt64.max); u32(28)
    }

    /// Describes an input interface (once); returns the written index.
    private func interfaceIndex(_ input: Int, _ description: InterfaceDescription) -> Int {
        if let index = interfaceMap[input] { return index }
        let index = interfaces.count
        interfaces.append(description)
        interfaceMap[input] = index
        guard format == .pcapng else { return index }
        var options: [(UInt16, [UInt8])] = []
        if let name = description.name { options.append((2, Array(name.utf8))) }
        options.append((9, [description.timestampResolution]))
        if description.timestampOffset != 0 {
            options.append((14, withUnsafeBytes(of: description.timestampOffset.littleEndian) { Array($0) }))
        }
        let length = 20 + Self.optionsLength(options.map(\.1))
        u32(1); u32(UInt32(length)); u16(UInt16(truncatingIfNeeded: description.linkType.rawValue)); u16(0); u32(description.snaplen)
        for (code, value) in options { option(code, value) }
        u16(0); u16(0)
        u32(UInt32(length))
        return index
    }

    /// Writes one record, with comments (pcapng only). `interfaces` are the input's interface
    /// descriptions so far: every one up to the record's is described, in the input's order, so
    /// packets keep their interface numbers.
    public func write(_ record: CaptureRecord, interfaces inputInterfaces: [InterfaceDescription], comments: [String] = []) {
        let fallback = InterfaceDescription(linkType: record.linkType, snaplen: 262_144)
        if record.interface < inputInterfaces.count {
            for i in 0...record.interface { _ = interfaceIndex(i, inputInterfaces[i]) }
        }
        let description = record.interface < inputInterfaces.count ? inputInterfaces[record.interface] : fallback
        let index = interfaceIndex(record.interface, description)
        let data = record.bytes.toArray()
        packets += 1
        switch format {
        case .pcap:
            let seconds = record.timestamp / 1_000_000_000, nanos = record.timestamp % 1_000_000_000
            u32(UInt32(truncatingIfNeeded: seconds)); u32(UInt32(nanos)); u32(UInt32(data.count)); u32(UInt32(clamping: record.wireLength))
            bytes(data)
        case .pcapng:
            let units = Self.units(record.timestamp, description)
            let values = comments.map { Array($0.utf8) }
            let length = 32 + (data.count + 3) / 4 * 4 + Self.optionsLength(values)
            u32(6); u32(UInt32(length)); u32(UInt32(index)); u32(UInt32(units >> 32)); u32(UInt32(units & 0xFFFF_FFFF))
            u32(UInt32(data.count)); u32(UInt32(clamping: record.wireLength)); bytes(data); pad(data.count)
            if !values.isEmpty {
                for value in values { option(1, value) }  // opt_comment
                u16(0); u16(0)
            }
            u32(UInt32(length))
        }
    }

    /// Nanoseconds back to the interface's own units.
    static func units(_ nanoseconds: Int64, _ d: InterfaceDescription) -> UInt64 {
        let ns = UInt64(bitPattern: nanoseconds &- d.timestampOffset &* 1_000_000_000)
        let exponent = Int(d.timestampResolution & 0x7F)
        if d.timestampResolution & 0x80 == 0 {
            var scale: UInt64 = 1
            if exponent <= 9 {
                for _ in 0..<(9 - exponent) { scale &*= 10 }
                return ns / scale
            }
            for _ in 0..<min(exponent - 9, 19) { scale &*= 10 }
            return ns &* scale
        }
        return UInt64((Double(ns) / 1e9 * pow2(exponent)).rounded())
    }

    private static func pow2(_ n: Int) -> Double { var v = 1.0; for _ in 0..<n { v *= 2 }; return v }
}
