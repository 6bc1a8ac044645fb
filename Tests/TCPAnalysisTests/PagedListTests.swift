import TCPAnalysis
import Testing

/// The paged list against an Array doing the same: appends across page boundaries, copies that
/// stay apart when one changes, removal in place, and elements released exactly once.
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
}
