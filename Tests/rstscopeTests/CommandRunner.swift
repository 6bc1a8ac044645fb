import Foundation
import TestSupport
import Testing

/// Runs the built `rstscope` binary as a user would, capturing its output and exit status.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Every line of standard output as a JSON object (JSON Lines output).
    func jsonLines() throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// The JSON object on the last line of standard output.
    var summary: [String: Any]? {
        guard let line = stdout.split(separator: "\n").last,
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
        return object
    }
}

enum Rstscope {
    /// `$RSTSCOPE_BIN`, or the debug build in this checkout.
    static var binary: String {
        ProcessInfo.processInfo.environment["RSTSCOPE_BIN"]
            ?? Corpus.repositoryRoot.appendingPathComponent(".build/debug/rstscope").path
    }

    static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    /// Runs `executable` (the built binary unless told) with `arguments`, in this environment
    /// with `environment` added.
    static func run(_ arguments: [String], stdin: Data? = nil, executable: String = binary,
                    environment: [String: String] = [:]) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(stdin)
            try input.fileHandleForWriting.close()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self))
    }
}
