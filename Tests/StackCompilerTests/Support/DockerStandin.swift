import Foundation

/// The stand-in docker CLI (`Scripts/docker_cli_standin.sh`) as `docker` in a test's own state
/// folder, for the tests that run generated scripts against it (`deploy.sh`, `form-swarm.sh`).
enum DockerStandin {
    static let script = Repository.root.appendingPathComponent(
        "Tests/StackCompilerTests/Support/Scripts/docker_cli_standin.sh")

    /// Links the stand-in as `state/bin/docker` (once) and returns a PATH with that folder
    /// first, then `rest` (the test's own PATH unless given).
    static func install(in state: URL, before rest: String? = nil) throws -> String {
        let bin = state.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let link = bin.appendingPathComponent("docker")
        if !FileManager.default.fileExists(atPath: link.path) {
            try FileManager.default.createSymbolicLink(at: link, withDestinationURL: script)
        }
        return bin.path + ":" + (rest ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    }
}
