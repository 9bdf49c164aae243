import Foundation
import StackDiagnostics
import Testing
import YAML

@testable import StackCompiler

/// What `stackc explain` says of each code is true: every code stackc reports has an
/// explanation; every example's failing manifest gets its code (and only it; an error fails)
/// from the real checker and build, and its fixed manifest gets nothing at all; and the
/// entries of `docs/diagnostics.md` are the explanations' documentation.
@Suite struct CodeExplanationTests {
    /// The explanations with a YAML example, which the compiler runs (a `stack.swift` needs
    /// swiftc: `ExplainCommandTests` runs those through stackc).
    static let yamlExamples = CodeExplanation.all.filter { $0.example?.failing.kind == .yaml }

    @Test func everyCodeHasAnExplanationAndNoOther() {
        let codes = CheckExampleTests.allCodes.map(\.rawValue)
        let explained = CodeExplanation.all.map(\.code.rawValue)
        #expect(Set(codes) == Set(explained), "\(Set(codes).symmetricDifference(explained).sorted())")
        #expect(explained.count == Set(explained).count, "a code is explained twice")
        for explanation in CodeExplanation.all {
            #expect(explanation.code.name == CheckExampleTests.allCodes.first { $0 == explanation.code }?.name)
        }
    }

    /// Every code of `Codes.all` has an example but E900, a mistake in stackc that no manifest
    /// may show (a manifest that did would be a bug in stackc).
    @Test(arguments: Codes.all)
    func everyCheckerCodeHasAnExample(code: DiagnosticCode) throws {
        let explanation = try #require(CodeExplanation.named(code.rawValue))
        if code == Codes.internalConflict {
            #expect(explanation.example == nil && explanation.withoutExample != nil)
        } else {
            #expect(explanation.example != nil, "\(code) has no example")
            #expect(explanation.withoutExample == nil)
        }
    }

    @Test(arguments: yamlExamples.map(\.code))
    func theFailingExampleGetsItsCodeAndNothingElse(code: DiagnosticCode) throws {
        let explanation = try #require(CodeExplanation.named(code.rawValue))
        let example = try #require(explanation.example)
        let result = try #require(StackCompiler.lint(example.failing))
        #expect(!result.diagnostics.isEmpty, "\(code): the failing example gets nothing")
        #expect(
            result.diagnostics.allSatisfy { $0.code == code },
            "\(code): \(result.diagnostics.map { "\($0.code): \($0.message)" })")
        #expect(result.diagnostics.allSatisfy { $0.severity == explanation.severity })
        #expect(result.hasErrors == (explanation.severity == .error))
    }

    @Test(arguments: yamlExamples.map(\.code))
    func theFixedExampleGetsNothing(code: DiagnosticCode) throws {
        let explanation = try #require(CodeExplanation.named(code.rawValue))
        let example = try #require(explanation.example)
        let result = try #require(StackCompiler.lint(example.fixed))
        #expect(result.diagnostics.isEmpty, "\(code): \(result.diagnostics.map { "\($0.code): \($0.message)" })")
        #expect(result.stack != nil)
    }

    /// The fixed manifest also builds, with the files beside it, without a word.
    @Test(arguments: yamlExamples.map(\.code))
    func theFixedExampleBuilds(code: DiagnosticCode) throws {
        let fixed = try #require(CodeExplanation.named(code.rawValue)?.example?.fixed)
        let stack = try #require(StackCompiler.check(SourceFile(path: fixed.fileName, text: fixed.manifest)).stack)
        let built = BuildPipeline.build(stack, files: fixed.filesRead(for: stack))
        #expect(built.diagnostics.isEmpty, "\(code): \(built.diagnostics.map(\.message))")
        #expect(!built.tree.files.isEmpty)
    }

    /// A failing example that passes the check (a warning, or a problem only the build finds)
    /// gets its code from the full build too, with its files, and nothing else.
    @Test(arguments: yamlExamples.map(\.code))
    func theBuildAgreesWithLintOnTheFailingExample(code: DiagnosticCode) throws {
        let failing = try #require(CodeExplanation.named(code.rawValue)?.example?.failing)
        let checked = StackCompiler.check(SourceFile(path: failing.fileName, text: failing.manifest))
        guard let stack = checked.stack else {
            #expect(checked.diagnostics.contains { $0.code == code }, "\(code): the check stops before the build")
            return
        }
        let built = BuildPipeline.build(stack, files: failing.filesRead(for: stack))
        let all = checked.diagnostics + built.diagnostics
        #expect(
            !all.isEmpty && all.allSatisfy { $0.code == code }, "\(code): \(all.map { "\($0.code): \($0.message)" })")
    }

    /// A code documented as reported by `stackc build` alone is not reported by `lint`, and
    /// every warning documented as the build's that `lint` reports too is in the lists of
    /// README.md and docs/tools.md of what `lint` adds (`W308, W319–W322`).
    @Test func whoReportsACodeIsDocumentedTruly() throws {
        var lintedBuildWarnings: [String] = []
        for explanation in Self.yamlExamples {
            let failing = try #require(explanation.example?.failing)
            let linted = try #require(StackCompiler.lint(failing)).diagnostics.contains { $0.code == explanation.code }
            if explanation.documentation.hasPrefix("reported by `stackc build`:") {
                #expect(!linted, "\(explanation.code): lint reports it too")
            }
            if explanation.documentation.hasPrefix("reported by the build (`build`, `check` and `lint`"),
                explanation.severity == .warning
            {
                #expect(linted, "\(explanation.code): lint does not report it")
                lintedBuildWarnings.append(explanation.code.rawValue)
            }
        }
        #expect(lintedBuildWarnings.count >= 4)
        for (file, before) in [
            ("README.md", "reports every warning `build` would ("), ("docs/tools.md", "`build` gives ("),
        ] {
            let text = try String(contentsOf: Repository.root.appendingPathComponent(file), encoding: .utf8)
            let list = try #require(text.components(separatedBy: before).dropFirst().first?.prefix { $0 != ")" })
            var listed: Set<String> = []
            for item in list.components(separatedBy: ", ") {
                let ends = item.components(separatedBy: "–").compactMap { Int($0.dropFirst()) }
                guard let first = ends.first, let last = ends.last, let letter = item.first else { continue }
                for number in first...last { listed.insert("\(letter)\(number)") }
            }
            #expect(listed.isSuperset(of: lintedBuildWarnings), "\(file) lists \(listed.sorted()) for lint")
        }
    }

    /// Only the Swift descriptions' codes need a `stack.swift`, and their examples are one.
    @Test func theSwiftExamplesAreTheDescriptionCodes() {
        let swift = CodeExplanation.all.filter { $0.example?.failing.kind == .swift }
        #expect(
            swift.map(\.code) == [Codes.descriptionDoesNotCompile, Codes.descriptionFailed, Codes.descriptionInvalid])
        #expect(swift.allSatisfy { $0.example?.fixed.kind == .swift && $0.example?.failing.files.isEmpty == true })
    }

    @Test func aCodeIsFoundInAnyCaseOrByName() {
        #expect(CodeExplanation.named("E203")?.code == Codes.duplicateRoute)
        #expect(CodeExplanation.named("e203")?.code == Codes.duplicateRoute)
        #expect(CodeExplanation.named("duplicate-route")?.code == Codes.duplicateRoute)
        #expect(CodeExplanation.named("Y003")?.code == YAMLDiagnostics.duplicateKey)
        #expect(CodeExplanation.named("E299") == nil)
        #expect(CodeExplanation.suggestion(for: "E2O3") == "E203")
        #expect(CodeExplanation.suggestion(for: "unkown-key") == "unknown-key")
        #expect(CodeExplanation.retiredDocumentation("w307")?.hasPrefix("retired:") == true)
    }

    @Test func theSummaryIsTheFirstSentence() throws {
        let explanation = try #require(CodeExplanation.named("E100"))
        #expect(explanation.summary == "`stackc:` is not `1`, the only format version.")
        #expect(CodeExplanation.all.allSatisfy { $0.summary.count <= 100 && !$0.summary.isEmpty })
    }

    // MARK: docs/diagnostics.md

    /// The committed document is what its explanations generate. `STACKC_UPDATE_DOCS=1`
    /// writes it.
    @Test func theDocumentsEntriesAreTheExplanations() throws {
        let committed = try Repository.text("docs/diagnostics.md")
        let generated = DiagnosticsDocument.regenerated(committed)
        if ProcessInfo.processInfo.environment["STACKC_UPDATE_DOCS"] == "1", generated != committed {
            try Data(generated.utf8).write(to: Repository.root.appendingPathComponent("docs/diagnostics.md"))
            return
        }
        #expect(generated == committed, "docs/diagnostics.md is not current: run with STACKC_UPDATE_DOCS=1")
        for explanation in CodeExplanation.all {
            #expect(committed.contains("- `\(explanation.code.rawValue) \(explanation.code.name)` — "))
        }
    }

    @Test func anEntryIsWrappedAndNoLineStartsABlock() {
        let words = (1...30).map { "word\($0)" }.joined(separator: " ")
        let entry = DiagnosticsDocument.entry("E999 some-code", words + " - " + words + " # x 12. y")
        let lines = entry.split(separator: "\n")
        #expect(lines.count > 2)
        #expect(lines.allSatisfy { $0.count <= DiagnosticsDocument.width })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("  ") && !$0.hasPrefix("   ") })
        for line in lines.dropFirst() {
            #expect(!DiagnosticsDocument.startsBlock(line.dropFirst(2).prefix { $0 != " " }), "\(line)")
        }
        #expect(
            lines.joined(separator: " ").split(separator: " ").joined(separator: " ") == "- `E999 some-code` — " + words
                + " - " + words + " # x 12. y")
    }
}
