import PacketCore

/// Follows every TCP conversation of one input in frame order and applies Wireshark 4.0.17's
/// conversation and sequence analysis to each header (`dissect_tcp` and
/// `tcp_analyze_sequence_number` in packet-tcp.c; the rules are cited where they are applied).
///
/// Each connection and its two directions live side by side in one record of a paged store
/// (`RecordStore`), found through the flow table and updated in place; nothing is allocated per
/// packet in steady state. When the input ends, `finishTracking` keeps each connection's summary.
public struct TCPTracker {
    /// Every connection with its two directions, in place (see `RecordStore`), while packets come.
    private var store = ConnectionStore()
    /// Every connection's summary, once tracking finished (`finishTracking`): then `store` is empty.
    private var finished: SummaryStore?
    private var table = FlowTable()
    private var unacked = UnackedSegments()
    /// Every SYN-ACK seen, for the two-pass replay.
    private var synAcks = PagedList<SynAckRecord>()

    /// The next `tcp.stream` number (slots of evicted connections are reused, numbers never).
    private var nextStream = 0
    /// Slots freed by idle eviction, reused by new connections.
    private var freeSlots: [Int] = []
    /// Connections evicted for being idle (live capture).
    public private(set) var evictions = 0
    /// Every RST frame, with what was known when it arrived (for the attribution stage).
    public private(set) var resets = PagedList<ResetObservation>()
    /// The frame that created each connection slot (stream numbers follow it; see `merged`).
    private var creationFrames: [UInt32] = []

    public init() {}

    /// The connections, in slot order (a slot's stream number is its index until eviction reuses it).
    public var connections: ConnectionList { ConnectionList(store: store, summaries: finished) }

    public func direction(_ connection: Int, _ side: Int) -> DirectionSummary {
        finished?[connection].side(side) ?? DirectionSummary(store[connection].side(side), store[connection].connection.timeScale)
    }

    /// A connection as the reports read it (from its record while packets come).
    public func summary(_ connection: Int) -> ConnectionSummary {
        finished?[connection] ?? ConnectionSummary(store[connection])
    }

    /// Every connection's summary: the finished tracker's own, or (while packets come: a live
    /// snapshot) a copy. (Reading either store through one accessor instead made the attribution's
    /// read of a connection a heap-allocated coroutine: +53% instructions.)
    public var summaries: SummaryStore {
        finished ?? store.map(ConnectionSummary.init)
    }

    public var isFinished: Bool { finished != nil }

    /// Connections created so far (stream numbers handed out; a shard's own count).
    public var connectionsCreated: Int { nextStream }

    /// The input has ended: each connection keeps its summary, and the state that only served
    /// the next segment (each direction's sequence tracking, the flow table, the unacked segments)
    /// is freed, page by page (400 bytes a connection become 272). No packet may follow.
    public mutating func finishTracking() {
        guard finished == nil else { return }
        // A tracker that shares its store with a copy leaves the copy's records alone.
        finished = isKnownUniquelyReferenced(&store) ? store.compact(ConnectionSummary.init) : store.map(ConnectionSummary.init)
        store = ConnectionStore()
        table = FlowTable()
        unacked = UnackedSegments()
        freeSlots = []
    }

    // MARK: - Per segment

    /// Analyzes one TCP header (a normal one, an ICMP-quoted one or an unreassembled first fragment).
    public mutating func process(_ segment: TCPSegment) -> FrameAnalysis {
        if !isKnownUniquelyReferenced(&store) { store = store.copy() }
        let (key, side) = FlowKey.of(segment)
        let hash = key.hash(seed: table.seed)
        let frame = segment.frame, now = segment.timestamp
        let seq = segment.sequence, flags = segment.flags
        let isPureSYN = flags.intersection(.syn.union(.ack)) == .syn

        // find_conversation / conversation_new: the newest conversation of this address-port pair.
        var index: Int
        if let found = table.find(hash: hash, matches: { store[Int($0)].connection.key == key }) {
            index = Int(found)
        } else {
            index = newConnection(key, hash: hash, frame: frame, time: now, firstSender: side)
        }
        var taFlags = AnalysisFlags()

        // dissect_tcp, pure SYN block: a SYN with another ISN than the direction's base starts a new
        // conversation (port reuse) with a new stream number; the same ISN rewinds nextseq.
        if isPureSYN {
            let reused = store.withRecord(index) { record -> Bool in
                let base = side == 0 ? (record.side0.baseSet, record.side0.baseSeq) : (record.side1.baseSet, record.side1.baseSeq)
                guard base.0 else { return false }
                if seq != base.1 { return true }
                if side == 0 { record.side0.nextSeq = record.side0.maxSeqToBeAcked } else { record.side1.nextSeq = record.side1.maxSeqToBeAcked }
                return false
            }
            if reused {
                index = newConnection(key, hash: hash, frame: frame, time: now, firstSender: side)
                taFlags.insert(.reusedPorts)
            }
        }
        // The rest works on the record in place and on the tracker's other state, passed apart: the
        // store is then only read while the closure runs (a copy of the reference, kept across a
        // call that may change the tracker, cost an atomic retain and release every packet).
        return store.withRecord(index) { record in
            side == 0
                ? Self.analyze(segment, side: 0, index: index, flags: taFlags, connection: &record.connection, fwd: &record.side0,
                               rev: &record.side1, unacked: &unacked, synAcks: &synAcks, resets: &resets)
                : Self.analyze(segment, side: 1, index: index, flags: taFlags, connection: &record.connection, fwd: &record.side1,
                               rev: &record.side0, unacked: &unacked, synAcks: &synAcks, resets: &resets)
        }
    }

    /// A conversation ICMP errors opened gets its first TCP frame at `time`: its first time moves
    /// there, and every time it holds is kept, as an offset from the new one.
    @inline(never)
    private static func restart(at time: Int64, connection: inout Connection, fwd: inout DirectionState,
                                rev: inout DirectionState) {
        let old = connection.timeScale
        connection.restart(at: time)
        fwd.rescale(from: old, to: connection.timeScale)
        rev.rescale(from: old, to: connection.timeScale)
    }

    /// The rest of `process`, on the connection's record in place.
    private static func analyze(_ segment: TCPSegment, side: Int, index: Int, flags taFlagsIn: AnalysisFlags,
                                connection: inout Connection, fwd: inout DirectionState, rev: inout DirectionState,
                                unacked: inout UnackedSegments, synAcks: inout PagedList<SynAckRecord>,
                                resets: inout PagedList<ResetObservation>) -> FrameAnalysis {
        let frame = segment.frame, now = segment.timestamp
        let seq = segment.sequence, ack = segment.acknowledgment, flags = segment.flags
        let isPureSYN = flags.intersection(.syn.union(.ack)) == .syn
        let isSYNACK = flags.isSuperset(of: .syn.union(.ack))
        var taFlags = taFlagsIn

        // dissect_tcp, SYN-ACK block: another ISN rewrites the base (same stream) and flags reuse.
        if isSYNACK && fwd.baseSet && seq != fwd.baseSeq {
            fwd.baseSeq = seq
            taFlags.insert(.reusedPorts)
        }

        let previousTime = connection.lastTime
        let senderNextSeqBefore = fwd.nextSeq
        if !segment.context.isCopy && !connection.hasTCPFrames {
            connection.firstFrame = frame
            if now != connection.firstTime { restart(at: now, connection: &connection, fwd: &fwd, rev: &rev) }
        }
        // The segment's time on the connection's scale, worked out once for the slots it goes to.
        let stamp = SlotStamp(now, connection.timeScale)
        if !segment.context.isCopy {
            connection.lastFrame = frame
            connection.setLastTime(stamp)
        }

        var result = FrameAnalysis(stream: connection.stream, connection: index, direction: side, flags: [], printable: false)
        let headerLength = segment.headerLength
        // Only normal segments whose IP length covers the header are analyzed (4.0.17: not
        // fragmented, not in an ICMP error, reported_len >= hlen). hlen < 20 is analyzed with a
        // segment length that includes header bytes, but prints nothing.
        if segment.context == .normal && segment.tcpLength >= headerLength {
            let segmentLength = UInt32(truncatingIfNeeded: segment.tcpLength - headerLength)
            // Base sequence initialisation (5.1).
            if !fwd.baseSet {
                fwd.baseSeq = flags.contains(.syn) ? seq : seq &- 1
                fwd.baseSet = true
            }
            if !rev.baseSet && flags.contains(.ack) {
                rev.baseSeq = ack &- 1
                rev.baseSet = true
            }
            analyzeSequence(seq: seq, ack: ack, length: segmentLength, flags: flags, window: UInt32(segment.window),
                            frame: frame, now: stamp, initialRTT: connection.initialRTT,
                            fwd: &fwd, rev: &rev, ta: &taFlags, result: &result, unacked: &unacked)
        }

        if headerLength >= 20 {
            // Handshake bookkeeping after the analysis (7.2, 7.3), also for quoted headers.
            if isPureSYN {
                connection.mostRecentSYNTime = now
                if connection.synTime == nil { connection.synTime = now }
            }
            if isSYNACK, connection.synTime != nil, connection.synAckTime == nil { connection.synAckTime = now }
            if flags.contains(.syn) { fwd.isFirstAck = true }
            let ackClass = flags.intersection(.syn.union(.ack)) == .ack
            if ackClass {
                // (The cheaper tests first: after the handshake they fail at once.)
                if connection.initialRTT == 0, let synTime = connection.mostRecentSYNTime {
                    connection.initialRTT = now - synTime
                    result.newInitialRTT = connection.initialRTT
                }
                if connection.handshakeAckTime == nil, connection.synAckTime != nil { connection.handshakeAckTime = now }
                fwd.isFirstAck = false
            }
            // Options are parsed (and the window scale stored) as far as they were captured.
            if segment.capturedTCPLength >= 20, let shift = segment.options.windowScale {
                fwd.windowScale = Int8(min(shift, 14))
            }
            // The analysis is printed only when the whole header was captured.
            result.printable = segment.capturedTCPLength >= headerLength && !segment.context.isCopy
                && !segment.options.stopsWireshark
            if flags.contains(.syn) && result.printable {
                // verify_tcp_window_scaling: a SYN without the option turns scaling off both ways;
                // a SYN-ACK's option is ignored when the SYN had none.
                if fwd.windowScale == -1 {
                    fwd.windowScale = -2
                    rev.windowScale = -2
                } else if isSYNACK && rev.windowScale == -2 {
                    fwd.windowScale = -2
                }
            }
        }
        if isSYNACK {
            synAcks.append(SynAckRecord(stamp: stamp, connection: index, frame: frame, seq: seq, side: side,
                                        printable: result.printable, flagged: taFlags.contains(.reusedPorts)))
        }
        if segment.context == .quotedInICMPError {
            connection.icmpErrors += 1
            connection.lastICMPErrorFrame = frame
        }
        if !segment.context.isCopy {
            result.isDuplicate = Self.isDuplicate(segment, of: fwd, stamp.scale)
            if segment.isReset {
                resets.append(observeReset(segment, side: side, index: index, connection: connection, fwd: fwd, rev: rev,
                                           senderNextSeq: senderNextSeqBefore, previousTime: previousTime,
                                           duplicate: result.isDuplicate))
            }
            if segment.payloadLength > 0 && !rev.finTime.isZero && !result.isDuplicate { fwd.payloadAfterPeerFIN = true }
            recordConnectionFacts(segment, side: side, now: stamp, flags: taFlags, previousTime: previousTime,
                                  duplicate: result.isDuplicate, connection: &connection, fwd: &fwd)
        }
        result.flags = taFlags
        return result
    }

    private mutating func newConnection(_ key: FlowKey, hash: UInt64, frame: Int, time: Int64, firstSender: Int) -> Int {
        precondition(finished == nil, "TCPTracker: a packet after finishTracking")
        let record = ConnectionRecord(Connection(key: key, stream: nextStream, frame: frame, time: time, firstSender: firstSender))
        nextStream += 1
        let index: Int
        if let free = freeSlots.popLast() {
            index = free
            store[index] = record
        } else {
            index = store.append(record)
            creationFrames.append(UInt32(clamping: frame))
        }
        let store = self.store
        table.set(hash: hash, Int32(index), replacing: { store[Int($0)].connection.key == key })
        return index
    }

    // MARK: - Idle eviction (live capture)

    /// The live connections idle for longer than `timeout` (nanoseconds) at time `now`.
    public func idleConnections(now: Int64, timeout: Int64) -> [Int] {
        connections.indices.filter { connections[$0].isLive && now - connections[$0].lastTime > timeout }
    }

    /// Forgets connections (after they were reported): their slots, flow-table entries and unacked
    /// segments are reused, so memory follows the connections alive, not all those ever seen. Only
    /// live capture evicts: Wireshark never forgets a conversation, and in a file late packets must
    /// find theirs. A sweep's connections go at once: their SYN-ACKs leave the log in one pass (a
    /// pass for each, with the log holding every live connection's, made a busy live capture's
    /// evictions quadratic: 88% of a run evicting 124,000 connections).
    public mutating func release(_ indices: [Int]) {
        precondition(finished == nil, "TCPTracker: release after finishTracking")
        var released = Set<Int32>()
        if !indices.isEmpty && !isKnownUniquelyReferenced(&store) { store = store.copy() }
        for index in indices where store[index].connection.isLive {
            table.remove(hash: store[index].connection.key.hash(seed: table.seed), value: Int32(index))
            for side in 0..<2 {
                var node = store[index].side(side).unackedHead
                while node >= 0 {
                    let following = unacked[node].next
                    unacked.release(node)
                    node = following
                }
            }
            store.withRecord(index) { record in
                record.connection.isLive = false
                record.connection.hasTCPFrames = false
                record.side0.unackedHead = -1
                record.side1.unackedHead = -1
            }
            freeSlots.append(index)
            evictions += 1
            released.insert(Int32(index))
        }
        if !released.isEmpty { synAcks.removeAll { released.contains(Int32($0.connection)) } }
    }

    // MARK: - tcp_analyze_sequence_number (4.0.17), rule by rule and in its order

    /// How soon after `nextSeq` last advanced a segment below it is out of order rather than a
    /// retransmission: the initial RTT, 3 ms while it is unknown.
    private static func outOfOrderWindow(initialRTT: Int64) -> UInt64 {
        initialRTT == 0 ? 3_000_000 : UInt64(bitPattern: initialRTT)
    }

    private static func analyzeSequence(seq: UInt32, ack: UInt32, length seglen: UInt32, flags: TCPFlags, window: UInt32,
                                        frame: Int, now stamp: SlotStamp, initialRTT: @autoclosure () -> Int64,
                                        fwd: inout DirectionState, rev: inout DirectionState,
                                        ta: inout AnalysisFlags, result: inout FrameAnalysis, unacked: inout UnackedSegments) {
        typealias S = SequenceNumber
        let now = stamp.value
        let noFlag = flags.intersection(.syn.union(.fin).union(.rst)).isEmpty
        let synOrFin = !flags.intersection(.syn.union(.fin)).isEmpty

        forward: do {
            // Zero window probe: one byte at nextseq into a zero window.
            if seglen == 1 && seq == fwd.nextSeq && rev.window == 0 {
                ta.insert(.zeroWindowProbe)
                break forward
            }
            // Zero window advertised (any segment without SYN/FIN/RST).
            if window == 0 && noFlag { ta.insert(.zeroWindow) }
            // Previous segment not captured: this one starts beyond nextseq (not for RSTs).
            if fwd.nextSeq != 0 && S.greaterThan(seq, fwd.nextSeq) && !flags.contains(.rst) {
                ta.insert(.lostSegment)
            }
            // Keep-alive: 0 or 1 byte at nextseq - 1 (with nothing seen, seq 0xFFFFFFFF qualifies).
            if seglen <= 1 && seq == fwd.nextSeq &- 1 && noFlag { ta.insert(.keepAlive) }
            // Window update: an empty segment changing only the window (ACK bit not required).
            if seglen == 0 && window != 0 && window != fwd.window && seq == fwd.nextSeq && ack == fwd.lastAck && noFlag {
                ta.insert(.windowUpdate)
            }
            // Window full: the data fills the peer's last advertised window exactly.
            let shift = rev.isFirstAck ? 0 : (rev.windowScale == -2 ? 0 : Int(max(rev.windowScale, 0)))
            if seglen > 0 && rev.windowScale != -1 && seq &+ seglen == rev.lastAck &+ (rev.window &<< UInt32(shift)) && noFlag {
                ta.insert(.windowFull)
            }
            let sameAck = seglen == 0 && seq == fwd.nextSeq && ack == fwd.lastAck && noFlag
            // Keep-alive ACK: answers the peer's keep-alive with an unchanged window.
            if sameAck && window != 0 && window == fwd.window && rev.lastSegmentFlags.contains(.keepAlive) {
                ta.insert(.keepAliveAck)
                break forward
            }
            // Zero window probe ACK: answers the peer's probe with the window still zero.
            if sameAck && window == 0 && fwd.window == 0 && rev.lastSegmentFlags.contains(.zeroWindowProbe) {
                ta.insert(.zeroWindowProbeAck)
                break forward
            }
            // Duplicate ACK: nothing new, same window, same ack.
            if sameAck && window != 0 && window == fwd.window {
                fwd.dupAckNum = fwd.dupAckNum == 0xFFFF_FFFF ? 1 : fwd.dupAckNum &+ 1
                ta.insert(.duplicateAck)
                result.duplicateAckNumber = fwd.dupAckNum
                result.duplicateAckFrame = fwd.lastNonDupAck
            }
        }
        if ack != fwd.lastAck {
            fwd.lastNonDupAck = frame
            fwd.dupAckNum = 0
        }

        // ACKed unseen segment: the ack is beyond anything the peer was seen to send.
        if rev.maxSeqToBeAcked != 0 && S.greaterThan(ack, rev.maxSeqToBeAcked) && flags.contains(.ack) {
            if S.lessThan(rev.maxSeqToBeAcked, rev.nextSeq) {
                rev.maxSeqToBeAcked = rev.nextSeq
                ta.insert(.ackLostSegment)
            } else {
                if rev.dupAckNum == 0 { ta.insert(.ackLostSegment) }
                rev.dupAckNum = 0xFFFF_FFFF
            }
        }

        // The retransmission family, for segments that occupy sequence space.
        if (seglen > 0 || synOrFin) && !ta.contains(.keepAlive) {
            var notAdvanced = fwd.nextSeq != 0 && S.lessThan(seq, fwd.nextSeq)
            if seglen > 1 && fwd.nextSeq &- 1 == seq { notAdvanced = false }  // data after a probe byte
            if seglen > 0 && rev.lastAck != 0 && S.lessOrEqual(seq &+ seglen, rev.lastAck) {
                // Spurious: the peer had already acknowledged all of it (no "not advanced" test).
                ta.formUnion(.spuriousRetransmission.union(.retransmission))
            } else if notAdvanced && rev.dupAckNum >= 2 && rev.lastAck == seq
                        && UInt64(bitPattern: now &- rev.lastAckTime.value(stamp.scale)) < 20_000_000 {
                ta.formUnion(.fastRetransmission.union(.retransmission))
            } else if notAdvanced
                        && UInt64(bitPattern: now &- fwd.nextSeqTime.value(stamp.scale)) < Self.outOfOrderWindow(initialRTT: initialRTT())
                        && fwd.nextSeq != seq &+ seglen &+ (synOrFin ? 1 : 0) {
                ta.insert(.outOfOrder)
            } else if notAdvanced {
                ta.insert(.retransmission)
            }
        }

        // State updates: the unacked list, nextseq and maxseqtobeacked.
        var nextSeqLocal = seq &+ seglen
        if (seglen > 0 || synOrFin) && fwd.unackedCount < UnackedSegments.maximumPerDirection {
            if synOrFin { nextSeqLocal &+= 1 }
            let retransmitted = !ta.intersection(.retransmission.union(.outOfOrder)).isEmpty
            if retransmitted { unacked.markRetransmitted(head: fwd.unackedHead, from: seq, to: nextSeqLocal) }
            fwd.unackedHead = unacked.push(frame: frame, seq: seq, nextSeq: nextSeqLocal, time: now,
                                           retransmitted: retransmitted, head: fwd.unackedHead)
            fwd.unackedCount += 1
        }
        if !ta.contains(.zeroWindowProbe) {
            if S.greaterThan(nextSeqLocal, fwd.nextSeq) || fwd.nextSeq == 0 {
                fwd.nextSeq = nextSeqLocal
                fwd.nextSeqTime.set(stamp)
            }
            if seq == fwd.maxSeqToBeAcked || fwd.maxSeqToBeAcked == 0 {
                fwd.maxSeqToBeAcked = fwd.nextSeq
            }
        }
        fwd.window = window
        fwd.lastAck = ack
        fwd.lastAckTime.set(stamp)
        fwd.lastSegmentFlags = ta

        // The raw ack field (ACK bit or not) retires the peer's unacked segments; an exact match
        // gives acks_frame and ack_rtt, the oldest listed match winning as in 4.0.17.
        var previous: Int32 = -1
        var node = rev.unackedHead
        var matches = 0
        while node >= 0 {
            let listed = unacked[node]
            let following = listed.next
            if ack == listed.nextSeq {
                matches += 1
                result.ackedFrame = listed.frame
                result.ackRTT = now &- listed.time
                result.ackRTTAmbiguous = listed.retransmitted || matches > 1
            } else if S.greaterThan(ack, listed.seq) && S.lessOrEqual(ack, listed.nextSeq) {
                unacked[node].seq = ack  // a partial ack trims the segment, which stays listed
                previous = node
                node = following
                continue
            } else if S.greaterThan(listed.nextSeq, ack) {
                previous = node
                node = following
                continue
            }
            // Acknowledged (or passed): unlink and free.
            if previous >= 0 { unacked[previous].next = following } else { rev.unackedHead = following }
            unacked.release(node)
            rev.unackedCount -= 1
            node = following
        }
    }

    // MARK: - Connection facts (not Wireshark's analysis): packets, bytes, history

    private static func recordConnectionFacts(_ segment: TCPSegment, side: Int, now stamp: SlotStamp, flags ta: AnalysisFlags,
                                              previousTime: Int64, duplicate: Bool, connection: inout Connection,
                                              fwd: inout DirectionState) {
        let now = segment.timestamp
        let flags = segment.flags
        connection.hasTCPFrames = true
        fwd.packets += 1
        fwd.payloadBytes += segment.payloadLength
        fwd.lastTime.set(stamp)
        fwd.lastIPID = segment.ipID
        fwd.lastSeq = segment.sequence
        fwd.lastAckField = segment.acknowledgment
        fwd.lastLength = Int32(clamping: segment.tcpLength)
        fwd.lastFlags = flags.rawValue
        if duplicate {
            connection.duplicates += 1
            return  // a copy is not evidence of anything
        }
        if ta.contains(.retransmission) { fwd.retransmissions += 1 }
        if !ta.intersection(.retransmission.union(.lostSegment).union(.duplicateAck)).isEmpty {
            connection.lossEvents += 1
            connection.lastLossTime = now
        }
        if ta.contains(.zeroWindow) { connection.zeroWindowSeen = true }
        if !segment.isReset {
            if fwd.ttlBaseline == 0 { fwd.ttlBaseline = segment.ttl }
            fwd.lastNonRSTIPID = segment.ipID
        }
        let pureSYN = flags.intersection(.syn.union(.ack)) == .syn
        defer {
            connection.lastSegmentSide = Int8(side)
            connection.lastSegmentPureSYN = pureSYN
            connection.lastSYNReused = pureSYN && ta.contains(.reusedPorts)
        }
        if connection.establishedTime == nil, let synSide = connection.synSender, synSide == side, connection.synAckSender != nil,
           flags.intersection(.syn.union(.ack)) == .ack {
            connection.establishedTime = now
        }
        if pureSYN {
            fwd.sawSYN = true
            if connection.synSender == nil { connection.synSender = side }
        }
        if flags.isSuperset(of: .syn.union(.ack)) {
            fwd.sawSYNACK = true
            if connection.synAckSender == nil { connection.synAckSender = side }
        }
        let ending = segment.isReset || flags.contains(.fin)
        if ending && connection.firstRSTSide == nil && connection.firstFINSide == nil {
            connection.idleBeforeEnd = now - previousTime
        }
        if flags.contains(.fin) {
            if fwd.finTime.isZero { fwd.finTime.set(stamp) }
            fwd.sawFIN = true
            if connection.firstFINSide == nil { connection.firstFINSide = Int8(side) }
        }
        if segment.isReset {
            fwd.sawRST = true
            if connection.firstRSTSide == nil {
                connection.firstRSTSide = Int8(side)
                connection.firstRSTFrame = segment.frame
            }
        }
        // Server response time: when payload changes direction, the time from the other side's last
        // payload byte to this first one is one exchange's response time (retransmissions excluded).
        if segment.payloadLength > 0 && !ta.contains(.retransmission) {
            if fwd.firstPayloadTime.isZero { fwd.firstPayloadTime.set(stamp) }
            if Int(connection.lastPayloadSide) != side {
                if (connection.synSender ?? Int(connection.firstSender)) == side {
                    connection.recordRequestStart(now)
                } else {
                    connection.recordResponseStart(now)
                }
            }
            if connection.lastPayloadSide >= 0 && Int(connection.lastPayloadSide) != side && connection.synSender.map({ $0 != side }) ?? true {
                let responseTime = now - connection.requestEndTime
                connection.responses += 1
                connection.responseTimeTotal += responseTime
                connection.responseTimeMax = max(connection.responseTimeMax, responseTime)
            }
            connection.lastPayloadSide = Int8(side)
            connection.setRequestEndTime(stamp)
            fwd.lastPayloadTime.set(stamp)
            fwd.lastPayloadPushed = flags.contains(.psh)
        }
        ConnectionHistory.record(segment, flags: ta, side: side, connection: &connection, state: &fwd)
    }

    /// What the attribution stage needs to know about a RST, taken before the RST changes anything.
    private static func observeReset(_ segment: TCPSegment, side: Int, index: Int, connection: Connection,
                              fwd: DirectionState, rev: DirectionState, senderNextSeq: UInt32, previousTime: Int64,
                              duplicate: Bool) -> ResetObservation {
        let scale = connection.timeScale
        var text: String?
        if !segment.payload.isEmpty {
            let printable = segment.payload.prefix(96).toArray().filter { $0 >= 0x20 && $0 < 0x7F }
            if printable.count >= 4 { text = String(decoding: printable, as: UTF8.self) }
        }
        return ResetObservation(
            scale: scale, timestamp: segment.timestamp, payloadText: text,
            payloadBytes: side == 0 ? (fwd.payloadBytes, rev.payloadBytes) : (rev.payloadBytes, fwd.payloadBytes),
            finTime: side == 0 ? (fwd.finTime.value(scale), rev.finTime.value(scale)) : (rev.finTime.value(scale), fwd.finTime.value(scale)),
            lastPayloadTime: connection.requestEndTime,
            idleBefore: connection.hasTCPFrames ? segment.timestamp - previousTime : 0,
            peerSilence: rev.packets > 0 ? segment.timestamp - rev.lastTime.value(scale) : 0,
            lastLossTime: connection.lastLossTime, establishedTime: connection.establishedTime,
            frame: segment.frame, connection: index, stream: connection.stream, senderSide: side,
            sequence: segment.sequence, acknowledgment: segment.acknowledgment, senderPackets: fwd.packets,
            senderNextSeq: senderNextSeq, receiverNextSeq: rev.nextSeq, receiverWindow: rev.window,
            lossEvents: connection.lossEvents, receiverAck: rev.packets > 0 ? rev.lastAck : nil,
            window: segment.window, ipID: segment.ipID, receiverLastIPID: rev.lastNonRSTIPID,
            senderLastIPID: fwd.lastNonRSTIPID == 0 ? nil : fwd.lastNonRSTIPID,
            hasAck: segment.flags.contains(.ack), ttl: segment.ttl, isIPv6: segment.isIPv6,
            checksumBad: segment.checksumBad, isDuplicate: duplicate,
            senderTTLBaseline: fwd.ttlBaseline == 0 ? nil : fwd.ttlBaseline, receiverWindowScale: rev.windowScale,
            answersSYN: connection.lastSegmentPureSYN && Int(connection.lastSegmentSide) == 1 - side,
            answersReusedSYN: connection.lastSYNReused && Int(connection.lastSegmentSide) == 1 - side,
            synSender: connection.synSender, synAckSeen: connection.synAckSender != nil,
            handshakeAckSeen: connection.establishedTime != nil,
            lastPayloadSide: connection.lastPayloadSide >= 0 ? Int(connection.lastPayloadSide) : nil,
            lastPayloadPushed: connection.lastPayloadSide == Int8(side) ? fwd.lastPayloadPushed : rev.lastPayloadPushed,
            receiverDataAfterSenderFIN: rev.payloadAfterPeerFIN, zeroWindowSeen: connection.zeroWindowSeen)
    }

    /// A copy of this side's previous segment (same IP ID, sequence, acknowledgment, length and
    /// flags) arriving within a millisecond: a duplicated packet (SPAN port, bridge, `-i any`), not a
    /// retransmission. Without an IP ID to compare (IPv6, or an ID of 0) the window is 50 µs.
    /// (Inlined: called, it took a copy of the direction, read 8 bytes at a time just after the
    /// tracker had written some of its fields one by one, a store-forwarding stall every packet.)
    @inline(__always)
    static func isDuplicate(_ segment: TCPSegment, of previous: DirectionState, _ scale: TimeScale) -> Bool {
        guard previous.packets > 0, previous.lastLength == Int32(clamping: segment.tcpLength),
              previous.lastSeq == segment.sequence, previous.lastAckField == segment.acknowledgment,
              previous.lastFlags == segment.flags.rawValue else { return false }
        let gap = segment.timestamp - previous.lastTime.value(scale)
        if segment.ipID != 0 && !segment.isIPv6 {
            return previous.lastIPID == segment.ipID && gap >= 0 && gap <= 1_000_000
        }
        return gap >= 0 && gap <= 50_000
    }

    // MARK: - End of input

    /// A SYN-ACK as the second pass replays it: 16 bytes (one per SYN-ACK, kept until that pass;
    /// 24 with a whole time and a byte per flag: 0.7 MiB more at the end of the 2M-packet capture's
    /// read, the run's peak).
    struct SynAckRecord {
        /// The time, on the connection's scale (`TimeSlot`).
        var timeSlot: TimeSlot
        /// The connection's index (29 bits: a record per connection, 400 bytes, makes more than
        /// 2^29 impossible to hold), then the side, whether the analysis was printable, and whether
        /// the first pass flagged `reused_ports` already.
        private var bits: UInt32
        @Count32 var frame: Int
        var seq: UInt32

        private static let connectionMask: UInt32 = 1 << 29 - 1
        private static let sideBit: UInt32 = 1 << 29, printableBit: UInt32 = 1 << 30, flaggedBit: UInt32 = 1 << 31

        init(stamp: SlotStamp, connection: Int, frame: Int, seq: UInt32, side: Int, printable: Bool, flagged: Bool) {
            precondition(connection <= Self.connectionMask, "TCPTracker: more connections than a SYN-ACK record can name")
            var timeSlot = TimeSlot.empty
            timeSlot.set(stamp)
            self.timeSlot = timeSlot
            bits = UInt32(connection) | (side == 1 ? Self.sideBit : 0) | (printable ? Self.printableBit : 0)
                | (flagged ? Self.flaggedBit : 0)
            self.frame = frame
            self.seq = seq
        }

        var connection: Int {
            get { Int(bits & Self.connectionMask) }
            set { bits = bits & ~Self.connectionMask | UInt32(newValue) }
        }
        var side: Int { bits & Self.sideBit != 0 ? 1 : 0 }
        var printable: Bool { bits & Self.printableBit != 0 }
        var flagged: Bool { bits & Self.flaggedBit != 0 }
    }

    /// tshark's second pass re-runs the SYN-ACK port-reuse test against each direction's final base
    /// sequence, so an earlier SYN-ACK of a reused conversation is flagged too. Files get the same
    /// (live capture cannot: it never sees the future). Returns the frames that gain `reused_ports`
    /// (those the first pass had not flagged already).
    public func secondPassReusedPorts() -> [(frame: Int, stream: Int, printable: Bool, time: Int64)] {
        // Per direction (2 * connection + side): the base the replay has reached, and whether the
        // direction has a base at all (0: not replayed yet, 1: no base, 2: a base).
        var replayedBase = [UInt32](repeating: 0, count: 2 * connections.count)
        var replayState = [UInt8](repeating: 0, count: 2 * connections.count)
        var flagged: [(frame: Int, stream: Int, printable: Bool, time: Int64)] = []
        for synAck in synAcks {
            let connection = synAck.connection, side = synAck.side, slot = 2 * connection + side
            if replayState[slot] == 0 {
                let base = direction(connection, side).baseSequence
                replayedBase[slot] = base ?? 0
                replayState[slot] = base != nil ? 2 : 1
            }
            if replayState[slot] == 2 && synAck.seq != replayedBase[slot] {
                replayedBase[slot] = synAck.seq
                if !synAck.flagged {
                    let record = connections[connection]
                    flagged.append((synAck.frame, record.stream, synAck.printable, synAck.timeSlot.value(record.timeScale)))
                }
            }
        }
        return flagged
    }

    /// The input has ended and the second pass ran: its log of SYN-ACKs (16 bytes each) is freed
    /// before the report's work.
    public mutating func releaseSecondPassLog() {
        synAcks = PagedList()
    }
}

extension TCPTracker {
    /// Which shard a segment's connection belongs to: by a hash of its two endpoints that is the
    /// same either way round (XOR and sum of the addresses and of the ports), so every packet of a
    /// connection (and every ICMP error quoting it) meets the same tracker. Fixed seed: the split
    /// is the same on every run. Cheap on purpose: the routing thread computes it for every packet.
    public static func shard(of segment: TCPSegment, map: ShardMap) -> Int {
        shard(segment.source, segment.sourcePort, segment.destination, segment.destinationPort, map: map)
    }

    @inline(__always)
    static func shard(_ a: IPAddress, _ aPort: UInt16, _ b: IPAddress, _ bPort: UInt16, map: ShardMap) -> Int {
        let ports = UInt64(aPort ^ bPort) << 48 | UInt64(aPort &+ bPort) << 32
        return map.owner(hash: FlowKey.mix(FlowKey.mix((a.high ^ b.high) ^ 0x5EED_0F5A_4D00_0000) ^ (a.low ^ b.low) ^ (a.low &+ b.low) << 7 ^ ports))
    }

    /// Joins shard trackers (each fed every frame of the connections of its shard, in frame order,
    /// none evicted) into the tracker one pass over every frame builds. Stream numbers follow the
    /// frame that created each connection, as a single pass numbers them; connections, resets and
    /// SYN-ACKs are put in that pass's order (`EventLineWriter` numbers the event lines' streams
    /// by the same merge, as the shards read). The result is for reports (its flow table is empty: it takes no more packets).
    ///
    /// The merged tracker is finished: it reads the shards' summaries where they are (no copy; see
    /// `RecordStore.init(merging:order:)`), renumbering their streams in place. (Shards that are
    /// not finished yet are finished here; finishing them on their own threads is faster.)
    public static func merged(_ shards: [TCPTracker]) -> TCPTracker {
        let parts = shards.map { shard in
            precondition(shard.freeSlots.isEmpty && shard.evictions == 0, "merging trackers that evicted connections")
            var shard = shard
            shard.finishTracking()
            return shard.finished!
        }
        // (The merges read these lists, not `shards[s].list`: a tracker read out of the array for
        // every item cost a retain and a release of each of its parts.)
        let creationFrames = shards.map(\.creationFrames), resets = shards.map(\.resets), synAcks = shards.map(\.synAcks)
        var index = parts.map { Array(repeating: 0, count: $0.count) }
        var result = TCPTracker()
        // Each shard created its connections in frame order: merging the shards' sequences by
        // creation frame gives the single pass's order (a frame creates at most one connection).
        var order: [(part: Int, index: Int)] = []
        order.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        result.creationFrames.reserveCapacity(order.capacity)
        forEachInMergedOrder(counts: parts.map(\.count), key: { Int(creationFrames[$0][$1]) }) { pick, local in
            index[pick][local] = order.count
            order.append((pick, local))
            result.creationFrames.append(creationFrames[pick][local])
        }
        result.nextStream = order.count
        // The rest are independent, and nothing else runs meanwhile (the shards' threads have
        // ended): the resets are merged on a thread of their own while the summaries take their
        // new numbers and the SYN-ACKs are merged (one thread did it all in 10 ms on the 2M-packet
        // capture, the other core idle). Each shard kept its resets and SYN-ACKs in frame order,
        // and a frame is one shard's: merged by frame, they are in the single pass's order (no sort).
        (result.synAcks, result.resets) = CaptureThread.both(threads: shards.count, {
            for (stream, (part, local)) in order.enumerated() { parts[part].withRecord(local) { $0.connection.stream = stream } }
            return mergedByFrame(synAcks, frame: { $0.frame }) { synAck, s in synAck.connection = index[s][synAck.connection] }
        }, {
            mergedByFrame(resets, frame: { $0.frame }) { r, s in
                r.connection = index[s][r.connection]
                r.stream = r.connection
            }
        })
        result.finished = SummaryStore(merging: parts, order: order)
        return result
    }

    /// The shards' lists of one kind, merged by frame into one, each element renumbered for the
    /// merged tracker (`renumber` gets its shard). (Inlined: called through its closures, the
    /// merge took 8.6 ms instead of 6.8 on the 2M-packet capture.)
    @inline(__always)
    private static func mergedByFrame<Element>(_ lists: [PagedList<Element>], frame: (Element) -> Int,
                                               renumber: (inout Element, _ shard: Int) -> Void) -> PagedList<Element> {
        var merged = PagedList<Element>()
        forEachInMergedOrder(counts: lists.map(\.count), key: { frame(lists[$0][$1]) }) { s, i in
            var element = lists[s][i]
            renumber(&element, s)
            merged.append(element)
        }
        return merged
    }
}

