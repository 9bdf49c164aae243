import StackDiagnostics
import YAML

/// A `stack.swift` as the compiler sees it: the JSON form its program handed over (written by
/// the `StackDescription` library, version 1; see `StackInterchange` there), read with the YAML
/// reader (JSON is YAML), and the Swift source its locations point into.
///
/// The manifest in it goes through the same checks and passes as a YAML manifest; what they
/// report at a place in the JSON is moved to the Swift call that wrote that place
/// (`DescriptionLocations`). Compiling and running the program is the command line's job.
public struct SwiftDescription: Sendable {
    /// The version of the JSON form this compiler reads.
    public static let interchangeVersion = 1

    /// The Swift source (`stack.swift`), which diagnostics quote.
    public let source: SourceFile
    /// The manifest the program described.
    let manifest: YAMLNode
    /// Where each place of the manifest was written in `source`.
    public let locations: DescriptionLocations

    /// The description the program handed over as `interchange`, or the problems with it: the
    /// program's own errors (no stack, a name given twice) at their Swift lines, or a form
    /// this compiler cannot read.
    public static func read(interchange: [UInt8], source: SourceFile) -> Result<SwiftDescription, DescriptionFailure> {
        // Spans in the JSON carry the Swift file's ID (same path), and are all moved onto it.
        let json = SourceFile(path: source.path, bytes: interchange)
        var bag = DiagnosticBag()
        let reader = YAMLReader()
        guard let root = reader.read(json, into: &bag), let pairs = root.pairs,
            let version = pairs.first(where: { $0.keyText == "stackDescription" })?.value.scalar?.int
        else {
            return .failure(.unreadable(source, "it is not the JSON form of a StackDescription"))
        }
        guard version == interchangeVersion else {
            return .failure(
                .unreadable(
                    source,
                    "it was written by a StackDescription of version \(version); this stackc reads version \(interchangeVersion): build the description with the StackDescription installed beside this stackc"
                ))
        }
        if let errors = pairs.first(where: { $0.keyText == "errors" })?.value.items {
            return .failure(.described(errors.map { problem(in: $0, source: source) }))
        }
        guard let manifest = pairs.first(where: { $0.keyText == "manifest" })?.value, manifest.pairs != nil,
            let locations = pairs.first(where: { $0.keyText == "locations" })?.value.items
        else {
            return .failure(.unreadable(source, "it has no manifest and no errors"))
        }
        return .success(
            SwiftDescription(
                source: source, manifest: manifest,
                locations: DescriptionLocations(manifest: manifest, written: locations, source: source)))
    }

    /// One of the program's own errors (`{"message": …, "line": …, "column": …}`).
    static func problem(in error: YAMLNode, source: SourceFile) -> Diagnostic {
        let pairs = error.pairs
        let message = pairs?.first(where: { $0.keyText == "message" })?.value.scalar?.text ?? "a problem"
        let line = pairs?.first(where: { $0.keyText == "line" })?.value.scalar?.int
        let column = pairs?.first(where: { $0.keyText == "column" })?.value.scalar?.int
        var span: SourceSpan?
        if let line, let column {
            span = DescriptionLocations.callSpan(line: line, column: column, in: source)
        }
        return Diagnostic(
            code: Codes.descriptionInvalid, severity: .error, message: message, path: source.path, span: span)
    }
}

/// Why a `stack.swift` gave no manifest to check.
public enum DescriptionFailure: Error, Sendable {
    /// The program reported these problems itself (`E112`).
    case described([Diagnostic])
    /// What it wrote cannot be read (`E111`): the reason.
    case unreadable(SourceFile, String)

    /// The diagnostics to print.
    public var diagnostics: [Diagnostic] {
        switch self {
        case .described(let diagnostics):
            var bag = DiagnosticBag()
            bag.report(contentsOf: diagnostics)
            return bag.sorted
        case .unreadable(let source, let reason):
            return [DescriptionProblems.failed(source, "its program's output cannot be read: \(reason)")]
        }
    }
}

/// The diagnostics of a `stack.swift` that does not compile or whose program fails, which the
/// command line finds while it compiles and runs it.
public enum DescriptionProblems {
    /// `E110`: `swiftc` rejected the description (it printed its own diagnostics first).
    public static func doesNotCompile(_ source: SourceFile, status: Int32) -> Diagnostic {
        Diagnostic(
            code: Codes.descriptionDoesNotCompile, severity: .error,
            message: "the description does not compile (swiftc exit status \(status))", path: source.path,
            span: nil, help: "the Swift compiler's diagnostics above point at the lines to fix")
    }

    /// `E111`: the description's program did not hand over a stack: `what` happened.
    public static func failed(_ source: SourceFile, _ what: String, help: String? = nil) -> Diagnostic {
        Diagnostic(
            code: Codes.descriptionFailed, severity: .error, message: "the description failed: \(what)",
            path: source.path, span: nil, help: help)
    }

    /// `E112`: the program ran to its end without making a `Stack`.
    public static func noStack(_ source: SourceFile) -> Diagnostic {
        Diagnostic(
            code: Codes.descriptionInvalid, severity: .error, message: "the description makes no Stack",
            path: source.path, span: SourceSpan(file: source.id, start: SourceLocation(line: 1, column: 1)),
            help: "write 'let stack = Stack(\"name\") { … }' at the top level of the file")
    }
}
