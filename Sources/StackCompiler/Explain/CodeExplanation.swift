import StackDiagnostics

/// What `stackc explain CODE` says of one diagnostic code: its documentation (the entry of
/// `docs/diagnostics.md`, which is generated from it) and an example that shows it, a failing
/// input and the same input fixed. A test runs every example through the checker, so the
/// examples are both the code's documentation and its tests.
public struct CodeExplanation: Sendable {
    /// The code explained.
    public let code: DiagnosticCode
    /// The documentation, Markdown, one paragraph (its entry in `docs/diagnostics.md`).
    public let documentation: String
    /// An input that gets the code and the same input fixed; nil when no input can show it.
    public let example: CodeExample?
    /// Why there is no example, when there is none.
    public let withoutExample: String?

    /// A code shown by a failing and a fixed input.
    init(_ code: DiagnosticCode, documentation: String, fails: ExampleInput, fixed: ExampleInput) {
        self.code = code
        self.documentation = Self.paragraph(documentation)
        self.example = CodeExample(failing: fails, fixed: fixed)
        self.withoutExample = nil
    }

    /// A code no input can show, and why.
    init(_ code: DiagnosticCode, documentation: String, withoutExample: String) {
        self.code = code
        self.documentation = Self.paragraph(documentation)
        self.example = nil
        self.withoutExample = withoutExample
    }

    /// Errors are `E`, `F` and `Y` codes; warnings are `W` codes.
    public var severity: Severity {
        code.rawValue.hasPrefix("W") ? .warning : .error
    }

    /// The documentation's first sentence (up to its first ". "), cut at 100 characters: what
    /// `stackc explain --list` gives for the code, one a line.
    public var summary: String {
        let sentence = firstSentence
        return sentence.count <= 100 ? sentence : String(sentence.prefix(99)) + "…"
    }

    /// The documentation's first sentence, whole (`stackc explain --list --format json`).
    public var firstSentence: String { Self.firstSentence(of: documentation) }

    /// The text up to its first ". ", or all of it.
    public static func firstSentence(of text: String) -> String {
        var previous: Character?
        for index in text.indices {
            if previous == ".", text[index] == " " { return String(text[..<index]) }
            previous = text[index]
        }
        return text
    }

    /// The lines of a multi-line literal as one paragraph.
    static func paragraph(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingSpaces() }.joined(separator: " ")
    }
}

extension Substring {
    /// Without leading and trailing spaces.
    func trimmingSpaces() -> Substring {
        let start = firstIndex { $0 != " " } ?? endIndex
        return self[start...].trimmingSuffixSpaces()
    }
}
