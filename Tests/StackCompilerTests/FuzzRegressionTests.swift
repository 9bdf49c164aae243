import Foundation
import StackDiagnostics
import Testing

@testable import StackCompiler
@testable import StackFuzzing

/// Every input a fuzzer found (`Tests/Fuzz/regressions`, minimised) and every seed of the corpus
/// (the example manifests and the acceptance manifests) keeps the front end's invariants
/// (`FrontEndInvariants`); and the invariants have teeth.
@Suite struct FuzzRegressionTests {
    static func files(in folder: String) -> [String] {
        let url = Repository.root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }.sorted().map { "\(folder)/\($0)" }
    }

    static let regressions = files(in: "Tests/Fuzz/regressions")
    static let seeds =
        files(in: "manifests").filter { $0.hasSuffix(".yml") }
        + files(in: "Tests/Acceptance/manifests").filter { $0.hasSuffix(".yml") }

    @Test func thereAreRegressionsAndSeeds() {
        #expect(!Self.regressions.isEmpty)
        #expect(Self.seeds.count >= 7, "\(Self.seeds)")
    }

    @Test(arguments: regressions + seeds)
    func keepsEveryInvariant(_ path: String) throws {
        let problems = FrontEndInvariants.violations(of: try Repository.bytes(path))
        #expect(problems.isEmpty, "\(path):\n\(problems.joined(separator: "\n"))")
    }

    /// The fuzzer's dictionary holds every key of the language as `key: `, so that mutations
    /// reach every section.
    @Test func theDictionaryHoldsEveryKey() throws {
        let dictionary = String(decoding: try Repository.bytes("Tests/Fuzz/manifest.dict"), as: UTF8.self)
        let entries = Set(dictionary.split(separator: "\n").filter { $0.hasPrefix("\"") })
        let keys = Set(ManifestLanguage.sections.flatMap { $0.keys.map(\.name) })
        #expect(keys.count > 50)
        let missing = keys.filter { !entries.contains("\"\($0): \"") }.sorted()
        #expect(missing.isEmpty, "not in Tests/Fuzz/manifest.dict: \(missing)")
    }

    /// A place past the input's end, a note in another file, and an order that is not the one
    /// shown are each found.
    @Test func theInvariantsCanFail() {
        let bytes = Array("stackc: 1\nname: t\n".utf8)
        let file = SourceFileID(path: FrontEndInvariants.path)
        func diagnostic(_ severity: Severity, line: Int, column: Int, file: SourceFileID) -> Diagnostic {
            Diagnostic(
                code: DiagnosticCode("E999", "test"), severity: severity, message: "m", path: FrontEndInvariants.path,
                span: SourceSpan(file: file, start: SourceLocation(line: line, column: column)))
        }
        #expect(
            FrontEndInvariants.placeProblems([diagnostic(.error, line: 2, column: 8, file: file)], in: bytes).isEmpty)
        #expect(
            FrontEndInvariants.placeProblems([diagnostic(.error, line: 3, column: 1, file: file)], in: bytes).isEmpty)
        #expect(
            FrontEndInvariants.placeProblems([diagnostic(.error, line: 4, column: 1, file: file)], in: bytes).count == 1
        )
        #expect(
            FrontEndInvariants.placeProblems([diagnostic(.error, line: 2, column: 9, file: file)], in: bytes).count == 1
        )
        #expect(
            FrontEndInvariants.placeProblems(
                [diagnostic(.error, line: 1, column: 1, file: SourceFileID(path: "elsewhere.yml"))], in: bytes
            ).count == 1)
        let warningFirst = [
            diagnostic(.warning, line: 1, column: 1, file: file), diagnostic(.error, line: 2, column: 1, file: file),
        ]
        #expect(FrontEndInvariants.orderProblems(warningFirst).count == 1)
        #expect(FrontEndInvariants.orderProblems(warningFirst.reversed()).isEmpty)
    }
}
