import PacketCore

/// Sequential access to the bytes of a capture file, for the format readers. Whatever the storage
/// (a mapped file, a buffered stream), `peek` hands out a contiguous view that stays valid until the
/// next `peek` or `consume`.
public protocol ByteSource {
    /// The next `count` bytes without consuming them, or nil when the input ends first.
    mutating func peek(_ count: Int) throws(CaptureError) -> ByteView?
    /// Moves past `count` bytes that a previous `peek` returned.
    mutating func consume(_ count: Int)
    /// Bytes consumed so far (offset in the uncompressed input).
    var position: Int64 { get }
    /// True when no byte is left (call after a `peek` returned nil to tell a clean end from a cut).
    mutating func isAtEnd() throws(CaptureError) -> Bool
}
