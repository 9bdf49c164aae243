import Foundation
import Testing

/// A `stack.swift` compiled and run the way `stackc` compiles and runs one: `swiftc` against the
/// `StackDescription` module and static library of the package's debug build folder, with the
/// Swift runtime linked in, then the program run with `--stackc-fd 3` and descriptor 3 open on
/// a file, whose text is the description's JSON form (`StackInterchange`).
///
/// Every process it starts is waited for with a bound and ended by its PID, also on failure;
/// the temporary folder of the source, the program and its output is removed.
enum SwiftDescriptions {
    /// How long `swiftc` may take for one description (about half a second on an idle machine).
    static let compileSeconds = 300.0
    /// How long a compiled description may run.
    static let runSeconds = 60.0

    /// What compiling and running one description gave.
    struct Outcome: CustomStringConvertible {
        /// `swiftc`'s exit status.
        var compilerStatus: Int32
        /// `swiftc`'s standard output and error: its diagnostics.
        var compilerOutput: String
        /// The program's exit status; nil when it did not compile.
        var status: Int32?
        /// The program's standard output and error.
        var stdout = ""
        var stderr = ""
        /// What the program wrote to descriptor 3: the JSON form, with its final newline.
        var json = ""

        /// Compiled without an error.
        var compiled: Bool { compilerStatus == 0 }

        var description: String {
            "swiftc: exit \(compilerStatus)\n\(compilerOutput)"
                + (status.map { "description: exit \($0)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)\n" } ?? "")
                + "--- descriptor 3\n\(json)"
        }
    }

    /// Why a description could not be compiled or run at all.
    enum Failure: Error {
        case noBuildFolder
        case noCompiler
        case timedOut(String)
    }

    /// The debug build folder (`.build/debug`): the folder of the test bundle that runs, which
    /// `swift build --build-tests` fills with `libStackDescription.a` and
    /// `Modules/StackDescription.swiftmodule`.
    static func buildFolder(sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        var candidates: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        candidates.append(Bundle.main.bundleURL)
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for folder in candidates
        where FileManager.default.fileExists(atPath: folder.appendingPathComponent("libStackDescription.a").path)
            && FileManager.default.fileExists(
                atPath: folder.appendingPathComponent("Modules/StackDescription.swiftmodule").path)
        {
            return folder
        }
        Issue.record(
            "no libStackDescription.a and Modules/StackDescription.swiftmodule beside the tests (looked in \(candidates.map(\.path))): run 'swift build --build-tests' first",
            sourceLocation: sourceLocation)
        throw Failure.noBuildFolder
    }

    /// Compiles `source` as `fileName` and, when it compiles, runs it with `arguments`
    /// (`--stackc-fd 3`, as `stackc` runs it).
    static func compileAndRun(
        _ source: String, fileName: String = "stack.swift", arguments: [String] = ["--stackc-fd", "3"],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Outcome {
        let build = try buildFolder(sourceLocation: sourceLocation)
        guard let swiftc = Tools.locate("swiftc") else {
            Issue.record("'swiftc' is not on PATH", sourceLocation: sourceLocation)
            throw Failure.noCompiler
        }
        let folder = try BuildSupport.makeTemporaryFolder("description")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent(fileName)
        try Data(source.utf8).write(to: file)
        let program = folder.appendingPathComponent(
            fileName.hasSuffix(".swift") ? String(fileName.dropLast(".swift".count)) : fileName + ".bin")
        // The static library is an input file, not `-l`: with -static-stdlib, `-lStackDescription`
        // would look for a shared library first.
        let compiler = try RunningProcess(
            swiftc,
            [
                file.path, "-I", build.appendingPathComponent("Modules").path,
                build.appendingPathComponent("libStackDescription.a").path, "-static-stdlib", "-o", program.path,
            ])
        defer { compiler.end() }
        guard let compilerStatus = compiler.wait(seconds: compileSeconds) else {
            throw Failure.timedOut("swiftc ran longer than \(compileSeconds) s: \(compiler.summary)")
        }
        var outcome = Outcome(compilerStatus: compilerStatus, compilerOutput: compiler.stdout + compiler.stderr)
        guard outcome.compiled else { return outcome }
        let output = folder.appendingPathComponent("descriptor-3")
        let description = try RunningProcess(program, arguments, outputs: [3: output])
        defer { description.end() }
        guard let status = description.wait(seconds: runSeconds) else {
            throw Failure.timedOut("the description ran longer than \(runSeconds) s: \(description.summary)")
        }
        outcome.status = status
        outcome.stdout = description.stdout
        outcome.stderr = description.stderr
        outcome.json = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        return outcome
    }

    /// The JSON form `source` hands over; records an issue (and returns nil) when it does not
    /// compile, compiles with a warning, exits with a failure, prints, or writes nothing.
    static func json(
        _ source: String, fileName: String = "stack.swift", sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String? {
        let outcome = try compileAndRun(source, fileName: fileName, sourceLocation: sourceLocation)
        guard outcome.compiled, outcome.status == 0, !outcome.json.isEmpty else {
            Issue.record(
                "the description did not run cleanly:\n\(outcome)\n--- source\n\(source)",
                sourceLocation: sourceLocation)
            return nil
        }
        if outcome.compilerOutput.contains("warning:") {
            Issue.record("swiftc warns:\n\(outcome.compilerOutput)", sourceLocation: sourceLocation)
        }
        if !outcome.stdout.isEmpty || !outcome.stderr.isEmpty {
            Issue.record("the description printed:\n\(outcome)", sourceLocation: sourceLocation)
        }
        return outcome.json
    }
}
