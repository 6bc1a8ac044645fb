import CPcap
import PacketCore
import Synchronization

/// pcap_compile's parser kept global state before libpcap 1.8: filters are compiled one at a time,
/// whichever thread asks.
private let compileLock = Mutex(())

/// A compiled BPF program (tcpdump's filter language) for one link type.
public final class BPFProgram {
    private var program = bpf_program()

    /// Compiles `expression` for packets of `linkType`; throws `.badFilter` with libpcap's message.
    public init(expression: String, linkType: LinkType, snaplen: Int32 = 262_144) throws(CaptureError) {
        guard let dead = cpcap_open_dead(linkType.dlt, snaplen) else {
            throw .libpcap(reason: cpcap_load_error().map { String(cString: $0) } ?? "pcap_open_dead failed for link type \(linkType.rawValue)")
        }
        let handle = PcapHandle(dead)
        let compiled = compileLock.withLock { _ in cpcap_compile(handle.pointer, &program, expression, 1, PCAP_NETMASK_UNKNOWN) }
        guard compiled == 0 else {
            throw .badFilter(expression: expression, reason: handle.lastError)
        }
    }

    /// Compiles for a live handle and installs the program in the kernel (or libpcap).
    init(expression: String, installingOn handle: PcapHandle) throws(CaptureError) {
        guard cpcap_compile(handle.pointer, &program, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw .badFilter(expression: expression, reason: handle.lastError)
        }
        guard cpcap_setfilter(handle.pointer, &program) == 0 else {
            throw .libpcap(reason: "pcap_setfilter: \(handle.lastError)")
        }
    }

    deinit { cpcap_freecode(&program) }

    /// Runs the program over a record's captured bytes, as libpcap would for a live packet.
    public func matches(_ record: CaptureRecord) -> Bool {
        var header = pcap_pkthdr()
        header.caplen = UInt32(record.bytes.count)
        header.len = UInt32(clamping: record.wireLength)
        return record.bytes.withUnsafeBytes { bytes in
            cpcap_offline_filter(&program, &header, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)) != 0
        }
    }
}

/// A user-space BPF filter over a file whose records may have several link types (pcapng): one
/// program per link type, compiled the first time the link type is seen.
public struct FileFilter {
    public let expression: String
    private var programs: [LinkType: BPFProgram] = [:]
    private var lastLinkType: LinkType?
    private var lastProgram: BPFProgram?

    public init(expression: String) { self.expression = expression }

    /// Compiles now for a link type known in advance, so a bad expression fails before any output.
    public mutating func prepare(for linkType: LinkType) throws(CaptureError) {
        _ = try program(for: linkType)
    }

    public mutating func matches(_ record: CaptureRecord) throws(CaptureError) -> Bool {
        try program(for: record.linkType).matches(record)
    }

    private mutating func program(for linkType: LinkType) throws(CaptureError) -> BPFProgram {
        if linkType == lastLinkType, let lastProgram { return lastProgram }
        let program: BPFProgram
        if let known = programs[linkType] {
            program = known
        } else {
            program = try BPFProgram(expression: expression, linkType: linkType)
            programs[linkType] = program
        }
        lastLinkType = linkType
        lastProgram = program
        return program
    }
}
