import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Live capture on loopback with traffic the test makes itself. Needs root (CI runs as root).
@Suite(.serialized, .enabled(if: Rstscope.isBuilt && getuid() == 0, "needs root and a built rstscope"))
struct LiveCaptureTests {
    /// A port nobody listens on, unique to this run, so the filter sees only our connections.
    static func closedPort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                _ = bind(fd, $0, length)
                _ = getsockname(fd, $0, &length)
            }
        }
        return UInt16(bigEndian: address.sin_port)  // closed again when fd closes: nothing listens
    }

    /// One refused connection: SYN, then the kernel's RST-ACK.
    /// Starts `rstscope` and waits for its readiness line (the handle is active, the filter set).
    static func startLive(_ arguments: [String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Rstscope.binary)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        #expect(String(decoding: err.fileHandleForReading.availableData, as: UTF8.self).contains("listening on lo"))
        return (process, out)
    }

    /// Interrupts the capture (SIGINT) and returns its JSON lines once it exited cleanly.
    static func interrupt(_ process: Process, _ out: Pipe) -> [[String: Any]] {
        kill(process.processIdentifier, SIGINT)
        let lines = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    static func connectRefused(_ port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        address.sin_port = port.bigEndian
        withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    @Test func capturesLoopbackTrafficUntilSIGINT() throws {
        let port = Self.closedPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Rstscope.binary)
        process.arguments = ["live", "-i", "lo", "--format", "jsonl", "-f", "tcp port \(port)"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // Wait for the readiness line: the handle is active and the filter installed.
        var stderrText = ""
        let deadline = Date().addingTimeInterval(20)
        while !stderrText.contains("listening on lo") && Date() < deadline {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            stderrText += String(decoding: chunk, as: UTF8.self)
        }
        try #require(stderrText.contains("listening on lo, link-type EN10MB"), "stderr: \(stderrText)")

        for _ in 0..<5 { Self.connectRefused(port) }
        usleep(300_000)  // let the last packets reach the capture
        kill(process.processIdentifier, SIGINT)
        let output = out.fileHandleForReading.readDataToEndOfFile()
        stderrText += String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        #expect(process.terminationStatus == 0, "stderr: \(stderrText)")
        let line = try #require(String(decoding: output, as: UTF8.self).split(separator: "\n").last)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        // Five refused connections: five SYNs and five RST-ACKs, nothing else on that port.
        #expect(summary["packets"] as? Int == 10)
        #expect(summary["tcp_segments"] as? Int == 10)
        #expect(summary["rst_segments"] as? Int == 5)
        #expect(summary["kernel_dropped"] as? Int == 0)
        #expect(stderrText.contains("packets captured"))
    }

    @Test func stopsAfterCountPackets() throws {
        let port = Self.closedPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Rstscope.binary)
        process.arguments = ["live", "-i", "lo", "-c", "4", "--format", "jsonl", "tcp", "port", "\(port)"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let chunk = err.fileHandleForReading.availableData  // the readiness line
        #expect(String(decoding: chunk, as: UTF8.self).contains("listening on lo"))
        for _ in 0..<4 { Self.connectRefused(port) }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let line = try #require(String(decoding: output, as: UTF8.self).split(separator: "\n").last)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(summary["packets"] as? Int == 4)
    }
}

extension LiveCaptureTests {
    /// Interval records while capturing, every packet written with -w, root given up with -Z, and
    /// the full report (attribution included) after SIGINT.
    @Test func intervalsWriteFileAndDroppedPrivileges() throws {
        let port = Self.closedPort()
        let written = FileManager.default.temporaryDirectory.appendingPathComponent("rstscope-live-\(UUID()).pcap").path
        defer { try? FileManager.default.removeItem(atPath: written) }
        let (process, out) = try Self.startLive(["live", "-i", "lo", "--format", "jsonl", "--interval", "0.1", "-w", written, "-Z", "nobody", "tcp port \(port)"])
        defer { if process.isRunning { process.terminate() } }
        for _ in 0..<6 {
            Self.connectRefused(port)
            usleep(60_000)
        }
        // The capture now runs as nobody.
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let uid = status.split(separator: "\n").first { $0.hasPrefix("Uid:") }?.split(separator: "\t").dropFirst().first
        #expect(uid != nil && uid != "0", "Uid line: \(String(describing: uid))")
        usleep(200_000)
        let objects = Self.interrupt(process, out)
        #expect(objects.filter { $0["type"] as? String == "interval" }.count >= 2)
        #expect(objects.filter { $0["type"] as? String == "reset" }.count == 6)
        let summary = try #require(objects.last)
        #expect(summary["type"] as? String == "summary" && summary["packets"] as? Int == 12)
        #expect(summary["resets_by_attribution"] as? [String: Int] == ["backend": 6])
        // Every captured packet is in the -w file, readable by libpcap's tools.
        let dump = try runTool("/usr/bin/tcpdump", ["-n", "-r", written])
        #expect(dump.split(separator: "\n").count == 12)
    }
}

extension LiveCaptureTests {
    /// `--metrics`: after the traffic stops, the scraped values equal the final report's counts.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "needs curl"))
    func metricsEqualTheFinalReport() throws {
        let port = Self.closedPort(), metricsPort = Int(Self.closedPort())
        let (process, out) = try Self.startLive(["live", "-i", "lo", "--format", "jsonl", "--metrics", "\(metricsPort)", "tcp port \(port)"])
        defer { if process.isRunning { process.terminate() } }
        for _ in 0..<4 { Self.connectRefused(port) }
        usleep(1_600_000)  // metrics are published every second
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-s", "http://127.0.0.1:\(metricsPort)/metrics"]
        let scraped = Pipe()
        curl.standardOutput = scraped
        try curl.run()
        let metrics = String(decoding: scraped.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        curl.waitUntilExit()
        kill(process.processIdentifier, SIGINT)
        let lines = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        process.waitUntilExit()
        let last = try #require(lines.last)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        let byAttribution = try #require(summary["resets_by_attribution"] as? [String: Int])
        let byCause = try #require(summary["resets_by_cause"] as? [String: Int])
        #expect(byAttribution == ["backend": 4] && byCause == ["overload": 4])
        #expect(metrics.contains("rstscope_resets{attribution=\"backend\",cause=\"overload\",interface=\"lo\"} 4.0"), "\(metrics)")
        #expect(metrics.contains("rstscope_handshake_rtt_seconds_count{interface=\"lo\"} 4"))
        #expect(metrics.contains("rstscope_capture_dropped{interface=\"lo\"} 0.0"))
        #expect(!metrics.contains("10.0.0") && !metrics.contains("127.0.0.1"))  // no addresses in labels
    }
}

extension LiveCaptureTests {
    /// `--metrics` loads the HTTP server from the library next to the binary; a binary copied
    /// without it says so, and exits 64, instead of serving nothing.
    @Test func metricsWithoutTheirLibraryFailClearly() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rstscope-alone-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let alone = directory.appendingPathComponent("rstscope").path
        try FileManager.default.copyItem(atPath: Rstscope.binary, toPath: alone)
        let result = try Rstscope.run(["live", "-i", "lo", "-c", "1", "--metrics", "\(Self.closedPort())", "tcp port \(Self.closedPort())"],
                                      executable: alone)
        #expect(result.status == 64)
        #expect(result.stderr.contains("libRstscopeMetrics.so must be installed next to rstscope"), "\(result.stderr)")
    }

    /// `--write-annotated` live, without -w and as nobody: the packets are spooled, and when the
    /// capture ends the pcapng carries a comment on each RST, on the interface it came from.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tshark"), "needs tshark"))
    func annotatedCaptureWrittenWhenTheCaptureEnds() throws {
        let port = Self.closedPort()
        let annotated = FileManager.default.temporaryDirectory.appendingPathComponent("rstscope-live-\(UUID()).pcapng").path
        defer { try? FileManager.default.removeItem(atPath: annotated) }
        let (process, out) = try Self.startLive(["live", "-i", "lo", "--format", "jsonl", "--write-annotated", annotated, "-Z", "nobody", "tcp port \(port)"])
        defer { if process.isRunning { process.terminate() } }
        for _ in 0..<3 { Self.connectRefused(port) }
        usleep(300_000)
        let resets = Self.interrupt(process, out).filter { $0["type"] as? String == "reset" }
        #expect(resets.count == 3)
        let packets = try runTool("/usr/bin/tshark", ["-r", annotated, "-T", "fields", "-e", "frame.number", "-e", "frame.interface_name", "-e", "frame.comment"])
            .split(separator: "\n")
        #expect(packets.count == 6)
        #expect(packets.allSatisfy { $0.split(separator: "\t").dropFirst().first == "lo" })
        let commented = packets.filter { $0.contains("rstscope reset: backend") }.compactMap { Int($0.split(separator: "\t")[0]) }
        #expect(Set(commented) == Set(resets.compactMap { $0["frame"] as? Int }))
    }
}
