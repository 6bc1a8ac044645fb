import PacketCore
import TCPAnalysis
import TestSupport
import Testing

extension DecoderTests {
    /// IP fragment reassembly as Wireshark does it by default: the datagram is decoded on the frame
    /// that completes it, overlaps keep the bytes of the lowest offset (first arrival among equals),
    /// and a first fragment that was not captured whole is decoded from what is there (IPv4).
    @Suite struct Fragments {
        /// 20 bytes of TCP header and 64 of payload (0, 1, 2, ...): 84 bytes to cut up.
        static let datagram = TCPBuilder(sequence: 0xC0FF_EE00, flags: TCPBuilder.rst | TCPBuilder.ack,
                                         payload: (0..<64).map { UInt8($0) }).bytes
        static let ipv4 = IPv4Builder(ttl: 99, identification: 0x4242)

        static func v4(_ range: Range<Int>, id: UInt16 = 0x4242) -> [UInt8] {
            var ip = ipv4
            ip.identification = id
            return LinkFraming.ethernet().frame(ip.fragment(of: datagram, range))
        }

        static func v6(_ range: Range<Int>, id: UInt32 = 0x0BAD_F00D, before: [IPv6Extension] = []) -> [UInt8] {
            LinkFraming.ethernet().frame(IPv6Builder(hopLimit: 33, extensionHeaders: before).fragment(of: datagram, range, identification: id))
        }

        /// Decodes `frames` in order with one decoder; returns the index of each frame that gave a
        /// segment, and the last segment.
        static func run(_ frames: [[UInt8]], _ decoder: inout PacketDecoder) -> (segmentsAt: [Int], last: Decoded?) {
            var at: [Int] = [], last: Decoded?
            for (i, frame) in frames.enumerated() {
                if let decoded = decoder.decode(frame, .ethernet, frame: i + 1) {
                    at.append(i)
                    last = decoded
                }
            }
            return (at, last)
        }

        static func expectWholeDatagram(_ decoded: Decoded?, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(decoded?.segment.sequence == 0xC0FF_EE00, sourceLocation: sourceLocation)
            #expect(decoded?.segment.isReset == true, sourceLocation: sourceLocation)
            #expect(decoded?.segment.payloadLength == 64, sourceLocation: sourceLocation)
            #expect(decoded?.payload == Array(datagram[20...]), sourceLocation: sourceLocation)
        }

        @Test("IPv4 fragments in order")
        func inOrder() {
            var decoder = PacketDecoder()
            let result = Self.run([Self.v4(0..<32), Self.v4(32..<64), Self.v4(64..<84)], &decoder)
            #expect(result.segmentsAt == [2])
            Self.expectWholeDatagram(result.last)
            #expect(result.last?.segment.frame == 3)
            #expect(result.last?.segment.ipID == 0x4242)
            #expect(result.last?.segment.ttl == 99)
            #expect(result.last?.segment.source.description == "192.0.2.1")
            #expect(decoder.ipFragments == 3)
            #expect(decoder.reassembler.pendingCount == 0)
            #expect(decoder.weirds.asDictionary == [:])
        }

        /// Every arrival order of three fragments: the datagram appears once, on the last to arrive.
        @Test("IPv4 fragments in any order", arguments: [[0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]])
        func anyOrder(order: [Int]) {
            let pieces = [Self.v4(0..<32), Self.v4(32..<64), Self.v4(64..<84)]
            var decoder = PacketDecoder()
            let result = Self.run(order.map { pieces[$0] }, &decoder)
            #expect(result.segmentsAt == [2])
            Self.expectWholeDatagram(result.last)
            #expect(decoder.reassembler.pendingCount == 0)
        }

        /// The first fragment holds only 8 bytes of TCP header: the frame is not TCP, the datagram is.
        @Test("a first fragment shorter than 16 bytes")
        func tinyFirstFragment() {
            var decoder = PacketDecoder()
            let result = Self.run([Self.v4(0..<8), Self.v4(8..<84)], &decoder)
            #expect(result.segmentsAt == [1])
            Self.expectWholeDatagram(result.last)
            #expect(decoder.weirds.asDictionary == [:])
        }

        /// Overlapping bytes come from the fragment with the lowest offset, whichever arrived first.
        @Test("overlapping fragments keep the lowest offset's bytes", arguments: [false, true])
        func overlap(tailFirst: Bool) {
            var head = Self.datagram, tail = Self.datagram
            for i in 20..<40 { head[i] = 0xAA }
            for i in 32..<84 { tail[i] = 0xBB }
            let first = LinkFraming.ethernet().frame(Self.ipv4.fragment(Array(head[0..<40]), offset: 0, more: true))
            let second = LinkFraming.ethernet().frame(Self.ipv4.fragment(Array(tail[32..<84]), offset: 32, more: false))
            var decoder = PacketDecoder()
            let result = Self.run(tailFirst ? [second, first] : [first, second], &decoder)
            #expect(result.segmentsAt == [1])
            #expect(result.last?.segment.payloadLength == 64)
            #expect(result.last?.payload == [UInt8](repeating: 0xAA, count: 20) + [UInt8](repeating: 0xBB, count: 44))
        }

        /// Two fragments at the same offset with different bytes: the first to arrive wins.
        @Test("among fragments at the same offset the first arrival wins")
        func sameOffset() {
            var early = Self.datagram, late = Self.datagram
            for i in 20..<40 { early[i] = 0xE1 }
            for i in 20..<40 { late[i] = 0x1A }
            let frames = [LinkFraming.ethernet().frame(Self.ipv4.fragment(Array(early[0..<40]), offset: 0, more: true)),
                          LinkFraming.ethernet().frame(Self.ipv4.fragment(Array(late[0..<40]), offset: 0, more: true)),
                          Self.v4(40..<84)]
            var decoder = PacketDecoder()
            let result = Self.run(frames, &decoder)
            #expect(result.segmentsAt == [2])
            #expect(result.last.map { Array($0.payload.prefix(20)) } == [UInt8](repeating: 0xE1, count: 20))
            #expect(result.last.map { Array($0.payload.suffix(44)) } == Array(Self.datagram.suffix(44)))
        }

        /// Duplicates before completion change nothing; a fragment arriving after its datagram was
        /// completed starts a new one (as in tshark, which then completes it a second time).
        @Test("duplicate fragments")
        func duplicates() {
            let head = Self.v4(0..<40), tail = Self.v4(40..<84)
            var decoder = PacketDecoder()
            let result = Self.run([head, head, tail, tail, head], &decoder)
            #expect(result.segmentsAt == [2, 4])
            Self.expectWholeDatagram(result.last)
            #expect(decoder.reassembler.pendingCount == 0)
            #expect(decoder.ipFragments == 5)
        }

        @Test("an incomplete datagram is never a segment", arguments: [
            [0, 2],      // the middle is missing
            [0, 1],      // the last fragment is missing: the length is unknown
            [1, 2],      // the first is missing
        ])
        func incomplete(present: [Int]) {
            let pieces = [Self.v4(0..<32), Self.v4(32..<64), Self.v4(64..<84)]
            var decoder = PacketDecoder()
            let result = Self.run(present.map { pieces[$0] }, &decoder)
            #expect(result.segmentsAt.isEmpty)
            #expect(decoder.reassembler.pendingCount == 1)
            #expect(decoder.weirds.asDictionary == [:])
            // Another datagram between the same hosts is not confused with the waiting one.
            let other = Self.run([Self.v4(0..<40, id: 7), Self.v4(40..<84, id: 7)], &decoder)
            #expect(other.segmentsAt == [1])
            #expect(decoder.reassembler.pendingCount == 1)
        }

        @Test("fragments of interleaved datagrams are kept apart")
        func interleaved() {
            var decoder = PacketDecoder()
            let frames = [Self.v4(0..<40, id: 1), Self.v4(0..<40, id: 2), Self.v4(40..<84, id: 2), Self.v4(40..<84, id: 1)]
            let result = Self.run(frames, &decoder)
            #expect(result.segmentsAt == [2, 3])
            #expect(result.last?.segment.ipID == 1)
            Self.expectWholeDatagram(result.last)
            // Same identification, other source: a different datagram.
            var elsewhere = Self.ipv4
            elsewhere.source = [192, 0, 2, 77]
            let crossed = Self.run([Self.v4(0..<40, id: 9), LinkFraming.ethernet().frame(elsewhere.fragment(of: Self.datagram, 40..<84))], &decoder)
            #expect(crossed.segmentsAt.isEmpty)
        }

        /// A first fragment cut by the snaplen cannot be reassembled; tshark dissects what it has as
        /// TCP (the payload length is the fragment's), and the later fragments are only data.
        @Test("an IPv4 first fragment not captured whole is decoded as TCP")
        func firstFragmentCut() throws {
            let head = Self.v4(0..<48)
            var decoder = PacketDecoder()
            let cut = try decoder.requireSegment(Array(head.prefix(14 + 20 + 30)), .ethernet, wireLength: head.count)
            #expect(cut.segment.sequence == 0xC0FF_EE00)
            #expect(cut.segment.payloadLength == 28)
            #expect(cut.payload == Array(Self.datagram[20..<30]))
            #expect(!cut.segment.headerTruncated)
            #expect(decoder.reassembler.pendingCount == 0)
            #expect(decoder.decode(Self.v4(48..<84), .ethernet) == nil)
            #expect(decoder.ipFragments == 2)
        }

        @Test("a later fragment not captured whole is neither TCP nor kept")
        func laterFragmentCut() {
            let tail = Self.v4(40..<84)
            var decoder = PacketDecoder()
            #expect(decoder.decode(Array(tail.prefix(50)), .ethernet, wireLength: tail.count) == nil)
            #expect(decoder.reassembler.pendingCount == 0)
            #expect(decoder.ipFragments == 1)
            #expect(decoder.weirds.asDictionary == [:])
        }

        @Test("IPv6 fragments, in and out of order, with headers before the fragment header", arguments: [
            [IPv6Extension](), [.hopByHop()], [.hopByHop(), .routing()], [.destinationOptions(), .authentication()],
        ], [false, true])
        func ipv6(before: [IPv6Extension], reversed: Bool) {
            let pieces = [Self.v6(0..<40, before: before), Self.v6(40..<72, before: before), Self.v6(72..<84, before: before)]
            var decoder = PacketDecoder()
            let result = Self.run(reversed ? pieces.reversed() : pieces, &decoder)
            #expect(result.segmentsAt == [2])
            Self.expectWholeDatagram(result.last)
            #expect(result.last?.segment.isIPv6 == true)
            #expect(result.last?.segment.ttl == 33)
            #expect(result.last?.segment.ipID == 0)
            #expect(decoder.ipFragments == 3)
            #expect(decoder.reassembler.pendingCount == 0)
        }

        @Test("IPv6 incomplete, duplicate and interleaved fragments")
        func ipv6Bookkeeping() {
            var decoder = PacketDecoder()
            let incomplete = Self.run([Self.v6(0..<40, id: 1), Self.v6(72..<84, id: 1)], &decoder)
            #expect(incomplete.segmentsAt.isEmpty)
            let frames = [Self.v6(0..<40, id: 2), Self.v6(0..<40, id: 3), Self.v6(0..<40, id: 2), Self.v6(40..<84, id: 3), Self.v6(40..<84, id: 2)]
            let result = Self.run(frames, &decoder)
            #expect(result.segmentsAt == [3, 4])
            Self.expectWholeDatagram(result.last)
            #expect(decoder.reassembler.pendingCount == 1)
        }

        /// IPv4 and IPv6 datagrams never share a reassembly, even with matching identification.
        @Test("IPv4 and IPv6 fragments are separate")
        func versionsApart() {
            var decoder = PacketDecoder()
            let result = Self.run([Self.v4(0..<40, id: 5), Self.v6(40..<84, id: 5)], &decoder)
            #expect(result.segmentsAt.isEmpty)
            #expect(decoder.reassembler.pendingCount == 2)
        }
    }
}
