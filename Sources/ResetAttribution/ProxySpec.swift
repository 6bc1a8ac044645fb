import TCPAnalysis

/// One proxy named on the command line: `FRONT_ADDR[:PORT][,BACK_SRC_ADDR...]`. A proxy usually
/// listens on one address and connects out from another.
public struct ProxySpec: Sendable, Equatable {
    public var front: IPAddress
    public var frontPort: UInt16?
    public var backSources: [IPAddress]

    public init(front: IPAddress, frontPort: UInt16? = nil, backSources: [IPAddress] = []) {
        self.front = front
        self.frontPort = frontPort
        self.backSources = backSources
    }

    /// Parses the flag's value; nil when it is not of that form.
    public init?(parsing text: String) {
        let parts = text.split(separator: ",").map(String.init)
        guard let first = parts.first, let (address, port) = ProxySpec.endpoint(first) else { return nil }
        var sources: [IPAddress] = []
        for part in parts.dropFirst() {
            guard let source = IPAddress(parsing: part) else { return nil }
            sources.append(source)
        }
        self.init(front: address, frontPort: port, backSources: sources)
    }

    /// "10.0.0.1", "10.0.0.1:8080", "[2001:db8::1]:443" or "2001:db8::1".
    static func endpoint(_ text: String) -> (IPAddress, UInt16?)? {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            guard let address = IPAddress(parsing: String(text[text.index(after: text.startIndex)..<close])) else { return nil }
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { return (address, nil) }
            guard rest.hasPrefix(":"), let port = UInt16(rest.dropFirst()) else { return nil }
            return (address, port)
        }
        if let address = IPAddress(parsing: text) { return (address, nil) }  // IPv4 or bare IPv6
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]),
              let address = IPAddress(parsing: String(text[..<colon])), !address.isIPv6 else { return nil }
        return (address, port)
    }

    /// Whether the proxy connects out from `address` (from its front address when none was named).
    /// (Asked of every connection: it builds no array.)
    public func connectsOut(from address: IPAddress) -> Bool {
        backSources.isEmpty ? address == front : backSources.contains(address)
    }
}
