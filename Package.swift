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
        .plugin(name: "BitBakePlugin", targets: ["BitBakePlugin"]),
        .plugin(name: "BitBakeCommandPlugin", targets: ["BitBakeCommandPlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Counts malloc calls for the runtime's footprint tests (their test target only).
        .package(url: "https://github.com/ordo-one/malloc-interposer", from: "1.6.1"),
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
            path: "Sources/BitCore",
            // Float rounding calls libm (truncf, floorf, ... in unoptimized builds); a client that
            // imports neither Foundation nor Glibc would not link it otherwise.
            linkerSettings: [.linkedLibrary("m")]
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

        /// The daemon protocol's shared pieces: frame header, error codes, text requests, float text.
        .target(
            name: "BitmlpdProtocol",
            dependencies: ["CBitSystem"],
            path: "Sources/BitmlpdProtocol"
        ),
        /// The statically linked inference daemon (docs/daemon.md, docs/protocol.md).
        .executableTarget(
            name: "bitmlpd",
            dependencies: ["BitCore", "BitBlob", "BitRuntime", "BitmlpdProtocol", "CBitSystem"],
            path: "Targets/bitmlpd",
            exclude: ["scripts"],
            // Float rounding in BitCore calls libm; without Foundation nothing else links it.
            linkerSettings: [.linkedLibrary("m")]
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

        /// A client for bitmlpd over its Unix socket, and a launcher for the daemon process: what the
        /// daemon tests and `bitbench daemon` use.
        .target(
            name: "BitmlpdClient",
            dependencies: ["BitmlpdProtocol"],
            path: "Sources/BitmlpdClient"
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
                "BitmlpdClient",
                "BitmlpdProtocol",
                "BitRuntime",
                "CBitBenchProbes",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tools/bitbench"
        ),
        /// Memory-read and multiply-peak probes in C (the widest loads the CPU has), for bitbench only.
        .target(name: "CBitBenchProbes", path: "Tools/bitbench-probes"),

        /// Fuzz entry points, one per parser of untrusted bytes (docs/security.md): what the libFuzzer
        /// binaries of Tools/fuzz/build.sh and the hostile-input tests run.
        .target(
            name: "BitFuzz",
            dependencies: ["BitBake", "BitBlob", "BitCore", "BitRuntime", "BitmlpdProtocol"],
            path: "Tools/fuzz/BitFuzz"
        ),

        // MARK: Plugins

        /// Bakes the model file in a target into Swift sources at `swift build` (docs/baking.md).
        .plugin(
            name: "BitBakePlugin",
            capability: .buildTool(),
            dependencies: ["bitbake-model"],
            path: "Tools/BitBakePlugin/Build"
        ),
        /// `swift package --allow-writing-to-package-directory bake`: the same sources, written into
        /// the target to check in.
        .plugin(
            name: "BitBakeCommandPlugin",
            capability: .command(
                intent: .custom(verb: "bake", description: "Write Swift sources that bake each target's model into it"),
                permissions: [.writeToPackageDirectory(reason: "writes NAME.swift and NAME+Blob.swift into the target")]
            ),
            dependencies: ["bitbake-model"],
            path: "Tools/BitBakePlugin/Command"
        ),

        // MARK: Examples

        /// A command-line digit classifier with the digits model baked in by BitBakePlugin.
        .executableTarget(
            name: "digits-classify",
            dependencies: ["BitBlob", "BitRuntime"],
            path: "Targets/examples/digits-classify",
            exclude: ["scripts"],
            plugins: ["BitBakePlugin"]
        ),

        // MARK: Tests

        /// Baked random and example models, inputs and arenas shared by the runtime test targets.
        .target(
            name: "BitRuntimeTestSupport",
            dependencies: ["BitBake", "BitBlob", "BitCore", "BitLayers", "BitRuntime"],
            path: "Tests/BitRuntimeTestSupport"
        ),
        /// The runtime against the bake tool's simulation (every config, kernel and batch), arenas,
        /// errors, the int8 entry point and mapped files.
        .testTarget(
            name: "BitRuntimeTests",
            dependencies: ["BitRuntime", "BitRuntimeTestSupport", "BitBake", "BitBlob", "BitCore", "BitLayers"],
            path: "Tests/BitRuntimeTests"
        ),
        /// A device-like process for the footprint tests: maps a blob, runs it, reports resident
        /// memory and allocation counts, with nothing else running in the process.
        .executableTarget(
            name: "bitruntime-footprint-probe",
            dependencies: [
                "BitBlob",
                "BitCore",
                "BitRuntime",
                .product(name: "MallocInterposerSwift", package: "malloc-interposer"),
            ],
            path: "Tests/BitRuntimeFootprintProbe"
        ),
        /// Zero allocations in `infer`, arena sizes, flat resident memory, pinned sizes. Serialized.
        .testTarget(
            name: "BitRuntimeFootprintTests",
            dependencies: [
                "bitruntime-footprint-probe",
                "BitRuntime",
                "BitRuntimeTestSupport",
                "BitBake",
                "BitBlob",
                "BitCore",
                "BitLayers",
                .product(name: "MallocInterposerSwift", package: "malloc-interposer"),
            ],
            path: "Tests/BitRuntimeFootprintTests"
        ),

        .testTarget(
            name: "BitmlpdTests",
            dependencies: ["bitmlpd", "BitmlpdClient", "BitmlpdProtocol", "BitBake", "BitBlob", "BitCore", "BitLayers", "BitRuntime"],
            path: "Tests/BitmlpdTests"
        ),

        .testTarget(
            name: "BitBakeTests",
            dependencies: ["BitBake"],
            path: "Tests/BitBakeTests",
            resources: [.copy("Fixtures")]
        ),

        /// Runs the built `bitbake-model` binary: help, exit statuses, every command and option.
        .testTarget(
            name: "BitBakeModelTests",
            dependencies: ["bitbake-model", "BitBake", "BitBlob", "BitCore", "CTestSupport"],
            path: "Tests/BitBakeModelTests",
            exclude: ["Fixtures"]
        ),
        /// C helpers for tests that run executables (prctl, which Swift cannot call).
        .target(
            name: "CTestSupport",
            path: "Tests/CTestSupport"
        ),

        /// Baking models into binaries: the Swift emitter, StaticModel, checked-in generated sources,
        /// and the digits-classify example built through BitBakePlugin.
        .testTarget(
            name: "BakingTests",
            dependencies: ["digits-classify", "BitBake", "BitBlob", "BitCore", "BitLayers", "BitRuntime"],
            path: "Tests/BakingTests",
            exclude: ["Generated/README.md", "Generated/digits-static.bitblob"]
        ),
        /// Every committed fuzz corpus and regression input through every fuzz entry point, the
        /// daemon's serving path on the same bytes, and seeded structure-aware mutations of valid
        /// safetensors, .npz and .bitblob files (docs/security.md).
        .testTarget(
            name: "HostileInputTests",
            dependencies: ["BitFuzz", "bitmlpd", "BitBake", "BitBlob", "BitCore", "BitLayers"],
            path: "Tests/HostileInputTests"
        ),
        .testTarget(
            name: "BitBlobTests",
            dependencies: ["BitBlob", "BitCore", "BitLayers"],
            path: "Tests/BitBlobTests"
        ),
        .testTarget(
            name: "BitCoreTests",
            dependencies: ["BitCore", "BitBake", "BitLayers"],
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
