import PacketCore

/// Reads pcapng files: any number of sections, each in its own byte order, with one interface
/// description per interface (its own link type, snaplen, `if_tsresol`, `if_tsoffset`). Packets come
/// from enhanced (EPB), simple (SPB) and obsolete packet blocks (PB); other blocks are skipped by
/// their length.
///
///     every block                      enhanced packet block body
///     +-------------------------+      +--------------------------------+
///     | block type              |      | interface id                   |
///     | block total length      |      | timestamp (high 32, low 32)    |
///     | body ...                |      | captured length | orig. length |
///     | block total length      |      | packet data (padded to 32 bit) |
///     +-------------------------+      | options                        |
///                                      +--------------------------------+
public struct PcapngReader<Source: ByteSource>: SourceReader {
    /// What an interface description block says, as the packets of that interface need it.
    public struct Interface: Sendable, Equatable {
        public var linkType: LinkType
        public var snaplen: UInt32
        public var name: String?
        /// `if_tsresol` as stored: bit 7 clear means 10^-n seconds, set means 2^-n seconds.
        public var timestampResolution: UInt8 = 6
        /// `if_tsoffset` in seconds.
        public var timestampOffset: Int64 = 0
    }

    static var sectionHeaderType: UInt32 { 0x0A0D_0D0A }
    static var byteOrderMagic: UInt32 { 0x1A2B_3C4D }

    public static func sniff(_ magic: ByteView) -> Bool {
        magic.has(4) && magic.u32be(0) == sectionHeaderType
    }

    public private(set) var source: Source
    private var bigEndian = false
    /// Every interface of every section so far; a section's ids start at `sectionBase`.
    private var interfaces: [Interface] = []
    /// How many of them the caller has seen: those described before the last record returned
    /// (the reader of a mapped file has parsed one packet block further, see `held`).
    private var visibleInterfaces = 0
    private var sectionBase = 0
    private var frame = 0
    /// (Mapped files.) The packet block parsed but not returned yet, and what reading past it
    /// found wrong (thrown once it is returned; a bad trailer for good, as the reader without
    /// look-ahead, which stays at that block, fails on it again).
    private var held: Held?
    private var failure: (error: CaptureError, sticky: Bool)?

    /// A packet block whose trailing length is not checked yet.
    private struct Held {
        var record: CaptureRecord
        var block: ByteView
        var offset: Int64
        var interfaces: Int
    }

    /// A block's trailing length is on the cache line of the next block's header, which is only
    /// asked for once the block is reached: checked at once, it stalls every packet on a memory
    /// load (45 ns a packet on the generated 2M capture, a tenth of a one-thread run). A mapped
    /// file's bytes stay valid, so its reader parses one packet block ahead and checks a block's
    /// trailer when it has read the next header: what it returns, and when it fails, are the same.
    private static var checksTrailerLate: Bool { Source.self == MappedSource.self }

    public init(source: Source) throws(CaptureError) {
        self.source = source
        guard let first = try self.source.peek(4) else {
            throw .truncated(reason: "the pcapng section header is incomplete", offset: 0)
        }
        guard Self.sniff(first) else { throw .corrupt(reason: "the file does not start with a section header block", offset: 0) }
    }

    public var formatName: String { "pcapng" }

    /// A block takes more reading than a pcap record (its type, its trailer, its interface's time
    /// units). (The 2M capture as pcapng, two threads, 15 interleaved runs: 0.388 s with pcap's 24
    /// buckets of 64 for the reading thread, 0.371 with 18, this cost's; a sweep of 15 to 24 found 18
    /// and 19 best.)
    public var readCost: Double { 0.44 }

    public var interfaceDescriptions: [InterfaceDescription] {
        interfaces.prefix(visibleInterfaces).map {
            InterfaceDescription(linkType: $0.linkType, snaplen: $0.snaplen, name: $0.name,
                                 timestampResolution: $0.timestampResolution, timestampOffset: $0.timestampOffset)
        }
    }

    public mutating func next() throws(CaptureError) -> CaptureRecord? {
        guard Self.checksTrailerLate else {
            let record = try nextPacketBlock(checkingTrailer: true)?.record
            visibleInterfaces = interfaces.count
            return record
        }
        if let failure {
            if !failure.sticky { self.failure = nil }
            visibleInterfaces = interfaces.count
            throw failure.error
        }
        if held == nil {
            held = try nextPacketBlock(checkingTrailer: false)
            guard held != nil else {
                visibleInterfaces = interfaces.count
                return nil
            }
        }
        let current = held!
        held = nil
        let length = current.block.count
        guard Int(current.block.u32(length - 4, bigEndian: bigEndian)) == length else {
            let error = CaptureError.corrupt(reason: "block lengths at start and end differ", offset: current.offset)
            failure = (error, true)
            visibleInterfaces = current.interfaces
            throw error
        }
        do {
            held = try nextPacketBlock(checkingTrailer: false)
        } catch {
            failure = (error, false)
        }
        visibleInterfaces = current.interfaces
        return current.record
    }

    /// The next packet block's record (nil at the end of the input), and the blocks before it
    /// handled; a packet block's trailer is checked when `checkingTrailer`, the others' always.
    private mutating func nextPacketBlock(checkingTrailer: Bool) throws(CaptureError) -> Held? {
        while true {
            guard let head = try source.peek(12) else {
                if try source.isAtEnd() { return nil }
                throw .truncated(reason: "a block header is cut off after frame \(frame)", offset: source.position)
            }
            let offset = source.position
            let type = head.u32(0, bigEndian: bigEndian)
            if type == Self.sectionHeaderType {  // the same in either byte order
                switch head.u32be(8) {
                case Self.byteOrderMagic: bigEndian = true
                case Self.byteOrderMagic.byteSwapped: bigEndian = false
                default: throw .corrupt(reason: "section header with an unknown byte-order magic", offset: offset)
                }
            }
            let length = Int(head.u32(4, bigEndian: bigEndian))
            guard length >= 12, length % 4 == 0, length <= maximumBlockLength else {
                throw .corrupt(reason: "block of type 0x\(String(type, radix: 16)) has invalid length \(length)",
                               offset: offset)
            }
            guard let block = try source.peek(length) else {
                throw .truncated(reason: "a block of \(length) bytes is cut off after frame \(frame)", offset: offset)
            }
            // `head` may be stale now (a stream refills its buffer): read the type from `block`.
            let blockType = block.u32(0, bigEndian: bigEndian)
            let isPacket = blockType == 6 || blockType == 3 || blockType == 2
            if checkingTrailer || !isPacket {
                guard Int(block.u32(length - 4, bigEndian: bigEndian)) == length else {
                    throw .corrupt(reason: "block lengths at start and end differ", offset: offset)
                }
            }
            let body = block.slice(8, length - 12)
            let record: CaptureRecord
            do throws(CaptureError) {
                switch blockType {
                case Self.sectionHeaderType:
                    sectionBase = interfaces.count
                    source.consume(length)
                    continue
                case 1:
                    interfaces.append(try parseInterface(body, offset: offset))
                    source.consume(length)
                    continue
                case 6:
                    record = try enhancedPacket(body, offset: offset)
                case 3:
                    record = try simplePacket(body, offset: offset)
                case 2:
                    record = try obsoletePacket(body, offset: offset)
                default:
                    source.consume(length)
                    continue  // name resolution, statistics, secrets, custom: not packets
                }
            } catch {
                // A bad trailer is found before a bad body, as when it is checked first (and the
                // reader stays at the block); past a bad body, the reading goes on after it.
                guard Int(block.u32(length - 4, bigEndian: bigEndian)) == length else {
                    throw .corrupt(reason: "block lengths at start and end differ", offset: offset)
                }
                source.consume(length)
                throw error
            }
            source.consume(length)
            // The trailer is checked when the next block is read: its line (the packet's last, which
            // nothing else reads) is fetched meanwhile. (The wait for it was two thirds of `next`.)
            if !checkingTrailer { block.prefetch(length - 4) }
            return Held(record: record, block: block, offset: offset, interfaces: interfaces.count)
        }
    }

    private func parseInterface(_ body: ByteView, offset: Int64) throws(CaptureError) -> Interface {
        guard body.has(8) else { throw .corrupt(reason: "interface description block too short", offset: offset) }
        var interface = Interface(linkType: LinkType(UInt32(body.u16(0, bigEndian: bigEndian))),
                                  snaplen: body.u32(4, bigEndian: bigEndian))
        var options = PcapngOptions(body.dropFirst(8), bigEndian: bigEndian)
        while let (code, value) = options.next() {
            switch code {
            case 2: interface.name = String(decoding: value.toArray().prefix { $0 != 0 }, as: UTF8.self)
            case 9 where value.count >= 1: interface.timestampResolution = value.u8(0)
            case 14 where value.count >= 8: interface.timestampOffset = Int64(bitPattern: value.u64(0, bigEndian: bigEndian))
            default: break
            }
        }
        return interface
    }

    private func interface(_ id: Int, offset: Int64) throws(CaptureError) -> (Int, Interface) {
        let index = sectionBase + id
        guard id >= 0, index < interfaces.count else {
            throw .corrupt(reason: "packet names interface \(id), which the section does not describe", offset: offset)
        }
        return (index, interfaces[index])
    }

    /// (Inlined: returned through memory, the record was written field by field and read back 16
    /// bytes at a time into the held block, a store-forwarding stall every packet.)
    @inline(__always)
    private mutating func enhancedPacket(_ body: ByteView, offset: Int64) throws(CaptureError) -> CaptureRecord {
        guard body.has(20) else { throw .corrupt(reason: "enhanced packet block too short", offset: offset) }
        let (index, interface) = try interface(Int(body.u32(0, bigEndian: bigEndian)), offset: offset)
        let capturedLength = Int(body.u32(12, bigEndian: bigEndian))
        guard capturedLength <= maximumRecordLength, body.has(capturedLength, at: 20) else {
            throw .corrupt(reason: "enhanced packet block announces \(capturedLength) captured bytes that it does not hold", offset: offset)
        }
        let units = UInt64(body.u32(4, bigEndian: bigEndian)) << 32 | UInt64(body.u32(8, bigEndian: bigEndian))
        frame += 1
        return CaptureRecord(frame: frame, timestamp: Self.nanoseconds(units, interface),
                             wireLength: Int(body.u32(16, bigEndian: bigEndian)), interface: index,
                             linkType: interface.linkType, bytes: body.slice(20, capturedLength))
    }

    private mutating func simplePacket(_ body: ByteView, offset: Int64) throws(CaptureError) -> CaptureRecord {
        guard body.has(4) else { throw .corrupt(reason: "simple packet block too short", offset: offset) }
        let (index, interface) = try interface(0, offset: offset)
        let wireLength = Int(body.u32(0, bigEndian: bigEndian))
        // The captured length is implicit: the original length, cut to the snaplen and to the block.
        var capturedLength = min(wireLength, body.count - 4)
        if interface.snaplen > 0 { capturedLength = min(capturedLength, Int(interface.snaplen)) }
        frame += 1
        return CaptureRecord(frame: frame, timestamp: 0, hasTimestamp: false, wireLength: wireLength,
                             interface: index, linkType: interface.linkType, bytes: body.slice(4, capturedLength))
    }

    private mutating func obsoletePacket(_ body: ByteView, offset: Int64) throws(CaptureError) -> CaptureRecord {
        guard body.has(20) else { throw .corrupt(reason: "packet block too short", offset: offset) }
        let (index, interface) = try interface(Int(body.u16(0, bigEndian: bigEndian)), offset: offset)
        let capturedLength = Int(body.u32(12, bigEndian: bigEndian))
        guard capturedLength <= maximumRecordLength, body.has(capturedLength, at: 20) else {
            throw .corrupt(reason: "packet block announces \(capturedLength) captured bytes that it does not hold", offset: offset)
        }
        let units = UInt64(body.u32(4, bigEndian: bigEndian)) << 32 | UInt64(body.u32(8, bigEndian: bigEndian))
        frame += 1
        return CaptureRecord(frame: frame, timestamp: Self.nanoseconds(units, interface),
                             wireLength: Int(body.u32(16, bigEndian: bigEndian)), interface: index,
                             linkType: interface.linkType, bytes: body.slice(20, capturedLength))
    }

    /// Converts a timestamp in the interface's units to nanoseconds since the epoch (with the
    /// interface's offset in seconds), clamped to ±CaptureRecord.timestampLimit.
    static func nanoseconds(_ units: UInt64, _ interface: Interface) -> Int64 {
        let resolution = interface.timestampResolution
        let exponent = Int(resolution & 0x7F)
        // Whole seconds and the nanoseconds past them, so large times keep their seconds.
        var seconds: UInt64, fraction: UInt64
        // Microseconds (the default) and nanoseconds by constant divisors: a multiplication each,
        // not a division (with the powers of ten counted out, 17 ns a packet).
        if resolution == 6 {
            (seconds, fraction) = (units / 1_000_000, units % 1_000_000 * 1_000)
        } else if resolution == 9 {
            (seconds, fraction) = (units / 1_000_000_000, units % 1_000_000_000)
        } else if resolution & 0x80 == 0 {
            let perSecond = exponent < 20 ? powerOfTen(exponent) : 0
            if perSecond == 0 {
                (seconds, fraction) = (0, 0)  // finer than 10^-19 s: below a nanosecond forever
            } else {
                seconds = units / perSecond
                let remainder = units % perSecond
                fraction = exponent <= 9 ? remainder * powerOfTen(9 - exponent) : remainder / powerOfTen(exponent - 9)
            }
        } else {
            // units / 2^exponent seconds; the fraction is multiplied in 128 bits so nothing is lost.
            seconds = exponent >= 64 ? 0 : units >> exponent
            let remainder = exponent >= 64 ? units : units & ((1 << exponent) - 1)
            let (high, low) = remainder.multipliedFullWidth(by: 1_000_000_000)
            fraction = exponent >= 128 ? 0 : exponent >= 64 ? high >> (exponent - 64)
                : exponent == 0 ? low : (low >> exponent) | (high << (64 - exponent))
        }
        guard seconds <= UInt64(Int64.max) else { return CaptureRecord.timestampLimit }
        let (total, overflow) = Int64(seconds).addingReportingOverflow(interface.timestampOffset)
        if overflow { return interface.timestampOffset < 0 ? -CaptureRecord.timestampLimit : CaptureRecord.timestampLimit }
        return CaptureRecord.timestamp(seconds: total, nanoseconds: Int64(fraction))
    }

    private static func powerOfTen(_ n: Int) -> UInt64 {
        var value: UInt64 = 1
        for _ in 0..<n { value &*= 10 }
        return value
    }
}

/// Walks a pcapng options list: code, length, value padded to 32 bits; stops at opt_endofopt or at
/// the first option that does not fit.
struct PcapngOptions {
    private var rest: ByteView
    private let bigEndian: Bool

    init(_ bytes: ByteView, bigEndian: Bool) {
        self.rest = bytes
        self.bigEndian = bigEndian
    }

    mutating func next() -> (code: UInt16, value: ByteView)? {
        guard rest.has(4) else { return nil }
        let code = rest.u16(0, bigEndian: bigEndian)
        let length = Int(rest.u16(2, bigEndian: bigEndian))
        guard code != 0, rest.has(length, at: 4) else { return nil }
        let value = rest.slice(4, length)
        rest = rest.dropFirst(4 + (length + 3) & ~3)
        return (code, value)
    }
}
