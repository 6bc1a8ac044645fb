// swift-tools-version:6.0
import PackageDescription

/// Release builds optimize across our modules: the hot path crosses four of them (readers, decoder,
/// tracker, pipeline), and generic readers are specialized for the mapped file only so. Each
/// function gets a section of its own, for the linker to lay out (see the executable's link).
let optimized: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization", "-Xfrontend", "-function-sections"], .when(configuration: .release))]

let package = Package(
    name: "rstscope",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rstscope", targets: ["rstscope"]),
        // Loaded by `rstscope live --metrics` only (dlopen): the HTTP server and Foundation stay out of
        // every other run.
        .library(name: "RstscopeMetrics", type: .dynamic, targets: ["RstscopeMetrics"]),
        // For Benchmarks/ (micro-benchmarks of the hot path).
        .library(name: "RstscopeLibrary", targets: ["PacketCore", "PacketCapture", "TCPAnalysis", "ResetAttribution", "Reporting", "RstscopeKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // C shims: prefixed functions over the system libraries, no logic. libpcap (headers from
        // libpcap-dev) is loaded on first use, not linked: see Sources/CPcap/include/cpcap.h.
        .target(name: "CPcap"),
        .systemLibrary(name: "CIsal", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
        // A prefetch hint for the mapped-file reader (Swift has no prefetch intrinsic), and SHA-1
        // blocks by the CPU's SHA instructions (Community IDs; Swift cannot enable a target feature).
        .target(name: "CSupport"),

        // Byte views, link types, timestamps: the vocabulary every stage shares.
        .target(name: "PacketCore", dependencies: ["CSupport"], swiftSettings: optimized),
        // Capture sources: our pcap/pcapng readers (mapped file, stream, gzip) and libpcap (live, BPF).
        .target(name: "PacketCapture", dependencies: ["PacketCore", "CPcap", "CIsal"], swiftSettings: optimized),
        // Pure Swift: decode -> flows -> Wireshark-exact analysis. No libpcap, no Foundation.
        .target(name: "TCPAnalysis", dependencies: ["PacketCore", "CSupport"], swiftSettings: optimized),
        // Pure Swift: who reset each connection, on which leg of a proxy, and why.
        .target(name: "ResetAttribution", dependencies: ["PacketCore", "TCPAnalysis"], swiftSettings: optimized),
        // Output: summaries, JSON Lines, text.
        .target(name: "Reporting", dependencies: ["PacketCore", "TCPAnalysis", "ResetAttribution"], swiftSettings: optimized),
        // The pipeline from a capture source to reports: what the command (and the tests) drive.
        .target(name: "RstscopeKit", dependencies: ["PacketCore", "PacketCapture", "TCPAnalysis", "ResetAttribution", "Reporting"], swiftSettings: optimized),
        .executableTarget(
            name: "rstscope",
            dependencies: [
                "CSupport", "PacketCore", "PacketCapture", "TCPAnalysis", "ResetAttribution", "Reporting", "RstscopeKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["symbol-order.txt"],
            swiftSettings: optimized,
            linkerSettings: [
                // The Swift runtime and libraries linked in: only the code used is loaded, where the
                // shared libraries were mapped whole and touched in scattered pages (2M-packet capture:
                // 3 MiB less at the peak). The metrics library, loaded on demand, keeps its own copy
                // behind its C functions (no Swift value crosses between them).
                .unsafeFlags(["-static-stdlib", "-l_FoundationCShims", "-l_FoundationCollections"]),
                // lld (the toolchain's): relative relocations packed (DT_RELR: the dynamic loader read
                // 0.9 MiB of them at start-up), and in release builds the functions a run executes laid
                // out together (see Scripts/order-symbols; with the function sections of `optimized`).
                .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"]),
                .unsafeFlags(["-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/rstscope/symbol-order.txt",
                              "-Xlinker", "--no-warn-symbol-ordering"], .when(configuration: .release)),
            ]
        ),
        // The Prometheus endpoint of `live --metrics`, behind three C functions (see MetricsPlugin).
        .target(name: "RstscopeMetrics", dependencies: [
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "FlyingFox", package: "FlyingFox"),
        ]),

        // Corpus catalog and truth loading, packet builders, the fuzz driver: shared by the test targets
        // (and compiled into the libFuzzer harness by Scripts/fuzz).
        .target(name: "TestSupport", dependencies: ["PacketCore", "PacketCapture", "TCPAnalysis", "Reporting", "RstscopeKit"],
                path: "Tests/TestSupport"),
        .testTarget(name: "PacketCaptureTests", dependencies: ["PacketCore", "PacketCapture", "TestSupport"]),
        .testTarget(name: "TCPAnalysisTests", dependencies: ["PacketCore", "PacketCapture", "TCPAnalysis", "ResetAttribution", "Reporting", "RstscopeKit", "TestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "ResetAttributionTests", dependencies: ["TCPAnalysis", "ResetAttribution", "TestSupport"]),
        .testTarget(name: "rstscopeTests", dependencies: ["PacketCore", "PacketCapture", "RstscopeKit", "TestSupport"],
                    exclude: ["Fixtures"]),
    ]
)
