import Foundation
import Testing

/// `stackc build`: writes `out/<stack>/` atomically, rewrites only what changed, removes only
/// files it wrote itself, and writes nothing at all when anything goes wrong.
@Suite struct BuildCommandTests {
    /// A manifest with an app, a database and values that need quoting.
    static let manifest = """
        stackc: 1
        name: shop
        cluster:
          managers: 1
          workers: 1
          shared_storage: nfs
        databases:
          pg:
            engine: postgres
        apps:
          web:
            image: nginx:1.27-alpine
            replicas: 2
            database: pg
            volumes:
              data: /srv/data
            env:
              MODE: on
              HOME_REF: $HOME

        """

    /// The summary line of a build of `shop` into the default `out/`.
    static func summary(written: Int, unchanged: Int, removed: Int) -> String {
        "out/shop: \(written) written, \(unchanged) unchanged, \(removed) removed\n"
    }

    /// The files the last build recorded in `out/shop/.stackc-files`.
    static func produced(_ workspace: Workspace) throws -> [String] {
        try workspace.read("out/shop/.stackc-files").split(separator: "\n").map(String.init).filter {
            !$0.hasPrefix("#")
        }
    }

    @Test func buildWarningsComeInFileOrderWithTheCheckOnes() throws {
        let workspace = try Workspace("warning-order")
        defer { workspace.remove() }
        // W308 (the worker, line 10) and W309 (sticky without a host, line 12), both after W307
        // (the backup job and its alert, line 5; monitoring, line 4, is generated whole).
        try workspace.write(
            "shop.yml",
            """
            stackc: 1
            name: shop
            domain: shop.test
            monitoring: {metrics: true, alerts: true}
            databases: {pg: {backup: daily}}
            apps:
              api:
                image: nginx:1.27-alpine
                port: 8080
              worker:
                image: ghcr.io/acme/worker:2.1
                sticky: true
                depends_on: [api]

            """)
        let run = try workspace.stackc("build", "shop.yml")
        try #require(run.status == 0, "\(run)")
        let located = run.stderr.split(separator: "\n").filter {
            $0.hasPrefix("shop.yml:") && $0.contains(": warning[")
        }
        #expect(
            located.map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
                == [
                    "shop.yml:5:26: warning[W307]:", "shop.yml:10:3: warning[W308]:",
                    "shop.yml:12:13: warning[W309]:",
                ],
            "\(run)")
    }

    @Test func buildTwiceGivesIdenticalBytesAndRewritesNothing() throws {
        let workspace = try Workspace("twice")
        defer { workspace.remove() }
        try workspace.write("shop.yml", Self.manifest)

        let first = try workspace.stackc("build", "shop.yml")
        try #require(first.status == 0, "\(first)")
        let produced = try Self.produced(workspace)
        #expect(produced.contains("stack.yml") && produced.contains("deploy.sh") && produced.count >= 4, "\(produced)")
        #expect(first.stdout == Self.summary(written: produced.count, unchanged: 0, removed: 0), "\(first)")
        let before = try workspace.snapshot("out")
        let files = Set(produced.map { "shop/\($0)" } + ["shop/.stackc-files"])
        #expect(files.isSubset(of: Set(before.keys)), "\(before.keys.sorted())")
        #expect(
            before.keys.allSatisfy { path in files.contains(path) || files.contains { $0.hasPrefix(path + "/") } },
            "files stackc did not record: \(before.keys.sorted())")

        let second = try workspace.stackc("build", "shop.yml")
        try #require(second.status == 0, "\(second)")
        #expect(second.stdout == Self.summary(written: 0, unchanged: produced.count, removed: 0), "\(second)")
        // Same bytes, and not even rewritten with them: same inode, same modification time.
        let after = try workspace.snapshot("out")
        for (path, state) in before {
            #expect(
                after[path] == state,
                "\(path) changed: \(state) → \(after[path].map(String.init(describing:)) ?? "gone")")
        }
        #expect(after.count == before.count)
    }

    @Test func filesTheUserPutThereSurviveBuilds() throws {
        let workspace = try Workspace("user-files")
        defer { workspace.remove() }
        try workspace.write("shop.yml", Self.manifest)
        try #require(try workspace.stackc("build", "shop.yml").status == 0)
        try workspace.write("out/shop/NOTES.md", "my notes\n")
        try workspace.write("out/shop/extra/override.yml", "services: {}\n")

        // A changed manifest rewrites stack.yml and leaves the user's files alone.
        try workspace.write("shop.yml", Self.manifest.replacingOccurrences(of: "replicas: 2", with: "replicas: 3"))
        let rebuild = try workspace.stackc("build", "shop.yml")
        try #require(rebuild.status == 0, "\(rebuild)")
        // Only stack.yml says how many replicas there are.
        #expect(
            rebuild.stdout == Self.summary(written: 1, unchanged: try Self.produced(workspace).count - 1, removed: 0),
            "\(rebuild)")
        #expect(try workspace.read("out/shop/stack.yml").contains("replicas: 3"))
        #expect(try workspace.read("out/shop/NOTES.md") == "my notes\n")
        #expect(try workspace.read("out/shop/extra/override.yml") == "services: {}\n")
        #expect(try !workspace.read("out/shop/.stackc-files").contains("NOTES.md"))
    }

    /// An earlier build that produced a file this one does not is simulated through the record: a recorded file that is no longer produced is removed, with its
    /// folder once empty; the record never reaches outside `out/<stack>/`.
    @Test func filesNoLongerProducedAreRemoved() throws {
        let workspace = try Workspace("removed")
        defer { workspace.remove() }
        try workspace.write("shop.yml", Self.manifest)
        try #require(try workspace.stackc("build", "shop.yml").status == 0)
        let record = try workspace.read("out/shop/.stackc-files")
        try workspace.write(
            "out/shop/.stackc-files", record + "old/traefik.yml\n../victim.txt\n\(workspace.url("victim.txt").path)\n")
        try workspace.write("out/shop/old/traefik.yml", "old\n")
        try workspace.write("out/victim.txt", "not stackc's\n")
        try workspace.write("victim.txt", "not stackc's\n")
        try workspace.write("out/shop/mine.txt", "mine\n")

        let build = try workspace.stackc("build", "shop.yml")
        try #require(build.status == 0, "\(build)")
        #expect(
            build.stdout == Self.summary(written: 0, unchanged: try Self.produced(workspace).count, removed: 1),
            "\(build)")
        #expect(!workspace.exists("out/shop/old/traefik.yml"))
        #expect(!workspace.exists("out/shop/old"), "the emptied folder stays")
        #expect(
            workspace.exists("out/victim.txt"), "a '..' path in the record removed a file outside the stack's folder")
        #expect(
            workspace.exists("victim.txt"), "an absolute path in the record removed a file outside the stack's folder")
        #expect(workspace.exists("out/shop/mine.txt"))
        #expect(
            try workspace.read("out/shop/.stackc-files") == record, "the record is rewritten to what the build produced"
        )
    }

    @Test func aManifestErrorLeavesTheOutputByteIdentical() throws {
        let workspace = try Workspace("error")
        defer { workspace.remove() }
        try workspace.write("shop.yml", Self.manifest)
        try #require(try workspace.stackc("build", "shop.yml").status == 0)
        try workspace.write("out/shop/mine.txt", "mine\n")
        let before = try workspace.snapshot()

        // Both a change that would rewrite stack.yml and an error, in one manifest.
        let broken = Self.manifest.replacingOccurrences(of: "replicas: 2", with: "replicas: 3\n    ports: 80")
        try workspace.write("shop.yml", broken)
        let build = try workspace.stackc("build", "shop.yml")
        #expect(build.status == 1, "\(build)")
        #expect(build.stderr.contains("error"), "\(build)")
        #expect(build.stdout.isEmpty, "\(build)")
        var after = try workspace.snapshot()
        after["shop.yml"] = before["shop.yml"]
        #expect(
            after == before,
            "changed: \(Set(after.keys).symmetricDifference(before.keys)) \(before.filter { after[$0.key] != $0.value }.keys.sorted())"
        )
    }

    @Test func aManifestErrorCreatesNoOutputFolder() throws {
        let workspace = try Workspace("error-fresh")
        defer { workspace.remove() }
        try workspace.write(
            "shop.yml", Self.manifest.replacingOccurrences(of: "engine: postgres", with: "engine: oracle"))
        let build = try workspace.stackc("build", "shop.yml")
        #expect(build.status == 1, "\(build)")
        #expect(!workspace.exists("out"))
    }

    /// A file that cannot be staged (here the record's temporary name is taken by a folder)
    /// fails the build before anything is renamed into place.
    @Test func aWriteFailureLeavesTheOutputUntouched() throws {
        let workspace = try Workspace("write-failure")
        defer { workspace.remove() }
        try workspace.write("shop.yml", Self.manifest)
        try #require(try workspace.stackc("build", "shop.yml").status == 0)
        try FileManager.default.createDirectory(
            at: workspace.url("out/shop/..stackc-files.stackc-tmp"), withIntermediateDirectories: false)
        // A change to the tree's files, so that stack.yml is staged before the record fails.
        try workspace.write("shop.yml", Self.manifest.replacingOccurrences(of: "replicas: 2", with: "replicas: 3"))
        // The record changes only when the set of files does: add a file to the old record.
        let record = try workspace.read("out/shop/.stackc-files")
        try workspace.write("out/shop/.stackc-files", record + "gone.txt\n")
        let before = try workspace.snapshot()

        let build = try workspace.stackc("build", "shop.yml")
        #expect(build.status == 2, "\(build)")
        #expect(build.stderr.contains("cannot write"), "\(build)")
        var after = try workspace.snapshot()
        after["shop.yml"] = before["shop.yml"]
        #expect(
            after == before,
            "changed: \(Set(after.keys).symmetricDifference(before.keys)) \(before.filter { after[$0.key] != $0.value }.keys.sorted())"
        )
    }

    /// A folder where stackc writes a file is an error, reported before any file is replaced
    /// (rename(2) would fail on it only after the others were in place).
    @Test func aFolderWhereAFileBelongsFailsTheBuild() throws {
        let workspace = try Workspace("folder-in-the-way")
        defer { workspace.remove() }
        try workspace.write("shop.yml", Self.manifest)
        try workspace.write("out/shop/stack.yml/keep.txt", "the user's\n")
        let before = try workspace.snapshot()

        let build = try workspace.stackc("build", "shop.yml")
        #expect(build.status == 2, "\(build)")
        #expect(build.stderr.contains("'stack.yml' is a folder"), "\(build)")
        #expect(try workspace.snapshot() == before)
    }

    /// Generated files name the manifest the same way however its path was spelled, so `build`
    /// and `check` agree, and hold no absolute path and no date.
    @Test func outputDoesNotDependOnHowTheManifestPathIsSpelled() throws {
        let workspace = try Workspace("paths")
        defer { workspace.remove() }
        try workspace.write("manifests/shop.yml", Self.manifest)
        let relative = try workspace.stackc("build", "manifests/shop.yml", "-o", "relative")
        let dotted = try workspace.stackc("build", "./manifests/../manifests/shop.yml", "-o", "dotted")
        let absolute = try workspace.stackc("build", workspace.url("manifests/shop.yml").path, "-o", "absolute")
        for run in [relative, dotted, absolute] { try #require(run.status == 0, "\(run)") }

        let expected = try workspace.read("relative/shop/stack.yml")
        #expect(try workspace.read("dotted/shop/stack.yml") == expected)
        #expect(try workspace.read("absolute/shop/stack.yml") == expected)
        #expect(expected.contains("stackc build manifests/shop.yml"))
        let check = try workspace.stackc("check", workspace.url("manifests/shop.yml").path, "-o", "relative")
        #expect(check.status == 0, "\(check)")

        let year = String(Calendar(identifier: .gregorian).component(.year, from: Date()))
        for text in [expected, try workspace.read("relative/shop/.stackc-files")] {
            #expect(!text.contains(workspace.root.path), "the output holds the temporary folder's path")
            #expect(!text.contains(FileManager.default.temporaryDirectory.path), "the output holds an absolute path")
            #expect(!text.contains(year), "the output holds the year, so probably a timestamp")
        }
    }

    /// ArgumentParser writes an option's default after its help itself; the help must not say it too.
    @Test(arguments: ["build", "check"])
    func helpGivesTheOutputDefaultOnce(command: String) throws {
        let run = try StackcCLI.run([command, "--help"], in: StackcCLI.repoRoot)
        #expect(run.status == 0, "\(run)")
        // The help is wrapped to the terminal's width: compare with the lines joined.
        let joined = run.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let defaults = joined.components(separatedBy: "(default: out)").count - 1
        #expect(defaults == 1, "\(joined)")
    }
}
