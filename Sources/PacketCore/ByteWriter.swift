/// Where formatted output goes, byte by byte: a `ByteWriter` (the reports), or a `[UInt8]` (tests,
/// short strings). The formatters (numbers, addresses, times, JSON) are generic over it and
/// specialized for each.
public protocol ByteSink: ~Copyable {
    mutating func append(_ byte: UInt8)
    mutating func append(_ bytes: UnsafeRawBufferPointer)
    /// A requirement (with a default below) so that generic formatters get a sink's own faster
    /// way: `ByteWriter` writes the digits in place.
    mutating func appendDecimal(_ value: Int)
}

extension ByteSink where Self: ~Copyable {
    @inlinable @inline(__always)
    public mutating func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inlinable
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    @inlinable
    public mutating func append(utf8 text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// A decimal integer: digits from the right into a stack buffer, then one append.
    @inlinable
    public mutating func appendDecimal(_ value: Int) {
        if value >= 0 && value < 10 {
            append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        if value < 0 { append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            let start = DecimalDigits.write(value.magnitude, endingAt: buffer.count, in: buffer.baseAddress!)
            append(UnsafeRawBufferPointer(rebasing: buffer[start...]))
        }
    }
}

/// Decimal digits two at a time from a table (half the divisions of one at a time).
public enum DecimalDigits {
    @usableFromInline static let pairs: StaticString = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

    /// How many digits `value` has (a few comparisons, no division).
    @inlinable
    public static func count(_ value: UInt) -> Int {
        if value < 10_000 { return value < 100 ? (value < 10 ? 1 : 2) : (value < 1000 ? 3 : 4) }
        if value < 100_000_000 { return value < 1_000_000 ? (value < 100_000 ? 5 : 6) : (value < 10_000_000 ? 7 : 8) }
        var digits = 9
        var bound: UInt = 1_000_000_000
        while digits < 20 && value >= bound { digits += 1; bound &*= 10 }
        return digits
    }

    /// Writes `value`'s digits so that the last one lands just before `end`; returns where the
    /// first one is.
    @inlinable
    public static func write(_ value: UInt, endingAt end: Int, in buffer: UnsafeMutableRawPointer) -> Int {
        var v = value
        var i = end
        let table = pairs.utf8Start
        while v >= 100 {
            let pair = Int(v % 100) * 2
            v /= 100
            i -= 2
            buffer.storeBytes(of: table[pair], toByteOffset: i, as: UInt8.self)
            buffer.storeBytes(of: table[pair + 1], toByteOffset: i + 1, as: UInt8.self)
        }
        if v >= 10 {
            let pair = Int(v) * 2
            i -= 2
            buffer.storeBytes(of: table[pair], toByteOffset: i, as: UInt8.self)
            buffer.storeBytes(of: table[pair + 1], toByteOffset: i + 1, as: UInt8.self)
        } else {
            i -= 1
            buffer.storeBytes(of: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v), toByteOffset: i, as: UInt8.self)
        }
        return i
    }

    /// Writes exactly `width` digits of `value` (zero-padded; `value` must fit) at `offset`.
    @inlinable
    public static func write(_ value: UInt, width: Int, at offset: Int, in buffer: UnsafeMutableRawPointer) {
        var v = value
        var i = offset + width
        let table = pairs.utf8Start
        while i - offset >= 2 {
            let pair = Int(v % 100) * 2
            v /= 100
            i -= 2
            buffer.storeBytes(of: table[pair], toByteOffset: i, as: UInt8.self)
            buffer.storeBytes(of: table[pair + 1], toByteOffset: i + 1, as: UInt8.self)
        }
        if i > offset {
            buffer.storeBytes(of: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10), toByteOffset: offset, as: UInt8.self)
        }
    }
}

extension Array: ByteSink where Element == UInt8 {
    @inlinable
    public mutating func append(_ bytes: UnsafeRawBufferPointer) { append(contentsOf: bytes) }
}

/// A growable buffer of output bytes, the write side of `ByteView`: an append is a capacity check
/// and a store (no array uniqueness check, no generic path), and growth doubles. Not copyable: it
/// has one owner and frees its bytes when it goes. The reports build every line in one.
public struct ByteWriter: ~Copyable, ByteSink {
    @usableFromInline var base: UnsafeMutableRawPointer
    @usableFromInline var capacity: Int
    @usableFromInline var length = 0

    public var count: Int { length }

    /// One entry a formatter may keep in the writer it writes into, for text it would compute again
    /// for the next line (RFC 3339 times keep the last second's date and time: lines in a row
    /// mostly share it). `memoKey` says what `memoText` holds; `Int64.min`: nothing.
    public var memoKey = Int64.min
    public var memoText: (UInt64, UInt64, UInt64) = (0, 0, 0)

    public init(capacity: Int = 4096) {
        self.capacity = max(capacity, 16)
        base = .allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        if length == capacity { grow(to: length + 1) }
        base.storeBytes(of: byte, toByteOffset: length, as: UInt8.self)
        length += 1
    }

    @inlinable @inline(__always)
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress else { return }
        let n = bytes.count
        if length + n > capacity { grow(to: length + n) }
        Self.copy(n, from: source, to: base + length)
        length += n
    }

    /// Copies `n` bytes. Keys, separators, short numbers: two overlapping word copies beat a call
    /// to memmove.
    @inlinable @inline(__always)
    static func copy(_ n: Int, from source: UnsafeRawPointer, to target: UnsafeMutableRawPointer) {
        if n >= 8 && n <= 16 {
            target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
            (target + n - 8).storeBytes(of: (source + n - 8).loadUnaligned(as: UInt64.self), as: UInt64.self)
        } else if n >= 4 && n < 8 {
            target.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
            (target + n - 4).storeBytes(of: (source + n - 4).loadUnaligned(as: UInt32.self), as: UInt32.self)
        } else if n < 4 {
            for i in 0..<n { target.storeBytes(of: source.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self) }
        } else {
            target.copyMemory(from: source, byteCount: n)
        }
    }

    /// The last byte written, if any.
    public var last: UInt8? { count == 0 ? nil : base.load(fromByteOffset: count - 1, as: UInt8.self) }

    @usableFromInline @inline(never)
    mutating func grow(to needed: Int) {
        var size = capacity
        while size < needed { size *= 2 }
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        bigger.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = bigger
        capacity = size
    }

    /// Forgets the bytes, keeping the memory.
    public mutating func removeAll() { length = 0 }

    /// Appends another writer's bytes.
    public mutating func append(_ other: borrowing ByteWriter) {
        other.withUnsafeBytes { append($0) }
    }

    /// `,"name":`, the start of a JSON field after the first, with one capacity check.
    @inlinable @inline(__always)
    public mutating func appendKey(_ name: StaticString) {
        let n = name.utf8CodeUnitCount
        if length + n + 4 > capacity { grow(to: length + n + 4) }
        let target = base + length
        target.storeBytes(of: UInt16(0x222C), as: UInt16.self)  // ,"
        Self.copy(n, from: UnsafeRawPointer(name.utf8Start), to: target + 2)
        (target + 2 + n).storeBytes(of: UInt16(0x3A22), as: UInt16.self)  // ":
        length += n + 4
    }

    /// `"text"`: a quoted word that needs no escaping (JSON vocabulary), with one capacity check.
    @inlinable @inline(__always)
    public mutating func appendQuoted(_ text: StaticString) {
        let n = text.utf8CodeUnitCount
        if length + n + 2 > capacity { grow(to: length + n + 2) }
        let target = base + length
        target.storeBytes(of: UInt8(ascii: "\""), as: UInt8.self)
        Self.copy(n, from: UnsafeRawPointer(text.utf8Start), to: target + 1)
        (target + 1 + n).storeBytes(of: UInt8(ascii: "\""), as: UInt8.self)
        length += n + 2
    }

    /// `value / 10^digits` with exactly `digits` decimals (`-1.234`, `0.050`), written in place:
    /// the reports' milliseconds and confidences. `digits` is 1...4 (a constant at the call: inlined,
    /// the divisions become multiplications).
    @inlinable @inline(__always)
    public mutating func appendDecimal(_ value: Int, fractionDigits digits: Int) {
        precondition((1...4).contains(digits), "ByteWriter: 1 to 4 decimals")
        // Room for the longest: a sign, 18 integer digits, the point and the decimals (21 bytes).
        if length + 24 > capacity { grow(to: length + 24) }
        if value < 0 {
            base.storeBytes(of: UInt8(ascii: "-"), toByteOffset: length, as: UInt8.self)
            length += 1
        }
        var scale = 10
        for _ in 1..<digits { scale &*= 10 }
        let magnitude = value.magnitude
        appendDecimal(Int(magnitude / UInt(scale)))
        base.storeBytes(of: UInt8(ascii: "."), toByteOffset: length, as: UInt8.self)
        DecimalDigits.write(magnitude % UInt(scale), width: digits, at: length + 1, in: base)
        length += 1 + digits
    }

    /// A decimal integer written in place at the end (no stack buffer and second copy): the
    /// formatters' most common call. Same digits as `ByteSink.appendDecimal`.
    @inlinable @inline(__always)
    public mutating func appendDecimal(_ value: Int) {
        if length + 20 > capacity { grow(to: length + 20) }
        if value >= 0 && value < 10 {
            base.storeBytes(of: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value), toByteOffset: length, as: UInt8.self)
            length += 1
            return
        }
        if value < 0 {
            base.storeBytes(of: UInt8(ascii: "-"), toByteOffset: length, as: UInt8.self)
            length += 1
        }
        let magnitude = value.magnitude
        let digits = DecimalDigits.count(magnitude)
        _ = DecimalDigits.write(magnitude, endingAt: length + digits, in: base)
        length += digits
    }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// A copy of the bytes (tests, and callers that keep a line).
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }
}
