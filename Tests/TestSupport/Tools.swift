import Foundation

/// Runs an external program (an oracle such as tshark, or tcpdump) and returns its standard output.
public func runTool(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return text
}

/// tshark 4.0.17, the oracle (never used by rstscope itself), with name resolution off.
public func tshark(_ arguments: [String]) throws -> String {
    try runTool("/usr/bin/tshark", ["-n"] + arguments)
}

/// `bytes` compressed by gzip(1) (its input is written on another thread: gzip's output pipe
/// fills while its input is still being written).
public func gzipped(_ bytes: Data) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-c"]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    let writer = Thread {
        input.fileHandleForWriting.write(bytes)
        try? input.fileHandleForWriting.close()
    }
    writer.start()
    let compressed = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return compressed
}
