/// How bad a diagnostic is.
public enum Severity: String, Sendable, Codable, Comparable {
    case error
    case warning

    /// Errors come before warnings.
    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        lhs == .error && rhs == .warning
    }
}

/// A stable identifier of a kind of problem, such as `E101`; documented in `docs/diagnostics.md`.
public struct DiagnosticCode: Hashable, Sendable, CustomStringConvertible {
    /// The code as printed, for example `E101`.
    public let rawValue: String
    /// A short name for the code, for the documentation and JSON output.
    public let name: String

    /// A code with its short name.
    public init(_ rawValue: String, _ name: String) {
        self.rawValue = rawValue
        self.name = name
    }

    /// The printed form.
    public var description: String { rawValue }

    /// A file that could not be read (missing, a folder, no permission): exit status 2. It
    /// reaches `--format json` too, so that a tool does not take a missing file for a clean one.
    public static let unreadableFile = DiagnosticCode("F001", "unreadable-file")

    /// A file of the committed output that is not what `build` writes (`check`, in the tools'
    /// formats; text lists the files instead).
    public static let staleOutput = DiagnosticCode("F003", "stale-output")
}

/// One problem found in one input, with where it is and how to fix it.
public struct Diagnostic: Sendable {
    /// Another place that explains the problem, such as the first of two entries that clash.
    public struct Note: Sendable, Equatable {
        /// One lowercase sentence about that place: "the first 'web' is here".
        public var message: String
        /// Where; nil for a note that belongs to no place.
        public var span: SourceSpan?

        /// A note about `span`.
        public init(_ message: String, at span: SourceSpan?) {
            self.message = message
            self.span = span
        }
    }

    /// The kind of problem.
    public var code: DiagnosticCode
    /// Error or warning.
    public var severity: Severity
    /// One lowercase sentence: what is wrong.
    public var message: String
    /// The input the problem was found in (a span may point into another file).
    public var path: String
    /// Where; nil for problems that belong to no place (an unreadable file).
    public var span: SourceSpan?
    /// What was expected, for example the accepted values.
    public var expected: String?
    /// Advice: a did-you-mean or how to fix it.
    public var help: String?
    /// Other places that belong to the problem, shown after it.
    public var notes: [Note]

    /// A diagnostic. The checks make theirs through a `DiagnosticSink`, with a code declared
    /// in their module's list of codes.
    public init(
        code: DiagnosticCode, severity: Severity, message: String, path: String,
        span: SourceSpan?, expected: String? = nil, help: String? = nil, notes: [Note] = []
    ) {
        self.code = code
        self.severity = severity
        self.message = message
        self.path = path
        self.span = span
        self.expected = expected
        self.help = help
        self.notes = notes
    }

    /// Where, for sorting: problems without a place come first.
    var sortKey: SourceLocation { span?.start ?? SourceLocation(line: 0, column: 0) }
}

/// The problems found while processing one input, kept in the order they must be shown.
public struct DiagnosticBag: Sendable {
    /// Every diagnostic reported so far, in the order reported.
    public private(set) var all: [Diagnostic] = []

    /// An empty bag.
    public init() {}

    /// Records one diagnostic.
    public mutating func report(_ diagnostic: Diagnostic) {
        all.append(diagnostic)
    }

    /// Records several diagnostics.
    public mutating func report(contentsOf diagnostics: [Diagnostic]) {
        all.append(contentsOf: diagnostics)
    }

    /// True when at least one error was reported.
    public var hasErrors: Bool { all.contains { $0.severity == .error } }

    /// The errors.
    public var errors: [Diagnostic] { all.filter { $0.severity == .error } }

    /// Errors before warnings, each group in file order; a problem reported twice at the same
    /// place with the same code is shown once.
    public var sorted: [Diagnostic] {
        // Sorted by plain numbers (severity, the path's rank, line, column, then the order
        // reported), so that comparing two reports copies none of their text.
        let paths = Set(all.map(\.path)).sorted()
        let pathRank = Dictionary(uniqueKeysWithValues: paths.enumerated().map { ($0.element, $0.offset) })
        var keys = all.indices.map { index in
            let location = all[index].sortKey
            return (
                all[index].severity == .error ? 0 : 1, pathRank[all[index].path] ?? 0, location.line, location.column,
                index
            )
        }
        keys.sort { $0 < $1 }
        // Two reports are the same when code, place and message are: such reports are now in
        // one run of equal places, where each is compared with those kept before it.
        var kept: [Diagnostic] = []
        kept.reserveCapacity(keys.count)
        var runStart = 0
        for (position, key) in keys.enumerated() {
            if position > 0,
                keys[position - 1].0 != key.0 || keys[position - 1].1 != key.1
                    || keys[position - 1].2 != key.2 || keys[position - 1].3 != key.3
            {
                runStart = kept.count
            }
            let diagnostic = all[key.4]
            if kept[runStart...].contains(where: { $0.code == diagnostic.code && $0.message == diagnostic.message }) {
                continue
            }
            kept.append(diagnostic)
        }
        return kept
    }

}
