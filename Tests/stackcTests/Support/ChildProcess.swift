import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A program a test starts and ends itself, by its process id: its streams go to files in a
/// folder the test owns (no pipe can fill up and stall it), every wait is bounded, and it gets a
/// process group of its own so that `end()` can also take whatever it started (a daemon's
/// children) if it does not end on its own.
///
/// Spawned with posix_spawn rather than Foundation's `Process`, as StackCompilerTests'
/// `RunningProcess` is: `Process` learns that a child ended when a descriptor the child inherits
/// is closed, so a daemon that leaves a child behind would look alive; here the child inherits
/// only its standard streams and is reaped by `waitpid` whenever the test asks about it.
final class ChildProcess {
    let pid: pid_t
    /// The command line, for messages.
    let commandLine: String
    private(set) var exitStatus: Int32?
    private let outURL: URL
    private let errURL: URL

    /// Starts `executable` with `arguments`, writing its streams to `logs/<label>.out` and
    /// `logs/<label>.err` (a folder the caller removes).
    init(_ executable: String, _ arguments: [String], logs: URL, label: String) throws {
        outURL = logs.appendingPathComponent("\(label).out")
        errURL = logs.appendingPathComponent("\(label).err")
        commandLine = ([executable] + arguments).joined(separator: " ")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let open = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap {
            Int32($0)
        }
        for descriptor in open where descriptor > 2 { posix_spawn_file_actions_addclose(&actions, descriptor) }
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
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL) }
        pid = child
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

    /// The exit status, waiting at most `seconds`; nil when it still runs then.
    @discardableResult
    func wait(seconds: Double) -> Int32? {
        _ = Self.poll(seconds: seconds) { !isRunning }
        return exitStatus
    }

    /// Sends `signal` to it (its process id only) and waits at most `seconds` for it to end;
    /// its exit status, nil when it still runs.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM, seconds: Double = 10) -> Int32? {
        if isRunning { kill(pid, signal) }
        return wait(seconds: seconds)
    }

    /// Ends it in every case: SIGTERM, then SIGKILL to it and to what is left of its process
    /// group (children of a daemon that did not end them).
    func end() {
        stop(SIGTERM, seconds: 5)
        kill(-pid, SIGKILL)
        if isRunning {
            kill(pid, SIGKILL)
            wait(seconds: 10)
        }
    }

    /// What it has written so far.
    var stdout: String { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }

    /// The command, its state and both streams, for failure messages.
    var summary: String {
        "\(commandLine) (pid \(pid), " + (isRunning ? "running" : "exit \(exitStatus ?? -1)")
            + ")\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }

    /// Runs `executable` to its end, waiting at most `seconds` (then ends it); its exit status
    /// (nil when it had to be ended) and streams.
    static func run(
        _ executable: String, _ arguments: [String], logs: URL, seconds: Double = 20
    ) throws -> (status: Int32?, stdout: String, stderr: String) {
        let label = "run-\(UUID().uuidString)"
        let process = try ChildProcess(executable, arguments, logs: logs, label: label)
        let status = process.wait(seconds: seconds)
        if status == nil { process.end() }
        let result = (status, process.stdout, process.stderr)
        try? FileManager.default.removeItem(at: logs.appendingPathComponent("\(label).out"))
        try? FileManager.default.removeItem(at: logs.appendingPathComponent("\(label).err"))
        return result
    }

    /// Waits at most `seconds` for `condition`, checking every 50 ms; true when it held.
    static func poll(seconds: Double, interval: Double = 0.05, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            if Date() >= deadline { return false }
            Thread.sleep(forTimeInterval: interval)
        }
        return true
    }

    /// The path of `name`: on PATH, or in the system folders root's PATH has (`/usr/sbin`).
    static func locate(_ name: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for folder in path + ["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"] {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
