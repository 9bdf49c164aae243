import Foundation
import Testing

@testable import StackCompiler

/// Every generated shell script of every committed and synthetic manifest passes shellcheck
/// (every severity) and its shell's syntax check, in the dialect it runs in: entrypoint wrappers,
/// Nextcloud hooks and Redis start scripts are POSIX sh (images may have no bash: checked with
/// `-s sh` and dash), the database init jobs, Keycloak's realm reconciler and deploy.sh are bash.
/// (DeployScriptTests checks deploy.sh of the committed manifests, so it is left out for those
/// here.)
@Suite struct GeneratedScriptLintTests {
    /// The manifests, committed and synthetic, by name.
    static let manifests: [String] = BuildSupport.repoManifestPaths() + SyntheticManifests.all.map(\.name)

    static func build(_ name: String) throws -> BuildSupport.Built? {
        if let synthetic = SyntheticManifests.all.first(where: { $0.name == name }) {
            return BuildSupport.build(path: name, text: synthetic.text)
        }
        return BuildSupport.build(
            path: name,
            text: try String(contentsOf: BuildSupport.repoRoot.appendingPathComponent(name), encoding: .utf8))
    }

    /// The dialect a generated script must be written in, from where it goes.
    static func dialect(of path: String) -> String? {
        if path.hasPrefix("entrypoints/") || path.hasPrefix("nextcloud/") || path.hasPrefix("redis/")
            || path.hasPrefix("backup/")
        {
            return "sh"
        }
        if path.hasPrefix("postgres/") || path.hasPrefix("mariadb/") || path.hasPrefix("keycloak/")
            || path == "deploy.sh" || path.hasPrefix("nodes/")
        {
            return "bash"
        }
        return nil
    }

    @Test(arguments: manifests)
    func everyScriptIsShellcheckCleanInItsDialect(name: String) throws {
        let built = try #require(try Self.build(name))
        let scripts = built.tree.files.filter { $0.path.hasSuffix(".sh") }
        let committed = !SyntheticManifests.all.contains { $0.name == name }
        let folder = try BuildSupport.makeTemporaryFolder("script-lint")
        defer { try? FileManager.default.removeItem(at: folder) }
        try BuildSupport.write(built.tree, to: folder)
        for script in scripts {
            guard let dialect = Self.dialect(of: script.path) else {
                Issue.record("\(name): \(script.path) is a script of no known dialect; add it to dialect(of:)")
                continue
            }
            #expect(script.executable, "\(name): \(script.path) is not executable")
            let shebang = dialect == "sh" ? "#!/bin/sh\n" : "#!/usr/bin/env bash\n"
            #expect(script.contents.hasPrefix(shebang), "\(name): \(script.path) does not start with \(shebang)")
            if committed && script.path == "deploy.sh" { continue }
            let file = folder.appendingPathComponent(script.path).path
            let shellcheck = try #require(
                try Tools.run("shellcheck", ["--shell=\(dialect)", "--severity=style", file]))
            #expect(shellcheck.status == 0, "\(name): \(script.path)\n\(shellcheck.summary)")
            // dash is Debian's sh: the strictest common POSIX shell at hand.
            let syntax = try #require(try Tools.run(dialect == "sh" ? "dash" : "bash", ["-n", file]))
            #expect(syntax.status == 0, "\(name): \(script.path)\n\(syntax.summary)")
        }
    }

    /// The synthetic manifests reach every script family (so the test above checks them all).
    @Test func theSyntheticManifestsMakeEveryKindOfScript() throws {
        var paths: Set<String> = []
        for (name, text) in SyntheticManifests.all {
            let built = try #require(BuildSupport.build(path: name, text: text))
            paths.formUnion(built.tree.files.map(\.path))
        }
        for expected in [
            "deploy.sh", "postgres/pg-init.sh", "mariadb/maria-init.sh", "mariadb/db-init.sh", "entrypoints/my-app.sh",
            "entrypoints/api.sh", "entrypoints/worker.sh", "entrypoints/cloud.sh", "entrypoints/files.sh",
            "entrypoints/tool.sh", "nextcloud/cloud-installed.sh", "nextcloud/files-installed.sh",
            "nextcloud/files-oidc.sh", "keycloak/realm-sync.sh", "entrypoints/keycloak.sh", "redis/cache-start.sh",
        ] {
            #expect(paths.contains(expected), "no synthetic manifest makes \(expected)")
        }
    }
}
