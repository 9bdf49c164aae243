import ArgumentParser
import StackCompiler
import StackDiagnostics

/// `stackc lint FILE...`: checks manifests, and builds the clean ones in memory for the
/// warnings only a build gives, so lint reports what build would; quiet when they are clean,
/// for pre-commit hooks.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check manifests and report every problem.",
        discussion:
            "Exit status: 0 when clean (warnings allowed unless --strict), 1 when a manifest has errors, 2 for usage or I/O errors."
    )

    @Argument(help: "The manifests to check (YAML, or stack.swift descriptions).")
    var files: [String]

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @Option(help: "Output format: text (for people), json, sarif (code scanning) or github (Actions annotations).")
    var format: OutputFormat = .text

    func run() throws {
        let status = Self.lint(files, strict: strict, format: format)
        if status != 0 { throw ExitCode(status) }
    }

    /// `stackc lint` of `files`; the exit status.
    static func lint(_ files: [String], strict: Bool, format: OutputFormat) -> Int32 {
        var printer = DiagnosticPrinter(format: format)
        var status: Int32 = 0
        for path in files {
            switch ManifestInput.load(path, echoCompiler: format == .text) {
            case .failure(let error):
                printer.add(unreadable: error)
                status = max(status, 2)
            case .success(let input):
                let result = input.lint { FilesBesideManifest.read($0, manifest: path) }
                printer.add(result.diagnostics, source: input.source)
                if result.hasErrors || (strict && !result.diagnostics.isEmpty) { status = max(status, 1) }
            }
        }
        printer.finish()
        return status
    }

    /// The files of a plain `stackc lint FILE...` (what the pre-commit hook runs on every
    /// commit), or nil for anything else. Such a command line goes straight to `lint`:
    /// building ArgumentParser's model of every command takes longer than linting a small
    /// manifest (about 11 of a process's 17 million instructions). Anything with an option,
    /// `--`, or no file at all takes the full parser, so usage, help and errors are unchanged.
    static func plainFiles(in arguments: [String]) -> [String]? {
        guard arguments.count >= 2, arguments[0] == "lint" else { return nil }
        let files = Array(arguments.dropFirst())
        return files.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") }) ? files : nil
    }
}

extension OutputFormat: ExpressibleByArgument {}
