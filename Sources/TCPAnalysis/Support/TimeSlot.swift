/// A connection's time (nanoseconds) in 32 bits, exact for every value.
///
/// A time of a connection record took 8 bytes, and its twenty times were 160 of its 272: a slot
/// keeps the offset from the connection's first time (a duration: from zero) in the connection's
/// clock unit, 31 bits of it. The unit is a microsecond when the first time is a whole microsecond
/// (classic pcap's clock and pcapng's default: 35.8 minutes fit) and a nanosecond otherwise (2.1
/// seconds fit). A value that does not fit (a longer connection, a finer clock than the first
/// packet's, a clock that ran backwards) is kept whole in `WideTimes` and the slot holds its index:
/// compact for nearly every connection, exact for all of them.
@frozen
public struct TimeSlot: Sendable {
    @usableFromInline var raw: UInt32

    /// No time (an optional field's nil).
    @usableFromInline static let none: UInt32 = 0xFFFF_FFFF
    /// The time 0, which several fields use for "none yet" (and which lies far from any base).
    @usableFromInline static let zero: UInt32 = 0xFFFF_FFFE
    /// Set: the other 31 bits are an index in `WideTimes` (below `zero`'s).
    @usableFromInline static let wide: UInt32 = 0x8000_0000

    /// A slot holding no time.
    @inlinable public static var empty: TimeSlot { TimeSlot(raw: none) }
    /// A slot holding the time 0.
    @inlinable public static var zeroTime: TimeSlot { TimeSlot(raw: zero) }

    @inlinable init(raw: UInt32) { self.raw = raw }

    /// The slot of `value` (nil: none) on `scale`.
    @inlinable public init(_ value: Int64?, _ scale: TimeScale) {
        raw = TimeSlot.none
        set(value, scale)
    }

    /// The value is kept whole in `WideTimes` (the other 31 bits are its index).
    @inlinable var isWide: Bool { raw >= TimeSlot.wide && raw < TimeSlot.zero }

    /// Where in `WideTimes` the value is kept whole (nil: the slot holds it).
    @inlinable public var wideIndex: Int? { isWide ? Int(raw & ~TimeSlot.wide) : nil }

    /// The time held (nil: none) on `scale`, the scale it was set on.
    @inlinable @inline(__always)
    public func get(_ scale: TimeScale) -> Int64? {
        raw < TimeSlot.wide || raw != TimeSlot.none ? value(scale) : nil  // (the common case tested first)
    }

    /// The time held by a slot that always holds one (set as 0 at first).
    @inlinable @inline(__always)
    public func value(_ scale: TimeScale) -> Int64 {
        if raw < TimeSlot.wide { return scale.base &+ (scale.nanoseconds ? Int64(raw) : Int64(raw) &* 1000) }
        if raw == TimeSlot.zero { return 0 }  // (common: "none yet" in several fields)
        return TimeSlot.wideValue(raw)
    }

    /// Whether it holds the time 0 ("none yet"), told without a scale: an offset never stands for
    /// 0, so only the code for 0 or a wide entry can.
    @inlinable @inline(__always)
    public var isZero: Bool { raw == TimeSlot.zero || (isWide && TimeSlot.wideValue(raw) == 0) }

    /// The same time as a slot on `new` (its connection's first time moved), in a fresh slot: one
    /// that went wide would otherwise stay wide.
    public func rescaled(from old: TimeScale, to new: TimeScale) -> TimeSlot {
        TimeSlot(get(old), new)
    }

    /// Keeps the time a stamp read: its offset, worked out once for every slot of the connection
    /// that takes it.
    @inlinable @inline(__always)
    public mutating func set(_ stamp: SlotStamp) {
        if stamp.raw < TimeSlot.wide && !isWide {
            raw = stamp.raw
        } else {
            set(stamp.value, stamp.scale)
        }
    }

    /// The value a wide slot keeps in `WideTimes`.
    @usableFromInline @inline(never)
    static func wideValue(_ raw: UInt32) -> Int64 {
        WideTimes.shared[Int(raw & ~TimeSlot.wide)]
    }

    /// Keeps `value` (nil: none). A slot that went wide stays wide: its entry takes later values,
    /// so a connection adds at most one entry per slot to `WideTimes` however often it writes.
    @inlinable @inline(__always)
    public mutating func set(_ value: Int64?, _ scale: TimeScale) {
        guard let value else {
            raw = TimeSlot.none
            return
        }
        if !isWide {
            let offset = TimeSlot.offset(value, scale)
            if offset < TimeSlot.wide {
                raw = offset
                return
            }
            if value == 0 {
                raw = TimeSlot.zero
                return
            }
        }
        setSlowly(value)
    }

    /// `value`'s offset on `scale` when it fits a slot (and is not 0); else `none`.
    @inlinable @inline(__always)
    static func offset(_ value: Int64, _ scale: TimeScale) -> UInt32 {
        let (offset, overflow) = value.subtractingReportingOverflow(scale.base)
        guard !overflow && offset >= 0 && value != 0 else { return none }
        if scale.nanoseconds { return offset < Int64(wide) ? UInt32(truncatingIfNeeded: offset) : none }
        let micro = offset / 1000
        return micro < Int64(wide) && micro &* 1000 == offset ? UInt32(truncatingIfNeeded: micro) : none
    }

    /// Keeps a value in `WideTimes`: in the slot's entry when it has one, else in a new one.
    @usableFromInline @inline(never)
    mutating func setSlowly(_ value: Int64) {
        if let index = wideIndex {
            WideTimes.shared[index] = value
        } else {
            raw = TimeSlot.wide | WideTimes.shared.append(value)
        }
    }
}

/// A time and its offset on a connection's scale, worked out once for the slots that take it (a
/// segment's time goes to several).
@frozen
public struct SlotStamp: Sendable {
    public let value: Int64
    public let scale: TimeScale
    /// The offset (`TimeSlot.none`: the time does not fit a slot).
    @usableFromInline let raw: UInt32

    @inlinable @inline(__always)
    public init(_ value: Int64, _ scale: TimeScale) {
        self.value = value
        self.scale = scale
        raw = TimeSlot.offset(value, scale)
    }
}

/// What a connection's slots are offsets from, and in which unit.
@frozen
public struct TimeScale: Sendable {
    public let base: Int64
    public let nanoseconds: Bool

    @inlinable public init(base: Int64, nanoseconds: Bool) {
        self.base = base
        self.nanoseconds = nanoseconds
    }

    /// The scale of the durations of a connection on this scale: the same unit, from zero.
    @inlinable public var durations: TimeScale { TimeScale(base: 0, nanoseconds: nanoseconds) }

    /// The unit for a connection whose first time is `first`: a microsecond when that is a whole one.
    @inlinable public static func nanoseconds(for first: Int64) -> Bool { first % 1000 != 0 }
}
