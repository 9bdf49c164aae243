import FoundationEssentials
import Glibc
import StackCompiler
import StackDiagnostics

/// What stackc says of one side of a code's example, found now by this stackc: a YAML manifest
/// is linted in memory with its files; a `stack.swift` is written to a scratch folder and
/// compiled and run as `stackc lint stack.swift` would there, its own output (a crash's message,
/// which the diagnostics repeat) kept from stderr.
struct ExampleRun {
    /// What stackc reported, errors before warnings.
    var diagnostics: [Diagnostic]
    /// The text the diagnostics quote.
    var source: SourceFile
    /// Why the example could not be run here (no Swift toolchain for a `stack.swift`).
    var failure: String?

    /// What stackc says of `input` now.
    static func run(_ input: ExampleInput) -> ExampleRun {
        let source = SourceFile(path: input.fileName, text: input.manifest)
        if let result = StackCompiler.lint(input) {
            return ExampleRun(diagnostics: result.diagnostics, source: source)
        }
        return runDescription(input, source: source)
    }

    /// A `stack.swift`, in a scratch folder that is removed again; run from inside it, so that
    /// the diagnostics name `stack.swift` as the example shows it.
    static func runDescription(_ input: ExampleInput, source: SourceFile) -> ExampleRun {
        let files = FileManager.default
        var template = Array((files.temporaryDirectory.path + "/stackc-explain-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            return ExampleRun(
                diagnostics: [], source: source, failure: "cannot make a scratch folder: \(ManifestFile.reason(errno))")
        }
        let folder = String(cString: made)
        let previous = files.currentDirectoryPath
        defer {
            _ = files.changeCurrentDirectoryPath(previous)
            try? files.removeItem(atPath: folder)
        }
        guard files.changeCurrentDirectoryPath(folder),
            files.createFile(atPath: input.fileName, contents: Data(input.manifest.utf8))
        else {
            return ExampleRun(diagnostics: [], source: source, failure: "cannot write the example into \(folder)")
        }
        switch ManifestInput.load(input.fileName, echoCompiler: false, forwardOutput: false) {
        case .failure(let error):
            return ExampleRun(diagnostics: [], source: source, failure: error.reason)
        case .success(let manifest):
            let result = manifest.lint { FilesBesideManifest.read($0, manifest: input.fileName) }
            return ExampleRun(diagnostics: result.diagnostics, source: manifest.source)
        }
    }
}
