import StackCompiler
import StackDiagnostics

/// A manifest named on the command line: a YAML file, or a `stack.swift` (any `.swift` file),
/// which is compiled and run for the manifest it describes. Both are checked and built by the
/// same compiler; diagnostics of a description point at its Swift lines.
enum ManifestInput {
    case yaml(SourceFile)
    case description(SwiftDescription)
    /// A description that gave no manifest: its problems.
    case failed(SourceFile, [Diagnostic])

    /// The manifest at `path`, or what keeps it from being read (exit status 2).
    /// A description's compile errors are swiftc's own text with `echoCompiler` (text output),
    /// located diagnostics without (JSON output).
    /// With `forwardOutput` false, a description's own output (a crash's message) is not passed
    /// on to stderr: the diagnostics say what it said.
    static func load(_ path: String, echoCompiler: Bool, forwardOutput: Bool = true) -> Result<
        ManifestInput, ManifestReadError
    > {
        let source: SourceFile
        switch ManifestFile.read(path) {
        case .failure(let error): return .failure(error)
        case .success(let read): source = read
        }
        guard path.hasSuffix(".swift") else { return .success(.yaml(source)) }
        switch DescriptionProgram.evaluate(
            source, path: path, echoCompiler: echoCompiler, forwardOutput: forwardOutput)
        {
        case .failure(let error):
            return .failure(ManifestReadError(path: path, reason: error.reason, verb: "compile"))
        case .success(.problems(let problems)):
            return .success(.failed(source, problems))
        case .success(.interchange(let bytes)):
            switch SwiftDescription.read(interchange: bytes, source: source) {
            case .success(let description): return .success(.description(description))
            case .failure(let failure): return .success(.failed(source, failure.diagnostics))
            }
        }
    }

    /// The text diagnostics quote: the manifest, or the Swift source.
    var source: SourceFile {
        switch self {
        case .yaml(let source), .failed(let source, _): source
        case .description(let description): description.source
        }
    }

    /// `StackCompiler.check` with the files beside the manifest.
    func check(files: @escaping (ResolvedStack) -> FilesRead) -> StackCompiler.CheckResult {
        switch self {
        case .yaml(let source): StackCompiler.check(source, files: files)
        case .description(let description): StackCompiler.check(description, files: files)
        case .failed(_, let problems): .unread(problems)
        }
    }

    /// `StackCompiler.lint` with the files beside the manifest.
    func lint(files: @escaping (ResolvedStack) -> FilesRead) -> StackCompiler.CheckResult {
        switch self {
        case .yaml(let source): StackCompiler.lint(source, files: files)
        case .description(let description): StackCompiler.lint(description, files: files)
        case .failed(_, let problems): .unread(problems)
        }
    }

    /// What the build reported, located where the user wrote it.
    func located(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        guard case .description(let description) = self else { return diagnostics }
        return description.locations.remap(diagnostics)
    }
}
