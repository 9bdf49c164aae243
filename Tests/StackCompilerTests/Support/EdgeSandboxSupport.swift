import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What the edge sandboxes share: starting and stopping processes, loopback addresses and ports,
/// waiting with a deadline, and HTTP requests through curl. Everything stays on 127.0.0.0/8.

/// A sandbox step that could not be done; its description says what and why.
struct SandboxError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

// MARK: - Processes

/// A process a sandbox started, its output going to a log file; stopped by `stop()` (SIGTERM,
/// then SIGKILL after a grace period), which every sandbox calls on every path.
///
/// It runs under a small Python watchdog (`supervisorScript`), for two reasons: processes
/// started from a test's thread inherit its signal mask, in which SIGTERM is blocked, so the
/// watchdog unblocks signals before starting the command; and the watchdog ends the command
/// when the test process ends, however it ends.
final class SandboxProcess {
    let name: String
    let log: URL
    private let process: Process

    /// Starts `executable` with `arguments`, stdout and stderr appended to `log`; `environment`
    /// sets (or, with nil, removes) variables of the test process's environment.
    init(
        name: String, executable: URL, arguments: [String], log: URL, in folder: URL? = nil,
        environment: [String: String?] = [:]
    ) throws {
        self.name = name
        self.log = log
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        process = Process()
        process.executableURL = try SupportTool.require("python3")
        process.arguments = ["-c", Self.supervisorScript, executable.path] + arguments
        if let folder { process.currentDirectoryURL = folder }
        if !environment.isEmpty {
            var variables = ProcessInfo.processInfo.environment
            for (name, value) in environment { variables[name] = value }
            process.environment = variables
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var isRunning: Bool { process.isRunning }

    /// The log's last `lines` lines, for failure messages.
    func logTail(_ lines: Int = 40) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// Ends the process: SIGTERM, then SIGKILL when it is still running after `grace` seconds
    /// (the watchdog gives its command 5). Waits for it either way; calling it again does nothing.
    func stop(grace: Double = 10) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            // The watchdog leads its own process group, its command included.
            kill(-process.processIdentifier, SIGKILL)
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }

    /// Unblocks signals, leads a new process group, runs argv[1:] as a child in it, and ends
    /// the child (SIGTERM, then SIGKILL after 5 s) on SIGTERM or once the process that started
    /// the watchdog is gone; exits with the child's status.
    static let supervisorScript = """
        import os, signal, subprocess, sys, time
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        os.setpgid(0, 0)
        parent = os.getppid()
        child = subprocess.Popen(sys.argv[1:])
        def stop(*_):
            if child.poll() is None:
                child.terminate()
                try:
                    child.wait(5)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
            sys.exit(0)
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while child.poll() is None:
            if os.getppid() != parent:
                stop()
            time.sleep(0.1)
        sys.exit(child.returncode)
        """
}

/// Locating what the sandboxes run: tools on the PATH and the scripts next to this file.
enum SupportTool {
    /// `name` on the PATH, or an error that says how to install it.
    static func require(_ name: String) throws -> URL {
        guard let url = Tools.locate(name) else {
            throw SandboxError("'\(name)' is not installed (not on PATH): run scripts/setup.sh (make test does)")
        }
        return url
    }

    /// A script of `Tests/StackCompilerTests/Support/Scripts/` (excluded from the target, not a
    /// bundle resource), found from this source file's path.
    static func script(_ name: String) throws -> URL {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts")
            .appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw SandboxError("support script \(url.path) is missing")
        }
        return url
    }
}

// MARK: - Loopback

/// Addresses and ports on loopback. Linux routes all of 127.0.0.0/8 to `lo`, so a sandbox takes
/// its own random 127.A.B.0/24 and tests running side by side do not meet.
enum Loopback {
    /// A random /24 of 127.0.0.0/8 away from 127.0.0.0/16 (where other tests and services sit).
    struct Block {
        let prefix: String

        init() {
            prefix = "127.\(Int.random(in: 100...199)).\(Int.random(in: 0...255))"
        }

        /// The address `host` (1–254) of the block.
        func address(_ host: Int) -> String {
            precondition((1...254).contains(host), "internal error: host \(host) outside a /24")
            return "\(prefix).\(host)"
        }
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago (the kernel's choice for port 0).
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SandboxError("socket() failed: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw SandboxError("cannot bind a port on 127.0.0.1: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether this process may listen on `port` (below 1024 needs root, unless the kernel's
    /// unprivileged range starts lower).
    static func mayListen(on port: Int) -> Bool {
        if geteuid() == 0 { return true }
        let start =
            (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_unprivileged_port_start", encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 1024
        return port >= start
    }
}

// MARK: - Waiting

enum Waiting {
    /// Polls `condition` every `interval` seconds until it is true; throws once `timeout`
    /// seconds have passed, naming `what` and adding `context()` (logs, say).
    static func until(
        _ what: String, timeout: Double = 30, interval: Double = 0.2,
        context: () -> String = { "" }, _ condition: () throws -> Bool
    ) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if try condition() { return }
            guard Date() < deadline else {
                throw SandboxError("gave up after \(Int(timeout)) s waiting for \(what)\n\(context())")
            }
            usleep(useconds_t(interval * 1_000_000))
        }
    }
}

// MARK: - HTTP through curl

/// One request and its response, as curl saw it (no redirect followed).
struct HTTPExchange: CustomStringConvertible {
    var request: String
    var status: Int
    /// Header names in lowercase, in the order received.
    var headers: [(name: String, value: String)]
    var body: String

    /// Every value of header `name`.
    func values(_ name: String) -> [String] {
        headers.filter { $0.name == name.lowercased() }.map(\.value)
    }

    /// The first value of header `name`.
    func value(_ name: String) -> String? { values(name).first }

    var description: String {
        "\(request) → \(status)\n" + headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n") + "\n\n"
            + body.prefix(500)
    }
}

/// Requests sent with curl: no proxy, names resolved to 127.0.0.1 only, a bounded time each.
enum Curl {
    /// Sends a GET to `url` (whose host:port `--resolve` pins to 127.0.0.1); `extra` are more
    /// curl options (a CA file, a cookie, credentials).
    static func get(_ url: String, host: String, port: Int, extra: [String] = []) throws -> HTTPExchange {
        let curl = try SupportTool.require("curl")
        let arguments =
            [
                "--silent", "--show-error", "--include", "--max-time", "10", "--noproxy", "*",
                "--resolve", "\(host):\(port):127.0.0.1",
            ] + extra + [url]
        let run = try Tools.run(curl, arguments)
        guard run.status == 0 else { throw SandboxError("curl \(url) failed: \(run.summary)") }
        return try parse(run.stdout, request: "GET \(url)")
    }

    /// Splits curl's `--include` output into status, headers and body.
    static func parse(_ output: String, request: String) throws -> HTTPExchange {
        let parts = output.components(separatedBy: "\r\n\r\n")
        let head = parts[0].components(separatedBy: "\r\n")
        let statusWords = head[0].split(separator: " ")
        guard statusWords.count >= 2, let status = Int(statusWords[1]) else {
            throw SandboxError("\(request): no HTTP status line in curl's output:\n\(output.prefix(500))")
        }
        let headers = head.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return HTTPExchange(
            request: request, status: status, headers: headers,
            body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}
