import Foundation
import StackDiagnostics
import Testing

@testable import StackCompiler

/// The manifest `stackc init` writes: for several names and domains it lints without a
/// diagnostic and builds without one, as written and with every option uncommented (and
/// uncommenting is removing `# ` from those lines, nothing more); a name or domain the checker
/// refuses gives the checker's diagnostics instead of a manifest.
@Suite struct StarterManifestTests {
    static let flags: [(name: String, domain: String)] = [
        ("shop", "shop.example"), ("a", "a.test"), ("my-shop-2", "shop.example.co.uk"), ("intranet", "localdomain"),
        (String(repeating: "x", count: 40), "x.example.org"),
    ]

    @Test(arguments: flags.indices)
    func itLintsAndBuildsCleanWithAndWithoutItsOptions(index: Int) throws {
        let (name, domain) = Self.flags[index]
        let path = "manifests/\(name).yml"
        let text = try StackCompiler.starterManifest(name: name, domain: domain, path: path).get()
        let manifest = StarterManifest(name: name, domain: domain, path: path)
        #expect(text == manifest.text())
        for variant in [text, manifest.text(optionsEnabled: true)] {
            let linted = StackCompiler.lint(SourceFile(path: path, bytes: Array(variant.utf8)))
            #expect(linted.diagnostics.isEmpty, "\(linted.diagnostics.map(\.message))\n\(variant)")
            let stack = try #require(linted.stack)
            #expect(stack.name == name)
            #expect(stack.domain == domain)
            let built = BuildPipeline.build(stack)
            #expect(built.diagnostics.isEmpty, "\(built.diagnostics.map(\.message))")
            #expect(built.tree.file("stack.yml") != nil && built.tree.file("RUNBOOK.md") != nil)
        }
    }

    /// The options switched on are the optional sections and app keys: databases, identity,
    /// monitoring, backups, and the app's database, dependency, sign-in and environment.
    @Test func theOptionsAreTheOptionalSectionsAndKeys() throws {
        let manifest = StarterManifest(name: "shop", domain: "shop.example", path: "manifests/shop.yml")
        let stack = try #require(
            StackCompiler.lint(SourceFile(path: "shop.yml", bytes: Array(manifest.text(optionsEnabled: true).utf8)))
                .stack)
        #expect(stack.databases.map(\.name) == ["db"])
        #expect(stack.identity != nil)
        #expect(stack.monitoring.metrics && stack.monitoring.logs)
        let web = try #require(stack.apps.first)
        #expect(web.database == "db" && web.auth == .oidc && web.dependsOn.map(\.name) == ["db"])
        let plain = try #require(
            StackCompiler.lint(SourceFile(path: "shop.yml", bytes: Array(manifest.text().utf8))).stack)
        #expect(plain.databases.isEmpty && plain.identity == nil && !plain.monitoring.metrics)
        #expect(plain.apps.map(\.name) == ["web"] && plain.apps.first?.route?.host == "www.shop.example")
    }

    /// Uncommenting an option is removing the `# ` in front of it (after its block's
    /// indentation): the two texts differ in those lines only.
    @Test func uncommentingIsRemovingTheMark() throws {
        let manifest = StarterManifest(name: "shop", domain: "shop.example", path: "manifests/shop.yml")
        let commented = manifest.text().split(separator: "\n", omittingEmptySubsequences: false)
        let enabled = manifest.text(optionsEnabled: true).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(commented.count == enabled.count)
        var changed = 0
        for (line, option) in zip(commented, enabled) where line != option {
            let mark = try #require(line.range(of: "# "), "'\(line)' is not '\(option)' commented")
            var uncommented = line
            uncommented.removeSubrange(mark)
            #expect(uncommented == option, "'\(line)' is not '\(option)' commented")
            #expect(line[..<mark.lowerBound].allSatisfy { $0 == " " }, "'\(line)' is not a comment")
            changed += 1
        }
        #expect(changed >= 10)
    }

    /// The comments name the file and the stack's output folder, and point at the docs.
    @Test func theCommentsNameTheFileAndTheDocs() throws {
        let text = try StackCompiler.starterManifest(name: "shop", domain: "shop.example", path: "infra/shop.yml").get()
        #expect(text.contains("#   stackc build infra/shop.yml "))
        #expect(text.contains("out/shop/RUNBOOK.md"))
        for doc in ["docs/reference.md", "docs/manifest.md", "docs/diagnostics.md", "docs/tools.md"] {
            #expect(text.contains(doc), "no pointer to \(doc)")
            #expect(
                FileManager.default.fileExists(atPath: BuildSupport.repoRoot.appendingPathComponent(doc).path),
                "the comments point at \(doc), which the repository does not have")
        }
        // A path no comment can hold is left out of the comments.
        let odd = try StackCompiler.starterManifest(name: "shop", domain: "shop.example", path: "a\nb: c.yml").get()
        #expect(!odd.contains("a\nb"))
        #expect(odd.contains("stackc build FILE"))
    }

    /// Flags the checker refuses give its diagnostics, which name what was given.
    @Test(arguments: [
        ("Shop", "shop.example", "Shop"), ("1shop", "shop.example", "1shop"), ("shop_", "shop.example", "shop_"),
        ("shop-", "shop.example", "shop-"), ("", "shop.example", "name"),
        (String(repeating: "x", count: 64), "x.example", "xxxx"), ("shop", "not a domain", "not a domain"),
        ("shop", "-x.example", "-x.example"), ("shop\nx: 1", "shop.example", "shop"),
    ])
    func refusedFlagsGiveTheCheckersDiagnostics(name: String, domain: String, named: String) {
        switch StackCompiler.starterManifest(name: name, domain: domain, path: "s.yml") {
        case .success(let text):
            Issue.record("'\(name)' under '\(domain)' was not refused:\n\(text)")
        case .failure(let refusal):
            #expect(!refusal.diagnostics.isEmpty)
            #expect(
                refusal.diagnostics.contains { $0.message.contains(named) }, "\(refusal.diagnostics.map(\.message))")
        }
    }
}
