import FoundationEssentials
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
    static func evaluate(_ source: SourceFile, path: String) -> Result<Outcome, DescriptionSetupError> {
        let toolchain: DescriptionToolchain
        switch DescriptionToolchain.find() {
        case .failure(let error): return .failure(error)
        case .success(let found): toolchain = found
        }
        let cache = DescriptionCache.folder()
        guard let identity = toolchain.identity(cache: cache) else {
            return .failure(
                DescriptionSetupError(reason: "cannot read the StackDescription library at \(toolchain.archive)"))
        }
        let program = cache + "/" + SHA256.hex(Array(identity.utf8) + [0] + source.bytes)
        if access(program, X_OK) != 0 {
            guard DescriptionCache.makeFolder(cache) else {
                return .failure(
                    DescriptionSetupError(
                        reason: "cannot make the cache folder \(cache): \(ManifestFile.reason(errno))"))
            }
            let temporary = program + ".\(getpid()).tmp"
            let status = compile(path, to: temporary, with: toolchain)
            guard status == 0 else {
                unlink(temporary)
                if status < 0 { return .failure(DescriptionSetupError(reason: "cannot start \(toolchain.swiftc)")) }
                return .success(.problems([DescriptionProblems.doesNotCompile(source, status: status)]))
            }
            // Whole or not at all, also when two runs compile the same description at once.
            guard rename(temporary, program) == 0 else {
                unlink(temporary)
                return .failure(DescriptionSetupError(reason: "cannot write \(program): \(ManifestFile.reason(errno))"))
            }
        }
        return .success(run(program, source: source))
    }

    /// `swiftc`'s exit status, or -1 when it could not start. Its diagnostics go to standard
    /// error as it writes them, naming the file as the user did.
    static func compile(_ path: String, to output: String, with toolchain: DescriptionToolchain) -> Int32 {
        var arguments = [
            toolchain.swiftc, "-module-name", "StackFile", "-I", toolchain.modules, toolchain.archive, path,
            "-o", output,
        ]
        #if os(Linux)
            // A self-contained program: a cached description keeps running after the
            // toolchain changes, and starts without loading the Swift runtime's libraries.
            arguments.insert("-static-stdlib", at: 1)
        #endif
        guard let pid = ChildProcess.spawn(arguments, descriptorFor3: nil, stdoutToStderr: true) else { return -1 }
        return ChildProcess.wait(pid).exitStatus ?? 1
    }

    /// Runs the compiled description and reads what it hands over.
    static func run(_ program: String, source: SourceFile) -> Outcome {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0, fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC) == 0 else {
            return .problems([DescriptionProblems.failed(source, "cannot make a pipe: \(ManifestFile.reason(errno))")])
        }
        let readEnd = pipeEnds[0]
        defer { close(readEnd) }
        let spawned = ChildProcess.spawn(
            [program, "--stackc-fd", "3"], descriptorFor3: pipeEnds[1], stdoutToStderr: true)
        close(pipeEnds[1])
        guard let pid = spawned else {
            return .problems([DescriptionProblems.failed(source, "cannot start its program \(program)")])
        }
        let limit = DescriptionCache.timeoutSeconds()
        let read = ChildProcess.readAll(readEnd, limit: maxInterchangeBytes, timeoutSeconds: limit)
        if read.timedOut { kill(pid, SIGKILL) }
        let ended = ChildProcess.wait(pid)
        if read.timedOut {
            return .problems([
                DescriptionProblems.failed(
                    source, "it did not finish within \(limit) s and was stopped",
                    help:
                        "a description only builds values: look for a loop that never ends (or set STACKC_DESCRIPTION_TIMEOUT)"
                )
            ])
        }
        if let signal = ended.signal {
            return .problems([
                DescriptionProblems.failed(
                    source, "it crashed (signal \(signal), \(String(cString: strsignal(signal))))",
                    help:
                        "a Swift runtime error (a failed precondition, a fatalError, an index out of range) prints its line above"
                )
            ])
        }
        if let status = ended.exitStatus, status != 0 {
            return .problems([DescriptionProblems.failed(source, "it exited with status \(status)")])
        }
        if read.bytes.count > maxInterchangeBytes {
            return .problems([
                DescriptionProblems.failed(source, "it handed over more than \(maxInterchangeBytes / 1024 / 1024) MiB")
            ])
        }
        if read.bytes.allSatisfy({ $0 == 0x0A || $0 == 0x20 }) {
            return .problems([DescriptionProblems.noStack(source)])
        }
        return .interchange(read.bytes)
    }
}

/// Where compiled descriptions are kept, and how long one may run.
enum DescriptionCache {
    /// `STACKC_CACHE_DIR`, else `$XDG_CACHE_HOME/stackc/descriptions`, else
    /// `~/.cache/stackc/descriptions`.
    static func folder() -> String {
        if let override = environment("STACKC_CACHE_DIR") { return override }
        if let cache = environment("XDG_CACHE_HOME"), cache.hasPrefix("/") { return cache + "/stackc/descriptions" }
        if let home = environment("HOME") { return home + "/.cache/stackc/descriptions" }
        return "/tmp/stackc-\(getuid())/descriptions"
    }

    /// Makes `folder` and its parents (private to the user); true when it exists.
    static func makeFolder(_ folder: String) -> Bool {
        var path = folder.hasPrefix("/") ? "" : "."
        for component in folder.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o700) != 0 && errno != EEXIST { return false }
        }
        var status = stat()
        return stat(folder, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
    }

    /// `STACKC_DESCRIPTION_TIMEOUT` (seconds), else 60.
    static func timeoutSeconds() -> Int {
        environment("STACKC_DESCRIPTION_TIMEOUT").flatMap { Int($0) }.map { max($0, 1) } ?? 60
    }

    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }
}
