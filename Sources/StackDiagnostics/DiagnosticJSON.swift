/// Renders diagnostics as JSON for tools (`--format json`): one array of objects with the file,
/// line, column, length, severity, code, name, message, and when there are any, expected, help
/// and notes (each with its message, file, line and column).
public enum DiagnosticJSON {
    /// A JSON array of the diagnostics, with a final newline.
    public static func render(_ diagnostics: [Diagnostic]) -> String {
        let objects = diagnostics.map { diagnostic -> String in
            var fields: [(String, String)] =
                [
                    ("file", JSONQuoting.quote(diagnostic.span?.file.path ?? diagnostic.path))
                ] + place(diagnostic.span) + [
                    ("length", diagnostic.span.map { String($0.length) } ?? "null"),
                    ("severity", JSONQuoting.quote(diagnostic.severity.rawValue)),
                    ("code", JSONQuoting.quote(diagnostic.code.rawValue)),
                    ("name", JSONQuoting.quote(diagnostic.code.name)),
                    ("message", JSONQuoting.quote(diagnostic.message)),
                ]
            if let expected = diagnostic.expected { fields.append(("expected", JSONQuoting.quote(expected))) }
            if let help = diagnostic.help { fields.append(("help", JSONQuoting.quote(help))) }
            if !diagnostic.notes.isEmpty {
                let notes = diagnostic.notes.map { note in
                    object(
                        [
                            ("message", JSONQuoting.quote(note.message)),
                            ("file", note.span.map { JSONQuoting.quote($0.file.path) } ?? "null"),
                        ]
                            + place(note.span))
                }
                fields.append(("notes", "[" + notes.joined(separator: ", ") + "]"))
            }
            return "  " + object(fields)
        }
        return objects.isEmpty ? "[]\n" : "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    private static func place(_ span: SourceSpan?) -> [(String, String)] {
        [
            ("line", span.map { String($0.start.line) } ?? "null"),
            ("column", span.map { String($0.start.column) } ?? "null"),
        ]
    }

    private static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(JSONQuoting.quote($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }
}
