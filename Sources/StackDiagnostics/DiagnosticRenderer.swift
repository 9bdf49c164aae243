/// Renders diagnostics as text for people: the location, the message, the source line with a
/// caret under the spot, and notes.
///
/// ```
/// manifests/campus.yml:12:5: error[E101]: unknown key "replica" in app "web"
///    12 |     replica: 2
///       |     ^^^^^^^
///       = expected: one of image, build, preset, replicas, …
///       = help: did you mean "replicas"?
/// ```
public struct DiagnosticRenderer: Sendable {
    /// Whether to colour the output with ANSI escapes (only on a terminal).
    public var colored: Bool

    /// A renderer; `colored` only when writing to a terminal.
    public init(colored: Bool = false) {
        self.colored = colored
    }

    /// The full text of one diagnostic, ending with a newline.
    public func render(_ diagnostic: Diagnostic, source: SourceFile?) -> String {
        var out = ""
        let place = diagnostic.span.map { "\(diagnostic.path):\($0.start.line):\($0.start.column)" }
            ?? diagnostic.path
        let label = diagnostic.severity == .error
            ? paint("error[\(diagnostic.code)]", "1;31") : paint("warning[\(diagnostic.code)]", "1;33")
        out += "\(paint(place, "1")): \(label): \(diagnostic.message)\n"
        var gutterWidth = 1
        if let span = diagnostic.span, let source, let text = source.lineText(span.start.line) {
            let number = String(span.start.line)
            gutterWidth = number.count
            let gutter = String(repeating: " ", count: gutterWidth)
            let shown = displayable(text)
            out += " \(number) | \(shown)\n"
            // A caret past the end of the excerpt (lines are cut at 400 bytes) would point at
            // nothing, after up to a megabyte of spaces: the location line says where.
            if span.start.column <= text.unicodeScalars.count + 1 {
                out += " \(gutter) | \(caretLine(text: text, span: span))\n"
            }
        }
        let gutter = String(repeating: " ", count: gutterWidth)
        if let expected = diagnostic.expected {
            out += " \(gutter) = expected: \(expected)\n"
        }
        if let help = diagnostic.help {
            out += " \(gutter) = \(paint("help", "1;36")): \(help)\n"
        }
        return out
    }

    /// All diagnostics, in order, followed by a one-line count when there are any.
    public func render(_ diagnostics: [Diagnostic], source: SourceFile?) -> String {
        diagnostics.map { render($0, source: source) }.joined()
    }

    private func caretLine(text: String, span: SourceSpan) -> String {
        let scalars = Array(text.unicodeScalars)
        var prefix = ""
        for index in 0..<max(0, span.start.column - 1) {
            prefix += index < scalars.count && scalars[index] == "\t" ? "\t" : " "
        }
        let available = max(1, scalars.count - (span.start.column - 1))
        let carets = String(repeating: "^", count: min(span.length, available, 200))
        return prefix + paint(carets, "1;31")
    }

    /// Replaces control characters so that a hostile file cannot drive the terminal.
    private func displayable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F ? "\u{FFFD}" : scalar
        }))
    }

    private func paint(_ text: String, _ code: String) -> String {
        colored ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
