/// Turns TCP segments described in code into an Ethernet/IPv4 classic pcap, so a scenario can be
/// analyzed by rstscope and by tshark (the oracle) from the same bytes.
public enum ScenarioCapture {
    /// One segment: endpoints, header fields, an optional window-scale option, payload length.
    public struct Segment {
        public var time: Int64
        public var source: UInt32, destination: UInt32
        public var sourcePort: UInt16, destinationPort: UInt16
        public var sequence: UInt32, acknowledgment: UInt32
        public var flags: UInt16
        public var window: UInt16
        public var windowScale: UInt8?
        public var payloadLength: Int
        public var ipID: UInt16
        public var ttl: UInt8

        public init(time: Int64, source: UInt32, destination: UInt32, sourcePort: UInt16, destinationPort: UInt16,
                    sequence: UInt32, acknowledgment: UInt32, flags: UInt16, window: UInt16, windowScale: UInt8?,
                    payloadLength: Int, ipID: UInt16, ttl: UInt8 = 64) {
            self.ttl = ttl
            self.time = time; self.source = source; self.destination = destination
            self.sourcePort = sourcePort; self.destinationPort = destinationPort
            self.sequence = sequence; self.acknowledgment = acknowledgment; self.flags = flags
            self.window = window; self.windowScale = windowScale; self.payloadLength = payloadLength; self.ipID = ipID
        }
    }

    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    public static func frame(_ s: Segment) -> [UInt8] {
        let options: [UInt8] = s.windowScale.map { [1, 3, 3, $0] } ?? []
        var tcp = be16(s.sourcePort) + be16(s.destinationPort) + be32(s.sequence) + be32(s.acknowledgment)
        tcp += be16(UInt16((20 + options.count) / 4) << 12 | s.flags) + be16(s.window) + [0, 0, 0, 0] + options
        tcp += [UInt8](repeating: 0x61, count: s.payloadLength)
        var ip: [UInt8] = [0x45, 0] + be16(UInt16(20 + tcp.count)) + be16(s.ipID) + [0x40, 0, s.ttl, 6, 0, 0]
        ip += be32(s.source) + be32(s.destination)
        let ethernet: [UInt8] = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]
        return ethernet + ip + tcp
    }

    public static func pcap(_ segments: [Segment]) -> [UInt8] {
        CaptureFileBuilder.pcap(snaplen: 262_144, linkType: 1, records: segments.map { s in
            (UInt32(s.time / 1_000_000_000), UInt32(s.time % 1_000_000_000 / 1000), nil, frame(s))
        })
    }
}
