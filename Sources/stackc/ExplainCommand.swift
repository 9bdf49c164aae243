import ArgumentParser
import StackCompiler
import StackDiagnostics

/// `stackc explain CODE`: prints what a diagnostic code means, with a manifest that gets it,
/// what stackc says of that manifest (checked now, by this stackc), and the manifest fixed.
/// `stackc explain --list` lists every code. `stackc explain out/<stack>/FILE:LINE` says which
/// manifest keys and which pass produced that line of the output.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract:
            "Explain a diagnostic code (with a manifest that gets it and the same manifest fixed), or a line of out/.",
        discussion:
            "CODE is a code in any case (E203, e203) or its name (duplicate-route). out/<stack>/FILE:LINE (or FILE:LINE:COLUMN) names a line of the generated output: stackc builds the manifest its stack.yml names again, and says which pass and which manifest keys made the line. Exit status: 0 when explained, 1 for a line that is stale (the output is not what the manifest builds now), that the manifest no longer makes, past the end of the file, or of a file stackc did not make (not in .stackc-files), 2 for a word that is not a code, an argument that is not FILE:LINE, an unreadable file, or other usage errors."
    )

    @Argument(help: ArgumentHelp("The diagnostic code or its name, or out/<stack>/FILE:LINE.", valueName: "code"))
    var subject: String?

    @Flag(help: "List every code with a summary.")
    var list = false

    @Option(help: "Output format: text (for people) or json.")
    var format: ExplainFormat = .text

    /// Nothing to explain is explain's own usage error (thrown here, ArgumentParser shows
    /// explain's usage; thrown from `run`, the top-level one).
    func validate() throws {
        if subject == nil, !list {
            throw ValidationError("give a diagnostic code (E203), its name (duplicate-route), or --list")
        }
    }

    func run() throws {
        if list {
            Terminal.out(format == .json ? ExplanationPrinter.listJSON() : ExplanationPrinter.listText())
            return
        }
        guard let subject else {
            throw ValidationError("give a diagnostic code (E203), its name (duplicate-route), or --list")
        }
        if let explanation = CodeExplanation.named(subject) {
            let failing = explanation.example.map { ExampleRun.run($0.failing) }
            let fixed = explanation.example.map { ExampleRun.run($0.fixed) }
            let printer = ExplanationPrinter(
                explanation, failing: failing, fixed: fixed, colored: format == .text && Terminal.colorsOutput)
            Terminal.out(printer.render(format))
        } else if let retired = CodeExplanation.retiredDocumentation(subject) {
            Terminal.out(ExplanationPrinter.retired(subject.uppercased(), retired, format: format))
        } else if subject.contains(":") {
            try Self.explainOutputLine(subject, format: format)
        } else {
            throw Self.notACode(subject)
        }
    }

    // MARK: `stackc explain out/<stack>/FILE:LINE`

    /// Explains a line of a generated file: which manifest keys and which pass produced it, from
    /// the source map the output tree keeps (`OutputLineExplanation`). An argument with a `:`
    /// that is not `PATH:LINE` is a word that is not a code.
    static func explainOutputLine(_ argument: String, format: ExplainFormat) throws {
        guard OutputLineExplanation.isFileLine(argument) else {
            guard OutputLineExplanation.meantAsFileLine(argument) else { throw notACode(argument) }
            Terminal.err(OutputLineExplanation.notFileLine(argument))
            throw ExitCode(2)
        }
        let status = OutputLineExplanation.run(argument, format: format == .json ? .json : .text)
        if status != 0 { throw ExitCode(status) }
    }

    // MARK: Not a code

    /// Says that `word` is not a code, with the closest code or name; exit status 2.
    static func notACode(_ word: String) -> ExitCode {
        var message = "stackc: '\(word)' is not a diagnostic code"
        if let suggestion = CodeExplanation.suggestion(for: word) { message += "; did you mean '\(suggestion)'?" }
        Terminal.err(message + "\n" + "run 'stackc explain --list' for every code\n")
        return ExitCode(2)
    }
}

/// The formats `stackc explain` prints.
enum ExplainFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json
}
