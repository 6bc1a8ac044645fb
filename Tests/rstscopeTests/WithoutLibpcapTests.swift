import Foundation
import TestSupport
import Testing

/// libpcap is loaded on first use (see CPcap): analyzing a file with our own readers must work
/// without it, and what needs it must fail with a clear error, never a crash. Each run hides the
/// library in a mount namespace of its own (/dev/null bound over the file; root only).
@Suite(.enabled(if: Rstscope.isBuilt && getuid() == 0 && WithoutLibpcap.library != nil, "needs root, unshare and libpcap"))
struct WithoutLibpcapTests {
    static let capture = Corpus.repositoryRoot.appendingPathComponent("Captures/rst-injection.pcap").path

    @Test func filesAreAnalyzedWithoutLibpcap() throws {
        for format in ["jsonl", "text"] {
            let normal = try Rstscope.run(["analyze", Self.capture, "--format", format])
            let hidden = try WithoutLibpcap.run(["analyze", Self.capture, "--format", format])
            #expect(hidden.status == 0, "\(hidden.stderr)")
            #expect(!hidden.stdout.isEmpty && hidden.stdout == normal.stdout, "\(format)")
        }
        let version = try WithoutLibpcap.run(["--version"])
        #expect(version.status == 0 && version.stdout.contains("cannot load libpcap"), "\(version.stdout)")
    }

    @Test(arguments: [["analyze", capture, "-f", "tcp"], ["analyze", "--reader", "libpcap", capture], ["live", "-i", "lo", "-c", "1"], ["-D"]])
    func whatNeedsLibpcapFailsClearly(arguments: [String]) throws {
        let result = try WithoutLibpcap.run(arguments)
        #expect(result.status != 0 && result.status < 128, "\(arguments): status \(result.status)")
        #expect(result.stderr.contains("cannot load libpcap"), "\(arguments): \(result.stderr)")
    }
}

enum WithoutLibpcap {
    /// The file the dynamic loader opens for libpcap (Debian's soname), if installed.
    static let library: String? = {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return nil }
        for directory in ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"] {
            let path = directory + "/libpcap.so.0.8"
            if FileManager.default.fileExists(atPath: path) { return URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
        }
        return nil
    }()

    /// Runs the binary with libpcap's file replaced by an empty one, in a mount namespace of its own.
    static func run(_ arguments: [String]) throws -> CommandResult {
        try Rstscope.run(["-m", "sh", "-c", "mount --bind /dev/null \"$0\" && exec \"$@\"", library!, Rstscope.binary] + arguments,
                         executable: "/usr/bin/unshare")
    }
}
