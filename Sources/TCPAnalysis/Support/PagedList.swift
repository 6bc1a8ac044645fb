/// A list that grows by fixed pages of 1024 elements, for the lists that grow with the input (the
/// resets, the SYN-ACKs): an append never moves an element. An array doubles instead, copying
/// itself into fresh memory each time and holding up to twice what it needs (the resets of the
/// generated 2M-packet capture took 14 MB in an array for 9 MB of elements, and a fifth of the
/// run's page faults came from those copies). Value semantics, copy on write, like `Array`.
///
/// The pointer code is this file's: every access is checked against `count`.
public struct PagedList<Element>: RandomAccessCollection {
    @usableFromInline static var pageShift: Int { 10 }
    @usableFromInline static var pageSize: Int { 1 << pageShift }

    @usableFromInline
    final class Storage {
        // (No dynamic exclusivity checks: one owner appends, readers only read, and these are read
        // for every access.)
        @exclusivity(unchecked) @usableFromInline var pages: [UnsafeMutablePointer<Element>] = []
        @exclusivity(unchecked) @usableFromInline var count = 0

        init() {}

        deinit {
            for (i, page) in pages.enumerated() {
                page.deinitialize(count: Swift.min(PagedList.pageSize, count - i * PagedList.pageSize))
                page.deallocate()
            }
        }

        func append(_ element: Element) {
            if count == pages.count << PagedList.pageShift {
                pages.append(.allocate(capacity: PagedList.pageSize))
            }
            (pages[count >> PagedList.pageShift] + (count & (PagedList.pageSize - 1))).initialize(to: element)
            count += 1
        }

        /// Drops the elements from `newCount` on, and the pages no element is left in.
        func truncate(to newCount: Int) {
            precondition(newCount >= 0 && newCount <= count, "PagedList: truncating beyond the end")
            for i in newCount..<count { address(i).deinitialize(count: 1) }
            count = newCount
            let pagesNeeded = (newCount + PagedList.pageSize - 1) >> PagedList.pageShift
            while pages.count > pagesNeeded { pages.removeLast().deallocate() }
        }

        @inlinable
        func address(_ index: Int) -> UnsafeMutablePointer<Element> {
            precondition(index >= 0 && index < count, "PagedList: index out of range")
            return pages[index >> PagedList.pageShift] + (index & (PagedList.pageSize - 1))
        }
    }

    @usableFromInline var storage = Storage()

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }

    @inlinable
    public subscript(index: Int) -> Element {
        unsafeAddress { UnsafePointer(storage.address(index)) }
        unsafeMutableAddress {
            makeUnique()
            return storage.address(index)
        }
    }

    /// Element `index`, read where it lies without a reference to this list (see `RecordReference`):
    /// valid while a copy of this list is kept unchanged (a change to a shared list copies it first).
    public func reference(_ index: Int) -> RecordReference<Element> { RecordReference(address: storage.address(index)) }

    public mutating func append(_ element: Element) {
        makeUnique()
        storage.append(element)
    }

    /// Before a change: a list shared with a copy gets storage of its own.
    @usableFromInline
    mutating func makeUnique() {
        guard !isKnownUniquelyReferenced(&storage) else { return }
        let fresh = Storage()
        for i in 0..<storage.count { fresh.append(storage.address(i).pointee) }
        storage = fresh
    }

    /// Removes the elements `remove` picks, keeping the others in order: moved forward in place,
    /// pages left empty freed.
    public mutating func removeAll(where remove: (Element) -> Bool) {
        makeUnique()
        var kept = 0
        for i in 0..<storage.count where !remove(storage.address(i).pointee) {
            if kept != i { storage.address(kept).pointee = storage.address(i).pointee }
            kept += 1
        }
        storage.truncate(to: kept)
    }
}

// Shared storage is never changed (a change copies it first), as with `Array`.
extension PagedList: @unchecked Sendable where Element: Sendable {}
