import Foundation

extension ChildProcess {
    /// Runs `command` (its first word looked up on the PATH it is given) in `folder`, with
    /// `set` added to the environment and `unset` taken out, to its end or at most `seconds`.
    /// Through `env -C`: posix_spawn has no working folder of its own.
    static func run(
        _ command: [String], in folder: URL, set: [String: String] = [:], unset: [String] = [], logs: URL,
        seconds: Double = 60
    ) throws -> (status: Int32?, stdout: String, stderr: String) {
        var arguments = ["-C", folder.path]
        for name in unset { arguments += ["-u", name] }
        arguments += set.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return try run("/usr/bin/env", arguments + command, logs: logs, seconds: seconds)
    }
}
