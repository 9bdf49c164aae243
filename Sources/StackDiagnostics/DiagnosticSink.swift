/// Where the checks of one input report their problems: the YAML reader, the syntax decoder
/// and every check rule write into one, which stamps each diagnostic with the input's path.
public struct DiagnosticSink: Sendable {
    /// The input being checked, as the user named it.
    public let path: String
    /// Every diagnostic reported so far, in the order reported.
    public private(set) var diagnostics: [Diagnostic] = []

    /// An empty sink for the input at `path`.
    public init(path: String) {
        self.path = path
    }

    /// Reports an error.
    public mutating func error(
        _ code: DiagnosticCode, _ message: String, at span: SourceSpan?,
        expected: String? = nil, help: String? = nil, notes: [Diagnostic.Note] = []
    ) {
        diagnostics.append(
            Diagnostic(
                code: code, severity: .error, message: message, path: path, span: span,
                expected: expected, help: help, notes: notes))
    }

    /// Reports a warning.
    public mutating func warning(
        _ code: DiagnosticCode, _ message: String, at span: SourceSpan?,
        expected: String? = nil, help: String? = nil, notes: [Diagnostic.Note] = []
    ) {
        diagnostics.append(
            Diagnostic(
                code: code, severity: .warning, message: message, path: path, span: span,
                expected: expected, help: help, notes: notes))
    }

    /// True when at least one error was reported.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
