import Glibc

/// Starting and waiting for programs through the C library (the executable has no `Process`;
/// see `Main`).
enum ChildProcess {
    /// How a program ended.
    struct Ending {
        /// Its exit status, when it exited.
        let exitStatus: Int32?
        /// The signal that ended it, when one did.
        let signal: Int32?

        /// From a `waitpid` status (the <sys/wait.h> macros, which Swift does not import).
        init(status: Int32) {
            let signal = status & 0x7F
            exitStatus = signal == 0 ? (status >> 8) & 0xFF : nil
            self.signal = signal == 0 ? nil : signal
        }

        init(exitStatus: Int32?, signal: Int32?) {
            self.exitStatus = exitStatus
            self.signal = signal
        }
    }

    /// Starts `arguments[0]` (a path) with `arguments`; each pair of `descriptors` makes the
    /// parent's `from` the child's `to`. With `ownGroup` the child leads a process group of
    /// its own, so that what it leaves running can be ended with it. Nil when it cannot start.
    static func spawn(_ arguments: [String], descriptors: [(from: Int32, to: Int32)], ownGroup: Bool = false) -> pid_t?
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for pair in descriptors { posix_spawn_file_actions_adddup2(&actions, pair.from, pair.to) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        if ownGroup {
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        guard posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ) == 0 else { return nil }
        return pid
    }

    /// Waits for `pid` to end.
    static func wait(_ pid: pid_t) -> Ending {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return Ending(exitStatus: nil, signal: nil) }
        }
        return Ending(status: status)
    }

    /// How `pid` ended, or nil while it runs.
    static func ended(_ pid: pid_t) -> Ending? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid { return Ending(status: status) }
        if result == -1 && errno != EINTR { return Ending(exitStatus: nil, signal: nil) }
        return nil
    }

    /// A pipe whose read end stackc keeps (close-on-exec) and whose write end a child gets.
    static func pipeForChild() -> (read: Int32, write: Int32)? {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return nil }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        return (ends[0], ends[1])
    }

    /// Reads what is waiting on the non-blocking `descriptor` into `bytes`, up to one byte past
    /// `limit`; false at its end (or on an error).
    static func drain(_ descriptor: Int32, into bytes: inout [UInt8], limit: Int) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count <= limit {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes.append(contentsOf: chunk[..<count])
                continue
            }
            if count < 0 && (errno == EAGAIN || errno == EINTR) { return true }
            return false
        }
        return true
    }

    /// Everything written to the non-blocking `descriptor` until its end, up to one byte past
    /// `limit`.
    static func readToEnd(_ descriptor: Int32, limit: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var watched = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while drain(descriptor, into: &bytes, limit: limit) {
            if bytes.count > limit { break }
            _ = poll(&watched, 1, 1000)
        }
        return bytes
    }

    /// Milliseconds on the monotonic clock.
    static func milliseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int(now.tv_sec) * 1000 + Int(now.tv_nsec) / 1_000_000
    }
}
