import FoundationEssentials
import Glibc

/// A unified diff between a committed file and what build would write, made by `diff -u`.
enum UnifiedDiff {
    static func diff(committedPath: URL, label: String, expected: String) -> String {
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent(
            "stackc-expected-\(getpid())-\(abs(label.hashValue))")
        defer { try? FileManager.default.removeItem(at: temporary) }
        guard (try? Data(expected.utf8).write(to: temporary)) != nil else { return "" }
        let arguments = [
            "diff", "-u", "--label", "\(label) (committed)", "--label", "\(label) (build)", committedPath.path,
            temporary.path,
        ]
        return run(arguments) ?? "stackc: cannot run diff\n"
    }

    /// Runs `arguments` (found on PATH by `/usr/bin/env`) and returns what it printed on
    /// standard output; nil when it could not start (posix_spawn: there is no `Process`, see `Main`).
    static func run(_ arguments: [String]) -> String? {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
        let argv = (["/usr/bin/env"] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/usr/bin/env", &actions, nil, argv, environ)
        close(pipeEnds[1])
        defer { close(pipeEnds[0]) }
        guard spawned == 0 else { return nil }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            output.append(contentsOf: chunk[..<count])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return String(decoding: output, as: UTF8.self)
    }
}
