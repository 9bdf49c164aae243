/// Renders diagnostics as JSON for tools (`--format json`): one array of objects with the file,
/// line, column, severity, code, message, expected and help.
public enum DiagnosticJSON {
    /// A JSON array of the diagnostics, with a final newline.
    public static func render(_ diagnostics: [Diagnostic]) -> String {
        let objects = diagnostics.map { diagnostic -> String in
            var fields: [(String, String)] = [
                ("file", quote(diagnostic.path)),
                ("line", diagnostic.span.map { String($0.start.line) } ?? "null"),
                ("column", diagnostic.span.map { String($0.start.column) } ?? "null"),
                ("length", diagnostic.span.map { String($0.length) } ?? "null"),
                ("severity", quote(diagnostic.severity.rawValue)),
                ("code", quote(diagnostic.code.rawValue)),
                ("name", quote(diagnostic.code.name)),
                ("message", quote(diagnostic.message)),
            ]
            if let expected = diagnostic.expected { fields.append(("expected", quote(expected))) }
            if let help = diagnostic.help { fields.append(("help", quote(help))) }
            return "  {" + fields.map { "\(quote($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
        }
        return objects.isEmpty ? "[]\n" : "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    /// A JSON string literal.
    public static func quote(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x2028...0x2029).contains(scalar.value) {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
