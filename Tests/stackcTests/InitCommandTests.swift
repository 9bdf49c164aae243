import Foundation
import Testing

/// `stackc init --name NAME [--domain DOMAIN] [FILE]` as users run it, in a new folder: the
/// starter manifest passes `lint --strict` and `build` writes `out/<name>/` from it; an existing
/// file is never overwritten; a bad name or domain is refused with the checker's words and
/// nothing is written.
@Suite struct InitCommandTests {
    @Test func theStarterLintsStrictAndBuilds() throws {
        let workspace = try Workspace("init-default")
        defer { workspace.remove() }
        let run = try workspace.stackc("init", "--name", "shop", "--domain", "shop.example")
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.isEmpty, "\(run)")
        #expect(run.stdout.contains("manifests/shop.yml"), "\(run)")
        let text = try workspace.read("manifests/shop.yml")
        #expect(text.contains("\nname: shop\n") && text.contains("\ndomain: shop.example\n"), "\(text)")
        let lint = try workspace.stackc("lint", "--strict", "manifests/shop.yml")
        #expect(lint.status == 0 && lint.stderr.isEmpty && lint.stdout.isEmpty, "\(lint)")
        let build = try workspace.stackc("build", "--strict", "manifests/shop.yml")
        #expect(build.status == 0, "\(build)")
        #expect(build.stderr.isEmpty, "\(build)")
        for file in ["stack.yml", "deploy.sh", "RUNBOOK.md"] {
            #expect(workspace.exists("out/shop/\(file)"), "no out/shop/\(file)")
        }
        let check = try workspace.stackc("check", "manifests/shop.yml")
        #expect(check.status == 0, "\(check)")
    }

    /// A FILE of one's own; without --domain, the domain is `<name>.test`.
    @Test func aFileOfOnesOwnAndTheDefaultDomain() throws {
        let workspace = try Workspace("init-file")
        defer { workspace.remove() }
        let run = try workspace.stackc("init", "--name", "lab", "infra/lab.yml")
        #expect(run.status == 0, "\(run)")
        let text = try workspace.read("infra/lab.yml")
        #expect(text.contains("\ndomain: lab.test\n"), "\(text)")
        #expect(text.contains("stackc build infra/lab.yml"), "\(text)")
        #expect(!workspace.exists("manifests"))
        let lint = try workspace.stackc("lint", "--strict", "infra/lab.yml")
        #expect(lint.status == 0, "\(lint)")
    }

    @Test func anExistingFileIsNeverOverwritten() throws {
        let workspace = try Workspace("init-exists")
        defer { workspace.remove() }
        try workspace.write("manifests/shop.yml", "mine\n")
        let run = try workspace.stackc("init", "--name", "shop", "--domain", "shop.example")
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("'manifests/shop.yml' exists; init never overwrites a file"), "\(run)")
        #expect(try workspace.read("manifests/shop.yml") == "mine\n")
        // A second init over the first one's file is refused the same way.
        #expect(try workspace.stackc("init", "--name", "lab", "lab.yml").status == 0)
        let first = try workspace.read("lab.yml")
        let again = try workspace.stackc("init", "--name", "lab", "--domain", "other.example", "lab.yml")
        #expect(again.status == 2, "\(again)")
        #expect(try workspace.read("lab.yml") == first)
    }

    /// A bad name or domain: the checker's message, naming what was given; nothing written.
    @Test func aBadNameOrDomainIsRefused() throws {
        let workspace = try Workspace("init-bad")
        defer { workspace.remove() }
        let name = try workspace.stackc("init", "--name", "My_Shop", "--domain", "shop.example")
        #expect(name.status == 2, "\(name)")
        #expect(name.stderr.hasPrefix("stackc: init: 'My_Shop' is not a valid name for the stack\n"), "\(name)")
        #expect(name.stderr.contains("  help: try 'my-shop'"), "\(name)")
        // Without --domain, the domain is made of the name: only the name is reported.
        let derived = try workspace.stackc("init", "--name", "My_Shop")
        #expect(derived.status == 2, "\(derived)")
        #expect(derived.stderr.contains("'My_Shop' is not a valid name"), "\(derived)")
        #expect(!derived.stderr.contains("domain"), "\(derived)")
        let domain = try workspace.stackc("init", "--name", "shop", "--domain", "shop example")
        #expect(domain.status == 2, "\(domain)")
        #expect(domain.stderr.contains("'shop example'"), "\(domain)")
        let swift = try workspace.stackc("init", "--name", "shop", "stack.swift")
        #expect(swift.status == 2, "\(swift)")
        #expect(swift.stderr.contains("init writes a YAML manifest"), "\(swift)")
        let missing = try workspace.stackc("init")
        #expect(missing.status == 2, "\(missing)")
        #expect(missing.stderr.contains("--name"), "\(missing)")
        #expect(try workspace.snapshot().keys.filter { !$0.hasPrefix(".stackc-cache") }.isEmpty)
    }
}
