import StackDiagnostics
import YAML

/// The compiler's entry point. The stages, in order:
///
/// 1. `YAMLReader`: text → `YAMLNode`s with locations (libyaml).
/// 2. `SyntaxDecoder`: nodes → `ManifestSyntax`, the typed tree of the manifest as written.
/// 3. `StackResolver` and the `CheckRules`: syntax → `ResolvedStack`, defaults applied and
///    references bound, with every problem reported into the decoder's `DiagnosticSink`.
/// 4. `Passes` (see `BuildPipeline`): resolved stack → `OutputTree`, the files to write.
///
/// Pure: text in, values out; reading and writing files is the executable's job.
public enum StackCompiler {
    /// The outcome of checking one manifest.
    public struct CheckResult: Sendable {
        /// Errors before warnings, each in file order.
        public var diagnostics: [Diagnostic]
        /// The resolved stack, when there were no errors.
        public var stack: ResolvedStack?
        /// The stack as far as it resolved, also with errors: what the command line reads the
        /// delivered files of, so that their problems come in the same run.
        public var resolved: ResolvedStack?

        /// True when any diagnostic is an error.
        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

        /// The result of a manifest that could not be read at all: `diagnostics` only.
        public static func unread(_ diagnostics: [Diagnostic]) -> CheckResult {
            CheckResult(diagnostics: diagnostics, stack: nil, resolved: nil)
        }
    }

    /// Reads, decodes, resolves and checks one manifest.
    public static func check(_ source: SourceFile) -> CheckResult {
        var bag = DiagnosticBag()
        guard let root = YAMLReader().read(source, into: &bag) else {
            if !bag.hasErrors {
                bag.report(
                    Diagnostic(
                        code: YAMLDiagnostics.empty, severity: .error, message: "the manifest is empty",
                        path: source.path, span: SourceSpan(file: source.id, start: SourceLocation(line: 1, column: 1)),
                        expected: "a mapping starting with 'stackc: 1'",
                        help: "a manifest begins with 'stackc: 1', then 'name: <stack>' and 'apps:'"))
            }
            return CheckResult(diagnostics: bag.sorted, stack: nil, resolved: nil)
        }
        return check(root, path: source.path, already: bag)
    }

    /// Decodes, resolves and checks a manifest already read into `root` (from YAML, or from
    /// the JSON a `stack.swift` hands over), adding to what reading it reported in `bag`.
    static func check(_ root: YAMLNode, path: String, already bag: DiagnosticBag = DiagnosticBag()) -> CheckResult {
        var bag = bag
        var decoder = SyntaxDecoder(path: path)
        guard let syntax = decoder.manifest(root) else {
            bag.report(contentsOf: decoder.sink.diagnostics)
            return CheckResult(diagnostics: bag.sorted, stack: nil, resolved: nil)
        }
        // The rules report after the decoder, into the same sink.
        var sink = decoder.sink
        let stack = StackResolver(syntax: syntax, path: path).resolve()
        for rule in CheckRules.all {
            rule.check(syntax, stack, &sink)
        }
        bag.report(contentsOf: sink.diagnostics)
        return CheckResult(diagnostics: bag.sorted, stack: bag.hasErrors ? nil : stack, resolved: stack)
    }

    /// Checks one manifest and, when it has no errors, runs the build's passes in memory for
    /// what only the build reports (`W308`, `W320`, `F002`, ...), without rendering a
    /// file: what `stackc lint` reports, so that it agrees with `stackc build`. `files` reads the
    /// files beside the manifest that the build needs (delivered files, Dockerfiles; the
    /// caller's job: the compiler reads no file); without it they are not checked.
    public static func lint(_ source: SourceFile, files: ((ResolvedStack) -> FilesRead)? = nil) -> CheckResult {
        lint(checked: check(source), files: files)
    }

    /// `lint` of a manifest `checked` already.
    static func lint(checked: CheckResult, files: ((ResolvedStack) -> FilesRead)?) -> CheckResult {
        var result = withFiles(checked, files: files)
        guard let stack = result.stack else { return result }
        let built = BuildPipeline.diagnostics(stack, files: files?(stack))
        guard !built.isEmpty else { return result }
        result.diagnostics = merged(result.diagnostics, built)
        if built.contains(where: { $0.severity == .error }) { result.stack = nil }
        return result
    }

    /// `check`, and for a manifest with errors (which the build does not run for) also the
    /// problems of the files beside it, read by `files`: every problem in one run.
    public static func check(_ source: SourceFile, files: ((ResolvedStack) -> FilesRead)?) -> CheckResult {
        withFiles(check(source), files: files)
    }

    /// `checked`, with the problems of the files beside the manifest when it has errors.
    static func withFiles(_ checked: CheckResult, files: ((ResolvedStack) -> FilesRead)?) -> CheckResult {
        var result = checked
        if result.stack == nil, let resolved = result.resolved, let files {
            let read = files(resolved)
            result.diagnostics = merged(
                result.diagnostics,
                DeliveredFilesPass.problems(resolved, read.deliveredFiles)
                    + DockerfilesPass.problems(resolved, read.dockerfiles))
        }
        return result
    }

    /// Both lists in one, sorted as every list of diagnostics is.
    static func merged(_ first: [Diagnostic], _ second: [Diagnostic]) -> [Diagnostic] {
        guard !second.isEmpty else { return first }
        var bag = DiagnosticBag()
        bag.report(contentsOf: first + second)
        return bag.sorted
    }
}
