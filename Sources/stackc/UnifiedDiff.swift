import Foundation

/// A unified diff between a committed file and what build would write, made by `diff -u`.
enum UnifiedDiff {
    static func diff(committedPath: URL, label: String, expected: String) -> String {
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("stackc-expected-\(getpid())-\(abs(label.hashValue))")
        defer { try? FileManager.default.removeItem(at: temporary) }
        guard (try? Data(expected.utf8).write(to: temporary)) != nil else { return "" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["diff", "-u", "--label", "\(label) (committed)", "--label", "\(label) (build)", committedPath.path, temporary.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return "stackc: cannot run diff\n" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
