import ArgumentParser
import FoundationEssentials
import Glibc
import StackCompiler
import StackDiagnostics

/// `stackc convert FILE [-o OUT]`: prints the manifest as the equivalent `stack.swift`, written
/// with the StackDescription library; its diagnostics go to standard error, as `lint` prints
/// them, and a manifest with errors is not converted.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Print a YAML manifest as the equivalent stack.swift.",
        discussion:
            "Exit status: 0 when converted (warnings are printed on standard error), 1 when the manifest has errors (nothing is printed on standard output), 2 for usage or I/O errors."
    )

    @Argument(help: "The YAML manifest.")
    var file: String

    @Option(name: .shortAndLong, help: "Write the Swift to this file instead of standard output.")
    var output: String?

    @Option(help: "Output format for diagnostics (on standard error): text, json, sarif or github.")
    var format: OutputFormat = .text

    func run() throws {
        // Standard output is the Swift's, so the diagnostics go to standard error in every format.
        var printer = DiagnosticPrinter(format: format, toolDescriptor: 2)
        let source: SourceFile
        switch ManifestFile.read(file) {
        case .failure(let error):
            printer.add(unreadable: error)
            printer.finish()
            throw ExitCode(2)
        case .success(let read):
            source = read
        }
        let result = StackCompiler.convert(source, headerPath: ManifestFile.headerPath(file))
        printer.add(result.diagnostics, source: source)
        printer.finish()
        guard let swift = result.swift else { throw ExitCode(1) }
        guard let output else {
            Terminal.out(swift)
            return
        }
        do {
            try Data(swift.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            Terminal.err("stackc: cannot write '\(output)': \(BuildCommand.describe(error))\n")
            throw ExitCode(2)
        }
    }
}
