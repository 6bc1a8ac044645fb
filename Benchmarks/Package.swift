// swift-tools-version:6.0
// Baselines and micro-benchmarks for Scripts/bench, kept out of the main build: a bare libpcap read
// loop in C, and the hot path's stages measured one by one (with a malloc counter).
import PackageDescription

let package = Package(
    name: "rstscope-benchmarks",
    dependencies: [.package(name: "rstscope", path: "..")],
    targets: [
        .executableTarget(name: "pcaploop", path: "Sources/pcaploop", linkerSettings: [.linkedLibrary("pcap")]),
        .target(name: "MallocCounter", path: "Sources/MallocCounter"),
        .executableTarget(name: "microbench", dependencies: ["MallocCounter", .product(name: "RstscopeLibrary", package: "rstscope")],
                          path: "Sources/microbench", swiftSettings: [.swiftLanguageMode(.v5)]),
    ]
)
