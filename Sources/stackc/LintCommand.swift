import ArgumentParser
import StackCompiler
import StackDiagnostics

/// `stackc lint FILE...`: checks manifests; quiet when they are clean, for pre-commit hooks.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check manifests and report every problem.",
        discussion: "Exit status: 0 when clean (warnings allowed unless --strict), 1 when a manifest has errors, 2 for usage or I/O errors."
    )

    @Argument(help: "The manifests to check.")
    var files: [String]

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @Option(help: "Output format: text (for people) or json (for tools).")
    var format: OutputFormat = .text

    func run() throws {
        var printer = DiagnosticPrinter(format: format)
        var status: Int32 = 0
        for path in files {
            switch ManifestFile.read(path) {
            case .failure(let error):
                Terminal.err(error.message)
                status = max(status, 2)
            case .success(let source):
                let result = StackCompiler.check(source)
                printer.add(result.diagnostics, source: source)
                if result.hasErrors || (strict && !result.diagnostics.isEmpty) { status = max(status, 1) }
            }
        }
        printer.finish()
        if status != 0 { throw ExitCode(status) }
    }
}

extension OutputFormat: ExpressibleByArgument {}
