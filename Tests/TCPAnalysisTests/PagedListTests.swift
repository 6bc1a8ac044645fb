import TCPAnalysis
import Testing

/// The paged list against an Array doing the same: appends across page boundaries, copies that
/// stay apart when one changes, removal in place, elements released exactly once, and references
/// that read an element in place for as long as a list holding it is kept.
struct PagedListTests {
    final class Token {
        static nonisolated(unsafe) var alive = 0
        let value: Int
        init(_ value: Int) { self.value = value; Token.alive += 1 }
        deinit { Token.alive -= 1 }
    }

    @Test func behavesLikeAnArray() {
        var list = PagedList<Int>(), array: [Int] = []
        for i in 0..<5_000 { list.append(i * 7); array.append(i * 7) }
        #expect(Array(list) == array)
        var copy = list
        copy[1024] = -1
        copy.append(99)
        #expect(Array(list) == array)
        #expect(copy[1024] == -1 && copy.count == 5_001)
        for step in [3, 1024, 1] {
            list.removeAll { $0 % step == 0 }
            array.removeAll { $0 % step == 0 }
            #expect(Array(list) == array)
        }
        #expect(list.isEmpty)
        list.append(5)
        #expect(Array(list) == [5])
    }

    @Test func releasesEveryElementOnce() {
        do {
            var list = PagedList<Token>()
            for i in 0..<3_000 { list.append(Token(i)) }
            list.removeAll { $0.value % 2 == 1 }
            #expect(Token.alive == 1_500)
            #expect(list.map(\.value) == Array(stride(from: 0, to: 3_000, by: 2)))
        }
        #expect(Token.alive == 0)
    }

    @Test func aReferenceReadsItsElementWhileACopyIsKept() {
        var list = PagedList<Int>()
        for i in 0..<3_000 { list.append(i) }
        let early = list.reference(5), late = list.reference(2_500)
        let kept = list
        // Changes to the list: its storage is shared with `kept`, so it is copied first.
        list.removeAll { $0 % 2 == 0 }
        list[0] = -1
        #expect(early.record == 5 && late.record == 2_500)
        #expect(list[0] == -1 && list.count == 1_500 && kept[5] == 5)
        // Appending to a list held once moves no element.
        var grown = PagedList<Int>()
        grown.append(42)
        let first = grown.reference(0)
        for i in 0..<5_000 { grown.append(i) }
        #expect(first.record == 42)
    }
}
