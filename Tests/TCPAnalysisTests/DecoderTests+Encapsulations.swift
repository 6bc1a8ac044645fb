import PacketCore
import TCPAnalysis
import TestSupport
import Testing

extension DecoderTests {
    /// Link types, tunnels and encapsulations on hand-built frames (DecoderCases), each expectation
    /// being what tshark 4.0.17 does with the same bytes (OracleDecoderTests checks that).
    @Suite struct Encapsulations {
        @Test("link types and link-level encapsulations", arguments: DecoderCases.framings + DecoderCases.linkRules + DecoderCases.moreLinkTypes)
        func linkCase(item: DecoderCase) {
            var decoder = PacketDecoder()
            #expect(item.decode(&decoder) == item.expected)
            #expect(decoder.unsupportedLinkType == 0)
        }

        @Test("IP options, extension headers and fragments", arguments: DecoderCases.ipRules)
        func ipCase(item: DecoderCase) {
            var decoder = PacketDecoder()
            #expect(item.decode(&decoder) == item.expected)
        }

        @Test("tunnels", arguments: DecoderCases.tunnels + DecoderCases.tunnelRules)
        func tunnelCase(item: DecoderCase) {
            var decoder = PacketDecoder()
            #expect(item.decode(&decoder) == item.expected)
        }

        /// Every field of the inner packet, whatever the tunnel: addresses, TTL and ports come from the
        /// innermost IP header (the outer one has TTL 200 and other addresses).
        @Test("every tunnel carries IPv4 and IPv6 over IPv4 and IPv6", arguments: TunnelFraming.all, [4, 6])
        func tunnelFields(tunnel: TunnelFraming, outerVersion: Int) {
            for innerVersion in tunnel.carriesIPv4 ? [4, 6] : [6] {
                var decoder = PacketDecoder()
                let frame = LinkFraming.ethernet().frame(tunnel.packet(Sample.packet(ipVersion: innerVersion), outerVersion: outerVersion))
                let decoded = decoder.decode(frame, .ethernet)
                if case .sflow = tunnel {
                    // Sampled: a TCP frame, but a copy (no tcp.len for tshark, no analysis).
                    #expect(decoded?.segment.context == .sampledBySFlow)
                    #expect(decoded?.segment.isTCPFrame == true)
                    #expect(decoded?.segment.sourcePort == Sample.tcp.sourcePort)
                } else {
                    Sample.expectFields(decoded, ipVersion: innerVersion)
                    #expect(decoded?.segment.context == .normal)
                }
                #expect(decoder.weirds.asDictionary == [:])
            }
        }

        /// Malformed tunnel headers are counted weirds, never traps.
        @Test("tunnel headers cut short are counted", arguments: TunnelFraming.all)
        func truncatedTunnels(tunnel: TunnelFraming) {
            let outer = tunnel.packet(Sample.packet(ipVersion: 6), outerVersion: 4)
            let frame = LinkFraming.ethernet().frame(outer)
            var decoder = PacketDecoder()
            var segments = 0
            for cut in 14 + 20 ..< frame.count {
                if decoder.decode(Array(frame.prefix(cut)), .ethernet, wireLength: frame.count) != nil { segments += 1 }
            }
            if case .sflow = tunnel {
                // A sampled header is shown as bytes before it is dissected: cut, it ends the datagram.
                #expect(segments == 0)
                return
            }
            // Only cuts after 16 inner TCP bytes decode.
            #expect(segments == Sample.tcp.bytes.count - 16)
            if case .ipInIP = tunnel { return }
            #expect(decoder.weirds[.truncatedTunnelHeader] > 0)
        }

        @Test("UDP with a length below 8 is counted")
        func badUDPLength() {
            var decoder = PacketDecoder()
            let frame = DecoderCases.udp(TunnelHeader.vxlan(LinkFraming.ethernet().frame(Sample.packet(ipVersion: 4))), destination: 4789, length: 7)
            #expect(decoder.decode(frame, .ethernet) == nil)
            #expect(decoder.weirds.asDictionary == [.badUDPLength: 1])
        }

        @Test("a tunnel stack deeper than the decoder follows is counted")
        func tooDeep() {
            var packet = Sample.packet(ipVersion: 4)
            for _ in 0..<20 { packet = TunnelFraming.gre().packet(packet, outerVersion: 4) }
            var decoder = PacketDecoder()
            #expect(decoder.decode(LinkFraming.ethernet().frame(packet), .ethernet) == nil)
            #expect(decoder.weirds.asDictionary == [.tunnelTooDeep: 1])
        }

        /// A sampled header takes a stream but is not analysed, like a quoted one; unlike a quoted
        /// one its frame is a TCP frame.
        @Test("sFlow samples are tracked as copies")
        func sflowTracking() throws {
            var decoder = PacketDecoder()
            var tracker = TCPTracker()
            let frame = LinkFraming.ethernet().frame(TunnelFraming.sflow.packet(Sample.packet(ipVersion: 4), outerVersion: 4))
            let segment = try #require(frame.withRecord(.ethernet) { decoder.decode($0) })
            let analysis = tracker.process(segment)
            #expect(analysis.stream == 0)
            #expect(!analysis.printable)
            #expect(analysis.flags.isEmpty)
        }
    }
}
