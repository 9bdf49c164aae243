import Foundation
import Testing

/// `stackc lint`: quiet when clean, every problem located when not, exit status 0/1/2, text
/// for people and JSON for tools.
@Suite struct LintCommandTests {
    static let broken = """
        stackc: 1
        name: shop
        cluster:
          managers: 2
        apps:
          web:
            image: nginx:1.27
            replica: 2

        """

    @Test(arguments: ["manifests/campus.yml", "manifests/coreos-lab.yml"])
    func cleanManifestHasOnlyTheBuildsWarnings(path: String) throws {
        let run = try StackcCLI.run(["lint", "--format", "json", path], in: StackcCLI.repoRoot)
        #expect(run.status == 0, "\(run)")
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(objects.allSatisfy { $0["code"] as? String == "W308" }, "\(run)")
    }

    /// A manifest whose only warning is the build's: W308 (the worker's start is unknown, and
    /// it waits for `api`).
    static let buildWarning = """
        stackc: 1
        name: shop
        apps:
          api:
            image: nginx:1.27-alpine
            port: 8080
          worker:
            image: ghcr.io/acme/worker:2.1
            depends_on: [api]

        """

    /// Lint reports every warning build reports (W308 comes from the build), so
    /// `lint --strict` and `build --strict` agree: on an example with a check's warning, on one
    /// with only the build's, and on the clean examples (no warning from either).
    @Test(arguments: [
        "manifests/haproxy-lab.yml", "build-warning.yml", "manifests/campus.yml", "manifests/coreos-lab.yml",
    ])
    func lintReportsTheWarningsOfBuild(path: String) throws {
        let workspace = try Workspace("lint-build-agree")
        defer { workspace.remove() }
        var path = path
        if path == "build-warning.yml" {
            try workspace.write(path, Self.buildWarning)
            path = workspace.root.appendingPathComponent(path).path
        }
        let warns = !path.hasPrefix("manifests/c")
        let lint = try StackcCLI.run(["lint", "--format", "json", path], in: StackcCLI.repoRoot)
        let build = try StackcCLI.run(
            ["build", "--format", "json", path, "-o", workspace.root.path + "/out"], in: StackcCLI.repoRoot)
        #expect(lint.status == 0 && build.status == 0, "\(lint) \(build)")
        #expect(!lint.stdout.isEmpty && lint.stdout == build.stdout, "\(lint) \(build)")
        #expect(lint.stdout.contains("\"W3") == warns, "\(lint)")
        let strict = try StackcCLI.run(
            ["build", "--strict", path, "-o", workspace.root.path + "/strict"], in: StackcCLI.repoRoot)
        #expect(strict.status == (warns ? 1 : 0), "\(strict)")
        #expect(FileManager.default.fileExists(atPath: workspace.root.path + "/strict") == !warns, "written when clean")
        let lintStrict = try StackcCLI.run(["lint", "--strict", path], in: StackcCLI.repoRoot)
        #expect(lintStrict.status == strict.status, "\(lintStrict) \(strict)")
        if warns { #expect(lintStrict.stderr == strict.stderr, "\(lintStrict) \(strict)") }
    }

    @Test func warningsPassUnlessStrict() throws {
        let plain = try StackcCLI.run(["lint", "manifests/haproxy-lab.yml"], in: StackcCLI.repoRoot)
        #expect(plain.status == 0, "\(plain)")
        #expect(plain.stdout.isEmpty)
        #expect(plain.stderr.contains("manifests/haproxy-lab.yml:27:12: warning[W303]: "), "\(plain)")
        #expect(plain.stderr.hasSuffix("manifests/haproxy-lab.yml: 0 errors, 1 warning\n"), "\(plain)")
        let strict = try StackcCLI.run(["lint", "--strict", "manifests/haproxy-lab.yml"], in: StackcCLI.repoRoot)
        #expect(strict.status == 1, "\(strict)")
        #expect(strict.stderr == plain.stderr)
    }

    @Test func textShowsLocationSourceLineAndCaret() throws {
        let workspace = try Workspace("lint-text")
        defer { workspace.remove() }
        try workspace.write("shop.yml", Self.broken)
        let run = try workspace.stackc("lint", "shop.yml")
        #expect(run.status == 1, "\(run)")
        #expect(run.stdout.isEmpty)
        let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let error = try #require(lines.firstIndex { $0.hasPrefix("shop.yml:8:5: error[E101]: ") }, "\(run)")
        #expect(lines[error] == "shop.yml:8:5: error[E101]: unknown key 'replica' in app 'web'")
        #expect(lines[error + 1] == " 8 |     replica: 2")
        #expect(lines[error + 2] == "   |     ^^^^^^^")
        #expect(lines.contains("   = help: did you mean 'replicas'?"))
        // Errors before warnings, then a count.
        let warning = try #require(lines.firstIndex { $0.hasPrefix("shop.yml:4:13: warning[W302]: ") }, "\(run)")
        #expect(error < warning)
        #expect(lines[warning + 1] == " 4 |   managers: 2")
        #expect(lines[warning + 2] == "   |             ^")
        #expect(run.stderr.hasSuffix("shop.yml: 1 error, 1 warning\n"))
        #expect(!run.stderr.contains("\u{1B}"), "no colours when not on a terminal")
    }

    @Test func jsonParsesAndCarriesEveryField() throws {
        let workspace = try Workspace("lint-json")
        defer { workspace.remove() }
        try workspace.write("shop.yml", Self.broken)
        let run = try workspace.stackc("lint", "--format", "json", "shop.yml")
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.isEmpty, "\(run)")
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(objects.count == 2)
        let first = try #require(objects.first)
        #expect(first["file"] as? String == "shop.yml")
        #expect(first["line"] as? Int == 8)
        #expect(first["column"] as? Int == 5)
        #expect(first["length"] as? Int == 7)
        #expect(first["severity"] as? String == "error")
        #expect(first["code"] as? String == "E101")
        #expect(first["name"] as? String == "unknown-key")
        #expect(first["message"] as? String == "unknown key 'replica' in app 'web'")
        #expect(first["help"] as? String == "did you mean 'replicas'?")
        #expect((first["expected"] as? String)?.contains("replicas") == true)
        #expect(objects.last?["severity"] as? String == "warning")
    }

    @Test func jsonCollectsEveryFile() throws {
        let workspace = try Workspace("lint-json-many")
        defer { workspace.remove() }
        try workspace.write("a.yml", Self.broken)
        try workspace.write("b.yml", "stackc: 1\nname: b\napps:\n  x: {}\n")
        let run = try workspace.stackc("lint", "--format", "json", "a.yml", "b.yml")
        #expect(run.status == 1, "\(run)")
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(objects.map { $0["file"] as? String } == ["a.yml", "a.yml", "b.yml"])
    }

    @Test func oneBrokenFileAmongCleanOnesFails() throws {
        let workspace = try Workspace("lint-mixed")
        defer { workspace.remove() }
        try workspace.write("clean.yml", "stackc: 1\nname: clean\napps: {}\n")
        try workspace.write("broken.yml", Self.broken)
        let run = try workspace.stackc("lint", "clean.yml", "broken.yml", "clean.yml")
        #expect(run.status == 1, "\(run)")
        let aboutClean = run.stderr.split(separator: "\n").filter { $0.hasPrefix("clean.yml:") }
        #expect(aboutClean.allSatisfy { !$0.contains("error[") }, "no error in the clean file: \(run)")
    }

    @Test func missingFileIsAnIOError() throws {
        let workspace = try Workspace("lint-missing")
        defer { workspace.remove() }
        try workspace.write("broken.yml", Self.broken)
        let run = try workspace.stackc("lint", "broken.yml", "nowhere.yml")
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("stackc: cannot read 'nowhere.yml': no such file"), "\(run)")
        #expect(run.stderr.contains("broken.yml:8:5: error[E101]"), "the readable file is still checked: \(run)")
    }

    @Test func missingFileIsInTheJSONToo() throws {
        let workspace = try Workspace("lint-missing-json")
        defer { workspace.remove() }
        try workspace.write("clean.yml", "stackc: 1\nname: shop\napps: {}\n")
        let run = try workspace.stackc("lint", "--format", "json", "clean.yml", "nowhere.yml")
        #expect(run.status == 2, "\(run)")
        let all = try #require(
            try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]], "\(run)")
        // A tool reading only the JSON must not take the missing file for a clean one.
        let objects = all
        #expect(objects.count == 1)
        #expect(objects.first?["file"] as? String == "nowhere.yml")
        #expect(objects.first?["code"] as? String == "F001")
        #expect(objects.first?["severity"] as? String == "error")
        #expect(objects.first?["line"] is NSNull)
    }

    @Test func directoryIsAnIOError() throws {
        let workspace = try Workspace("lint-directory")
        defer { workspace.remove() }
        try workspace.write("folder/inside.yml", "x")
        let run = try workspace.stackc("lint", "folder")
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("is a directory"), "\(run)")
    }

    @Test(arguments: [
        ["lint"], ["lint", "--format", "xml", "a.yml"], ["lint", "--bogus", "a.yml"], ["lnt", "a.yml"],
    ])
    func usageErrorsExitWithTwo(arguments: [String]) throws {
        let workspace = try Workspace("lint-usage")
        defer { workspace.remove() }
        try workspace.write("a.yml", "stackc: 1\nname: a\napps: {}\n")
        let run = try StackcCLI.run(arguments, in: workspace.root)
        #expect(run.status == 2, "\(run)")
        #expect(!run.stderr.isEmpty)
    }

    @Test func helpExitsWithZero() throws {
        let run = try StackcCLI.run(["lint", "--help"], in: StackcCLI.repoRoot)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("--strict"))
    }
}
