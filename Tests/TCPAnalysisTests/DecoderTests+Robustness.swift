import PacketCore
import TCPAnalysis
import TestSupport
import Testing

extension DecoderTests {
    /// Random and mutated input: the decoder must never trap (a trap ends the whole test run), and
    /// what it returns must be self-consistent whatever the bytes. Seeds are fixed, so a failure
    /// reproduces; the failing input is printed in hex.
    @Suite struct Robustness {
        /// Every link type the decoder reads (the fuzz driver's list), and one it does not.
        static let linkTypes: [LinkType] = FuzzDriver.linkTypes + [.rawDLT14]

        @Test("random bytes on every link type", arguments: linkTypes)
        func randomBytes(linkType: LinkType) {
            var rng = SplitMix64(seed: 0x5EED_0000 + UInt64(linkType.rawValue))
            var decoder = PacketDecoder()
            var checker = InvariantChecker()
            for _ in 0..<4000 {
                // Mostly short strings, where the length checks are; sometimes a wire length past them.
                let count = Int.random(in: 0...(Bool.random(using: &rng) ? 24 : 128), using: &rng)
                let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
                let wire = Bool.random(using: &rng) ? count : count + Int.random(in: 0...2000, using: &rng)
                checker.decode(bytes, linkType, wireLength: wire, with: &decoder)
            }
            checker.expectNoViolations()
        }

        /// Random bytes behind a valid link header and IP version nibble (and, half the time, a
        /// plausible IPv4/IPv6 header naming TCP), so the random part reaches IP and TCP parsing.
        @Test("random IP and TCP headers behind every link layer", arguments: LinkFraming.all)
        func randomBehindLinkHeader(framing: LinkFraming) {
            var rng = SplitMix64(seed: 0xB0D1 ^ Self.seed(framing.description))
            var decoder = PacketDecoder()
            var checker = InvariantChecker()
            for i in 0..<3000 {
                let version = i % 2 == 0 ? 4 : 6
                var ip = (0..<Int.random(in: 0...100, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                if !ip.isEmpty { ip[0] = UInt8(version << 4) | ip[0] & 0x0F }
                if Bool.random(using: &rng) {
                    // A plausible header: IHL 5 to 7, protocol TCP, lengths that fit or nearly fit.
                    if version == 4, ip.count >= 20 {
                        ip[0] = 0x45 + UInt8.random(in: 0...2, using: &rng)
                        ip[2] = 0
                        ip[3] = UInt8(clamping: ip.count + Int.random(in: -4...4, using: &rng))
                        ip[6] &= 0x40  // mostly unfragmented
                        ip[9] = 6
                    } else if version == 6, ip.count >= 40 {
                        ip[4] = 0
                        ip[5] = UInt8(clamping: ip.count - 40 + Int.random(in: -4...4, using: &rng))
                        ip[6] = [6, 6, 0, 60, 43, 44, 51][Int.random(in: 0..<7, using: &rng)]
                    }
                }
                let frame = framing.frame(ip, ipVersion: version)
                checker.decode(frame, framing.linkType(ipVersion: version), wireLength: frame.count, with: &decoder)
            }
            checker.expectNoViolations()
            // The inputs must reach the TCP parser, or this test proves little.
            #expect(checker.segments > 0)
        }

        /// Small mutations of real packets (byte changes, bit flips, insertions, deletions, snaplen
        /// cuts) reach every check of every layer. One decoder takes them all, as a capture would,
        /// so the reassembler sees mutated fragments too.
        @Test("mutated copies of built packets", arguments: LinkFraming.all)
        func mutatedPackets(framing: LinkFraming) {
            var rng = SplitMix64(seed: 0x3D17 ^ Self.seed(framing.description))
            var decoder = PacketDecoder()
            var checker = InvariantChecker()
            // (LINKTYPE_IPV4/IPV6 carry one version each: the packet decides which.)
            let bases = Self.basePackets.map { (frame: framing.frame($0), linkType: framing.linkType(ipVersion: Int($0[0] >> 4))) }
            for _ in 0..<400 {
                for base in bases {
                    let (bytes, wire) = Self.mutate(base.frame, &rng)
                    checker.decode(bytes, base.linkType, wireLength: wire, with: &decoder)
                }
            }
            checker.expectNoViolations()
            // Most mutated packets still decode (fewer behind long radio headers, where more bytes matter).
            #expect(checker.segments > checker.decodes / 6)
            // Mutations must reach IP and TCP: several kinds of weird were counted.
            #expect(checker.weirdsSeen.count >= 5, "\(checker.weirdsSeen)")
        }

        /// Streams of random fragments (random offsets, lengths, more-fragments bits, a few
        /// identifications, both IP versions) through one decoder: reassembly must not trap, and
        /// what it completes must be consistent.
        @Test("random fragment streams", arguments: [UInt64(1), 2, 3])
        func randomFragments(seed: UInt64) {
            var rng = SplitMix64(seed: 0xF4A6_0000 + seed)
            var decoder = PacketDecoder()
            var checker = InvariantChecker()
            let content = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            for _ in 0..<6000 {
                let offset = 8 * Int.random(in: 0...(Bool.random(using: &rng) ? 8 : 300), using: &rng)
                let length = Int.random(in: 1...(Bool.random(using: &rng) ? 48 : 600), using: &rng)
                let start = Int.random(in: 0...(content.count - length), using: &rng)
                let piece = Array(content[start..<(start + length)])
                let more = Int.random(in: 0..<3, using: &rng) != 0
                let id = UInt16.random(in: 1...6, using: &rng)
                let ip: [UInt8]
                if Bool.random(using: &rng) {
                    var v4 = IPv4Builder(identification: id, protocolNumber: Bool.random(using: &rng) ? 6 : 17)
                    v4.fragmentOffset = offset
                    v4.moreFragments = more
                    ip = v4.packet(piece)
                } else {
                    ip = IPv6Builder(nextHeader: Bool.random(using: &rng) ? 6 : 17)
                        .fragment(piece, offset: offset, more: more, identification: UInt32(id))
                }
                let frame = LinkFraming.ethernet().frame(ip)
                // Now and then cut by the snaplen, so some fragments cannot be reassembled.
                let cut = Int.random(in: 0..<8, using: &rng) == 0 ? Int.random(in: 0...frame.count, using: &rng) : frame.count
                checker.decode(Array(frame.prefix(cut)), .ethernet, wireLength: frame.count, with: &decoder)
            }
            checker.expectNoViolations()
            #expect(checker.segments > 0)
            #expect(decoder.ipFragments > 4000)
        }

        // MARK: Inputs

        /// A stable seed per test case (FNV-1a of its name).
        static func seed(_ name: String) -> UInt64 {
            name.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
        }

        static let basePackets: [[UInt8]] = {
            let tcp = TCPBuilder(flags: TCPBuilder.rst | TCPBuilder.ack,
                                 options: TCPOption.mss(1460) + TCPOption.sackPermitted + TCPOption.timestamps(1, echo: 2)
                                     + TCPOption.nop + TCPOption.windowScale(7) + TCPOption.nop + TCPOption.nop
                                     + TCPOption.sack([(left: 100, right: 200)]),
                                 payload: (0..<40).map { UInt8($0) }).bytes
            return [
                IPv4Builder().packet(tcp),
                IPv4Builder(options: IPv4Option.routerAlert + IPv4Option.recordRoute(slots: 2)).packet(tcp),
                IPv4Builder(identification: 77).fragment(of: tcp, 0..<40),
                IPv4Builder(identification: 77).fragment(of: tcp, 40..<tcp.count),
                IPv6Builder().packet(tcp),
                IPv6Builder(extensionHeaders: [.hopByHop(), .routing(), .destinationOptions(), .authentication()]).packet(tcp),
                IPv6Builder().fragment(of: tcp, 0..<48, identification: 77),
                IPv6Builder().fragment(of: tcp, 48..<tcp.count, identification: 77),
            ]
        }()

        /// One to four edits in the first 90 bytes (where the headers are), and a snaplen cut one time
        /// in four. Returns the captured bytes and the wire length.
        static func mutate(_ frame: [UInt8], _ rng: inout SplitMix64) -> ([UInt8], Int) {
            var bytes = frame
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let limit = min(bytes.count, 90)
                guard limit > 0 else { break }
                let at = Int.random(in: 0..<limit, using: &rng)
                switch Int.random(in: 0..<10, using: &rng) {
                case 0...3: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 4, 5: bytes[at] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                // Values that sit on boundaries: zero lengths, IHL 5, version nibbles, data offsets.
                case 6: bytes[at] = [0, 1, 2, 0xFF, 0x45, 0x4F, 0x60, 0x50, 0xF0, 0x0F][Int.random(in: 0..<10, using: &rng)]
                case 7: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)
                case 8: bytes.remove(at: at)
                default: bytes[at] = bytes[at] &+ (Bool.random(using: &rng) ? 1 : 255)
                }
            }
            let wire = bytes.count
            if Int.random(in: 0..<4, using: &rng) == 0 { bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng))) }
            return (bytes, wire)
        }
    }
}

/// Decodes records and checks what must hold for any input: at most one weird per frame, the right
/// kind of weird for a frame with or without a segment, and a segment consistent with itself.
struct InvariantChecker {
    private(set) var decodes = 0
    private(set) var segments = 0
    private(set) var weirdsSeen: Set<DecodeWeird> = []
    private var violations: [String] = []

    /// Weirds that come with a segment; every other weird means there is none.
    static let segmentWeirds: Set<DecodeWeird> = [.badTCPHeaderLength, .tcpOptionBadLength]

    mutating func decode(_ bytes: [UInt8], _ linkType: LinkType, wireLength: Int, with decoder: inout PacketDecoder) {
        let before = decoder.weirds
        let fragmentsBefore = decoder.ipFragments
        decodes += 1
        var problems: [String] = []
        bytes.withRecord(linkType, wireLength: wireLength, frame: decodes) { record in
            let segment = decoder.decode(record)
            var delta = decoder.weirds.asDictionary
            for (weird, count) in before.nonZero { delta[weird, default: 0] -= count }
            delta = delta.filter { $0.value != 0 }
            weirdsSeen.formUnion(delta.keys)
            if delta.values.reduce(0, +) > 1 || delta.values.contains(where: { $0 < 0 }) { problems.append("weirds changed by \(delta)") }
            guard let segment else {
                if let weird = delta.keys.first, Self.segmentWeirds.contains(weird) { problems.append("\(weird) without a segment") }
                return
            }
            segments += 1
            if let weird = delta.keys.first, !Self.segmentWeirds.contains(weird) { problems.append("\(weird) with a segment") }
            if segment.frame != record.frame { problems.append("frame \(segment.frame)") }
            if segment.headerLength % 4 != 0 || !(0...60).contains(segment.headerLength) { problems.append("header length \(segment.headerLength)") }
            if segment.flags.rawValue & 0xF000 != 0 { problems.append("flags \(segment.flags.rawValue)") }
            if segment.isReset != (segment.flags.contains(.rst) && segment.headerLength >= 20) { problems.append("isReset") }
            if segment.payloadLength < 0 || segment.payload.count > segment.payloadLength { problems.append("payload \(segment.payload.count) of \(segment.payloadLength)") }
            if segment.headerBogus != (delta[.badTCPHeaderLength] == 1) { problems.append("headerBogus \(segment.headerBogus) but weirds \(delta)") }
            if segment.headerBogus && (segment.payloadLength != 0 || !segment.payload.isEmpty || segment.options != TCPOptions()) {
                problems.append("bogus header with payload or options")
            }
            if segment.options.malformed != (delta[.tcpOptionBadLength] == 1) { problems.append("malformed options but weirds \(delta)") }
            if segment.options.sackBlockCount > 4 { problems.append("\(segment.options.sackBlockCount) SACK blocks in 40 bytes") }
            // Without fragments, the payload is part of the record.
            if decoder.ipFragments == fragmentsBefore && segment.payload.count > max(0, record.bytes.count - 40) {
                problems.append("payload \(segment.payload.count) bytes from a \(record.bytes.count)-byte record")
            }
        }
        if !problems.isEmpty && violations.count < 10 {
            violations.append("\(problems) for \(linkType.rawValue) wire \(wireLength): \(bytes.map { String($0, radix: 16) }.joined(separator: " "))")
        }
    }

    func expectNoViolations(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))", sourceLocation: sourceLocation)
    }
}

extension DecoderTests.Robustness {
    /// The per-packet path decodes into a fresh blank segment and skips blanking it again
    /// (`decode(_:intoBlank:)`): it must give what `decode(_:into:)` gives from a segment left
    /// over from another packet, on mutated packets of every framing (both the one-pass path and
    /// the general walk).
    @Test("decoding into a blank segment = decoding into a used one", arguments: LinkFraming.all)
    func intoBlankAgreesWithInto(framing: LinkFraming) {
        var rng = SplitMix64(seed: 0xB1A2 ^ Self.seed(framing.description))
        var blankDecoder = PacketDecoder(), usedDecoder = PacketDecoder()
        let bases = Self.basePackets.map { (frame: framing.frame($0), linkType: framing.linkType(ipVersion: Int($0[0] >> 4))) }
        var used = TCPSegment.blank
        var compared = 0
        for round in 0..<200 {
            for base in bases {
                let (bytes, wire) = round == 0 ? (base.frame, base.frame.count) : Self.mutate(base.frame, &rng)
                bytes.withRecord(base.linkType, wireLength: wire, frame: compared + 1, timestamp: Int64(compared)) { record in
                    var fresh = TCPSegment.blank
                    let a = blankDecoder.decode(record, intoBlank: &fresh)
                    let b = usedDecoder.decode(record, into: &used)
                    #expect(a == b)
                    if a && b { #expect(Self.fields(fresh) == Self.fields(used), "\(bytes)") }
                    compared += 1
                }
            }
        }
        #expect(blankDecoder.weirds.asDictionary == usedDecoder.weirds.asDictionary)
    }

    static func fields(_ s: TCPSegment) -> String {
        "\(s.frame) \(s.timestamp) \(s.interface) \(s.source) \(s.destination) \(s.sourcePort) \(s.destinationPort) \(s.sequence) "
            + "\(s.acknowledgment) \(s.flags.rawValue) \(s.window) \(s.headerLength) \(s.payloadLength) \(s.tcpLength) "
            + "\(s.capturedTCPLength) \(s.context) \(s.ttl) \(s.ipID) \(s.options) \(s.headerTruncated) \(s.headerBogus) "
            + "\(s.payload.count) \(s.checksumBad)"
    }
}
