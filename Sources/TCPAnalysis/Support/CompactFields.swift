/// Compact storage for the per-connection records (one per connection, kept for the whole input):
/// each wrapper stores a field in fewer bytes and reads and writes it as the plain type the rest of
/// the code uses.

/// A count or a frame number in 32 bits (Wireshark's `frame.number` is a guint32 too), read as an
/// `Int`; values beyond 32 bits saturate.
@propertyWrapper
public struct Count32: Sendable {
    @usableFromInline var raw: UInt32

    @inlinable public init(wrappedValue: Int) { raw = UInt32(clamping: wrappedValue) }

    @inlinable public var wrappedValue: Int {
        get { Int(raw) }
        set { raw = UInt32(clamping: newValue) }
    }
}

/// An optional time (nanoseconds) in eight bytes: `Int64.min`, which no capture's clock reaches,
/// stands for none.
@propertyWrapper
public struct OptionalTime: Sendable {
    @usableFromInline var raw: Int64

    @inlinable public init(wrappedValue: Int64?) { raw = wrappedValue ?? .min }

    @inlinable public var wrappedValue: Int64? {
        get { raw == .min ? nil : raw }
        set { raw = newValue ?? .min }
    }
}

/// An optional side of a connection (0 or 1) in one byte, -1 for none.
@propertyWrapper
public struct OptionalSide<Value: FixedWidthInteger & Sendable>: Sendable {
    @usableFromInline var raw: Int8

    @inlinable public init(wrappedValue: Value?) { raw = wrappedValue.map { Int8(truncatingIfNeeded: $0) } ?? -1 }

    @inlinable public var wrappedValue: Value? {
        get { raw < 0 ? nil : Value(raw) }
        set { raw = newValue.map { Int8(truncatingIfNeeded: $0) } ?? -1 }
    }
}

/// Up to eight flags in one byte.
@frozen
public struct FlagByte: Sendable {
    @usableFromInline var raw: UInt8

    @inlinable public init(_ raw: UInt8 = 0) { self.raw = raw }

    @inlinable public subscript(_ bit: UInt8) -> Bool {
        get { raw & bit != 0 }
        set { raw = newValue ? raw | bit : raw & ~bit }
    }
}
