// The libFuzzer entry points. Built by Scripts/fuzz together with the library modules (compiled with
// -sanitize=fuzzer,address) and Tests/TestSupport/FuzzDriver.swift, which says what an input means.
#if canImport(Glibc)
import Glibc
#endif
import PacketCapture

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzDriver.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// With RSTSCOPE_FUZZ_SEEDS=OUT_DIR, turns the capture files named as arguments into packet-sequence
/// seeds (one per capture) in OUT_DIR and exits, instead of fuzzing.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> Int32 {
    guard let directory = getenv("RSTSCOPE_FUZZ_SEEDS").map({ String(cString: $0) }) else { return 0 }
    var written = 0
    for i in 1..<Int(argc.pointee) {
        guard let argument = argv.pointee[i].map({ String(cString: $0) }), !argument.hasPrefix("-"),
              var reader = try? CaptureFile.open(argument), let seed = FuzzDriver.packetSequence(&reader) else { continue }
        let path = directory + "/packets-\(i)"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { continue }
        _ = seed.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        written += 1
    }
    print("wrote \(written) packet-sequence seeds to \(directory)")
    exit(0)
}
