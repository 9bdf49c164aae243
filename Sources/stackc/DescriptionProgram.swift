import Glibc
import StackCompiler
import StackDiagnostics

/// Evaluates a `stack.swift` the way SwiftPM evaluates `Package.swift`: compiles it with
/// `swiftc` against the installed `StackDescription` (once: the program is cached by the
/// digest of the source and of the library), runs it, and reads the JSON form of its stack from
/// a pipe on file descriptor 3, named by `--stackc-fd 3`. The program's standard output goes to
/// stackc's standard error, so a `print` in the description never mixes with stackc's output.
enum DescriptionProgram {
    /// What evaluating a description gave.
    enum Outcome {
        /// The JSON form the program handed over.
        case interchange([UInt8])
        /// The description's problems (it does not compile, crashed, made no stack).
        case problems([Diagnostic])
    }

    /// The most a program may hand over (the JSON form of a very large stack is a few MB).
    static let maxInterchangeBytes = 64 * 1024 * 1024

    /// Compiles (or finds in the cache) and runs the description `source`, read from `path`.
    /// With `echoCompiler`, swiftc's diagnostics are printed as it wrote them (text output);
    /// without, each of its errors becomes a located `E110` (JSON output).
    /// With `forwardOutput` false, the program's own output is not passed on to stderr.
    static func evaluate(_ source: SourceFile, path: String, echoCompiler: Bool, forwardOutput: Bool = true)
        -> Result<
            Outcome, DescriptionSetupError
        >
    {
        let toolchain: DescriptionToolchain
        let timeout: Int
        switch (DescriptionToolchain.find(), DescriptionCache.timeoutSeconds()) {
        case (.failure(let error), _), (_, .failure(let error)): return .failure(error)
        case (.success(let found), .success(let seconds)):
            toolchain = found
            timeout = seconds
        }
        let cache = DescriptionCache.folder()
        guard DescriptionCache.makeFolder(cache) else {
            return .failure(
                DescriptionSetupError(reason: "cannot make the cache folder \(cache): \(ManifestFile.reason(errno))"))
        }
        guard let identity = toolchain.identity(cache: cache) else {
            return .failure(
                DescriptionSetupError(reason: "cannot read the StackDescription library at \(toolchain.archive)"))
        }
        let program = cache + "/" + SHA256.hex(Array(identity.utf8) + [0] + source.bytes)
        let run = {
            DescriptionRun.run(
                program, fileName: Self.fileName(path), displayPath: path, timeoutSeconds: timeout,
                limit: maxInterchangeBytes, forwardOutput: forwardOutput)
        }
        if access(program, X_OK) == 0 {
            DescriptionCache.markUsed(program)
            let cached = run()
            // A cached program that cannot start, or dies of a bad memory access (a Swift
            // runtime error is SIGILL or SIGTRAP), may be a damaged file: compile it again once,
            // and believe the second run.
            let damaged =
                !cached.timedOut && (cached.ending == nil || [SIGBUS, SIGSEGV].contains(cached.ending?.signal))
            guard damaged else { return .success(outcome(of: cached, source: source, timeout: timeout)) }
            unlink(program)
        }
        let compiled = DescriptionCompile.compile(path, into: program, cache: cache, toolchain: toolchain)
        if echoCompiler, !compiled.output.isEmpty { Terminal.err(String(decoding: compiled.output, as: UTF8.self)) }
        guard let status = compiled.status else {
            return .failure(DescriptionSetupError(reason: "cannot compile with \(toolchain.swiftc) in \(cache)"))
        }
        guard status == 0 else {
            if echoCompiler || compiled.errors.isEmpty {
                return .success(.problems([DescriptionProblems.doesNotCompile(source, status: status)]))
            }
            return .success(
                .problems(
                    compiled.errors.map {
                        DescriptionProblems.compilerError(source, line: $0.line, column: $0.column, message: $0.message)
                    }))
        }
        DescriptionCache.tidy(cache)
        return .success(outcome(of: run(), source: source, timeout: timeout))
    }

    /// The file name the runtime's messages use (`StackFile/<name>`).
    static func fileName(_ path: String) -> String {
        path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    }

    /// The JSON form a run handed over, or why it handed over none.
    static func outcome(of run: DescriptionRun, source: SourceFile, timeout: Int) -> Outcome {
        if run.timedOut {
            return .problems([
                DescriptionProblems.failed(
                    source, "it did not finish within \(timeout) s and was stopped",
                    help:
                        "a description only builds values: look for a loop that never ends (STACKC_DESCRIPTION_TIMEOUT sets the limit)"
                )
            ])
        }
        guard let ending = run.ending else {
            return .problems([DescriptionProblems.failed(source, "its compiled program cannot start")])
        }
        if let crash = run.crash {
            return .problems([DescriptionProblems.crashed(source, line: crash.line, message: crash.message)])
        }
        if let signal = ending.signal {
            let what =
                run.fatalMessage.map { ": \($0)" } ?? " (signal \(signal), \(String(cString: strsignal(signal))))"
            return .problems([
                DescriptionProblems.failed(
                    source, "it crashed\(what)",
                    help:
                        "the Swift runtime names no line of the description for an error inside the standard library: look for subscripts out of range, '!' on nil and arithmetic overflow"
                )
            ])
        }
        if let status = ending.exitStatus, status != 0 {
            return .problems([DescriptionProblems.failed(source, "it exited with status \(status)")])
        }
        if run.interchange.count > maxInterchangeBytes {
            return .problems([
                DescriptionProblems.failed(
                    source, "it handed over more than \(maxInterchangeBytes / 1024 / 1024) MiB")
            ])
        }
        if run.interchange.allSatisfy({ $0 == 0x0A || $0 == 0x20 }) {
            return .problems([DescriptionProblems.noStack(source)])
        }
        return .interchange(run.interchange)
    }
}
