import CPcap
import PacketCore

/// Owns one `pcap_t` and closes it when the last reference goes. The handle's packet buffer is
/// reused by libpcap for every packet: bytes it hands out are valid only until the next read.
public final class PcapHandle: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { cpcap_close(pointer) }

    /// libpcap's own text for the last error on this handle.
    var lastError: String { String(cString: cpcap_geterr(pointer)) }

    /// The handle's link type as a file LINKTYPE_ value (what the decoder understands).
    var linkType: LinkType { LinkType(fromDLT: cpcap_datalink(pointer)) }

    /// Interrupts a running `dispatch` from another thread or a signal handler.
    public func breakLoop() { cpcap_breakloop(pointer) }
}

extension LinkType {
    /// The file LINKTYPE_ for a libpcap DLT_ value.
    public init(fromDLT dlt: Int32) {
        switch dlt {
        case 11: self = LinkType(100)
        case 12, 14: self = .raw
        default: self = LinkType(UInt32(bitPattern: dlt))
        }
    }

    /// libpcap's name (`pcap_datalink_val_to_name`), e.g. "EN10MB", "LINUX_SLL2", "RAW".
    public var libpcapName: String {
        let name = LinkTypeNames.lookup(dlt)?.name ?? Self.askLibpcap(dlt).name ?? ""
        return name.isEmpty ? "LINKTYPE_\(rawValue)" : name
    }

    /// libpcap's description, e.g. "Ethernet".
    public var libpcapDescription: String {
        let text = LinkTypeNames.lookup(dlt)?.description ?? Self.askLibpcap(dlt).description ?? ""
        return text.isEmpty ? libpcapName : text
    }

    /// libpcap's own answers (loads it): for the link types `LinkTypeNames` does not list.
    static func askLibpcap(_ dlt: Int32) -> (name: String?, description: String?) {
        (cpcap_datalink_val_to_name(dlt).map { String(cString: $0) },
         cpcap_datalink_val_to_description(dlt).map { String(cString: $0) })
    }
}

/// The version string of libpcap (loads it).
public var libpcapVersion: String { String(cString: cpcap_lib_version()) }
