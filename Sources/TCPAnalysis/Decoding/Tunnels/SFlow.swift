import PacketCore

/// sFlow (UDP 6343): a datagram of samples, some holding the first bytes of a sampled packet.
///
///     version (4) | agent address type (4) | agent address (0, 4 or 16) | [v5: sub-agent ID (4)]
///     sequence (4) | uptime (4) | sample count (4) | samples ...
///     v5 sample: enterprise/format (4) | length (4) | data; flow samples (format 1, expanded 3) hold
///     records: enterprise/format (4) | length (4) | data; a raw packet header (format 1) is
///     header protocol (4) | frame length (4) | stripped (4) | header length (4) | header (padded to 4)
///
/// packet-sflow.c hands each sampled header to sflow_245.header_protocol (1 Ethernet, 7 PPP, 11
/// IPv4, 12 IPv6, 13 MPLS) with `in_error_pkt` set: TCP inside takes a stream but is not analysed,
/// like TCP quoted in an ICMP error, yet the frame is a TCP frame. The header's captured bytes are
/// the (padded) header length, its reported length the sampled frame's length; an exception inside
/// one header is caught and the next sample is read. At most 255 samples and 255 records are read.
///
/// Differences: Wireshark advances over records of known formats by their own layout and does not
/// advance over unknown standard formats; this reader skips every other record by its length.
/// sFlow v2 and v4 samples are read as far as the first flow sample's header.
enum SFlow {
    /// One sampled packet header.
    struct SampledHeader {
        var step: LinkStep?
        /// The header's bytes within the datagram, and the sampled frame's length on the wire.
        var offset: Int
        var capturedLength: Int
        var frameLength: Int
    }

    /// Walks a datagram's samples; `next()` returns the sampled headers in order.
    struct Cursor {
        let bytes: ByteView
        let version: UInt32
        var offset: Int
        var samplesLeft: Int
        /// Records left in the current flow sample, and where that sample ends.
        var recordsLeft = 0
        var sampleEnd = -1
        var sampleFits = true

        /// The cursor, or nil when the datagram is not sFlow (Wireshark's dissector then refuses it).
        init?(_ bytes: ByteView) {
            guard bytes.has(8) else { return nil }
            let version = bytes.u32be(0)
            guard version == 2 || version == 4 || version == 5 else { return nil }
            let addressLength: Int
            switch bytes.u32be(4) {
            case 0: addressLength = 0
            case 1: addressLength = 4
            case 2: addressLength = 16
            default: return nil
            }
            self.bytes = bytes
            self.version = version
            var offset = 8 + addressLength + (version == 5 ? 4 : 0) + 8
            if bytes.has(4, at: offset) {
                samplesLeft = Int(bytes.u32be(offset) & 0xFF)
                offset += 4
            } else {
                samplesLeft = 0
            }
            self.offset = offset
        }

        mutating func next() -> SampledHeader? {
            version == 5 ? nextV5() : nextV24()
        }

        private mutating func nextV5() -> SampledHeader? {
            while true {
                if recordsLeft > 0 {
                    recordsLeft -= 1
                    guard bytes.has(8, at: offset) else { return stop() }
                    let format = bytes.u32be(offset), length = Int(bytes.u32be(offset + 4))
                    let data = offset + 8
                    offset = data + length
                    guard format == 1 else { continue }
                    // The header is shown as bytes first: a header not all captured ends the datagram.
                    guard let header = SFlow.sampledHeader(bytes, at: data, hasStrippedField: true),
                          bytes.has(header.capturedLength, at: header.offset) else { return stop() }
                    return header
                }
                if sampleEnd >= 0 {
                    // tvb_ensure_bytes_exist after the sample: its length must fit in the datagram.
                    guard sampleFits else { return stop() }
                    offset = sampleEnd
                    sampleEnd = -1
                }
                guard samplesLeft > 0, bytes.has(8, at: offset) else { return stop() }
                samplesLeft -= 1
                let type = bytes.u32be(offset), length = Int(bytes.u32be(offset + 4))
                guard type >> 12 == 0 else { return stop() }  // another enterprise: Wireshark stops
                let data = offset + 8
                sampleEnd = data + length
                sampleFits = bytes.has(length, at: data)
                // Flow sample: sequence, source, rate, pool, drops, input, output, record count.
                // Expanded: sequence, source type, index, rate, pool, drops, input (2), output (2), count.
                let recordCountAt: Int? = switch type & 0xFFF {
                case 1: data + 28
                case 3: data + 40
                default: nil
                }
                if let recordCountAt {
                    guard bytes.has(4, at: recordCountAt) else { return stop() }
                    recordsLeft = Int(bytes.u32be(recordCountAt) & 0xFF)
                    offset = recordCountAt + 4
                }
            }
        }

        private mutating func nextV24() -> SampledHeader? {
            // Only the first sample: a flow sample (type 1) of type "header" (1) after 28 bytes.
            guard samplesLeft > 0, bytes.has(4 + 28 + 4, at: offset) else { return stop() }
            samplesLeft = 0
            guard bytes.u32be(offset) == 1, bytes.u32be(offset + 32) == 1,
                  let header = SFlow.sampledHeader(bytes, at: offset + 36, hasStrippedField: false),
                  bytes.has(header.capturedLength, at: header.offset) else { return stop() }
            return header
        }

        private mutating func stop() -> SampledHeader? {
            samplesLeft = 0
            recordsLeft = 0
            sampleEnd = -1
            return nil
        }
    }

    /// dissect_sflow_245_sampled_header.
    static func sampledHeader(_ bytes: ByteView, at offset: Int, hasStrippedField: Bool) -> SampledHeader? {
        let lengthAt = offset + (hasStrippedField ? 12 : 8)
        guard bytes.has(4, at: offset), bytes.has(4, at: lengthAt) else { return nil }
        let protocolID = bytes.u32be(offset)
        let frameLength = Int(bytes.u32be(offset + 4))
        var headerLength = Int(bytes.u32be(lengthAt))
        headerLength += (4 - headerLength % 4) % 4  // XDR padding
        let step: LinkStep? = switch protocolID {
        case 1: .ethernet
        case 7: .pppInHDLC
        case 11: .network(.ipv4)
        case 12: .network(.ipv6)
        case 13: .mpls
        default: nil
        }
        return SampledHeader(step: step, offset: lengthAt + 4, capturedLength: headerLength, frameLength: frameLength)
    }
}
