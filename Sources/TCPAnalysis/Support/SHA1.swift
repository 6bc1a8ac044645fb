import CSupport

/// SHA-1 as FIPS 180-4 (section 6.1) defines it: 512-bit blocks, 80 rounds, a 160-bit digest.
/// Used for Community ID flow hashes, not for anything that needs collision resistance.
///
/// Incremental: `update` any number of times, then `finalize` once. No heap allocation per block.
/// Blocks are compressed by the CPU's SHA instructions where it has them (a tenth of the
/// instructions), else by the portable code here; both give the same digest (tested).
public struct SHA1: Sendable {
    /// Whether `compress` uses the CPU's SHA instructions (x86-64 with the SHA extensions).
    static let hardwareAvailable = csupport_sha1_available() != 0

    public static let digestLength = 20

    private var h0: UInt32 = 0x6745_2301
    private var h1: UInt32 = 0xEFCD_AB89
    private var h2: UInt32 = 0x98BA_DCFE
    private var h3: UInt32 = 0x1032_5476
    private var h4: UInt32 = 0xC3D2_E1F0
    /// Bytes not yet compressed (fewer than 64).
    private var pending: [UInt8] = []
    /// Bytes already compressed (a multiple of 64).
    private var compressedLength: UInt64 = 0

    public init() {
        pending.reserveCapacity(64)
    }

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var sha = SHA1()
        sha.update(bytes)
        return sha.finalize()
    }

    /// The digest of a message of at most 55 bytes (one padded block: a Community ID's input),
    /// computed on the stack.
    public static func hashShort(_ message: [UInt8]) -> [UInt8] {
        digest(message.withUnsafeBytes { hashShortWords($0) })
    }

    /// `hashShort` as the five state words (big-endian order), without an array.
    public static func hashShortWords(_ message: UnsafeRawBufferPointer) -> (UInt32, UInt32, UInt32, UInt32, UInt32) {
        hashShortWords(message, hardware: hardwareAvailable)
    }

    /// `hashShortWords` by the CPU's instructions or by the portable code (tests compare them).
    static func hashShortWords(_ message: UnsafeRawBufferPointer, hardware: Bool) -> (UInt32, UInt32, UInt32, UInt32, UInt32) {
        precondition(message.count <= 55, "SHA1.hashShort: more than one block")
        var state = (UInt32(0x6745_2301), UInt32(0xEFCD_AB89), UInt32(0x98BA_DCFE), UInt32(0x1032_5476), UInt32(0xC3D2_E1F0))
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { block in
            block.initialize(repeating: 0)
            if let start = message.baseAddress { UnsafeMutableRawPointer(block.baseAddress!).copyMemory(from: start, byteCount: message.count) }
            block[message.count] = 0x80
            let bitLength = UInt64(message.count) * 8
            for i in 0..<8 { block[56 + i] = UInt8(truncatingIfNeeded: bitLength >> UInt64(56 - 8 * i)) }
            compress(UnsafeBufferPointer(block), &state, hardware: hardware)
        }
        return state
    }

    /// The five state words as the 20-byte digest, big-endian.
    private static func digest(_ h: (UInt32, UInt32, UInt32, UInt32, UInt32)) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digestLength)
        for word in [h.0, h.1, h.2, h.3, h.4] {
            for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt32(shift))) }
        }
        return bytes
    }

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            pending.append(byte)
            if pending.count == 64 { compressPending() }
        }
    }

    /// Pads (a 1 bit, zeros, the message length in bits as 64 bits big-endian; 5.1.1) and returns
    /// the 20-byte digest. The hasher is spent afterwards.
    public mutating func finalize() -> [UInt8] {
        let bitLength = (compressedLength &+ UInt64(pending.count)) &* 8
        pending.append(0x80)
        if pending.count > 56 {
            while pending.count < 64 { pending.append(0) }
            compressPending()
        }
        while pending.count < 56 { pending.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { pending.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        compressPending()
        return Self.digest((h0, h1, h2, h3, h4))
    }

    @inline(__always)
    private static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { x << n | x >> (32 - n) }

    /// The compression function (6.1.2) over the 64 pending bytes.
    private mutating func compressPending() {
        var state = (h0, h1, h2, h3, h4)
        pending.withUnsafeBufferPointer { Self.compress($0, &state) }
        (h0, h1, h2, h3, h4) = state
        compressedLength &+= 64
        pending.removeAll(keepingCapacity: true)
    }

    /// The compression function (6.1.2) over one 64-byte block.
    private static func compress(_ block: UnsafeBufferPointer<UInt8>, _ h: inout (UInt32, UInt32, UInt32, UInt32, UInt32),
                                 hardware: Bool = hardwareAvailable) {
        precondition(block.count == 64, "SHA1.compress: a block is 64 bytes")
        guard hardware else { return portableCompress(block, &h) }
        withUnsafeMutableBytes(of: &h) { csupport_sha1_block($0.baseAddress!.assumingMemoryBound(to: UInt32.self), block.baseAddress!) }
    }

    /// The compression in Swift: the four 20-round stages as loops of their own (no switch per round).
    private static func portableCompress(_ block: UnsafeBufferPointer<UInt8>, _ h: inout (UInt32, UInt32, UInt32, UInt32, UInt32)) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
            let raw = UnsafeRawPointer(block.baseAddress!)
            for t in 0..<16 { w[t] = UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 4 * t, as: UInt32.self)) }
            for t in 16..<80 { w[t] = SHA1.rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1) }

            var a = h.0, b = h.1, c = h.2, d = h.3, e = h.4
            @inline(__always) func round(_ f: UInt32, _ k: UInt32, _ t: Int) {
                let temp = SHA1.rotl(a, 5) &+ f &+ e &+ k &+ w[t]
                e = d
                d = c
                c = SHA1.rotl(b, 30)
                b = a
                a = temp
            }
            for t in 0..<20 { round((b & c) | (~b & d), 0x5A82_7999, t) }           // Ch
            for t in 20..<40 { round(b ^ c ^ d, 0x6ED9_EBA1, t) }                    // Parity
            for t in 40..<60 { round((b & c) | (b & d) | (c & d), 0x8F1B_BCDC, t) }  // Maj
            for t in 60..<80 { round(b ^ c ^ d, 0xCA62_C1D6, t) }                    // Parity
            h.0 &+= a; h.1 &+= b; h.2 &+= c; h.3 &+= d; h.4 &+= e
        }
    }
}
