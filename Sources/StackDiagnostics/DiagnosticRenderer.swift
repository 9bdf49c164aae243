/// Renders diagnostics as text for people: the location, the message, the source line with a
/// caret under the spot, what was expected, help, and notes that point at other places.
///
/// ```
/// manifests/campus.yml:14:5: error[E203]: app 'blog' and app 'web' are both routed at 'www.campus.test'
///  14 |     host: www
///     |     ^^^^
///     = help: give one of them another host or a different 'path'
/// note: app 'web' is routed there here
///  --> manifests/campus.yml:9:11
///   9 |     host: www
///     |           ^^^
/// ```
public struct DiagnosticRenderer: Sendable {
    /// Whether to colour the output with ANSI escapes (only on a terminal).
    public var colored: Bool

    /// A renderer; `colored` only when writing to a terminal.
    public init(colored: Bool = false) {
        self.colored = colored
    }

    /// The full text of one diagnostic, ending with a newline; `source` is the file it was
    /// found in.
    public func render(_ diagnostic: Diagnostic, source: SourceFile?) -> String {
        render(diagnostic, sources: source.map { [$0] } ?? [])
    }

    /// The full text of one diagnostic, ending with a newline. A span's source line is quoted
    /// from the file among `sources` that it is in; a span in a file not given is shown by its
    /// location only.
    public func render(_ diagnostic: Diagnostic, sources: [SourceFile]) -> String {
        var out = ""
        let place = diagnostic.span.map { "\($0.file.path):\($0.start.line):\($0.start.column)" } ?? diagnostic.path
        let label =
            diagnostic.severity == .error
            ? paint("error[\(diagnostic.code)]", "1;31") : paint("warning[\(diagnostic.code)]", "1;33")
        out += "\(paint(place, "1")): \(label): \(diagnostic.message)\n"
        var gutterWidth = 1
        if let span = diagnostic.span, let text = Self.file(of: span, in: sources)?.lineText(span.start.line) {
            gutterWidth = String(span.start.line).count
            out += excerpt(text, span: span, gutterWidth: gutterWidth)
        }
        let gutter = String(repeating: " ", count: gutterWidth)
        if let expected = diagnostic.expected {
            out += " \(gutter) = expected: \(expected)\n"
        }
        if let help = diagnostic.help {
            out += " \(gutter) = \(paint("help", "1;36")): \(help)\n"
        }
        for note in diagnostic.notes {
            out += render(note, sources: sources)
        }
        return out
    }

    /// All diagnostics, in order; the count of errors and warnings is the caller's to add.
    public func render(_ diagnostics: [Diagnostic], source: SourceFile?) -> String {
        diagnostics.map { render($0, source: source) }.joined()
    }

    /// `note: message`, then where, and the source line with a caret as for the diagnostic.
    private func render(_ note: Diagnostic.Note, sources: [SourceFile]) -> String {
        var out = "\(paint("note", "1;32")): \(note.message)\n"
        guard let span = note.span else { return out }
        let text = Self.file(of: span, in: sources)?.lineText(span.start.line)
        let gutterWidth = text == nil ? 1 : String(span.start.line).count
        out +=
            "\(String(repeating: " ", count: gutterWidth))--> \(span.file.path):\(span.start.line):\(span.start.column)\n"
        if let text { out += excerpt(text, span: span, gutterWidth: gutterWidth) }
        return out
    }

    /// The numbered source line and, under it, the carets.
    private func excerpt(_ text: String, span: SourceSpan, gutterWidth: Int) -> String {
        let gutter = String(repeating: " ", count: gutterWidth)
        var out = " \(span.start.line) | \(displayable(text))\n"
        // A caret past the end of the excerpt (lines are cut at 400 bytes) would point at
        // nothing, after up to a megabyte of spaces: the location line says where.
        if span.start.column <= text.unicodeScalars.count + 1 {
            out += " \(gutter) | \(caretLine(text: text, span: span))\n"
        }
        return out
    }

    /// The file among `sources` that `span` is in.
    private static func file(of span: SourceSpan, in sources: [SourceFile]) -> SourceFile? {
        sources.first { $0.id == span.file }
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
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F ? "\u{FFFD}" : scalar
                }))
    }

    private func paint(_ text: String, _ code: String) -> String {
        colored ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
