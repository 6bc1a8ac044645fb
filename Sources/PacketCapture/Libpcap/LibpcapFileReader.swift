import CPcap
import PacketCore

/// Reads a capture file through libpcap (`pcap_open_offline`, `pcap_next_ex`): the `--reader libpcap`
/// cross-check of our own reader. libpcap copies each record into one reused buffer; the view a
/// record carries is valid until the next call.
public struct LibpcapFileReader: PacketReader {
    private let handle: PcapHandle
    private let linkType: LinkType
    private var frame = 0

    public init(path: String) throws(CaptureError) {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let pointer = cpcap_open_offline(path, &errorBuffer) else {
            let message = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if message.contains("No such file") { throw .fileNotFound(path: path) }
            if message.contains("Permission denied") { throw .cannotRead(path: path, reason: "permission denied") }
            throw .notACaptureFile(path: path, reason: "libpcap: \(message)")
        }
        handle = PcapHandle(pointer)
        linkType = handle.linkType
    }

    public var formatName: String { "libpcap" }

    public var interfaceDescriptions: [InterfaceDescription] {
        [InterfaceDescription(linkType: linkType, snaplen: UInt32(clamping: cpcap_snapshot(handle.pointer)), timestampResolution: 9)]
    }

    public mutating func next() throws(CaptureError) -> CaptureRecord? {
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        switch cpcap_next_ex(handle.pointer, &header, &data) {
        case 1:
            guard let header else { throw .libpcap(reason: "pcap_next_ex returned no header") }
            frame += 1
            let h = header.pointee
            // The handle was opened with nanosecond precision: tv_usec holds nanoseconds.
            return CaptureRecord(frame: frame, timestamp: CaptureRecord.timestamp(seconds: Int64(h.ts.tv_sec), nanoseconds: Int64(h.ts.tv_usec)),
                                 wireLength: Int(h.len), linkType: linkType,
                                 bytes: ByteView(unsafeStart: data, count: Int(h.caplen)))
        case PCAP_ERROR_BREAK:  // -2: end of file
            return nil
        default:
            let message = handle.lastError
            if message.contains("truncated") {
                throw .truncated(reason: "libpcap: \(message)", offset: -1)
            }
            throw .corrupt(reason: "libpcap: \(message)", offset: -1)
        }
    }
}
