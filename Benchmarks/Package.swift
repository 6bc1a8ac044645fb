// swift-tools-version:6.0
// Baselines for Scripts/bench, kept out of the main build: a bare libpcap read loop in C.
import PackageDescription

let package = Package(
    name: "rstscope-benchmarks",
    targets: [
        .executableTarget(name: "pcaploop", path: "Sources/pcaploop", linkerSettings: [.linkedLibrary("pcap")]),
    ]
)
