import Foundation
import Testing

/// The swarm acceptance harnesses' own scripts are shellcheck-clean, as root or not.
@Suite struct SwarmHarnessLintTests {
    static let folder = StackcCLI.repoRoot.appendingPathComponent("Tests/Acceptance")

    static var imageScripts: [String] {
        let names =
            (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("images").path)) ?? []
        return names.sorted().map { "images/\($0)" }
    }

    @Test func harnessIsShellcheckClean() throws {
        let run = try shellcheck(["swarm-harness.sh"])
        #expect(run.status == 0, "\(run.output)")
    }

    /// The multi-node run, checked with the harness it sources (`-x` follows it).
    @Test func multiNodeHarnessIsShellcheckClean() throws {
        let run = try shellcheck(["-x", "swarm-nodes.sh"])
        #expect(run.status == 0, "\(run.output)")
    }

    /// The scripts of the images run under /bin/sh (dash in the images).
    @Test func imageScriptsAreShellcheckClean() throws {
        #expect(!Self.imageScripts.isEmpty)
        let run = try shellcheck(["-s", "sh"] + Self.imageScripts)
        #expect(run.status == 0, "\(run.output)")
    }

    func shellcheck(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["shellcheck", "--severity=style"] + arguments
        process.currentDirectoryURL = Self.folder
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
