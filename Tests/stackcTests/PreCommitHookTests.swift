import Foundation
import Testing

/// The hooks of `.pre-commit-hooks.yaml`, run by the real `pre-commit` (from PyPI, pinned in
/// scripts/setup.sh) as a user's configuration names them: the README's lines, pointing at a
/// scratch copy of this repository's hooks, in a scratch project with a manifest whose output
/// is committed. No network (the hooks repository is a local path), and pre-commit's cache is
/// in the scratch folder (PRE_COMMIT_HOME), never the user's.
@Suite struct PreCommitHookTests {
    /// The scratch folder: `hooks/` (a git repository with the hook definitions and the files
    /// their entries name), `project/` (the user's repository), `cache/` (PRE_COMMIT_HOME),
    /// `bin/` (the build folder's stackc, first on PATH: the hooks run the stackc on PATH) and
    /// `logs/`.
    struct Scratch {
        let workspace: Workspace
        let environment: [String: String]

        init() throws {
            workspace = try Workspace("pre-commit")
            for folder in ["hooks", "project/manifests", "cache", "bin", "logs"] {
                try FileManager.default.createDirectory(at: workspace.url(folder), withIntermediateDirectories: true)
            }
            try FileManager.default.createSymbolicLink(
                at: workspace.url("bin/stackc"), withDestinationURL: try StackcCLI.binary())
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            environment = [
                "PATH": workspace.url("bin").path + ":" + path,
                "PRE_COMMIT_HOME": workspace.url("cache").path,
                // git without the user's or the system's configuration, and an identity to commit with.
                "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
                "GIT_AUTHOR_NAME": "stackc tests", "GIT_AUTHOR_EMAIL": "tests@stackc.invalid",
                "GIT_COMMITTER_NAME": "stackc tests", "GIT_COMMITTER_EMAIL": "tests@stackc.invalid",
                "NO_COLOR": "1",
            ]
        }

        /// `command` in `folder` (under the scratch folder) with the scratch environment.
        func run(_ command: [String], in folder: String, seconds: Double = 120) throws -> (
            status: Int32?, output: String
        ) {
            let run = try ChildProcess.run(
                command, in: workspace.url(folder), set: environment,
                unset: ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"], logs: workspace.url("logs"), seconds: seconds)
            return (run.status, "$ \(command.joined(separator: " "))\n\(run.stdout)\(run.stderr)")
        }

        /// `pre-commit run ARGUMENTS --color never` in the project.
        func preCommit(_ arguments: [String]) throws -> (status: Int32?, output: String) {
            try run(["pre-commit", "run"] + arguments + ["--color", "never"], in: "project")
        }
    }

    /// The YAML of the README's block that names the hooks, with its `repo:` and `rev:` set.
    static func configuration(repo: String, rev: String) throws -> String {
        let readme = try String(contentsOf: StackcCLI.repoRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = readme.components(separatedBy: "```yaml\n").dropFirst().map {
            $0.components(separatedBy: "```").first ?? ""
        }
        let block = try #require(blocks.first { $0.contains("id: stackc-lint") }, "no pre-commit block in README.md")
        #expect(block.contains("id: stackc-check"))
        let lines = block.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let key = line.drop { $0 == " " || $0 == "-" }
            let indent = line.prefix(line.count - key.count)
            if key.hasPrefix("repo:") { return "\(indent)repo: \(repo)" }
            if key.hasPrefix("rev:") { return "\(indent)rev: \(rev)" }
            return String(line)
        }
        // The lines go under `repos:`, which a new configuration starts with.
        return (block.contains("repos:") ? "" : "repos:\n") + lines.joined(separator: "\n")
    }

    /// The files the hooks need: the definitions, and each entry that is a file of this
    /// repository (a script of `language: script`).
    static func hookFiles() throws -> [String] {
        let hooks = try String(
            contentsOf: StackcCLI.repoRoot.appendingPathComponent(".pre-commit-hooks.yaml"), encoding: .utf8)
        let entries = hooks.split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "entry: ") else { return nil }
            return line[range.upperBound...].split(separator: " ").first.map(String.init)
        }
        let scripts = entries.filter {
            FileManager.default.fileExists(atPath: StackcCLI.repoRoot.appendingPathComponent($0).path)
        }
        #expect(entries.count == 2, "\(entries)")
        return [".pre-commit-hooks.yaml"] + scripts
    }

    @Test func goodManifestsPassAndBadOnesFailWithTheirDiagnostics() throws {
        guard ChildProcess.locate("pre-commit") != nil else {
            Issue.record("pre-commit is not installed (not on PATH): run scripts/setup.sh (make test does)")
            return
        }
        let userCache = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/pre-commit")
        let userCacheExisted = FileManager.default.fileExists(atPath: userCache.path)
        let scratch = try Scratch()
        defer { scratch.workspace.remove() }

        // The hooks repository: this repository's hook files, committed.
        for file in try Self.hookFiles() {
            let target = scratch.workspace.url("hooks/\(file)")
            try FileManager.default.createDirectory(
                at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: StackcCLI.repoRoot.appendingPathComponent(file), to: target)
        }
        for command in [["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "hooks"]] {
            let run = try scratch.run(command, in: "hooks")
            try #require(run.status == 0, "\(run.output)")
        }
        let rev = try scratch.run(["git", "rev-parse", "HEAD"], in: "hooks")
        let commit = rev.output.split(separator: "\n").last.map(String.init) ?? ""

        // The project: a clean manifest with its output built and committed, the README's lines.
        try scratch.workspace.write("project/manifests/shop.yml", CIFormatCommandTests.clean)
        try scratch.workspace.write(
            "project/.pre-commit-config.yaml",
            try Self.configuration(repo: scratch.workspace.url("hooks").path, rev: commit))
        for command in [["git", "init", "-q"], ["stackc", "build", "manifests/shop.yml"], ["git", "add", "-A"]] {
            let run = try scratch.run(command, in: "project")
            try #require(run.status == 0, "\(run.output)")
        }

        // Everything passes; out/tidy/stack.yml (no manifest) is not linted.
        let good = try scratch.preCommit(["--all-files"])
        #expect(good.status == 0, "\(good.output)")
        #expect(good.output.contains("stackc lint") && good.output.contains("stackc check"), "\(good.output)")
        #expect(!good.output.contains("Failed") && !good.output.contains("Skipped"), "\(good.output)")

        // A manifest with an error: both hooks fail, with the diagnostic.
        try scratch.workspace.write("project/manifests/bad.yml", CIFormatCommandTests.broken)
        _ = try scratch.run(["git", "add", "-A"], in: "project")
        let bad = try scratch.preCommit(["--files", "manifests/bad.yml"])
        #expect(bad.status == 1, "\(bad.output)")
        #expect(bad.output.contains("- hook id: stackc-lint") && bad.output.contains("- hook id: stackc-check"))
        #expect(bad.output.contains("manifests/bad.yml:8:5: error[E101]: unknown key 'replica'"), "\(bad.output)")

        // A warning of the build fails the lint hook (--strict, the hook's default args).
        try scratch.workspace.write("project/manifests/warns.yml", CIFormatCommandTests.warns)
        _ = try scratch.run(["git", "add", "-A"], in: "project")
        let warns = try scratch.preCommit(["stackc-lint", "--files", "manifests/warns.yml"])
        #expect(warns.status == 1, "\(warns.output)")
        #expect(warns.output.contains("warning[W308]"), "\(warns.output)")

        // A manifest changed without building again: its output is stale.
        try scratch.workspace.write(
            "project/manifests/shop.yml",
            CIFormatCommandTests.clean.replacingOccurrences(of: "nginx:1.27", with: "nginx:1.28"))
        _ = try scratch.run(["git", "add", "-A"], in: "project")
        let stale = try scratch.preCommit(["--files", "manifests/shop.yml"])
        #expect(stale.status == 1, "\(stale.output)")
        #expect(stale.output.contains("stale:   out/tidy/"), "\(stale.output)")
        #expect(stale.output.contains("stackc lint") && stale.output.contains("Passed"), "\(stale.output)")

        #expect(
            FileManager.default.fileExists(atPath: scratch.workspace.url("cache/db.db").path),
            "pre-commit kept its cache in PRE_COMMIT_HOME")
        if !userCacheExisted { #expect(!FileManager.default.fileExists(atPath: userCache.path)) }
    }

    /// The script the stackc-check hook runs passes shellcheck.
    /// docs/tools.md says which `language` each hook is, as `.pre-commit-hooks.yaml` has it.
    @Test func theDocsNameEachHooksLanguage() throws {
        let root = StackcCLI.repoRoot
        let hooks = try String(contentsOf: root.appendingPathComponent(".pre-commit-hooks.yaml"), encoding: .utf8)
        let tools = try String(contentsOf: root.appendingPathComponent("docs/tools.md"), encoding: .utf8)
        let flowing = tools.replacingOccurrences(of: "\n", with: " ")
        var id: String?
        var checked = 0
        for line in hooks.split(separator: "\n") {
            if line.hasPrefix("- id: ") { id = String(line.dropFirst("- id: ".count)) }
            if line.hasPrefix("  language: "), let id {
                let language = line.dropFirst("  language: ".count)
                #expect(flowing.contains("`\(id)` is `language: \(language)`"), "docs/tools.md: \(id) is \(language)")
                checked += 1
            }
        }
        #expect(checked == 2)
    }

    @Test func checkScriptIsShellcheckClean() throws {
        let workspace = try Workspace("pre-commit-shellcheck")
        defer { workspace.remove() }
        try FileManager.default.createDirectory(at: workspace.url("logs"), withIntermediateDirectories: true)
        let scripts = try Self.hookFiles().dropFirst()
        #expect(!scripts.isEmpty)
        let run = try ChildProcess.run(
            ["shellcheck", "--severity=style"] + scripts, in: StackcCLI.repoRoot, logs: workspace.url("logs"))
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    }
}
