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
    /// standard output; nil when it could not start (there is no `Process`, see `Main`).
    static func run(_ arguments: [String]) -> String? {
        guard let output = ChildProcess.pipeForChild() else { return nil }
        defer { close(output.read) }
        let spawned = ChildProcess.spawn(["/usr/bin/env"] + arguments, descriptors: [(output.write, 1)])
        close(output.write)
        guard let pid = spawned else { return nil }
        let bytes = ChildProcess.readToEnd(output.read, limit: Int.max - 1)
        _ = ChildProcess.wait(pid)
        return String(decoding: bytes, as: UTF8.self)
    }
}
