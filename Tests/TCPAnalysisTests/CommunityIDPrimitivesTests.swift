@testable import TCPAnalysis
import Testing

/// SHA-1 and base64, the two primitives of the Community ID, against their standards' vectors.
@Suite struct CommunityIDPrimitivesTests {
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// FIPS 180-4 / NIST CSRC examples (one block, two blocks, a million 'a').
    @Test(arguments: [
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "a49b2446a02c645bf419f995b67091253a04a259"),
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
    ])
    func sha1Vectors(message: String, digest: String) {
        #expect(Self.hex(SHA1.hash(Array(message.utf8))) == digest)
    }

    @Test func sha1OneMillionA() {
        var sha = SHA1()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { sha.update(chunk) }
        #expect(Self.hex(sha.finalize()) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    /// Lengths around the padding boundaries (55/56 bytes fit one or need two blocks).
    @Test(arguments: [
        (55, "c1c8bbdc22796e28c0e15163d20899b65621d65a"),
        (56, "c2db330f6083854c99d4b5bfb6e8f29f201be699"),
        (63, "03f09f5b158a7a8cdad920bddc29b81c18a551f5"),
        (64, "0098ba824b5c16427bd7a1122a5a442a25ec644d"),
        (65, "11655326c708d70319be2610e8a57d9a5b959d3b"),
        (119, "ee971065aaa017e0632a8ca6c77bb3bf8b1dfc56"),
        (120, "f34c1488385346a55709ba056ddd08280dd4c6d6"),
    ])
    func sha1PaddingBoundaries(length: Int, digest: String) {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: length)
        #expect(Self.hex(SHA1.hash(message)) == digest)
        // Split anywhere: the same digest.
        for split in [0, 1, length / 2, length] {
            var sha = SHA1()
            sha.update(message[..<split])
            sha.update(message[split...])
            #expect(Self.hex(sha.finalize()) == digest)
        }
    }

    /// RFC 4648 section 10.
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ])
    func base64Vectors(input: String, encoded: String) {
        #expect(Base64.encode(Array(input.utf8)) == encoded)
        #expect(Self.appended(Array(input.utf8)) == encoded)
    }

    static func appended(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        bytes.withUnsafeBytes { Base64.append($0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Base64 the slow way (a string of bits, six at a time): the reference for any length.
    static func base64Reference(_ bytes: [UInt8]) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var bits = bytes.map { byte in
            let binary = String(byte, radix: 2)
            return String(repeating: "0", count: 8 - binary.count) + binary
        }.joined()
        while bits.count % 6 != 0 { bits += "0" }
        var text = ""
        var rest = Substring(bits)
        while !rest.isEmpty {
            text.append(letters[Int(rest.prefix(6), radix: 2)!])
            rest = rest.dropFirst(6)
        }
        while text.count % 4 != 0 { text += "=" }
        return text
    }

    /// The writer's path (48-byte blocks through a stack buffer) at every length around the block
    /// size, padding included.
    @Test func base64AppendMatchesEncodeAtEveryLength() {
        for length in 0...150 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ length) }
            #expect(Self.appended(bytes) == Self.base64Reference(bytes))
            #expect(Base64.encode(bytes) == Self.base64Reference(bytes))
        }
    }

    @Test func base64UsesTheWholeAlphabet() {
        // 0x00 0x10 0x83 ... walks every 6-bit value in order.
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: 64, by: 4) {
            let group = UInt32(i) << 18 | UInt32(i + 1) << 12 | UInt32(i + 2) << 6 | UInt32(i + 3)
            bytes += [UInt8(group >> 16), UInt8(group >> 8 & 0xFF), UInt8(group & 0xFF)]
        }
        #expect(Base64.encode(bytes) == "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    }
}

/// The CPU's SHA instructions (where it has them) against the portable compression.
@Suite struct SHA1HardwareTests {
    static func words(_ message: [UInt8], hardware: Bool) -> [UInt32] {
        let h = message.withUnsafeBytes { SHA1.hashShortWords($0, hardware: hardware) }
        return [h.0, h.1, h.2, h.3, h.4]
    }

    /// Every one-block length with pseudo-random bytes (and all-zero and all-ones bytes): the same
    /// state words both ways; and the portable words are FIPS 180-4's digest of "abc".
    @Test func hardwareMatchesPortable() {
        #expect(Self.words(Array("abc".utf8), hardware: false) == [0xA999_3E36, 0x4706_816A, 0xBA3E_2571, 0x7850_C26C, 0x9CD0_D89D])
        guard SHA1.hardwareAvailable else { return }  // a CPU without them runs the portable path only
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for length in 0...55 {
            for fill in 0..<3 {
                let message = (0..<length).map { _ -> UInt8 in
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    return fill == 0 ? UInt8(truncatingIfNeeded: state >> 33) : fill == 1 ? 0 : 0xFF
                }
                #expect(Self.words(message, hardware: true) == Self.words(message, hardware: false), "length \(length)")
            }
        }
    }
}
