#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TCPAnalysis

/// Finds resets sent after the same idle time ("214 connections reset by the proxy after 60.0 ±
/// 0.1 s idle: looks like a 60 s timeout"). Idle times go into a bounded histogram of
/// logarithmic bins (2% wide), never a list per connection; a bin with its neighbours holding at
/// least two resets from the same attribution is a cluster.
enum TimeoutClustering {
    static let minimumIdle: Int64 = 100_000_000
    static let binsPerDecade = 116.0  // 10^(1/116) ≈ 1.02

    /// How long the reset's receiver had been silent: what a timeout measures.
    static func silence(_ r: ResetObservation) -> Int64 { max(r.peerSilence, r.idleBefore) }
    static func silence(_ v: ResetVerdict) -> Int64 { silence(v.observation) }

    static func bin(_ idle: Int64) -> Int { Int((log10(Double(idle)) * binsPerDecade).rounded(.down)) }

    static func candidate(_ v: ResetVerdict) -> Bool {
        candidate(benign: v.benign, duplicate: v.observation.isDuplicate, silence: silence(v), attribution: v.attribution, cause: v.cause)
    }

    /// The same from a verdict's parts, before the verdict is built (`ResetAnalyzer.judge` leaves
    /// room in the evidence of a reset that may join a cluster).
    static func candidate(benign: Bool, duplicate: Bool, silence: Int64, attribution: Attribution, cause: ResetCause) -> Bool {
        !benign && !duplicate && silence >= minimumIdle
            && attribution != .network && attribution != .client && (cause == .timeout || cause == .unknown)
    }

    static func clusters(_ verdicts: [ResetVerdict]) -> [TimeoutCluster] {
        // (attribution, bin) -> count, sum, sum of squares: bounded by the number of bins in use.
        struct Key: Hashable { var attribution: Attribution; var bin: Int }
        var bins: [Key: (count: Int, sum: Double, squares: Double)] = [:]
        for i in verdicts.indices where candidate(verdicts[i]) {  // (by index: a bound verdict is a copy)
            let ms = Double(silence(verdicts[i])) / 1e6
            let key = Key(attribution: verdicts[i].attribution, bin: bin(silence(verdicts[i])))
            var entry = bins[key] ?? (0, 0, 0)
            entry.count += 1; entry.sum += ms; entry.squares += ms * ms
            bins[key] = entry
        }
        // Named once per bin, for the order below (and the ties it breaks by name).
        var histogram: [String: (count: Int, sum: Double, squares: Double, attribution: Attribution, bin: Int)] = [:]
        for (key, entry) in bins {
            histogram["\(key.attribution.rawValue)|\(key.bin)"] = (entry.count, entry.sum, entry.squares, key.attribution, key.bin)
        }
        var result: [TimeoutCluster] = []
        var taken = Set<String>()
        // Ties broken by key: the clusters must not depend on hash order.
        for (key, entry) in histogram.sorted(by: { ($1.value.count, $0.key) < ($0.value.count, $1.key) }) where !taken.contains(key) {
            var count = entry.count, sum = entry.sum, squares = entry.squares
            for neighbour in [entry.bin - 1, entry.bin + 1] {
                let k = "\(entry.attribution.rawValue)|\(neighbour)"
                if let n = histogram[k], !taken.contains(k) {
                    count += n.count; sum += n.sum; squares += n.squares; taken.insert(k)
                }
            }
            taken.insert(key)
            guard count >= 2 else { continue }
            let mean = sum / Double(count)
            let spread = (max(0, squares / Double(count) - mean * mean)).squareRoot()
            result.append(TimeoutCluster(attribution: entry.attribution, count: count, meanMilliseconds: mean, spreadMilliseconds: spread))
        }
        return result
    }

    static func belongs(_ v: ResetVerdict, to cluster: TimeoutCluster) -> Bool {
        guard candidate(v), v.attribution == cluster.attribution else { return false }
        let ms = Double(silence(v)) / 1e6
        return abs(ms - cluster.meanMilliseconds) <= max(3 * cluster.spreadMilliseconds, cluster.meanMilliseconds * 0.03)
    }
}
