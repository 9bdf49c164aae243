import StackDiagnostics
import YAML

extension StackCompiler {
    /// The outcome of converting one manifest to a `stack.swift`.
    public struct ConvertResult: Sendable {
        /// The check's diagnostics, errors before warnings, each in file order.
        public var diagnostics: [Diagnostic]
        /// The Swift description; nil when the manifest has errors.
        public var swift: String?

        /// True when any diagnostic is an error.
        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    }

    /// Checks one manifest and, when it has no errors, writes it as the equivalent
    /// `stack.swift` (see `SwiftDescriptionWriter`), whose header names it by `source.path`.
    public static func convert(_ source: SourceFile) -> ConvertResult {
        convert(source, headerPath: source.path)
    }

    /// `convert(_:)`, with the header naming the manifest by `headerPath` (`stackc convert`
    /// gives its path from the repository's root, as generated files name it).
    public static func convert(_ source: SourceFile, headerPath: String) -> ConvertResult {
        let checked = check(source)
        guard !checked.hasErrors else { return ConvertResult(diagnostics: checked.diagnostics, swift: nil) }
        var bag = DiagnosticBag()
        guard let root = YAMLReader().read(source, into: &bag) else {
            preconditionFailure("internal error: a manifest that checked could not be read again")
        }
        do {
            let swift = try SwiftDescriptionWriter(sourcePath: headerPath).write(root)
            return ConvertResult(diagnostics: checked.diagnostics, swift: swift)
        } catch let problem as SwiftDescriptionWriter.Problem {
            let diagnostic = Diagnostic(
                code: Codes.internalConflict, severity: .error,
                message: "internal error: stackc convert has no Swift for this manifest: \(problem.message)",
                path: source.path, span: problem.span, help: "please report it with the manifest")
            return ConvertResult(diagnostics: merged([diagnostic], checked.diagnostics), swift: nil)
        } catch {
            preconditionFailure("internal error: \(error)")
        }
    }
}
