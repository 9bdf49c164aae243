import Foundation
import Testing

/// `stackc explain out/<stack>/FILE:LINE` (`OutputLineExplanation`) on the committed
/// campus output, and on output that no longer matches its manifest.
@Suite struct ExplainLineCommandTests {
    static func lines(_ path: String) throws -> [Substring] {
        let text = try String(contentsOf: StackcCLI.repoRoot.appendingPathComponent(path), encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    @Test func explainsALineOfTheCommittedStackFile() throws {
        let stack = try Self.lines("out/campus/stack.yml")
        let service = try #require(stack.firstIndex { $0 == "  nextcloud:" })
        let replicas = try #require(stack[service...].firstIndex { $0.contains("replicas:") }) + 1
        let manifest = try Self.lines("manifests/campus.yml")
        let apps = try #require(manifest.firstIndex { $0 == "apps:" })
        let written = try #require(manifest[apps...].firstIndex { $0.contains("replicas:") }) + 1

        let run = try StackcCLI.run(["explain", "out/campus/stack.yml:\(replicas)"], in: StackcCLI.repoRoot)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("written by AppServicesPass"), "\(run)")
        #expect(run.stdout.contains("apps.nextcloud.replicas  manifests/campus.yml:\(written):5"), "\(run)")

        let json = try StackcCLI.run(
            ["explain", "out/campus/stack.yml:\(replicas)", "--format", "json"], in: StackcCLI.repoRoot)
        #expect(json.status == 0, "\(json)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["producer"] as? String == "AppServicesPass")
        let keys = try #require(object["keys"] as? [[String: Any]])
        #expect(keys.first?["key"] as? String == "apps.nextcloud.replicas")
        #expect(keys.first?["line"] as? Int == written)
    }

    @Test func refusesStaleOrMissingLines() throws {
        let workspace = try Workspace("explain-line")
        defer { workspace.remove() }
        var stack = try Self.lines("out/campus/stack.yml")
        let service = try #require(stack.firstIndex { $0 == "  nextcloud:" })
        let replicas = try #require(stack[service...].firstIndex { $0.contains("replicas:") })
        stack[replicas] = "      replicas: 7"
        try workspace.write("out/campus/stack.yml", stack.joined(separator: "\n"))
        try workspace.write("out/campus/left-over.yml", "a: 1\n")
        let folder = workspace.url("out/campus").path

        // The header names manifests/campus.yml, found from the repository's root.
        let stale = try StackcCLI.run(["explain", "\(folder)/stack.yml:\(replicas + 1)"], in: StackcCLI.repoRoot)
        #expect(stale.status == 1, "\(stale)")
        #expect(
            stale.stderr.contains("stale") && stale.stderr.contains("stackc build manifests/campus.yml"), "\(stale)")

        let gone = try StackcCLI.run(["explain", "\(folder)/left-over.yml:1"], in: StackcCLI.repoRoot)
        #expect(gone.status == 1, "\(gone)")
        #expect(gone.stderr.contains("no longer makes 'left-over.yml'"), "\(gone)")

        let missing = try StackcCLI.run(["explain", "\(folder)/nothing.yml:1"], in: StackcCLI.repoRoot)
        #expect(missing.status == 2, "\(missing)")

        let beyond = try StackcCLI.run(["explain", "\(folder)/stack.yml:99999"], in: StackcCLI.repoRoot)
        #expect(beyond.status == 1, "\(beyond)")
    }
}
