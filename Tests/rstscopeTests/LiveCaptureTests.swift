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
