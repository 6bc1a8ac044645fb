import Foundation

/// The public capture corpus in ../shared/captures: its catalog and tshark 4.0.17's per-frame truth.
public enum Corpus {
    /// The repository's root (this file is Tests/TestSupport/Corpus.swift).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` beside the repository, or `$RSTSCOPE_SHARED`.
    public static let sharedDirectory: URL = {
        if let path = ProcessInfo.processInfo.environment["RSTSCOPE_SHARED"] { return URL(fileURLWithPath: path) }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    public static var capturesDirectory: URL { sharedDirectory.appendingPathComponent("captures/public") }
    public static var truthDirectory: URL { sharedDirectory.appendingPathComponent("captures/public-truth") }

    public static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: sharedDirectory.appendingPathComponent("captures/catalog-dev.tsv").path)
    }

    /// One row of catalog-dev.tsv.
    public struct Entry: Sendable, CustomStringConvertible {
        public var id: String
        public var format: String
        public var linkType: String
        public var packets: Int
        public var tcpPackets: Int
        public var rst: Int
        public var features: Set<String>
        public var path: String { Corpus.capturesDirectory.appendingPathComponent(id).path }
        public var truthPath: String { Corpus.truthDirectory.appendingPathComponent(id + ".tsv").path }
        public var description: String { id }
    }

    public static let catalog: [Entry] = {
        guard let text = try? String(contentsOf: sharedDirectory.appendingPathComponent("captures/catalog-dev.tsv"), encoding: .utf8) else {
            return []
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let header = lines.removeFirst().split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        func column(_ name: String) -> Int { header.firstIndex(of: name)! }
        let id = column("id"), format = column("format"), link = column("linktype"), packets = column("packets")
        let tcp = column("tcp_packets"), rst = column("rst"), features = column("features")
        return lines.map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Entry(id: f[id], format: f[format], linkType: f[link], packets: Int(f[packets]) ?? 0,
                         tcpPackets: Int(f[tcp]) ?? 0, rst: Int(f[rst]) ?? 0,
                         features: f[features] == "-" ? [] : Set(f[features].split(separator: ",").map(String.init)))
        }
    }()

    /// One frame of a truth file.
    public struct TruthFrame: Sendable {
        public var frame: Int
        public var stream: Int
        public var flags: UInt16
        public var rst: Bool
        public var tcpLength: Int?
        public var analysis: Set<String>
    }

    public static func truth(_ entry: Entry) throws -> [TruthFrame] {
        let text = try String(contentsOfFile: entry.truthPath, encoding: .utf8)
        var rows = text.split(separator: "\n", omittingEmptySubsequences: true)
        rows.removeFirst()
        return rows.map { row in
            let f = row.split(separator: "\t", omittingEmptySubsequences: false)
            return TruthFrame(
                frame: Int(f[0])!, stream: Int(f[1]) ?? -1,
                flags: UInt16(f[2].dropFirst(2), radix: 16) ?? 0, rst: f[3] == "1", tcpLength: Int(f[4]),
                analysis: f[5] == "-" ? [] : Set(f[5].split(separator: ",").map(String.init)))
        }
    }
}
