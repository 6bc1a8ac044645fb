import ArgumentParser
import CSupport
import PacketCapture

@main
struct Rstscope: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "rstscope",
        abstract: "Find out who reset your TCP connections, and why.",
        discussion: """
            Reads pcap and pcapng captures (plain or gzip) or captures live through libpcap, \
            rebuilds every TCP connection and reports its resets.

            Examples:
              rstscope analyze capture.pcapng
              rstscope analyze -r capture.pcap.gz --format jsonl 'tcp port 443'
              rstscope live -i eth0 -c 1000 'tcp port 8080'
              rstscope -D

            Exit status: \(ExitStatus.table)
            """,
        // (The libpcap version is asked for `--version` only: asking loads libpcap, which analyzing a
        // file does not need; see CPcap.)
        version: CommandLine.arguments.contains("--version") ? "rstscope \(version) (\(libpcapVersion))" : "rstscope \(version)",
        subcommands: [AnalyzeCommand.self, LiveCommand.self]
    )

    @Flag(name: [.customShort("D"), .customLong("list-interfaces")], help: "List the interfaces libpcap can capture on, as tcpdump -D does.")
    var listInterfaces = false

    /// `--fail-on-reset` may stand alone (meaning 1), as tcpdump-style tools allow: the parser
    /// wants a value, so a bare one is given its default here.
    static func main() {
        // One malloc arena for every thread. No thread allocates per packet; the shards, the
        // event-line writer and the formatting helpers allocate a few large buffers, which per-
        // thread arenas stranded after their threads ended: the peak varied by up to 5 MiB a run
        // on the 2M capture (none with one arena).
        csupport_single_malloc_arena()
        var arguments = Array(CommandLine.arguments.dropFirst())
        for i in arguments.indices where arguments[i] == "--fail-on-reset" {
            let next = i + 1 < arguments.count ? arguments[i + 1] : ""
            if Int(next) == nil { arguments[i] = "--fail-on-reset=1" }
        }
        main(arguments)
    }

    func run() throws {
        guard listInterfaces else { throw CleanExit.helpRequest(self) }
        try printInterfaces()
    }
}

/// `-D`: numbered like tcpdump's list.
func printInterfaces() throws {
    do {
        for (index, interface) in try listCaptureInterfaces().enumerated() {
            var flags: [String] = []
            if interface.isUp { flags.append("Up") }
            if interface.isRunning { flags.append("Running") }
            if interface.isLoopback { flags.append("Loopback") }
            let description = interface.description.map { " (\($0))" } ?? ""
            let flagText = flags.isEmpty ? "" : " [\(flags.joined(separator: ", "))]"
            print("\(index + 1).\(interface.name)\(description)\(flagText)")
        }
    } catch {
        throw fail(error)
    }
}
