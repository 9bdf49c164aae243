/// Renders diagnostics as GitHub Actions workflow commands (`--format github`): one line per
/// diagnostic, which the runner turns into an annotation on the file and line:
///
///     ::error file=shop.yml,line=8,col=5,title=E101 unknown-key::unknown key 'replica' in app 'web'%0Ahelp: …
///
/// `warning` for a warning. The file is the one the span is in, relative to the root of its
/// repository when the caller can say so (`repositoryPath`; the runner resolves paths against
/// the checkout), else as the user named it; a
/// diagnostic without a place has no line or column. The message carries `expected:`, `help:`
/// and each note (with its place) on lines of their own. Values are escaped as GitHub's
/// toolkit does: `%`, CR and LF as `%25`, `%0D` and `%0A` everywhere, and in the properties
/// also `:` and `,` as `%3A` and `%2C`, so that no value can end a property or the command.
public enum DiagnosticGitHub {
    /// One workflow command per diagnostic, each ending in a newline; nothing for none.
    /// `repositoryPath` gives a file's path relative to the root of its repository, or nil
    /// outside one.
    public static func render(
        _ diagnostics: [Diagnostic], repositoryPath: (String) -> String? = { _ in nil }
    ) -> String {
        diagnostics.map { command($0, repositoryPath: repositoryPath) }.joined()
    }

    private static func command(_ diagnostic: Diagnostic, repositoryPath: (String) -> String?) -> String {
        let path = diagnostic.span?.file.path ?? diagnostic.path
        var properties = [("file", repositoryPath(path) ?? path)]
        if let span = diagnostic.span {
            properties += [("line", String(span.start.line)), ("col", String(span.start.column))]
        }
        properties.append(("title", "\(diagnostic.code.rawValue) \(diagnostic.code.name)"))
        var lines = [diagnostic.message]
        if let expected = diagnostic.expected { lines.append("expected: \(expected)") }
        if let help = diagnostic.help { lines.append("help: \(help)") }
        for note in diagnostic.notes {
            let place =
                note.span.map {
                    " (\(repositoryPath($0.file.path) ?? $0.file.path):\($0.start.line):\($0.start.column))"
                }
                ?? ""
            lines.append("note: \(note.message)\(place)")
        }
        let name = diagnostic.severity == .error ? "error" : "warning"
        return "::\(name) "
            + properties.map { "\($0.0)=\(escapeProperty($0.1))" }.joined(separator: ",")
            + "::\(escapeData(lines.joined(separator: "\n")))\n"
    }

    /// A command's message: `%`, CR and LF escaped.
    static func escapeData(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A property's value: as a message, and `:` and `,` escaped too.
    static func escapeProperty(_ text: String) -> String {
        var out = ""
        for scalar in escapeData(text).unicodeScalars {
            switch scalar {
            case ":": out += "%3A"
            case ",": out += "%2C"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
