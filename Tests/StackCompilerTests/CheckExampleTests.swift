import Foundation
import StackDiagnostics
import Testing
import YAML

@testable import StackCompiler

/// The example manifests of `manifests/` (copies of the spec's examples) check clean, with the
/// warnings they are expected to have and nothing else; and the documentation of the codes
/// stays in step with the codes.
@Suite struct CheckExampleTests {
    /// An example and the codes of the diagnostics it must produce.
    struct Example: Sendable, CustomTestStringConvertible {
        let file: String
        let expected: [String]
        var testDescription: String { file }
    }

    static let examples = [
        Example(file: "manifests/campus.yml", expected: []),
        Example(file: "manifests/coreos-lab.yml", expected: []),
        // `https: false` on the web tier, on purpose.
        Example(file: "manifests/haproxy-lab.yml", expected: ["W303"]),
    ]

    @Test(arguments: examples)
    func exampleChecksCleanWithTheExpectedWarningsOnly(example: Example) throws {
        let source = SourceFile(path: example.file, bytes: try Repository.bytes(example.file))
        let result = StackCompiler.check(source)
        #expect(
            result.diagnostics.map(\.code.rawValue) == example.expected,
            "\(result.diagnostics.map { "\($0.code) \($0.span.map { "\($0.start)" } ?? ""): \($0.message)" })")
        #expect(result.stack != nil)
    }

    @Test func everyExampleIsTested() throws {
        let files = try FileManager.default.contentsOfDirectory(
            atPath: Repository.root.appendingPathComponent("manifests").path
        )
        .filter { $0.hasSuffix(".yml") }.map { "manifests/\($0)" }.sorted()
        #expect(files == Self.examples.map(\.file).sorted())
    }

    @Test func campusResolvesAsWritten() throws {
        let source = SourceFile(path: "manifests/campus.yml", bytes: try Repository.bytes("manifests/campus.yml"))
        let stack = try #require(StackCompiler.check(source).stack)
        #expect(stack.name == "campus")
        #expect(stack.cluster.nodes.map(\.address) == ["192.168.56.101", "192.168.56.102"])
        #expect(stack.identity?.database == "pg")
        #expect(stack.database("pg")?.consumers == ["keycloak", "nextcloud"])
        #expect(stack.registry?.mirrorHost == "mirror.campus.test")
        #expect(stack.cluster.dockerMirror && stack.cluster.dockerMetrics)
        let cloud = try #require(stack.app("nextcloud"))
        #expect(cloud.port == 80 && cloud.health?.path == "/status.php")
        #expect(cloud.route?.host == "cloud.campus.test")
        #expect(cloud.dependsOn.map(\.kind) == [.identity, .database])
    }

    // MARK: docs/diagnostics.md

    static let allCodes: [DiagnosticCode] =
        Codes.all + [
            YAMLDiagnostics.syntax, YAMLDiagnostics.multipleDocuments, YAMLDiagnostics.duplicateKey,
            YAMLDiagnostics.unsupportedTag, YAMLDiagnostics.limit, YAMLDiagnostics.unknownAnchor,
            YAMLDiagnostics.badKey, YAMLDiagnostics.empty, .unreadableFile, .staleOutput,
        ]

    @Test func everyCodeIsDocumented() throws {
        let docs = try Repository.text("docs/diagnostics.md")
        let missing = Self.allCodes.filter { !docs.contains("`\($0.rawValue) \($0.name)`") }
        #expect(missing.isEmpty, "not in docs/diagnostics.md: \(missing.map { "\($0.rawValue) \($0.name)" })")
    }

    @Test func everyDocumentedCodeExists() throws {
        let docs = try Repository.text("docs/diagnostics.md")
        let known = Set(Self.allCodes.map { "\($0.rawValue) \($0.name)" })
        // Lines that document a code start with it in backquotes: "- `E101 unknown-key` — …".
        let documented = docs.split(separator: "\n").compactMap { line -> String? in
            guard let match = line.range(of: #"^- `[EWY][0-9]{3} [a-z0-9-]+`"#, options: .regularExpression) else {
                return nil
            }
            return String(line[match].dropFirst(3).dropLast())
        }
        #expect(!documented.isEmpty)
        #expect(
            documented.filter { !known.contains($0) }.isEmpty,
            "documented but unknown: \(documented.filter { !known.contains($0) })")
        #expect(documented.count == Set(documented).count, "a code is documented twice")
    }

    @Test func codesAreUnique() {
        let raw = Self.allCodes.map(\.rawValue)
        #expect(raw.count == Set(raw).count)
        let names = Self.allCodes.map(\.name)
        #expect(names.count == Set(names).count)
    }
}
