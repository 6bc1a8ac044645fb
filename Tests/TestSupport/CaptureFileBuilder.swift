/// Builds capture files byte by byte, for reader tests: classic pcap in either byte order and
/// precision, and pcapng with any mix of sections, interfaces and packet blocks.
public struct CaptureFileBuilder {
    public private(set) var bytes: [UInt8] = []
    private var bigEndian: Bool

    public init(bigEndian: Bool = false) { self.bigEndian = bigEndian }

    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func u16(_ v: UInt16) {
        let x = bigEndian ? v.bigEndian : v.littleEndian
        withUnsafeBytes(of: x) { bytes.append(contentsOf: $0) }
    }
    public mutating func u32(_ v: UInt32) {
        let x = bigEndian ? v.bigEndian : v.littleEndian
        withUnsafeBytes(of: x) { bytes.append(contentsOf: $0) }
    }
    public mutating func u64(_ v: UInt64) {
        let x = bigEndian ? v.bigEndian : v.littleEndian
        withUnsafeBytes(of: x) { bytes.append(contentsOf: $0) }
    }
    public mutating func pad4() { while bytes.count % 4 != 0 { bytes.append(0) } }

    // MARK: classic pcap

    public static func pcap(bigEndian: Bool = false, nanosecond: Bool = false, snaplen: UInt32 = 65535, linkType: UInt32 = 1,
                            records: [(seconds: UInt32, fraction: UInt32, wireLength: UInt32?, data: [UInt8])]) -> [UInt8] {
        var b = CaptureFileBuilder(bigEndian: bigEndian)
        b.u32(nanosecond ? 0xA1B2_3C4D : 0xA1B2_C3D4)
        b.u16(2); b.u16(4); b.u32(0); b.u32(0); b.u32(snaplen); b.u32(linkType)
        for r in records {
            b.u32(r.seconds); b.u32(r.fraction); b.u32(UInt32(r.data.count)); b.u32(r.wireLength ?? UInt32(r.data.count))
            b.bytes.append(contentsOf: r.data)
        }
        return b.bytes
    }

    // MARK: pcapng

    /// One pcapng option: code, value (padded by the builder).
    public typealias Option = (code: UInt16, value: [UInt8])

    mutating func block(_ type: UInt32, _ body: (inout CaptureFileBuilder) -> Void) {
        let start = bytes.count
        u32(type); u32(0)
        body(&self)
        pad4()
        let length = UInt32(bytes.count - start + 4)
        u32(length)
        var patch = CaptureFileBuilder(bigEndian: bigEndian)
        patch.u32(length)
        bytes.replaceSubrange((start + 4)..<(start + 8), with: patch.bytes)
    }

    mutating func options(_ options: [Option]) {
        guard !options.isEmpty else { return }
        for o in options {
            u16(o.code); u16(UInt16(o.value.count)); bytes.append(contentsOf: o.value); pad4()
        }
        u16(0); u16(0)
    }

    /// Starts a section; the byte order of everything after it is this builder's.
    public mutating func sectionHeader() {
        block(0x0A0D_0D0A) { b in b.u32(0x1A2B_3C4D); b.u16(1); b.u16(0); b.u64(UInt64.max) }
    }

    public mutating func interfaceDescription(linkType: UInt16, snaplen: UInt32 = 0, options: [Option] = []) {
        block(1) { b in b.u16(linkType); b.u16(0); b.u32(snaplen); b.options(options) }
    }

    public mutating func enhancedPacket(interface: UInt32, timestamp: UInt64, data: [UInt8], wireLength: UInt32? = nil,
                                        options: [Option] = []) {
        block(6) { b in
            b.u32(interface); b.u32(UInt32(timestamp >> 32)); b.u32(UInt32(truncatingIfNeeded: timestamp))
            b.u32(UInt32(data.count)); b.u32(wireLength ?? UInt32(data.count))
            b.bytes.append(contentsOf: data); b.pad4(); b.options(options)
        }
    }

    public mutating func simplePacket(data: [UInt8], wireLength: UInt32? = nil) {
        block(3) { b in b.u32(wireLength ?? UInt32(data.count)); b.bytes.append(contentsOf: data) }
    }

    public mutating func obsoletePacket(interface: UInt16, timestamp: UInt64, data: [UInt8]) {
        block(2) { b in
            b.u16(interface); b.u16(0); b.u32(UInt32(timestamp >> 32)); b.u32(UInt32(truncatingIfNeeded: timestamp))
            b.u32(UInt32(data.count)); b.u32(UInt32(data.count)); b.bytes.append(contentsOf: data); b.pad4()
        }
    }

    public mutating func customBlock(type: UInt32, body: [UInt8]) {
        block(type) { b in b.bytes.append(contentsOf: body) }
    }

    /// Appends another builder's bytes (a section in another byte order).
    public mutating func append(_ other: CaptureFileBuilder) { bytes.append(contentsOf: other.bytes) }
}
