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

    /// The header names the manifest from the repository's root: found when the output folder
    /// is not `<repo>/out` and explain runs from another folder.
    @Test func findsTheManifestFromTheRepositorysRoot() throws {
        let workspace = try Workspace("explain-repo")
        defer { workspace.remove() }
        try FileManager.default.createDirectory(at: workspace.url(".git"), withIntermediateDirectories: true)
        try workspace.write(
            "stacks/shop.yml",
            """
            stackc: 1
            name: shop
            domain: shop.test
            apps:
              web: {image: nginx:1.27-alpine, port: 80, host: www, replicas: 2}

            """)
        let build = try workspace.stackc("build", "stacks/shop.yml", "-o", "deploy/out")
        try #require(build.status == 0, "\(build)")
        let stack = try workspace.read("deploy/out/shop/stack.yml").split(separator: "\n")
        let replicas = try #require(stack.firstIndex { $0.contains("replicas: 2") }) + 1

        let run = try StackcCLI.run(
            ["explain", "out/shop/stack.yml:\(replicas)"], in: workspace.url("deploy"),
            environment: ["STACKC_CACHE_DIR": workspace.url(".stackc-cache").path])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("apps.web.replicas  ../stacks/shop.yml:5:"), "\(run)")

        // A file of the user's in the folder, and stackc's record of what it wrote.
        try workspace.write("deploy/out/shop/notes.txt", "mine\n")
        let notes = try StackcCLI.run(["explain", "out/shop/notes.txt:1"], in: workspace.url("deploy"))
        #expect(notes.status == 1, "\(notes)")
        #expect(notes.stderr == "error: stackc did not make 'notes.txt' (it is not in .stackc-files)\n", "\(notes)")
        let record = try StackcCLI.run(["explain", "out/shop/.stackc-files:2"], in: workspace.url("deploy"))
        #expect(record.status == 0, "\(record)")
        #expect(record.stdout.contains("stackc's record of the files it wrote"), "\(record)")
    }

    /// Every error is one line (`error: ` once, a line break at the end); a line copied with its
    /// column from a diagnostic is the line.
    @Test func errorsAndColumns() throws {
        let stack = try Self.lines("out/campus/stack.yml")
        let service = try #require(stack.firstIndex { $0 == "  nextcloud:" })
        let replicas = try #require(stack[service...].firstIndex { $0.contains("replicas:") }) + 1
        let plain = try StackcCLI.run(["explain", "out/campus/stack.yml:\(replicas)"], in: StackcCLI.repoRoot)
        for column in [":5", ":5:"] {
            let run = try StackcCLI.run(
                ["explain", "out/campus/stack.yml:\(replicas)\(column)"], in: StackcCLI.repoRoot)
            #expect(run.status == 0 && run.stdout == plain.stdout, "\(run)")
        }

        for argument in ["out/campus/stack.yml:abc", "out/campus/stack.yml:0", "stack.yml:abc", ":0"] {
            let run = try StackcCLI.run(["explain", argument], in: StackcCLI.repoRoot)
            #expect(run.status == 2, "\(run)")
            #expect(run.stderr == "error: '\(argument)' is not FILE:LINE (for example out/campus/stack.yml:12)\n")
        }

        let workspace = try Workspace("explain-errors")
        defer { workspace.remove() }
        try workspace.write("out/campus/stack.yml", try Self.lines("out/campus/stack.yml").joined(separator: "\n"))
        let folder = workspace.url("out/campus").path
        for argument in ["\(folder)/nothing.yml:1", "\(folder)/stack.yml:99999"] {
            let run = try StackcCLI.run(["explain", argument], in: StackcCLI.repoRoot)
            #expect(run.status != 0, "\(run)")
            #expect(run.stderr.hasPrefix("error: ") && !run.stderr.contains("error: stackc:"), "\(run)")
            #expect(run.stderr.hasSuffix("\n") && run.stderr.filter { $0 == "\n" }.count == 1, "\(run)")
        }
    }
}
