@testable import ResetAttribution
import Testing

/// `ParallelWork.map`: every result in its index's place, on any number of workers and any chunk
/// (the last one short), each worker with its own scratch.
@Suite struct ParallelWorkTests {
    final class Token {
        let value: Int
        init(_ value: Int) { self.value = value }
    }

    @Test(arguments: [(1, 1), (2, 1), (2, 64), (3, 1000), (2, 20_000)])
    func resultsInIndexOrder(threads: Int, chunk: Int) {
        let count = 10_007
        // References, as the attribution's verdicts hold: written once each, never copied out of an optional.
        let results = ParallelWork.map(count, threads: threads, chunk: chunk, makeScratch: { 0 }) { (i: Int, calls: inout Int) in
            calls += 1
            return (Token(i * 3), calls)
        }
        #expect(results.map(\.0.value) == (0..<count).map { $0 * 3 })
        // Each worker counts its own calls from 1: as many ones as workers that got work.
        let starts = results.filter { $0.1 == 1 }.count
        #expect(starts >= 1 && starts <= max(1, min(threads, (count + chunk - 1) / chunk)))
        #expect(results.map(\.1).reduce(0, +) >= count)
    }
}
