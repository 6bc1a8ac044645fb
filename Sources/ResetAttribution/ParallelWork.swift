import Dispatch
import PacketCore
import Synchronization

/// The attribution's independent pieces of work (one proxy front, one chunk of resets) spread
/// over `threads` workers; results come back in the order of the pieces, whatever the threads
/// did, so the outcome is the same on any number of them.
enum ParallelWork {
    /// `work(i, &scratch)` for every i in 0..<count, each worker with a scratch value of its own
    /// (`makeScratch`) taking `chunk` consecutive indices at a time; the results in the order of i,
    /// each written in its place once (no array of optionals copied into the result: a result
    /// that holds references cost a retain and a release more, on objects every thread touches).
    static func map<Scratch, Result>(_ count: Int, threads: Int, chunk: Int = 1, makeScratch: () -> Scratch,
                                     _ work: (Int, inout Scratch) -> Result) -> [Result] {
        let workers = max(1, min(threads, (count + chunk - 1) / chunk))
        if workers == 1 {
            var scratch = makeScratch()
            return (0..<count).map { work($0, &scratch) }
        }
        let next = Atomic<Int>(0)
        return [Result](unsafeUninitializedCapacity: count) { slots, initialized in
            // Each slot is initialized by exactly one worker; concurrentPerform returns after all of them.
            let output = SharedSlots(slots)
            withoutActuallyEscaping(makeScratch) { makeScratch in
                withoutActuallyEscaping(work) { work in
                    let box = Box(makeScratch: makeScratch, work: work)
                    DispatchQueue.concurrentPerform(iterations: workers) { _ in
                        var scratch = box.makeScratch()
                        while true {
                            let start = next.wrappingAdd(chunk, ordering: .relaxed).oldValue
                            guard start < count else { break }
                            for i in start..<min(count, start + chunk) {
                                (output.buffer.baseAddress! + i).initialize(to: box.work(i, &scratch))
                            }
                        }
                    }
                }
            }
            initialized = count
        }
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
