/// Result slots handed to other threads: each slot is written by one thread, and every writer is
/// joined before the slots are read (`CaptureThread.both`, the attribution's parallel map), which
/// the caller vouches for.
public struct SharedSlots<Element>: @unchecked Sendable {
    public let buffer: UnsafeMutableBufferPointer<Element>
    public init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
