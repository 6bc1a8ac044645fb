import PacketCore
import TCPAnalysis
import TestSupport
import Testing

extension DecoderTests {
    /// Snaplen truncation at every byte: a frame captured to each length 0...n of a full packet (the
    /// wire length staying n) must decode without trapping, count as TCP exactly when 16 TCP bytes
    /// were captured, say the header was truncated exactly when the cut is inside it, and otherwise
    /// name where the frame stopped with exactly one weird.
    @Suite struct Truncation {
        /// 44 bytes of header: MSS [20, 24), NOP, window scale [25, 28), SACK permitted [28, 30),
        /// timestamps [30, 40), two NOPs, EOL padding; then 32 bytes of payload.
        static let tcp = TCPBuilder(sourcePort: 40001, destinationPort: 25, sequence: 0x0BAD_CAFE, acknowledgment: 0x1234_5678,
                                    flags: TCPBuilder.psh | TCPBuilder.ack, window: 1024,
                                    options: TCPOption.mss(1460) + TCPOption.nop + TCPOption.windowScale(6) + TCPOption.sackPermitted
                                        + TCPOption.timestamps(100, echo: 200) + TCPOption.nop + TCPOption.nop,
                                    payload: (0..<32).map { UInt8(0xC0 + $0) })
        /// Where each multi-byte option ends (from the TCP header's start); cut before, it is not read.
        static let mssEnd = 24, windowScaleEnd = 28, sackPermittedEnd = 30, timestampsEnd = 40
        /// Options as (start, end): a cut strictly inside one splits it.
        static let optionSpans = [(20, 24), (25, 28), (28, 30), (30, 40)]

        /// IPv4 with a router alert option (24-byte header); IPv6 with hop-by-hop and destination
        /// options (40 + 8 + 16 bytes).
        static func packet(ipVersion: Int) -> (bytes: [UInt8], ipHeader: Int) {
            if ipVersion == 4 {
                return (IPv4Builder(ttl: 3, options: IPv4Option.routerAlert).packet(tcp.bytes), 24)
            }
            let extensions: [IPv6Extension] = [.hopByHop(), .destinationOptions(options: [0x1E, 10] + [UInt8](repeating: 0, count: 10))]
            return (IPv6Builder(hopLimit: 3, extensionHeaders: extensions).packet(tcp.bytes), 64)
        }

        @Test("every cut of every link type", arguments: LinkFraming.all, [4, 6])
        func everyCut(framing: LinkFraming, ipVersion: Int) {
            let (ip, ipHeader) = Self.packet(ipVersion: ipVersion)
            let frame = framing.frame(ip)
            let linkType = framing.linkType(ipVersion: ipVersion)
            let link = framing.headerLength
            let tcpStart = link + ipHeader
            #expect(frame.count == tcpStart + 44 + 32)

            for cut in 0...frame.count {
                var decoder = PacketDecoder()
                let decoded = decoder.decode(Array(frame.prefix(cut)), linkType, wireLength: frame.count)
                let tcpBytes = cut - tcpStart
                #expect((decoded != nil) == (tcpBytes >= 16), "cut \(cut)")
                let weirds = decoder.weirds.asDictionary
                guard let decoded else {
                    let expected = Self.weird(cut: cut, link: link, ipVersion: ipVersion, framing: framing)
                    #expect(weirds == [expected: 1], "cut \(cut)")
                    continue
                }
                Self.expectSegment(decoded, tcpBytes: tcpBytes, ipVersion: ipVersion, cut: cut)
                // Even a cut inside an option: the options captured are well formed, and tshark 4.0.17
                // reads them and reports no bad option length.
                #expect(weirds == [:], "cut \(cut)")
                #expect(!decoded.segment.options.malformed, "cut \(cut)")
            }
        }

        /// The one weird a frame cut at `cut` (before 16 TCP bytes) is counted as.
        static func weird(cut: Int, link: Int, ipVersion: Int, framing: LinkFraming) -> DecodeWeird {
            if cut < link { return .truncatedLinkHeader }
            // MPLS tells the payload by its first nibble: with no byte of it, the MPLS layer is cut.
            if cut == link, case .mpls = framing { return .truncatedLinkHeader }
            if ipVersion == 4 {
                return cut < link + 24 ? .truncatedIPv4Header : .tcpTooShort
            }
            // Raw IP tells the version from the first byte; with none, it cannot know it is IPv6.
            if cut == 0, case .raw = framing { return .truncatedIPv4Header }
            if cut < link + 40 { return .truncatedIPv6Header }
            return cut < link + 64 ? .truncatedIPv6ExtensionHeader : .tcpTooShort
        }

        static func expectSegment(_ decoded: Decoded, tcpBytes: Int, ipVersion: Int, cut: Int,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
            let segment = decoded.segment
            let comment: Comment = "cut \(cut)"
            #expect(segment.sourcePort == 40001 && segment.destinationPort == 25, comment, sourceLocation: sourceLocation)
            #expect(segment.sequence == 0x0BAD_CAFE && segment.acknowledgment == 0x1234_5678, comment, sourceLocation: sourceLocation)
            #expect(segment.flags == [.psh, .ack] && segment.window == 1024, comment, sourceLocation: sourceLocation)
            #expect(segment.ttl == 3 && segment.isIPv6 == (ipVersion == 6), comment, sourceLocation: sourceLocation)
            #expect(segment.headerLength == 44, comment, sourceLocation: sourceLocation)
            // The payload length comes from the IP length, whatever was captured.
            #expect(segment.payloadLength == 32, comment, sourceLocation: sourceLocation)
            #expect(segment.headerTruncated == (tcpBytes < 44), comment, sourceLocation: sourceLocation)
            #expect(!segment.headerBogus, comment, sourceLocation: sourceLocation)
            #expect(decoded.payload == Array(tcp.payload.prefix(max(0, tcpBytes - 44))), comment, sourceLocation: sourceLocation)
            // Options read as far as they were captured whole.
            let options = segment.options
            #expect(options.mss == (tcpBytes >= mssEnd ? 1460 : nil), comment, sourceLocation: sourceLocation)
            #expect(options.windowScale == (tcpBytes >= windowScaleEnd ? 6 : nil), comment, sourceLocation: sourceLocation)
            #expect(options.sackPermitted == (tcpBytes >= sackPermittedEnd), comment, sourceLocation: sourceLocation)
            #expect(options.timestampValue == (tcpBytes >= timestampsEnd ? 100 : nil), comment, sourceLocation: sourceLocation)
            #expect(options.timestampEcho == (tcpBytes >= timestampsEnd ? 200 : 0), comment, sourceLocation: sourceLocation)
        }
    }
}
