import PacketCore
import TCPAnalysis

/// An address's text, made once and kept inline (at most 39 bytes, an IPv6 address in full) for a
/// line that writes it twice: an endpoint field and the Wireshark filter. Formatting an address
/// cost about 200 instructions; a copy of its text, a few.
public struct AddressText: ByteSink {
    private var text: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
    private var length = 0
    public let isIPv6: Bool

    public init(_ address: IPAddress) {
        isIPv6 = address.isIPv6
        address.appendText(to: &self)
    }

    public mutating func append(_ byte: UInt8) {
        withUnsafeBytes(of: byte) { append($0) }
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        precondition(length + bytes.count <= MemoryLayout.size(ofValue: text), "AddressText: longer than an address")
        guard let source = bytes.baseAddress else { return }
        let at = length
        withUnsafeMutableBytes(of: &text) { $0.baseAddress!.advanced(by: at).copyMemory(from: source, byteCount: bytes.count) }
        length += bytes.count
    }

    /// Appends the text to `sink`.
    public func write<Sink: ByteSink & ~Copyable>(to sink: inout Sink) {
        withUnsafeBytes(of: text) { sink.append(UnsafeRawBufferPointer(rebasing: $0[0..<length])) }
    }
}

/// A connection's two addresses as text, and its ports, by side of its key.
public struct EndpointTexts {
    public let side0: AddressText
    public let side1: AddressText
    public let ports: (UInt16, UInt16)

    public init(_ key: FlowKey) {
        side0 = AddressText(key.side0)
        side1 = AddressText(key.side1)
        ports = (key.port0, key.port1)
    }

    public subscript(side: Int) -> AddressText { side == 0 ? side0 : side1 }
    public func port(_ side: Int) -> UInt16 { side == 0 ? ports.0 : ports.1 }
}
