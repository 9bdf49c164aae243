import Glibc
import StackDiagnostics

/// Output to the user: diagnostics on standard error (coloured on a terminal), results on
/// standard output.
enum Terminal {
    static func out(_ text: String) {
        write(text, to: 1)
    }

    static func err(_ text: String) {
        write(text, to: 2)
    }

    /// All of `text` to a file descriptor (a pipe may take it in parts); gives up on an error.
    /// The C library directly: the executable has no FileHandle (see `Main`).
    static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    /// True when standard error is a terminal and NO_COLOR is not set (set to an empty string
    /// counts as not set, as no-color.org says).
    static var colorsErrors: Bool {
        guard isatty(2) == 1 else { return false }
        guard let noColor = getenv("NO_COLOR") else { return true }
        return noColor.pointee == 0
    }
}

/// How diagnostics are printed: text for people (on standard error, coloured on a terminal),
/// and for tools JSON, SARIF 2.1.0 (code scanning) or GitHub Actions workflow commands
/// (annotations), on standard output (see docs/tools.md).
enum OutputFormat: String, CaseIterable {
    case text, json, sarif, github
}

/// Prints the diagnostics of one or more manifests.
struct DiagnosticPrinter {
    let format: OutputFormat
    /// Where the tools' formats go: standard output, unless the command prints its result there.
    let toolDescriptor: Int32
    private(set) var collected: [Diagnostic] = []

    init(format: OutputFormat, toolDescriptor: Int32 = 1) {
        self.format = format
        self.toolDescriptor = toolDescriptor
    }

    /// The most diagnostics of one file that text shows; the rest are counted. Fixing the first
    /// ones usually fixes many of the others, and a terminal is no place for thousands.
    static let textLimit = 100

    /// What SARIF says of stackc. It has no public address: the links are relative to the
    /// repository's root, where README.md and docs/diagnostics.md are.
    static let sarifTool = DiagnosticSARIF.Tool(
        name: "stackc", informationURI: "README.md", codesDocument: "docs/diagnostics.md")

    /// Prints (text) or collects (the tools' formats) the diagnostics of one file.
    mutating func add(_ diagnostics: [Diagnostic], source: SourceFile?) {
        switch format {
        case .text:
            let renderer = DiagnosticRenderer(colored: Terminal.colorsErrors)
            // One at a time, so that a long report is never held whole.
            for diagnostic in diagnostics.prefix(Self.textLimit) {
                Terminal.err(renderer.render(diagnostic, source: source) + "\n")
            }
            let errors = diagnostics.filter { $0.severity == .error }.count
            let warnings = diagnostics.count - errors
            if diagnostics.count > Self.textLimit {
                let rest = diagnostics.dropFirst(Self.textLimit)
                let restErrors = rest.filter { $0.severity == .error }.count
                Terminal.err(
                    "… and \(rest.count) more (\(Self.count(restErrors, "error")), \(Self.count(rest.count - restErrors, "warning"))); --format json lists every one\n"
                )
            }
            if let path = source?.path ?? diagnostics.first?.path, !diagnostics.isEmpty {
                Terminal.err("\(path): \(Self.count(errors, "error")), \(Self.count(warnings, "warning"))\n")
            }
        case .json, .sarif, .github:
            collected += diagnostics
        }
    }

    /// Prints what was collected, in one piece (the tools' formats); a SARIF log or a JSON
    /// array also when empty.
    func finish() {
        switch format {
        case .text: return
        case .json: Terminal.write(DiagnosticJSON.render(collected), to: toolDescriptor)
        case .sarif:
            Terminal.write(
                DiagnosticSARIF.render(collected, tool: Self.sarifTool, repositoryPath: ManifestFile.repositoryPath),
                to: toolDescriptor)
        case .github:
            Terminal.write(
                DiagnosticGitHub.render(collected, repositoryPath: ManifestFile.repositoryPath), to: toolDescriptor)
        }
    }

    /// A manifest that cannot be read: the reason in text on standard error, and in the tools'
    /// formats also an `F001` diagnostic, so that a tool does not take a missing file for a
    /// clean one.
    mutating func add(unreadable error: ManifestReadError) {
        Terminal.err(error.message)
        guard format != .text else { return }
        add(
            [
                Diagnostic(
                    code: .unreadableFile, severity: .error, message: "cannot \(error.verb) the file: \(error.reason)",
                    path: error.path, span: nil)
            ], source: nil)
    }

    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
