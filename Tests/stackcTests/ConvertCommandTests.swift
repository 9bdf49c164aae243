import Foundation
import Testing

/// `stackc convert FILE [-o OUT]`: the Swift on standard output (or in OUT), the check's
/// diagnostics on standard error; a manifest with errors gives no Swift and exit status 1, an
/// unreadable file 2.
@Suite struct ConvertCommandTests {
    @Test func theSwiftIsPrinted() throws {
        let run = try StackcCLI.run(["convert", "manifests/campus.yml"], in: StackcCLI.repoRoot)
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.isEmpty, "\(run)")
        #expect(run.stdout.hasPrefix("// Converted by stackc from manifests/campus.yml.\nimport StackDescription\n"))
        #expect(run.stdout.contains("let stack = Stack(\"campus\", domain: \"campus.test\") {\n"))
        #expect(run.stdout.hasSuffix("}\n"))
    }

    /// The header names the manifest from the repository's root, from whichever folder and
    /// however the path is spelt, as generated files do.
    @Test func theHeaderNamesTheManifestFromTheRoot() throws {
        let manifests = StackcCLI.repoRoot.appendingPathComponent("manifests")
        let fromRoot = try StackcCLI.run(["convert", "./manifests/campus.yml"], in: StackcCLI.repoRoot)
        let fromFolder = try StackcCLI.run(["convert", "campus.yml"], in: manifests)
        #expect(fromRoot.status == 0 && fromFolder.status == 0, "\(fromRoot) \(fromFolder)")
        #expect(fromRoot.stdout == fromFolder.stdout)
        #expect(fromRoot.stdout.hasPrefix("// Converted by stackc from manifests/campus.yml.\n"))
    }

    @Test func warningsGoToStandardError() throws {
        let run = try StackcCLI.run(["convert", "manifests/haproxy-lab.yml"], in: StackcCLI.repoRoot)
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("warning[W303]"), "\(run)")
        #expect(run.stdout.contains("https: false"), "\(run)")
        #expect(!run.stdout.contains("W303"))
    }

    @Test func aManifestWithErrorsPrintsItsDiagnosticsOnly() throws {
        let workspace = try Workspace("convert-errors")
        defer { workspace.remove() }
        try workspace.write("bad.yml", "stackc: 1\nname: bad\napps:\n  web:\n    image: nginx:1.27\n    prot: 80\n")
        let run = try workspace.stackc("convert", "bad.yml")
        let lint = try workspace.stackc("lint", "bad.yml")
        #expect(run.status == 1, "\(run)")
        #expect(run.stdout.isEmpty, "\(run)")
        #expect(run.stderr.contains("bad.yml:6:5: error[E101]: unknown key 'prot' in app 'web'"), "\(run)")
        #expect(run.stderr == lint.stderr, "convert prints what lint prints")
        #expect(!workspace.exists("stack.swift"))
    }

    @Test func anUnreadableFileIsAnIOError() throws {
        let workspace = try Workspace("convert-missing")
        defer { workspace.remove() }
        let run = try workspace.stackc("convert", "missing.yml")
        #expect(run.status == 2, "\(run)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("cannot read 'missing.yml'"), "\(run)")
    }

    @Test func theOutputOptionWritesTheFile() throws {
        let workspace = try Workspace("convert-output")
        defer { workspace.remove() }
        let printed = try StackcCLI.run(["convert", "manifests/coreos-lab.yml"], in: StackcCLI.repoRoot)
        let written = try StackcCLI.run(
            ["convert", "manifests/coreos-lab.yml", "-o", workspace.url("stack.swift").path], in: StackcCLI.repoRoot)
        #expect(written.status == 0, "\(written)")
        #expect(written.stdout.isEmpty)
        #expect(try workspace.read("stack.swift") == printed.stdout)
        let unwritable = try StackcCLI.run(
            ["convert", "manifests/coreos-lab.yml", "-o", workspace.url("no/such/folder/stack.swift").path],
            in: StackcCLI.repoRoot)
        #expect(unwritable.status == 2, "\(unwritable)")
        #expect(unwritable.stderr.contains("cannot write"), "\(unwritable)")
    }
}
