import Foundation
import Testing

/// `stackc check`: lint, then compare `out/<stack>/` with what `build` would write; exit 1
/// naming each stale, missing and extra file (with a unified diff under `--diff`).
@Suite struct BuildCheckCommandTests {
    /// A workspace holding `shop.yml`, built.
    static func built(_ label: String) throws -> Workspace {
        let workspace = try Workspace(label)
        try workspace.write("shop.yml", BuildCommandTests.manifest)
        let build = try workspace.stackc("build", "shop.yml")
        try #require(build.status == 0, "\(build)")
        return workspace
    }

    @Test func passesRightAfterABuild() throws {
        let workspace = try Self.built("check-clean")
        defer { workspace.remove() }
        let check = try workspace.stackc("check", "shop.yml")
        #expect(check.status == 0, "\(check)")
        #expect(!check.stderr.contains("stale") && check.stdout.isEmpty, "\(check)")
    }

    @Test func failsOnAHandEditedFileAndPassesAfterARebuild() throws {
        let workspace = try Self.built("check-edited")
        defer { workspace.remove() }
        let original = try workspace.read("out/shop/stack.yml")
        try #require(original.contains("      replicas: 2\n"))
        try workspace.write(
            "out/shop/stack.yml", original.replacingOccurrences(of: "      replicas: 2\n", with: "      replicas: 5\n"))

        let check = try workspace.stackc("check", "shop.yml")
        #expect(check.status == 1, "\(check)")
        #expect(check.stderr.contains("stale:   out/shop/stack.yml"), "\(check)")
        #expect(!check.stderr.contains(".stackc-files"), "\(check)")
        #expect(check.stdout.isEmpty, "a diff without --diff: \(check)")

        let rebuild = try workspace.stackc("build", "shop.yml")
        #expect(
            rebuild.stdout
                == BuildCommandTests.summary(
                    written: 1, unchanged: try BuildCommandTests.produced(workspace).count - 1, removed: 0),
            "\(rebuild)")
        #expect(try workspace.read("out/shop/stack.yml") == original)
        let again = try workspace.stackc("check", "shop.yml")
        #expect(again.status == 0, "\(again)")
    }

    @Test func diffShowsTheEditedLine() throws {
        let workspace = try Self.built("check-diff")
        defer { workspace.remove() }
        let original = try workspace.read("out/shop/stack.yml")
        try workspace.write(
            "out/shop/stack.yml", original.replacingOccurrences(of: "      replicas: 2\n", with: "      replicas: 5\n"))

        let check = try workspace.stackc("check", "shop.yml", "--diff")
        #expect(check.status == 1, "\(check)")
        let lines = check.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.contains("--- out/shop/stack.yml (committed)"), "\(check)")
        #expect(lines.contains("+++ out/shop/stack.yml (build)"), "\(check)")
        #expect(lines.contains { $0.hasPrefix("@@ ") }, "\(check)")
        #expect(lines.contains("-      replicas: 5"), "\(check)")
        #expect(lines.contains("+      replicas: 2"), "\(check)")
        #expect(
            lines.filter { ($0.hasPrefix("-") && !$0.hasPrefix("---")) || ($0.hasPrefix("+") && !$0.hasPrefix("+++")) }
                .count == 2,
            "only the edited line differs: \(check)")
    }

    @Test(arguments: ["stack.yml", ".stackc-files"])
    func failsWhenAFileIsMissing(_ file: String) throws {
        let workspace = try Self.built("check-missing")
        defer { workspace.remove() }
        try FileManager.default.removeItem(at: workspace.url("out/shop/\(file)"))

        let check = try workspace.stackc("check", "shop.yml")
        #expect(check.status == 1, "\(check)")
        #expect(check.stderr.contains("missing: out/shop/\(file)"), "\(check)")

        try #require(try workspace.stackc("build", "shop.yml").status == 0)
        let again = try workspace.stackc("check", "shop.yml")
        #expect(again.status == 0, "\(again)")
    }

    @Test func failsWhenNothingWasBuilt() throws {
        let workspace = try Workspace("check-unbuilt")
        defer { workspace.remove() }
        try workspace.write("shop.yml", BuildCommandTests.manifest)
        let check = try workspace.stackc("check", "shop.yml")
        #expect(check.status == 1, "\(check)")
        #expect(check.stderr.contains("missing: out/shop/stack.yml"), "\(check)")
        #expect(!workspace.exists("out"), "check wrote something")
    }

    /// A file an earlier build wrote (listed in the record) that the manifest no longer
    /// produces is extra; a file the user put there is not.
    @Test func reportsExtraFilesButNotTheUsersOwn() throws {
        let workspace = try Self.built("check-extra")
        defer { workspace.remove() }
        let record = try workspace.read("out/shop/.stackc-files")
        try workspace.write("out/shop/.stackc-files", record + "haproxy.cfg\n")
        try workspace.write("out/shop/haproxy.cfg", "old\n")
        try workspace.write("out/shop/NOTES.md", "mine\n")

        let check = try workspace.stackc("check", "shop.yml")
        #expect(check.status == 1, "\(check)")
        #expect(check.stderr.contains("extra:   out/shop/haproxy.cfg"), "\(check)")
        #expect(check.stderr.contains("stale:   out/shop/.stackc-files"), "\(check)")
        #expect(!check.stderr.contains("NOTES.md"), "\(check)")

        try #require(try workspace.stackc("build", "shop.yml").status == 0)
        let again = try workspace.stackc("check", "shop.yml")
        #expect(again.status == 0, "\(again)")
        #expect(workspace.exists("out/shop/NOTES.md"))
    }

    @Test func failsOnAManifestErrorWithoutComparing() throws {
        let workspace = try Self.built("check-lint")
        defer { workspace.remove() }
        try workspace.write(
            "shop.yml", BuildCommandTests.manifest.replacingOccurrences(of: "replicas: 2", with: "replicas: two"))
        let check = try workspace.stackc("check", "shop.yml")
        #expect(check.status == 1, "\(check)")
        #expect(check.stderr.contains("error"), "\(check)")
        #expect(!check.stderr.contains("stale"), "\(check)")
    }
}
