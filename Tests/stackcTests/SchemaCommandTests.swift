import Foundation
import Testing

/// `stackc schema [--reference]` as users run it: it prints the committed schema and reference
/// (so `make reference` reproduces them), and the README's editor line finds that schema from a
/// manifest in `manifests/`, where check-jsonschema validates the manifest with it.
@Suite struct SchemaCommandTests {
    static let schemaPath = "schema/stackc-manifest.schema.json"

    @Test func itPrintsTheCommittedSchema() throws {
        let run = try StackcCLI.run(["schema"], in: StackcCLI.repoRoot)
        #expect(run.status == 0 && run.stderr.isEmpty, "\(run)")
        let committed = try String(
            contentsOf: StackcCLI.repoRoot.appendingPathComponent(Self.schemaPath), encoding: .utf8)
        #expect(run.stdout == committed, "\(Self.schemaPath) is stale: run make reference")
        let schema = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect(schema?["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
    }

    @Test func withReferenceItPrintsTheCommittedReference() throws {
        let run = try StackcCLI.run(["schema", "--reference"], in: StackcCLI.repoRoot)
        #expect(run.status == 0 && run.stderr.isEmpty, "\(run)")
        let committed = try String(
            contentsOf: StackcCLI.repoRoot.appendingPathComponent("docs/reference.md"), encoding: .utf8)
        #expect(run.stdout == committed, "docs/reference.md is stale: run make reference")
    }

    /// The README's line, at the top of a copy of a repository manifest beside the others, names
    /// the committed schema, and check-jsonschema validates the manifest with it.
    @Test func theReadmesEditorLineFindsTheSchema() throws {
        let readme = try String(contentsOf: StackcCLI.repoRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let line = try #require(
            readme.split(separator: "\n").first { $0.hasPrefix("# yaml-language-server: $schema=") },
            "README.md shows the editor line")
        let target = String(line.dropFirst("# yaml-language-server: $schema=".count))
        let manifests = StackcCLI.repoRoot.appendingPathComponent("manifests")
        #expect(
            manifests.appendingPathComponent(target).standardizedFileURL.path
                == StackcCLI.repoRoot.appendingPathComponent(Self.schemaPath).path,
            "\(target) from manifests/")
        let workspace = try Workspace("schema-editor")
        defer { workspace.remove() }
        let campus = try String(contentsOf: manifests.appendingPathComponent("campus.yml"), encoding: .utf8)
        try workspace.write("manifests/campus.yml", line + "\n" + campus)
        try workspace.write(
            Self.schemaPath,
            try String(contentsOf: StackcCLI.repoRoot.appendingPathComponent(Self.schemaPath), encoding: .utf8))
        let checker = try #require(Self.locate("check-jsonschema"), "check-jsonschema: run scripts/setup.sh")
        let schemaFile = workspace.url("manifests").appendingPathComponent(target).standardizedFileURL.path
        let run = try StackcCLI.run(
            ["--schemafile", schemaFile, "manifests/campus.yml"], in: workspace.root, executable: checker)
        #expect(run.status == 0, "\(run)")
        let lint = try StackcCLI.run(["lint", "--strict", "manifests/campus.yml"], in: workspace.root)
        #expect(lint.status == 0, "the line is a comment to stackc: \(lint)")
    }

    static func locate(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}
