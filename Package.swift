// swift-tools-version: 6.1
//
// BitLab: ternary (BitNet b1.58) neural networks for small Linux devices.
//
// On-device modules (BitCore, BitBlob, BitRuntime, bitmlpd) import only the Swift standard library,
// C shims and zlib, in the subset of Swift that also compiles as Embedded Swift. The offline side
// (importers, training, the bake tool) may use Foundation and swift-argument-parser.

import PackageDescription

let package = Package(
    name: "BitLab",
    products: [
        .library(name: "BitCore", targets: ["BitCore"]),
        .library(name: "BitBlob", targets: ["BitBlob"]),
        .library(name: "BitRuntime", targets: ["BitRuntime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // MARK: On device

        /// Intrinsics kernels (x86 AVX2 / AVX-512 VNNI, ARM NEON) and CPU feature detection.
        .target(
            name: "CBitKernels",
            path: "Sources/CBitKernels",
            cSettings: [.unsafeFlags(["-O3"])]
        ),
        /// Quant config, quantizers, ternary packings, integer kernels, fixed point, arena.
        .target(
            name: "BitCore",
            dependencies: ["CBitKernels"],
            path: "Sources/BitCore"
        ),
        /// zlib from the system (crc32, inflate, deflate): `apt install zlib1g-dev`.
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        /// The `.bitblob` format: zero-copy validating reader, writer, compressed container, SHA-256.
        .target(
            name: "BitBlob",
            dependencies: ["BitCore", "CZlib"],
            path: "Sources/BitBlob"
        ),

        /// POSIX calls (open, mmap, sockets, poll) as static inline C wrappers: Embedded Swift has no Glibc.
        .target(
            name: "CBitSystem",
            path: "Sources/CBitSystem"
        ),
        /// The integer-only BitMLP engine: a validated blob, one caller-provided arena, no allocation.
        .target(
            name: "BitRuntime",
            dependencies: ["BitCore", "BitBlob", "CBitSystem"],
            path: "Sources/BitRuntime"
        ),

        // MARK: Offline

        /// BitLinear: float master weights, fake-quantized forward, straight-through backward.
        .target(
            name: "BitLayers",
            dependencies: ["BitCore"],
            path: "Sources/BitLayers"
        ),
        /// BitMLP: training (cross-entropy, Adam, QAT), evaluation, state dicts.
        .target(
            name: "BitModels",
            dependencies: ["BitLayers", "BitCore"],
            path: "Sources/BitModels"
        ),

        /// The bake tool's library: importers (safetensors, .npy, .npz), model description, bake
        /// pipeline, integer simulation, reports.
        .target(
            name: "BitBake",
            dependencies: ["BitCore", "BitBlob", "BitRuntime", "BitModels", "CZlib"],
            path: "Sources/BitBake"
        ),

        // MARK: Tools

        .executableTarget(
            name: "bitbake-model",
            dependencies: [
                "BitBake",
                "BitBlob",
                "BitCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tools/bitbake-model"
        ),
        .executableTarget(
            name: "bitbench",
            dependencies: [
                "BitBake",
                "BitBlob",
                "BitCore",
                "BitLayers",
                "BitRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tools/bitbench"
        ),

        // MARK: Tests

        .testTarget(
            name: "BitBakeTests",
            dependencies: ["BitBake"],
            path: "Tests/BitBakeTests",
            resources: [.copy("Fixtures")]
        ),

        .testTarget(
            name: "BitBlobTests",
            dependencies: ["BitBlob", "BitCore"],
            path: "Tests/BitBlobTests"
        ),
        .testTarget(
            name: "BitCoreTests",
            dependencies: ["BitCore"],
            path: "Tests/BitCoreTests",
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "BitLayersTests",
            dependencies: ["BitLayers", "BitCore"],
            path: "Tests/BitLayersTests"
        ),
        .testTarget(
            name: "BitModelsTests",
            dependencies: ["BitModels", "BitLayers", "BitCore"],
            path: "Tests/BitModelsTests"
        ),
    ]
)
