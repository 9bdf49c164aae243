import Foundation
import StackCompiler
import StackDiagnostics
import YAML

/// Lint against libyaml's bare parse in instructions, counted by callgrind: figures that do not
/// depend on the machine's load, for comparing one change with the next where wall times
/// vary by ±10%.
///
/// For each size the benchmark writes the generated manifest to a file and runs itself twice
/// under `valgrind --tool=callgrind` in its `--measure FILE` mode, which lints the file once
/// and parses it bare once; each run collects only inside one of the two (`--toggle-collect`).
enum InstructionBench {
    static let sizes = [1000, 5000]

    /// Prints lint's and the bare parse's instruction counts and their ratio; false when
    /// valgrind is missing or a run fails.
    static func run() -> Bool {
        guard let valgrind = Tools.onPath("valgrind") else {
            print("instruction counts need valgrind (Debian: apt-get install valgrind)")
            return false
        }
        print(
            """
            instructions (callgrind): StackCompiler.lint (check and in-memory build) against libyaml's bare event parse of the same
            bytes, each counted alone in one process

            apps  manifest        lint Ir       parse Ir  lint/parse
            ----  --------  -------------  -------------  ----------
            """)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stackc-bench-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for apps in sizes {
            let file = folder.appendingPathComponent("bench-\(apps).yml")
            let text = BenchManifest.apps(apps)
            guard (try? text.write(to: file, atomically: true, encoding: .utf8)) != nil,
                let lint = count(valgrind, function: "measuredLint", file: file.path),
                let parse = count(valgrind, function: "measuredParse", file: file.path)
            else {
                print("callgrind did not run on the \(apps)-app manifest")
                return false
            }
            print(
                String(
                    format: "%4d  %8@  %13@  %13@  %9.2f×", apps, LintBench.kilobytes(text.utf8.count),
                    grouped(lint), grouped(parse), Double(lint) / Double(parse)))
        }
        print("")
        return true
    }

    /// The instructions callgrind collects inside `function` while this benchmark measures
    /// `file`; nil when valgrind fails.
    static func count(_ valgrind: URL, function: String, file: String) -> Int? {
        let process = Process()
        process.executableURL = valgrind
        process.arguments = [
            "--tool=callgrind", "--callgrind-out-file=/dev/null", "--toggle-collect=*\(function)*",
            CommandLine.arguments[0], "--measure", file,
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        // "==123== Collected : 226143782"
        guard let line = output.split(separator: "\n").first(where: { $0.contains("Collected :") }),
            let figure = line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces)
        else { return nil }
        return Int(figure)
    }

    /// `--measure FILE`: lints the file once and parses it bare once, each in a function of its
    /// own for callgrind to collect in. False when the file cannot be read or does not lint.
    static func measure(_ path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        let source = SourceFile(path: path, bytes: [UInt8](data))
        let clean = measuredLint(source)
        let events = measuredParse(source.bytes)
        return clean && events != nil
    }

    @inline(never)
    static func measuredLint(_ source: SourceFile) -> Bool {
        // Clean but for the build's warnings about images it does not know (W308, W320, W321) and families not generated (W307).
        StackCompiler.lint(source).diagnostics.allSatisfy {
            ["W307", "W308", "W320", "W321"].contains($0.code.rawValue)
        }
    }

    @inline(never)
    static func measuredParse(_ bytes: [UInt8]) -> Int? {
        YAMLEventScan.countEvents(bytes)
    }

    /// 226143782 → "226,143,782".
    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        return String(
            digits.enumerated().flatMap { index, digit in
                index > 0 && (digits.count - index) % 3 == 0 ? [",", digit] : [digit]
            })
    }
}

/// Programs on the PATH.
enum Tools {
    static func onPath(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}
