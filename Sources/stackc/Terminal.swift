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

    /// True when standard error is a terminal and NO_COLOR is not set.
    static var colorsErrors: Bool {
        isatty(2) == 1 && getenv("NO_COLOR") == nil
    }
}

/// How diagnostics are printed.
enum OutputFormat: String, CaseIterable {
    case text, json
}

/// Prints the diagnostics of one or more manifests.
struct DiagnosticPrinter {
    let format: OutputFormat
    private(set) var collected: [Diagnostic] = []

    init(format: OutputFormat) {
        self.format = format
    }

    /// Prints (text) or collects (JSON) the diagnostics of one file.
    mutating func add(_ diagnostics: [Diagnostic], source: SourceFile?) {
        switch format {
        case .text:
            let renderer = DiagnosticRenderer(colored: Terminal.colorsErrors)
            Terminal.err(diagnostics.map { renderer.render($0, source: source) + "\n" }.joined())
            let errors = diagnostics.filter { $0.severity == .error }.count
            let warnings = diagnostics.count - errors
            if let path = source?.path ?? diagnostics.first?.path, !diagnostics.isEmpty {
                Terminal.err("\(path): \(Self.count(errors, "error")), \(Self.count(warnings, "warning"))\n")
            }
        case .json:
            collected += diagnostics
        }
    }

    /// Prints what was collected (JSON only).
    func finish() {
        if format == .json { Terminal.out(DiagnosticJSON.render(collected)) }
    }

    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
