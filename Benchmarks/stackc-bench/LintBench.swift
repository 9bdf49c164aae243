import Foundation
import StackCompiler
import StackDiagnostics
import YAML

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `stackc lint` at 10, 100, 1000 and 5000 apps: `StackCompiler.check` on bytes in memory,
/// beside libyaml's bare event parse of the same bytes (the floor: reading YAML and nothing
/// else); and the whole `stackc lint` process on a small manifest, from spawn to exit.
///
/// Targets: lint at most 3× the bare parse, a 1000-app manifest in under 50 ms, the process
/// on a small manifest in under 10 ms.
enum LintBench {
    static let sizes = [10, 100, 1000, 5000]

    /// One size's figures; times in milliseconds.
    struct Row: Codable {
        var apps: Int
        var bytes: Int
        var rounds: Int
        var lintMedian: Double
        var lintFastest: Double
        var parseMedian: Double
        /// The median over rounds of lint's time over the parse's time in the same round.
        var lintOverParse: Double
        /// Megabytes (10⁶ bytes) of manifest linted per second, at the median.
        var megabytesPerSecond: Double
    }

    /// `stackc lint FILE` as a process.
    struct ProcessFigures: Codable {
        var file: String
        var runs: Int
        var median: Double
        var fastest: Double
    }

    /// Everything measured, for `--json`.
    struct Report: Codable {
        var lint: [Row]
        var process: ProcessFigures?
    }

    /// Measures, then prints a table (or JSON) and the verdicts against the targets. False
    /// when a generated manifest did not lint clean (the figures would be meaningless).
    static func run(json: Bool) -> Bool {
        var rows: [Row] = []
        for apps in sizes {
            guard let row = benchLint(apps: apps) else { return false }
            rows.append(row)
        }
        let process = benchProcess(file: "manifests/campus.yml", runs: 20)
        if json {
            printJSON(Report(lint: rows, process: process))
        } else {
            printTable(rows)
            if let process {
                print(
                    "stackc lint \(process.file) (process, spawn to exit, \(process.runs) runs): median \(milliseconds(process.median)), fastest \(milliseconds(process.fastest))\n"
                )
            }
            printVerdicts(rows, process)
        }
        return true
    }

    // MARK: Measuring

    /// Lint and bare parse of a generated `apps`-app manifest, in interleaved rounds; nil (with
    /// the first diagnostics printed) when the manifest is not clean.
    static func benchLint(apps: Int) -> Row? {
        let source = SourceFile(path: "bench.yml", bytes: Array(BenchManifest.apps(apps).utf8))
        let result = StackCompiler.lint(source)
        // Clean but for the build's warnings (W307 families not generated yet; W308, apps of unknown images that wait for others).
        guard result.diagnostics.allSatisfy({ ["W307", "W308", "W320", "W321"].contains($0.code.rawValue) }),
            result.stack != nil
        else {
            print("the generated \(apps)-app manifest does not lint clean:")
            for diagnostic in result.diagnostics.prefix(5) {
                print(DiagnosticRenderer().render(diagnostic, source: source), terminator: "")
            }
            return nil
        }
        guard YAMLEventScan.countEvents(source.bytes) != nil else {
            print("libyaml refused the generated \(apps)-app manifest")
            return nil
        }
        let rounds = max(11, min(301, 30_000 / apps))
        let times = interleaved(
            rounds,
            [
                { _ = StackCompiler.lint(source) },
                { _ = YAMLEventScan.countEvents(source.bytes) },
            ])
        let lint = median(times[0])
        return Row(
            apps: apps, bytes: source.bytes.count, rounds: rounds, lintMedian: lint, lintFastest: times[0].min() ?? 0,
            parseMedian: median(times[1]), lintOverParse: median(zip(times[0], times[1]).map { $0 / $1 }),
            megabytesPerSecond: Double(source.bytes.count) / 1e6 / (lint / 1000))
    }

    /// `stackc lint file` run `runs` times with the `stackc` built beside this benchmark (in the
    /// same configuration); nil (with a message) when there is none or it fails.
    static func benchProcess(file: String, runs: Int) -> ProcessFigures? {
        guard let stackc = siblingExecutable("stackc") else {
            print(
                "no stackc beside \(CommandLine.arguments[0]); build it first: make bench (swift build -c release --static-swift-stdlib --product stackc)\n"
            )
            return nil
        }
        let manifest = repositoryRoot.appendingPathComponent(file).path
        var times: [Double] = []
        for run in 0...runs {
            let clock = ContinuousClock()
            let start = clock.now
            guard let status = spawnAndWait(stackc.path, ["lint", manifest]) else {
                print("cannot run \(stackc.path)\n")
                return nil
            }
            let elapsed = inMilliseconds(clock.now - start)
            guard status == 0 else {
                print("\(stackc.path) lint \(manifest) exited with \(status)\n")
                return nil
            }
            if run > 0 { times.append(elapsed) }  // the first run warms the page cache
        }
        return ProcessFigures(file: file, runs: runs, median: median(times), fastest: times.min() ?? 0)
    }

    /// Runs `path arguments…` with its output to /dev/null and waits for it: the exit status,
    /// or nil when it could not start or did not exit normally. posix_spawn and waitpid, not
    /// Foundation's `Process`, whose `waitUntilExit` polls every 50 ms on Linux and would
    /// measure its own polling.
    static func spawnAndWait(_ path: String, _ arguments: [String]) -> Int32? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return nil }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { return nil }
        }
        // WIFEXITED and WEXITSTATUS, which Swift does not import.
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : nil
    }

    /// Wall times in milliseconds of `rounds` runs of each body, taking turns (so that load
    /// from other processes falls on each alike), after one warm-up run of each.
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

    // MARK: Places

    /// The repository's root (this file is `Benchmarks/stackc-bench/LintBench.swift`).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// An executable of the same build as this one (`swift run -c release` puts every product
    /// of the package in one folder).
    static func siblingExecutable(_ name: String) -> URL? {
        var folders: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folders.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        if let main = Bundle.main.executableURL { folders.append(main.deletingLastPathComponent()) }
        folders.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        return folders.map { $0.appendingPathComponent(name) }.first {
            FileManager.default.isExecutableFile(atPath: $0.path)
        }
    }

    // MARK: Reporting

    static func printTable(_ rows: [Row]) {
        print("stackc lint: StackCompiler.check on the bytes in memory; libyaml: bare event parse of the same bytes;")
        print("interleaved rounds, median (and fastest) wall time\n")
        let header = ["apps", "manifest", "rounds", "lint", "fastest", "libyaml parse", "lint/parse", "MB/s", "µs/app"]
        var lines = [header]
        for row in rows {
            lines.append([
                "\(row.apps)", kilobytes(row.bytes), "\(row.rounds)", milliseconds(row.lintMedian),
                milliseconds(row.lintFastest),
                milliseconds(row.parseMedian), String(format: "%.2f×", row.lintOverParse),
                String(format: "%.1f", row.megabytesPerSecond),
                String(format: "%.1f", row.lintMedian * 1000 / Double(row.apps)),
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

    static func printVerdicts(_ rows: [Row], _ process: ProcessFigures?) {
        func verdict(_ ok: Bool) -> String { ok ? "met" : "MISSED" }
        let worst = rows.map(\.lintOverParse).max() ?? 0
        print(
            "lint / libyaml parse: at most \(String(format: "%.2f", worst))× over all sizes (target ≤ 3×): \(verdict(worst <= 3))"
        )
        if let thousand = rows.first(where: { $0.apps == 1000 }) {
            print(
                "1000 apps: lint \(milliseconds(thousand.lintMedian)) (target < 50 ms): \(verdict(thousand.lintMedian < 50))"
            )
        }
        if let process {
            print(
                "small manifest, whole process: \(milliseconds(process.median)) (target < 10 ms): \(verdict(process.median < 10))"
            )
        }
        if let small = rows.first(where: { $0.apps == 100 }), let large = rows.first(where: { $0.apps == 5000 }) {
            let growth = (large.lintMedian / Double(large.apps)) / (small.lintMedian / Double(small.apps))
            print("linearity: time per app at 5000 / at 100 = \(String(format: "%.2f", growth))")
        }
        print("")
    }

    static func printJSON(_ report: Report) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(report) else {
            preconditionFailure("internal error: the report does not encode")
        }
        print(String(decoding: data, as: UTF8.self))
    }

    static func milliseconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.2f ms", value) : String(format: "%.1f ms", value)
    }

    static func kilobytes(_ bytes: Int) -> String {
        bytes < 1_000_000
            ? String(format: "%.1f kB", Double(bytes) / 1000) : String(format: "%.2f MB", Double(bytes) / 1e6)
    }
}

/// The manifests the lint benchmark reads.
enum BenchManifest {
    /// A realistic manifest with `count` apps that lints clean: every app routed with OIDC and
    /// roles, environment, a volume on shared storage with a backup, a health check, metrics,
    /// resources, the database and a dependency on the app before it; the stack has identity
    /// with a user, monitoring with logs, a registry and two databases.
    static func apps(_ count: Int) -> String {
        var text = """
            stackc: 1
            name: bench
            domain: example.org
            cluster:
              managers: 3
              workers: 4
              shared_storage: nfs
            registry:
              users: [ci]
            identity:
              roles: [staff, admin]
              users:
                - {name: alice, email: alice@example.org, roles: [admin]}
            monitoring:
              metrics: true
              logs: true
            databases:
              pg:
                backup: daily
              cache:
                engine: redis
            apps:

            """
        for index in 0..<count {
            text += """
                  app\(index):
                    image: registry.example.org/team/app\(index):1.\(index % 100)
                    replicas: \(1 + index % 3)
                    port: 8080
                    host: app\(index)
                    auth: oidc
                    roles: [staff]
                    database: pg
                    env:
                      LOG_LEVEL: info
                      APP_INDEX: "\(index)"
                      FEATURE_SIGNUP: "no"
                    volumes:
                      data: /var/lib/app\(index)
                    backup: daily
                    health:
                      path: /healthz
                      interval: 15s
                    metrics: 9100
                    resources: {cpus: 0.5, memory: 256M}
                    depends_on: [\(index == 0 ? "pg, identity" : "pg, cache, app\(index - 1)")]

                """
        }
        return text
    }
}
