import CSupport

/// A read-only, bounds-checked view of bytes owned by someone else (a mapped file, a stream buffer,
/// libpcap's packet buffer). It is the one place where packet bytes are loaded through a pointer:
/// every load checks its offset and traps rather than read out of bounds, so decoders guard lengths
/// once per header (cheap, and the compiler folds the repeated checks) and then read plainly.
///
/// A view is only valid while its owner keeps the bytes alive: readers document how long that is
/// (until the next record). It never copies.
@frozen
public struct ByteView {
    @usableFromInline let base: UnsafeRawPointer?
    public let count: Int

    /// Wraps bytes the caller keeps alive for as long as the view is used.
    @inlinable
    public init(unsafeStart base: UnsafeRawPointer?, count: Int) {
        precondition(count >= 0 && (base != nil || count == 0), "ByteView: invalid base or count")
        self.base = base
        self.count = count
    }

    public static var empty: ByteView { ByteView(unsafeStart: nil, count: 0) }

    @inlinable public var isEmpty: Bool { count == 0 }

    /// How far this view starts after `other` starts, when both are views of one buffer (a mapped
    /// file); 0 when either is empty.
    @inlinable
    public func distance(from other: ByteView) -> Int {
        guard let base, let start = other.base else { return 0 }
        return start.distance(to: base)
    }

    /// True when `length` bytes starting at `offset` are inside the view.
    @inlinable @inline(__always)
    public func has(_ length: Int, at offset: Int = 0) -> Bool {
        offset >= 0 && length >= 0 && offset <= count &- length
    }

    @inlinable @inline(__always)
    func checkedPointer(_ offset: Int, _ size: Int) -> UnsafeRawPointer {
        precondition(has(size, at: offset), "ByteView: read out of bounds")
        return base.unsafelyUnwrapped + offset
    }

    @inlinable @inline(__always) public func u8(_ offset: Int) -> UInt8 {
        checkedPointer(offset, 1).load(as: UInt8.self)
    }
    @inlinable @inline(__always) public func u16be(_ offset: Int) -> UInt16 {
        UInt16(bigEndian: checkedPointer(offset, 2).loadUnaligned(as: UInt16.self))
    }
    @inlinable @inline(__always) public func u32be(_ offset: Int) -> UInt32 {
        UInt32(bigEndian: checkedPointer(offset, 4).loadUnaligned(as: UInt32.self))
    }
    @inlinable @inline(__always) public func u64be(_ offset: Int) -> UInt64 {
        UInt64(bigEndian: checkedPointer(offset, 8).loadUnaligned(as: UInt64.self))
    }
    @inlinable @inline(__always) public func u16le(_ offset: Int) -> UInt16 {
        UInt16(littleEndian: checkedPointer(offset, 2).loadUnaligned(as: UInt16.self))
    }
    @inlinable @inline(__always) public func u32le(_ offset: Int) -> UInt32 {
        UInt32(littleEndian: checkedPointer(offset, 4).loadUnaligned(as: UInt32.self))
    }
    @inlinable @inline(__always) public func u64le(_ offset: Int) -> UInt64 {
        UInt64(littleEndian: checkedPointer(offset, 8).loadUnaligned(as: UInt64.self))
    }
    /// 16/32/64-bit loads in a byte order chosen at run time (capture file headers).
    @inlinable @inline(__always) public func u16(_ offset: Int, bigEndian: Bool) -> UInt16 {
        bigEndian ? u16be(offset) : u16le(offset)
    }
    @inlinable @inline(__always) public func u32(_ offset: Int, bigEndian: Bool) -> UInt32 {
        bigEndian ? u32be(offset) : u32le(offset)
    }
    @inlinable @inline(__always) public func u64(_ offset: Int, bigEndian: Bool) -> UInt64 {
        bigEndian ? u64be(offset) : u64le(offset)
    }

    /// Hints the CPU to load the cache line at `offset` (nothing when it is outside the view): the
    /// mapped-file reader asks for the next record's header while this one is analyzed.
    @inlinable
    public func prefetch(_ offset: Int) {
        guard has(1, at: offset) else { return }
        csupport_prefetch(base.unsafelyUnwrapped + offset)
    }

    /// The sub-view `[offset, offset + length)`; traps when it is not inside this view.
    @inlinable
    public func slice(_ offset: Int, _ length: Int) -> ByteView {
        precondition(has(length, at: offset), "ByteView: slice out of bounds")
        return ByteView(unsafeStart: length == 0 ? nil : base.unsafelyUnwrapped + offset, count: length)
    }

    /// The bytes from `offset` to the end (empty when `offset >= count`).
    @inlinable
    public func dropFirst(_ offset: Int) -> ByteView {
        offset >= count ? ByteView(unsafeStart: nil, count: 0) : slice(offset, count &- offset)
    }

    /// The first `length` bytes (all of them when the view is shorter).
    @inlinable
    public func prefix(_ length: Int) -> ByteView {
        length >= count ? self : slice(0, max(0, length))
    }

    /// Lets C code (libpcap's BPF interpreter) read the bytes in place.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// A copy, for tests, messages and the few places that must keep bytes (never the hot path).
    public func toArray() -> [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// True when the bytes equal `other`'s.
    public func elementsEqual(_ other: [UInt8]) -> Bool {
        count == other.count && withUnsafeBytes { $0.elementsEqual(other) }
    }
}

extension Array where Element == UInt8 {
    /// Runs `body` with a view of the array's bytes (tests and small buffers).
    public func withByteView<R>(_ body: (ByteView) throws -> R) rethrows -> R {
        try withUnsafeBytes { try body(ByteView(unsafeStart: $0.baseAddress, count: $0.count)) }
    }
}
