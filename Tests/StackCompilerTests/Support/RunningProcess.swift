import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A process a test starts in the background and ends in every case: its output goes to files
/// (no pipe can fill up and stall it), waits are bounded, and `end()` kills it, and every process
/// it started, by its process group. Used by the tests that run generated scripts side by side or
/// against a server of their own.
///
/// Spawned with posix_spawn rather than Foundation's `Process`: `Process` learns that a child
/// ended when a descriptor the child inherits is closed, so a child that leaves a background
/// process behind (the run-once heartbeat, a daemon) is never reaped and looks alive to
/// `kill -0`. Here the child inherits no descriptor but its standard ones, gets a process group
/// of its own, and is reaped by `waitpid` whenever a test asks about it.
final class RunningProcess {
    let pid: pid_t
    private var exitStatus: Int32?
    private let scratch: URL
    private let outURL: URL
    private let errURL: URL

    /// Starts `executable` with `arguments`; `environment` is added to the test's own. Each of
    /// `outputs` is a descriptor above 2 that the child gets open for writing on a file (created
    /// or emptied), as `stackc` hands a description the descriptor of `--stackc-fd`.
    init(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:], outputs: [Int32: URL] = [:]
    ) throws {
        scratch = try BuildSupport.makeTemporaryFolder("process")
        outURL = scratch.appendingPathComponent("stdout")
        errURL = scratch.appendingPathComponent("stderr")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Every other descriptor open now is closed in the child (a close of one that is
        // closed by then is not an error).
        let open = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap {
            Int32($0)
        }
        for descriptor in open where descriptor > 2 { posix_spawn_file_actions_addclose(&actions, descriptor) }
        // After the closes: the actions run in order, and a descriptor asked for may be open here.
        for (descriptor, file) in outputs.sorted(by: { $0.key < $1.key }) {
            precondition(descriptor > 2, "internal error: descriptor \(descriptor) is a standard stream")
            posix_spawn_file_actions_addopen(&actions, descriptor, file.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        var allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable.path, &actions, &attributes, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL) }
        pid = child
    }

    /// `name` on the PATH, started; records an issue and returns nil when it is not installed.
    static func start(
        _ name: String, _ arguments: [String], environment: [String: String] = [:],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> RunningProcess? {
        guard let executable = Tools.locate(name) else {
            Issue.record(
                "'\(name)' is not installed (not on PATH): run scripts/setup.sh (make test does)",
                sourceLocation: sourceLocation)
            return nil
        }
        return try RunningProcess(executable, arguments, environment: environment)
    }

    /// Whether it still runs (reaping it if it has ended).
    var isRunning: Bool {
        if exitStatus != nil { return false }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return true }
        // Exited: its status; killed by a signal: 128 + the signal, as a shell reports it.
        exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return false
    }

    /// The exit status, waiting at most `seconds`; nil when the process still runs then.
    func wait(seconds: Double) -> Int32? {
        _ = RunningProcess.poll(seconds: seconds) { !isRunning }
        return exitStatus
    }

    /// Waits at most `seconds` in all for every one of `processes`, reaping each as soon as it
    /// ends (a waiting task may depend on another having ended); returns each exit status, nil
    /// for those still running.
    static func waitAll(_ processes: [RunningProcess], seconds: Double) -> [Int32?] {
        _ = poll(seconds: seconds) { processes.filter(\.isRunning).isEmpty }
        return processes.map(\.exitStatus)
    }

    /// Kills its process group (it and whatever it left behind) and releases its files.
    func end() {
        kill(-pid, SIGKILL)
        if isRunning {
            kill(pid, SIGKILL)
            _ = wait(seconds: 10)
        }
        try? FileManager.default.removeItem(at: scratch)
    }

    /// What it has written so far.
    var stdout: String { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }

    /// Both streams, for failure messages.
    var summary: String {
        "pid \(pid), " + (isRunning ? "running" : "exit \(exitStatus ?? -1)")
            + "\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)"
    }

    /// Waits at most `seconds` for `condition`, checking every 50 ms; true when it held.
    static func poll(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            if Date() >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return true
    }
}

/// Generated files as the tests run them: written to a folder, with the paths a container
/// would have replaced by the test's own.
enum GeneratedScript {
    /// The text of `path` in `built`'s tree; records an issue when the build did not make it.
    static func text(
        _ built: BuildSupport.Built, _ path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> String? {
        guard let file = built.tree.file(path) else {
            Issue.record(
                "the build made no \(path); it made: \(built.tree.files.map(\.path).joined(separator: ", "))",
                sourceLocation: sourceLocation)
            return nil
        }
        return file.contents
    }

    /// `text` with each key replaced by its value, every occurrence; records an issue for a key
    /// the text does not contain, so a changed generator cannot make the rewrite silently miss.
    static func rewrite(
        _ text: String, _ replacements: [(String, String)], sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> String {
        var result = text
        for (from, to) in replacements {
            if !result.contains(from) {
                Issue.record("the script has no '\(from)' to rewrite", sourceLocation: sourceLocation)
            }
            result = result.replacingOccurrences(of: from, with: to)
        }
        return result
    }

    /// Writes `text` to `folder/name`, executable, and returns its URL.
    @discardableResult
    static func write(_ text: String, to folder: URL, as name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url
    }
}
