import Dispatch
import PacketCore
import Synchronization

/// The attribution's independent pieces of work (one proxy front, one chunk of resets) spread
/// over `threads` workers; results come back in the order of the pieces, whatever the threads
/// did, so the outcome is the same on any number of them.
enum ParallelWork {
    /// `work(i, &scratch)` for every i in 0..<count, each worker with a scratch value of its own
    /// (`makeScratch`); the results in the order of i.
    static func map<Scratch, Result>(_ count: Int, threads: Int, makeScratch: () -> Scratch,
                                     _ work: (Int, inout Scratch) -> Result) -> [Result] {
        let workers = max(1, min(threads, count))
        if workers == 1 {
            var scratch = makeScratch()
            return (0..<count).map { work($0, &scratch) }
        }
        var results = [Result?](repeating: nil, count: count)
        let next = Atomic<Int>(0)
        results.withUnsafeMutableBufferPointer { slots in
            // Each slot is written by exactly one worker; concurrentPerform returns after all of them.
            let output = SharedSlots(slots)
            withoutActuallyEscaping(makeScratch) { makeScratch in
                withoutActuallyEscaping(work) { work in
                    let box = Box(makeScratch: makeScratch, work: work)
                    DispatchQueue.concurrentPerform(iterations: workers) { _ in
                        var scratch = box.makeScratch()
                        while true {
                            let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                            guard i < count else { break }
                            output.buffer[i] = box.work(i, &scratch)
                        }
                    }
                }
            }
        }
        return results.map { $0! }
    }

    /// The closures, handed to the workers (each calls them on its own scratch and indices).
    private final class Box<Scratch, Result>: @unchecked Sendable {
        let makeScratch: () -> Scratch
        let work: (Int, inout Scratch) -> Result
        init(makeScratch: @escaping () -> Scratch, work: @escaping (Int, inout Scratch) -> Result) {
            self.makeScratch = makeScratch
            self.work = work
        }
    }
}
