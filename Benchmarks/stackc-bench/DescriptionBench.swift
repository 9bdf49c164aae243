import Foundation

/// `stackc lint stack.swift`: the largest Swift twin in `manifests/` as a whole process, cached
/// (what the pre-commit hook pays on every commit; target < 50 ms), and its first run, which
/// compiles it, next to `swiftc` compiling the same file alone with the same flags (the floor).
enum DescriptionBench {
    static func run() {
        guard let stackc = LintBench.siblingExecutable("stackc") else {
            print("no stackc beside \(CommandLine.arguments[0]); build it first: make bench\n")
            return
        }
        let folder = stackc.deletingLastPathComponent()
        let manifests = LintBench.repositoryRoot.appendingPathComponent("manifests")
        let twins =
            (try? FileManager.default.contentsOfDirectory(atPath: manifests.path))?
            .filter { $0.hasSuffix(".swift") }.map { manifests.appendingPathComponent($0) } ?? []
        guard let largest = twins.max(by: { size($0) < size($1) }) else {
            print("stack.swift: no Swift twin in manifests/\n")
            return
        }
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("stackc-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: cache) }
        setenv("STACKC_CACHE_DIR", cache.path, 1)
        defer { unsetenv("STACKC_CACHE_DIR") }
        let file = "manifests/" + largest.lastPathComponent

        let clock = ContinuousClock()
        var start = clock.now
        guard LintBench.spawnAndWait(stackc.path, ["lint", largest.path]) == 0 else {
            print("\(stackc.path) lint \(largest.path) failed\n")
            return
        }
        let first = LintBench.inMilliseconds(clock.now - start)

        let output = cache.appendingPathComponent("alone").path
        let swiftc = swiftcPath()
        let compile = [
            "-module-name", "StackFile", "-static-stdlib", "-I", folder.appendingPathComponent("Modules").path,
            folder.appendingPathComponent("libStackDescription.a").path, largest.path, "-o", output,
        ]
        start = clock.now
        let compiled = LintBench.spawnAndWait(swiftc, compile)
        let alone = LintBench.inMilliseconds(clock.now - start)

        var cached: [Double] = []
        for _ in 0..<20 {
            start = clock.now
            guard LintBench.spawnAndWait(stackc.path, ["lint", largest.path]) == 0 else { return }
            cached.append(LintBench.inMilliseconds(clock.now - start))
        }
        let median = LintBench.median(cached)
        print("stack.swift: \(file) (\(size(largest)) bytes)")
        print(
            "first stackc lint (compiles): \(LintBench.milliseconds(first)); swiftc alone, same flags: "
                + (compiled == 0 ? LintBench.milliseconds(alone) : "failed")
                + String(format: " (stackc adds %.0f%%)", (first / alone - 1) * 100))
        print(
            "cached stackc lint, whole process (20 runs): median \(LintBench.milliseconds(median)), fastest \(LintBench.milliseconds(cached.min() ?? 0)) (target < 50 ms): \(median < 50 ? "met" : "MISSED")"
        )
        print("")
    }

    static func size(_ url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int) ?? 0
    }

    /// `swiftc` as stackc finds it.
    static func swiftcPath() -> String {
        if let override = ProcessInfo.processInfo.environment["STACKC_SWIFTC"], !override.isEmpty { return override }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
        return path.split(separator: ":").map { String($0) + "/swiftc" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        } ?? "swiftc"
    }
}
