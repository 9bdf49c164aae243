import StackCompiler
import StackDiagnostics

/// How `stackc explain` prints an explanation: text for people, or JSON (the code, its name,
/// severity and documentation, and each example with the diagnostics stackc gave for it).
struct ExplanationPrinter {
    let explanation: CodeExplanation
    let failing: ExampleRun?
    let fixed: ExampleRun?
    /// Whether diagnostics are coloured (on a terminal, as `stackc lint` colours them).
    let colored: Bool

    init(_ explanation: CodeExplanation, failing: ExampleRun?, fixed: ExampleRun?, colored: Bool = false) {
        self.explanation = explanation
        self.failing = failing
        self.fixed = fixed
        self.colored = colored
    }

    /// The width documentation is wrapped at in text.
    static let width = 88

    func render(_ format: ExplainFormat) -> String {
        format == .json ? json() : text()
    }

    // MARK: Text

    func text() -> String {
        let code = explanation.code
        var out = "\(code.rawValue) \(code.name) (\(explanation.severity.rawValue))\n\n"
        out += Self.wrapped(explanation.documentation) + "\n"
        guard let example = explanation.example, let failing, let fixed else {
            return out + "\n" + Self.wrapped("No example: \(explanation.withoutExample ?? "none is given").") + "\n"
        }
        out += "\nFails:\n\n" + Self.shown(example.failing) + "\n" + says(failing)
        out += "\nFixed:\n\n" + Self.shown(example.fixed) + "\n" + says(fixed)
        return out
    }

    /// The manifest and the files beside it, indented.
    static func shown(_ input: ExampleInput) -> String {
        var out = indented(input.fileName + ":", input.manifest)
        for file in input.files {
            out += "\n" + indented(file.path + " (beside it):", file.text)
        }
        return out
    }

    static func indented(_ title: String, _ text: String) -> String {
        "  " + title + "\n"
            + text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
                $0.isEmpty ? "" : "    " + $0
            }.joined(separator: "\n") + "\n"
    }

    /// What stackc said of an example, as `stackc lint` prints it.
    func says(_ run: ExampleRun) -> String {
        if let failure = run.failure { return "stackc could not run this example here: \(failure)\n" }
        guard !run.diagnostics.isEmpty else { return "stackc says nothing: no error, no warning.\n" }
        let renderer = DiagnosticRenderer(colored: colored)
        let errors = run.diagnostics.filter { $0.severity == .error }.count
        // As `stackc lint` prints them: a blank line after each.
        let rendered = run.diagnostics.map { renderer.render($0, source: run.source) + "\n" }.joined()
        return "stackc says:\n\n" + rendered
            + "\(run.source.path): \(DiagnosticPrinter.count(errors, "error")), "
            + "\(DiagnosticPrinter.count(run.diagnostics.count - errors, "warning"))\n"
    }

    /// `text` wrapped at `width` columns.
    static func wrapped(_ text: String) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    // MARK: JSON

    func json() -> String {
        let code = explanation.code
        var fields: [(String, String)] = [
            ("code", JSONQuoting.quote(code.rawValue)),
            ("name", JSONQuoting.quote(code.name)),
            ("severity", JSONQuoting.quote(explanation.severity.rawValue)),
            ("documentation", JSONQuoting.quote(explanation.documentation)),
        ]
        if let example = explanation.example, let failing, let fixed {
            let sides = [("failing", Self.json(example.failing, failing)), ("fixed", Self.json(example.fixed, fixed))]
            fields.append(("examples", Self.object(sides, indent: "  ")))
        } else {
            fields.append(("examples", "null"))
            fields.append(("withoutExample", JSONQuoting.quote(explanation.withoutExample ?? "")))
        }
        return Self.object(fields, indent: "") + "\n"
    }

    static func json(_ input: ExampleInput, _ run: ExampleRun) -> String {
        let files = input.files.map {
            "{\"path\": \(JSONQuoting.quote($0.path)), \"text\": \(JSONQuoting.quote($0.text))}"
        }
        var fields: [(String, String)] = [
            ("kind", JSONQuoting.quote(input.kind.rawValue)),
            ("file", JSONQuoting.quote(input.fileName)),
            ("manifest", JSONQuoting.quote(input.manifest)),
            ("files", "[" + files.joined(separator: ", ") + "]"),
        ]
        if let failure = run.failure {
            fields.append(("diagnostics", "null"))
            fields.append(("failure", JSONQuoting.quote(failure)))
        } else {
            let array = DiagnosticJSON.render(run.diagnostics).split(separator: "\n").joined(separator: "\n      ")
            fields.append(("diagnostics", array))
        }
        return object(fields, indent: "    ")
    }

    static func object(_ fields: [(String, String)], indent: String) -> String {
        "{\n" + fields.map { "\(indent)  \(JSONQuoting.quote($0.0)): \($0.1)" }.joined(separator: ",\n")
            + "\n\(indent)}"
    }

    // MARK: Lists and retired codes

    /// Every code, one a line: the code, its name and the first sentence of its documentation.
    static func listText() -> String {
        let codes = CodeExplanation.all.map { "\($0.code.rawValue) \($0.code.name): \($0.summary)\n" }
        let retired = CodeExplanation.retired.map { "\($0.code) (retired)\n" }
        return (codes + retired).joined()
    }

    /// Every code as the text list has it, retired ones last (`"retired": true`, without a
    /// name or severity); each summary is the whole first sentence.
    static func listJSON() -> String {
        let codes = CodeExplanation.all.map { explanation in
            "  "
                + object(
                    [
                        ("code", JSONQuoting.quote(explanation.code.rawValue)),
                        ("name", JSONQuoting.quote(explanation.code.name)),
                        ("severity", JSONQuoting.quote(explanation.severity.rawValue)),
                        ("summary", JSONQuoting.quote(explanation.firstSentence)), ("retired", "false"),
                    ], indent: "  ")
        }
        let retired = CodeExplanation.retired.map { retired in
            "  "
                + object(
                    [
                        ("code", JSONQuoting.quote(retired.code)), ("name", "null"), ("severity", "null"),
                        (
                            "summary",
                            JSONQuoting.quote(
                                CodeExplanation.firstSentence(
                                    of: CodeExplanation.retiredDocumentation(retired.code) ?? ""))
                        ),
                        ("retired", "true"),
                    ], indent: "  ")
        }
        return "[\n" + (codes + retired).joined(separator: ",\n") + "\n]\n"
    }

    /// A code stackc no longer reports.
    static func retired(_ code: String, _ documentation: String, format: ExplainFormat) -> String {
        guard format == .json else {
            return "\(code) (retired, no longer reported)\n\n" + wrapped(documentation) + "\n"
        }
        return object(
            [
                ("code", JSONQuoting.quote(code)), ("name", "null"), ("severity", "null"),
                ("documentation", JSONQuoting.quote(documentation)), ("examples", "null"),
                ("withoutExample", JSONQuoting.quote("it is retired: stackc no longer reports it")),
            ], indent: "") + "\n"
    }
}
