// swift-tools-version:6.0
import PackageDescription

/// stackc: a compiler from a stack manifest to the files that deploy it on Docker Swarm.
///
/// Stages, each its own module: StackDiagnostics (located messages) → YAML (libyaml reader and
/// emitter) → StackCompiler (syntax, checks, resolved model, passes, output tree) → stackc (CLI).
let package = Package(
    name: "stackc",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "stackc", targets: ["stackc"]),
        .library(name: "StackCompiler", targets: ["StackCompiler"]),
        // What a `stack.swift` imports: the manifest as Swift types, emitted as versioned JSON.
        // Static: stackc links it into each compiled description with the Swift runtime, so a
        // cached description starts as one self-contained process (see docs/swift.md).
        .library(name: "StackDescription", type: .static, targets: ["StackDescription"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "StackDiagnostics"),
        .target(name: "YAML", dependencies: ["CYAML", "StackDiagnostics"]),
        .target(name: "StackCompiler", dependencies: ["YAML", "StackDiagnostics"]),
        .target(name: "StackDescription"),
        .executableTarget(
            name: "stackc",
            dependencies: [
                "StackCompiler", "StackDiagnostics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The invariants every input must keep, for the fuzzer and its regression tests.
        .target(name: "StackFuzzing", dependencies: ["StackCompiler", "YAML", "StackDiagnostics"]),
        // libFuzzer's target when built with -sanitize=fuzzer -DFUZZING (`make fuzz`); else a
        // replay of the files it is given through the same invariants.
        .executableTarget(name: "stackc-fuzz", dependencies: ["StackFuzzing", "CFuzzerDriver"]),
        .target(name: "CFuzzerDriver"),
        .executableTarget(
            name: "stackc-bench",
            dependencies: ["StackCompiler", "YAML", "StackDiagnostics"],
            path: "Benchmarks/stackc-bench"
        ),
        .testTarget(name: "StackDiagnosticsTests", dependencies: ["StackDiagnostics"]),
        .testTarget(name: "YAMLTests", dependencies: ["YAML", "StackDiagnostics"]),
        .testTarget(
            name: "StackCompilerTests",
            dependencies: ["StackCompiler", "YAML", "StackDiagnostics", "StackFuzzing"],
            // Scripts the tests run as stand-ins (a Docker API, DNS, HTTP backends, a docker CLI).
            exclude: ["Support/Scripts"]
        ),
        .testTarget(name: "stackcTests", dependencies: ["StackCompiler"]),
        .testTarget(name: "StackDescriptionTests", dependencies: ["StackDescription"]),
    ]
)
