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
    }

    /// Starts `arguments[0]` (a path) with `arguments`, with `descriptorFor3` as its file
    /// descriptor 3 when given, and its standard output on stackc's standard error when
    /// `stdoutToStderr`; nil when it cannot start.
    static func spawn(_ arguments: [String], descriptorFor3: Int32?, stdoutToStderr: Bool) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let descriptorFor3 { posix_spawn_file_actions_adddup2(&actions, descriptorFor3, 3) }
        if stdoutToStderr { posix_spawn_file_actions_adddup2(&actions, 2, 1) }
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        guard posix_spawn(&pid, arguments[0], &actions, nil, argv, environ) == 0 else { return nil }
        return pid
    }

    /// Waits for `pid` to end.
    static func wait(_ pid: pid_t) -> Ending {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return Ending(exitStatus: nil, signal: nil) }
        }
        // The <sys/wait.h> macros, which Swift does not import.
        let signal = status & 0x7F
        if signal == 0 { return Ending(exitStatus: (status >> 8) & 0xFF, signal: nil) }
        return Ending(exitStatus: nil, signal: signal)
    }

    /// Everything written to `descriptor` until its end, up to one byte past `limit`, or until
    /// `timeoutSeconds` have passed.
    static func readAll(_ descriptor: Int32, limit: Int, timeoutSeconds: Int) -> (bytes: [UInt8], timedOut: Bool) {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        while bytes.count <= limit {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let elapsed = Int(now.tv_sec - start.tv_sec) * 1000 + Int(now.tv_nsec - start.tv_nsec) / 1_000_000
            let remaining = timeoutSeconds * 1000 - elapsed
            if remaining <= 0 { return (bytes, true) }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining, Int(Int32.max))))
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { return (bytes, true) }
            guard ready > 0 else { break }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return (bytes, false)
    }
}
