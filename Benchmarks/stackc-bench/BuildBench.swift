import Foundation
import StackCompiler
import StackDiagnostics
import YAML

/// `stackc build` at 10, 100, 1000 and 5000 apps, in memory (check + build pipeline, no disk),
/// beside `docker stack config -c` on the stack file it wrote and libyaml's bare parse+emit of
/// that same file.
///
/// Targets: a 1000-app build under 150 ms, at least 10× faster than `docker stack config` on
/// its output, at most 3× libyaml's parse+emit, and linear in apps (time per app at 5000 within
/// 1.5× of that at 100).
enum BuildBench {
    static let sizes = [10, 100, 1000, 5000]

    /// One size's figures, in milliseconds.
    struct Row {
        var apps: Int
        var manifestBytes: Int
        var stackBytes: Int
        var check: Double
        var build: Double
        var total: Double
        var totalFastest: Double
        var docker: Double?
        var libyaml: Double
        /// The median over rounds of check+build's time over libyaml's in the same round.
        var overLibyaml: Double
    }

    static func run() {
        print("stackc build: StackCompiler.check + BuildPipeline.build in memory, median of interleaved rounds;")
        print("docker: docker stack config -c on the stack.yml stackc wrote (process wall time, median of 3);")
        print("libyaml: bare parse+emit of that stack.yml, in the same rounds as stackc\n")
        let docker = dockerPath()
        if docker == nil { print("docker: not found (install the Docker CLI); its column is left empty\n") }
        var rows: [Row] = []
        for apps in sizes {
            guard let row = measure(apps: apps, docker: docker) else { return }
            rows.append(row)
        }
        printTable(rows)
        printVerdict(rows)
    }

    // MARK: Measuring

    static func measure(apps: Int, docker: URL?) -> Row? {
        let text = manifest(apps: apps)
        let source = SourceFile(path: "manifests/bench.yml", bytes: Array(text.utf8))
        let checked = StackCompiler.check(source)
        guard let stack = checked.stack else {
            print("the \(apps)-app manifest has errors:")
            for diagnostic in checked.diagnostics.prefix(5) {
                print(DiagnosticRenderer().render(diagnostic, source: source))
            }
            return nil
        }
        guard let stackFile = BuildPipeline.build(stack).tree.file("stack.yml") else {
            print("no stack.yml")
            return nil
        }
        let stackBytes = Array(stackFile.contents.utf8)
        // Interleaved, round by round, so that load from other processes falls on every
        // column alike and the ratios stay meaningful on a busy machine.
        let rounds = max(7, min(201, 20_000 / apps))
        let times = interleaved(
            rounds,
            [
                { _ = StackCompiler.check(source) },
                { _ = BuildPipeline.build(stack) },
                {
                    guard let stack = StackCompiler.check(source).stack else {
                        preconditionFailure("internal error: the manifest stopped compiling")
                    }
                    _ = BuildPipeline.build(stack)
                },
                {
                    guard YAMLEventScan.roundTrip(stackBytes) != nil else {
                        preconditionFailure("internal error: libyaml refused stack.yml")
                    }
                },
            ])
        let dockerTime = docker.flatMap { dockerStackConfig($0, stackFile: stackFile.contents, apps: apps) }
        return Row(
            apps: apps, manifestBytes: source.bytes.count, stackBytes: stackBytes.count,
            check: median(times[0]), build: median(times[1]), total: median(times[2]),
            totalFastest: times[2].min() ?? 0,
            docker: dockerTime, libyaml: median(times[3]), overLibyaml: median(zip(times[2], times[3]).map { $0 / $1 }))
    }

    /// Wall times in milliseconds of `rounds` runs of each body, taking turns, after one
    /// warm-up run of each.
    static func interleaved(_ rounds: Int, _ bodies: [() -> Void]) -> [[Double]] {
        for body in bodies { body() }
        let clock = ContinuousClock()
        var times = Array(repeating: [Double](), count: bodies.count)
        for _ in 0..<rounds {
            for (index, body) in bodies.enumerated() {
                let start = clock.now
                body()
                times[index].append(inMilliseconds(clock.now - start))
            }
        }
        return times
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    static func inMilliseconds(_ duration: Swift.Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    /// `docker stack config -c stack.yml` in a temporary folder: median of 3 runs, one when a
    /// run takes over 5 s. Nil (with a message) when docker fails.
    static func dockerStackConfig(_ docker: URL, stackFile: String, apps: Int) -> Double? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stackc-bench-\(apps)-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(stackFile.utf8).write(to: folder.appendingPathComponent("stack.yml"))
        } catch {
            print("cannot write the stack file for docker: \(error)")
            return nil
        }
        var times: [Double] = []
        for _ in 0..<3 {
            let process = Process()
            process.executableURL = docker
            process.arguments = ["stack", "config", "-c", "stack.yml"]
            process.currentDirectoryURL = folder
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let clock = ContinuousClock()
            let start = clock.now
            do { try process.run() } catch {
                print("cannot run docker: \(error)")
                return nil
            }
            process.waitUntilExit()
            let elapsed = inMilliseconds(clock.now - start)
            guard process.terminationStatus == 0 else {
                print("docker stack config failed on the \(apps)-app stack file (exit \(process.terminationStatus))")
                return nil
            }
            times.append(elapsed)
            if elapsed > 5000 { break }
        }
        return median(times)
    }

    static func dockerPath() -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return (path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin"])
            .map { URL(fileURLWithPath: $0).appendingPathComponent("docker") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    // MARK: Reporting

    static func printTable(_ rows: [Row]) {
        let header = [
            "apps", "manifest", "stack.yml", "check", "build", "check+build", "µs/app", "docker config", "libyaml p+e",
            "docker/stackc", "stackc/libyaml",
        ]
        var lines = [header]
        for row in rows {
            lines.append([
                "\(row.apps)", kilobytes(row.manifestBytes), kilobytes(row.stackBytes),
                milliseconds(row.check), milliseconds(row.build), milliseconds(row.total),
                String(format: "%.1f", row.total * 1000 / Double(row.apps)),
                row.docker.map(milliseconds) ?? "-", milliseconds(row.libyaml),
                row.docker.map { String(format: "%.1f×", $0 / row.total) } ?? "-",
                String(format: "%.2f×", row.overLibyaml),
            ])
        }
        let widths = header.indices.map { column in lines.map { $0[column].count }.max() ?? 0 }
        for (index, line) in lines.enumerated() {
            print(
                zip(line, widths).map { cell, width in String(repeating: " ", count: width - cell.count) + cell }
                    .joined(separator: "  "))
            if index == 0 { print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        print("")
    }

    static func printVerdict(_ rows: [Row]) {
        guard let thousand = rows.first(where: { $0.apps == 1000 }) else { return }
        func verdict(_ ok: Bool) -> String { ok ? "met" : "MISSED" }
        print(
            "1000 apps: \(milliseconds(thousand.total)), fastest round \(milliseconds(thousand.totalFastest)) (target < 150 ms): \(verdict(thousand.total < 150))"
        )
        if let docker = thousand.docker {
            let ratio = docker / thousand.total
            print(
                "1000 apps: docker stack config / stackc = \(String(format: "%.1f", ratio))× (target ≥ 10×): \(verdict(ratio >= 10))"
            )
        }
        print(
            "1000 apps: stackc / libyaml parse+emit = \(String(format: "%.2f", thousand.overLibyaml))× (target ≤ 3×): \(verdict(thousand.overLibyaml <= 3))"
        )
        if let small = rows.first(where: { $0.apps == 100 }), let large = rows.first(where: { $0.apps == 5000 }) {
            let growth = (large.total / Double(large.apps)) / (small.total / Double(small.apps))
            print(
                "linearity: time per app at 5000 / at 100 = \(String(format: "%.2f", growth)) (target ≤ 1.5): \(verdict(growth <= 1.5))"
            )
        }
        print("")
    }

    static func milliseconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.2f ms", value) : String(format: "%.1f ms", value)
    }

    static func kilobytes(_ bytes: Int) -> String {
        bytes < 1_000_000
            ? String(format: "%.1f kB", Double(bytes) / 1000) : String(format: "%.2f MB", Double(bytes) / 1e6)
    }

    // MARK: The manifests

    /// A valid manifest with `apps` apps: every one routed with a health check, environment
    /// values that need quoting, a volume on shared storage and resources; every tenth uses
    /// the database, every fifth has placement and update settings.
    static func manifest(apps: Int) -> String {
        var text = """
            stackc: 1
            name: bench
            domain: bench.test
            cluster:
              managers: 3
              workers: 5
              shared_storage: nfs
            databases:
              pg:
                engine: postgres
              cache:
                engine: redis
            apps:

            """
        for index in 1...apps {
            let name = "app-\(index)"
            var lines = [
                "  \(name):",
                "    image: registry.bench.test/team/\(name):1.\(index % 10).0",
                "    replicas: \(index % 3 + 1)",
                "    port: 8080",
                "    host: \(name)",
                "    health: /healthz",
                "    env:",
                "      LOG_LEVEL: info",
                "      FEATURE_FLAG: on",
                "      START_AT: 12:30",
                "      LIMIT: 1e3",
                "      GREETING: \"hello $USER, 100% ready\"",
                "      SERVICE_URL: http://\(name):8080/api?x=1",
                "    volumes:",
                "      data: /var/lib/\(name)",
                "    resources:",
                "      cpus: 0.5",
                "      memory: 256M",
            ]
            if index % 10 == 0 { lines.append("    database: pg") }
            if index % 5 == 0 {
                lines += [
                    "    placement:", "      role: worker", "      labels:", "        zone: z\(index % 3)",
                    "      max_per_node: 2",
                    "    update:", "      order: stop-first", "      parallelism: 2", "      delay: 10s",
                ]
            }
            text += lines.joined(separator: "\n") + "\n"
        }
        return text
    }
}
