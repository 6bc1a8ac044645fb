import CPcap
#if canImport(Glibc)
import Glibc
#endif
import PacketCore

/// How to open an interface for live capture (tcpdump's defaults).
public struct LiveCaptureOptions: Sendable {
    public var interface: String
    public var snaplen: Int32 = 262_144
    public var promiscuous = true
    public var bufferSize: Int32 = 2 << 20
    /// Deliver packets as they arrive rather than when the kernel buffer fills.
    public var immediate = true
    /// The longest the capture thread waits for packets before it checks for work of its own (stop
    /// requests, deadlines, metrics). libpcap's own timeout does not expire while no packet comes
    /// (TPACKET_V3), so the handle is non-blocking and the thread polls its descriptor.
    public var timeoutMilliseconds: Int32 = 100
    public var filter: String?

    public init(interface: String) { self.interface = interface }
}

/// Kernel statistics for a live handle (`pcap_stats`).
public struct CaptureStatistics: Sendable, Equatable {
    public var received: UInt32
    public var droppedByKernel: UInt32
    public var droppedByInterface: UInt32
}

/// A live capture handle, activated through libpcap's create/activate API with the filter installed.
/// `run` blocks the calling thread: call it from a dedicated thread, never from Swift concurrency's
/// cooperative pool. Each packet is handed to the body inside libpcap's callback, while its bytes
/// are valid; the body must not keep the record.
public final class LiveCapture: @unchecked Sendable {
    public let options: LiveCaptureOptions
    public let linkType: LinkType
    public let snaplen: Int32
    private let handle: PcapHandle
    private let nanosecondTimestamps: Bool
    private var program: BPFProgram?

    public init(_ options: LiveCaptureOptions) throws(CaptureError) {
        self.options = options
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let pointer = cpcap_create(options.interface, &errorBuffer) else {
            throw .libpcap(reason: String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        let handle = PcapHandle(pointer)
        _ = cpcap_set_snaplen(pointer, options.snaplen)
        _ = cpcap_set_promisc(pointer, options.promiscuous ? 1 : 0)
        _ = cpcap_set_buffer_size(pointer, options.bufferSize)
        _ = cpcap_set_immediate_mode(pointer, options.immediate ? 1 : 0)
        _ = cpcap_set_timeout(pointer, options.timeoutMilliseconds)
        _ = cpcap_set_tstamp_precision(pointer, Int32(PCAP_TSTAMP_PRECISION_NANO))
        let status = cpcap_activate(pointer)
        if status < 0 {
            let detail = handle.lastError
            let reason = detail.isEmpty ? String(cString: cpcap_statustostr(status)) : detail
            switch status {
            case PCAP_ERROR_NO_SUCH_DEVICE: throw .unknownInterface(name: options.interface, reason: reason)
            case PCAP_ERROR_PERM_DENIED, PCAP_ERROR_PROMISC_PERM_DENIED: throw .permissionDenied(reason: reason)
            default: throw .libpcap(reason: reason)
            }
        }
        self.handle = handle
        self.linkType = handle.linkType
        self.snaplen = cpcap_snapshot(pointer)
        self.nanosecondTimestamps = cpcap_get_tstamp_precision(pointer) == PCAP_TSTAMP_PRECISION_NANO
        if let filter = options.filter, !filter.isEmpty {
            program = try BPFProgram(expression: filter, installingOn: handle)
        }
    }

    /// Asks a running `run` to return; safe from another thread and from a signal handler's context
    /// (it only sets a flag and wakes the poll).
    public func stop() { handle.breakLoop() }

    /// The raw `pcap_t`, for a signal handler that must call `pcap_breakloop` itself.
    public var unsafeHandle: OpaquePointer { handle.pointer }

    public func statistics() -> CaptureStatistics? {
        var stats = pcap_stat()
        guard cpcap_stats(handle.pointer, &stats) == 0 else { return nil }
        return CaptureStatistics(received: stats.ps_recv, droppedByKernel: stats.ps_drop, droppedByInterface: stats.ps_ifdrop)
    }

    /// Delivers packets to `body` until it returns false, `stop()` is called, or `shouldStop` says so
    /// (checked after every read, at least every `timeoutMilliseconds`). Frame numbers start at 1.
    public func run(shouldStop: () -> Bool, _ body: (CaptureRecord) -> Bool) throws(CaptureError) {
        try withoutActuallyEscaping(body) { (escapable) throws(CaptureError) in
            let context = DispatchContext(body: escapable, linkType: linkType, nanoseconds: nanosecondTimestamps)
            let unmanaged = Unmanaged.passRetained(context)
            defer { unmanaged.release() }
            let fd = cpcap_get_selectable_fd(handle.pointer)
            if fd >= 0 {
                var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
                _ = cpcap_setnonblock(handle.pointer, 1, &errorBuffer)
            }
            while !context.finished && !shouldStop() {
                if fd >= 0 {
                    var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    let ready = poll(&entry, 1, options.timeoutMilliseconds)
                    if ready == 0 { continue }
                }
                let status = cpcap_dispatch(handle.pointer, -1, { user, header, data in
                    let context = Unmanaged<DispatchContext>.fromOpaque(UnsafeRawPointer(user!)).takeUnretainedValue()
                    context.deliver(header!.pointee, data)
                }, unmanaged.toOpaque().assumingMemoryBound(to: UInt8.self))
                if status == PCAP_ERROR_BREAK { return }
                if status < 0 { throw .libpcap(reason: handle.lastError) }
                if context.finished { handle.breakLoop() }
            }
        }
    }
}

/// What the C callback needs: the body to call and how to turn libpcap's header into a record.
private final class DispatchContext {
    let body: (CaptureRecord) -> Bool
    let linkType: LinkType
    let fractionToNanoseconds: Int64
    var frame = 0
    var finished = false

    init(body: @escaping (CaptureRecord) -> Bool, linkType: LinkType, nanoseconds: Bool) {
        self.body = body
        self.linkType = linkType
        self.fractionToNanoseconds = nanoseconds ? 1 : 1000
    }

    func deliver(_ header: pcap_pkthdr, _ data: UnsafePointer<UInt8>?) {
        guard !finished else { return }
        frame += 1
        let record = CaptureRecord(
            frame: frame,
            timestamp: CaptureRecord.timestamp(seconds: Int64(header.ts.tv_sec), nanoseconds: Int64(header.ts.tv_usec) &* fractionToNanoseconds),
            wireLength: Int(header.len), linkType: linkType,
            bytes: ByteView(unsafeStart: data, count: Int(header.caplen)))
        if !body(record) { finished = true }
    }
}

/// A capture interface as `pcap_findalldevs` lists it.
public struct CaptureInterface: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var isUp: Bool
    public var isRunning: Bool
    public var isLoopback: Bool
}

/// Lists the interfaces libpcap can capture on (tcpdump -D).
public func listCaptureInterfaces() throws(CaptureError) -> [CaptureInterface] {
    var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
    var list: UnsafeMutablePointer<pcap_if_t>?
    guard cpcap_findalldevs(&list, &errorBuffer) == 0 else {
        throw .libpcap(reason: String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    defer { if let list { cpcap_freealldevs(list) } }
    var interfaces: [CaptureInterface] = []
    var cursor = list
    while let entry = cursor {
        let flags = entry.pointee.flags
        interfaces.append(CaptureInterface(
            name: String(cString: entry.pointee.name),
            description: entry.pointee.description.map { String(cString: $0) },
            isUp: flags & UInt32(PCAP_IF_UP) != 0,
            isRunning: flags & UInt32(PCAP_IF_RUNNING) != 0,
            isLoopback: flags & UInt32(PCAP_IF_LOOPBACK) != 0))
        cursor = entry.pointee.next
    }
    return interfaces
}
