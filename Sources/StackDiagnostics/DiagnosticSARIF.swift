/// Renders diagnostics as a SARIF 2.1.0 log (`--format sarif`), the format code scanning
/// uploads (GitHub's among others): one run of the tool, whose driver lists one rule per code
/// the diagnostics use, and one result per diagnostic.
///
/// A result has its code (`ruleId`), level (`error` or `warning`), message, and one location:
/// the file relative to the root of the repository it is in, with `uriBaseId` `%SRCROOT%`
/// (what code scanning resolves against its checkout), when the caller can say so
/// (`repositoryPath`); otherwise the file as the user named it (a relative URI reference,
/// percent-encoded; an absolute path becomes a `file:` URI); and the region from the span's line and column to the column after
/// its last character (columns count Unicode code points, as stackc's do: `columnKind`). The
/// message carries `expected:` and `help:` on lines of their own, and one line per note; a note
/// with a place is a related location, which its line links to (`[message](id)`, SARIF's
/// embedded link, so that viewers show the place).
public enum DiagnosticSARIF {
    /// The tool that reports the diagnostics, as SARIF's `tool.driver` describes it.
    public struct Tool: Sendable {
        /// The tool's name: `stackc`.
        public var name: String
        /// Its version, when it has one.
        public var version: String?
        /// Where to read about it.
        public var informationURI: String
        /// The document that explains the codes; each rule's `helpUri` is its section
        /// (`DiagnosticCode.documentationAnchor`).
        public var codesDocument: String

        /// A tool as SARIF's driver names it.
        public init(name: String, version: String? = nil, informationURI: String, codesDocument: String) {
            self.name = name
            self.version = version
            self.informationURI = informationURI
            self.codesDocument = codesDocument
        }
    }

    /// The SARIF 2.1.0 schema (with its first errata), which a log names in `$schema`.
    public static let schemaURI =
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

    /// The base of URIs relative to the repository's root, as code scanning names it.
    public static let sourceRoot = "%SRCROOT%"

    /// The SARIF log of `diagnostics` (in their order), with a final newline. `repositoryPath`
    /// gives a file's path relative to the root of its repository, or nil outside one.
    public static func render(
        _ diagnostics: [Diagnostic], tool: Tool, repositoryPath: (String) -> String? = { _ in nil }
    ) -> String {
        var codes: [DiagnosticCode] = []
        for diagnostic in diagnostics where !codes.contains(diagnostic.code) { codes.append(diagnostic.code) }
        codes.sort { $0.rawValue < $1.rawValue }
        let rules = codes.map { code in
            rule(code, tool: tool, level: diagnostics.first { $0.code == code }?.severity ?? .error)
        }
        let results = diagnostics.map { diagnostic in
            result(
                diagnostic, ruleIndex: codes.firstIndex(of: diagnostic.code) ?? 0, repositoryPath: repositoryPath)
        }
        var driver: [(String, Node)] = [("name", .string(tool.name))]
        if let version = tool.version { driver.append(("version", .string(version))) }
        driver += [("informationUri", .string(tool.informationURI)), ("rules", .array(rules))]
        let run: Node = .object([
            ("tool", .object([("driver", .object(driver))])),
            ("columnKind", .string("unicodeCodePoints")),
            ("results", .array(results)),
        ])
        let log: Node = .object([
            ("$schema", .string(schemaURI)),
            ("version", .string("2.1.0")),
            ("runs", .array([run])),
        ])
        var out = ""
        log.write(indent: 0, into: &out)
        return out + "\n"
    }

    /// A code as a rule of the driver: its ID, name, name in words and documentation.
    private static func rule(_ code: DiagnosticCode, tool: Tool, level: Severity) -> Node {
        var members: [(String, Node)] = [
            ("id", .string(code.rawValue)),
            ("name", .string(code.name)),
            ("shortDescription", .object([("text", .string(code.summary))])),
        ]
        if let anchor = code.documentationAnchor {
            members.append(("helpUri", .string(tool.codesDocument + "#" + anchor)))
        }
        members.append(("defaultConfiguration", .object([("level", .string(level.rawValue))])))
        return .object(members)
    }

    private static func result(
        _ diagnostic: Diagnostic, ruleIndex: Int, repositoryPath: (String) -> String?
    ) -> Node {
        var lines = [diagnostic.message]
        if let expected = diagnostic.expected { lines.append("expected: \(expected)") }
        if let help = diagnostic.help { lines.append("help: \(help)") }
        var related: [Node] = []
        for note in diagnostic.notes {
            guard let span = note.span else {
                lines.append("note: \(note.message)")
                continue
            }
            let id = related.count + 1
            lines.append("note: [\(linkText(note.message))](\(id))")
            related.append(
                .object(
                    [("id", .int(id))]
                        + physicalLocation(path: span.file.path, span: span, repositoryPath: repositoryPath) + [
                            ("message", .object([("text", .string(note.message))]))
                        ]))
        }
        var members: [(String, Node)] = [
            ("ruleId", .string(diagnostic.code.rawValue)),
            ("ruleIndex", .int(ruleIndex)),
            ("level", .string(diagnostic.severity.rawValue)),
            ("message", .object([("text", .string(lines.joined(separator: "\n")))])),
            (
                "locations",
                .array([
                    .object(
                        physicalLocation(
                            path: diagnostic.span?.file.path ?? diagnostic.path, span: diagnostic.span,
                            repositoryPath: repositoryPath))
                ])
            ),
        ]
        if !related.isEmpty { members.append(("relatedLocations", .array(related))) }
        return .object(members)
    }

    /// A location's `physicalLocation` member: the file, and the span's region when there is one.
    private static func physicalLocation(
        path: String, span: SourceSpan?, repositoryPath: (String) -> String?
    ) -> [(String, Node)] {
        let artifact: Node
        if let relative = repositoryPath(path) {
            artifact = .object([("uri", .string(uri(relative))), ("uriBaseId", .string(sourceRoot))])
        } else {
            artifact = .object([("uri", .string(uri(path)))])
        }
        var location: [(String, Node)] = [("artifactLocation", artifact)]
        if let span {
            location.append(
                (
                    "region",
                    .object([
                        ("startLine", .int(span.start.line)),
                        ("startColumn", .int(span.start.column)),
                        ("endColumn", .int(span.start.column + span.length)),
                    ])
                ))
        }
        return [("physicalLocation", .object(location))]
    }

    /// `path` as a URI: relative as given, every byte but letters, digits, `-._~` and `/`
    /// percent-encoded (a space, `%`, `#`, `?`, and a `:` that would read as a scheme); an
    /// absolute path as a `file:` URI.
    static func uri(_ path: String) -> String {
        var encoded = path.hasPrefix("/") ? "file://" : ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                encoded.unicodeScalars.append("%")
                encoded.unicodeScalars.append(hex[Int(byte >> 4)])
                encoded.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return encoded
    }

    /// Text for the inside of an embedded link: SARIF asks that `[`, `]` and `\` be escaped
    /// there with a backslash.
    private static func linkText(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == "[" || character == "]" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// The JSON of the log: members in the order given, 2-space indentation, strings through
    /// `JSONQuoting`.
    private indirect enum Node {
        case string(String)
        case int(Int)
        case object([(String, Node)])
        case array([Node])

        func write(indent: Int, into out: inout String) {
            switch self {
            case .string(let text): out += JSONQuoting.quote(text)
            case .int(let number): out += String(number)
            case .object(let members):
                Self.container(members.count, open: "{", close: "}", indent: indent, into: &out) { index, out in
                    out += JSONQuoting.quote(members[index].0) + ": "
                    members[index].1.write(indent: indent + 1, into: &out)
                }
            case .array(let items):
                Self.container(items.count, open: "[", close: "]", indent: indent, into: &out) { index, out in
                    items[index].write(indent: indent + 1, into: &out)
                }
            }
        }

        /// One element per line, or `{}` / `[]` when empty.
        private static func container(
            _ count: Int, open: String, close: String, indent: Int, into out: inout String,
            element: (Int, inout String) -> Void
        ) {
            guard count > 0 else {
                out += open + close
                return
            }
            let inner = String(repeating: "  ", count: indent + 1)
            out += open + "\n"
            for index in 0..<count {
                out += inner
                element(index, &out)
                out += index == count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: "  ", count: indent) + close
        }
    }
}
