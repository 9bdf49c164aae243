import Foundation
import StackDiagnostics
import Testing

@testable import StackCompiler

/// A manifest written in a test, with markers (`1️⃣`, `2️⃣`, …) standing where diagnostics must
/// point; the markers are stripped before parsing and their line:column remembered, so a test
/// never hard-codes a position.
struct MarkedManifest {
    /// The markers, in order; each is one grapheme.
    static let markers: [Character] = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟"]

    /// The text without markers, as stackc reads it.
    let text: String
    /// Where each marker stood, in the text without markers.
    let locations: [Character: StackDiagnostics.SourceLocation]

    /// Strips the markers from `marked`; columns count Unicode scalars, as the YAML reader does.
    init(_ marked: String) {
        var text = ""
        var locations: [Character: StackDiagnostics.SourceLocation] = [:]
        var line = 1
        var column = 1
        for character in marked {
            if Self.markers.contains(character) {
                precondition(locations[character] == nil, "marker \(character) used twice")
                locations[character] = StackDiagnostics.SourceLocation(line: line, column: column)
                continue
            }
            text.append(character)
            if character.isNewline {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
        }
        self.text = text
        self.locations = locations
    }

    /// Where `marker` stood.
    subscript(marker: Character) -> StackDiagnostics.SourceLocation {
        guard let location = locations[marker] else {
            preconditionFailure("internal error: the manifest has no marker \(marker)")
        }
        return location
    }

    /// The text as a source file.
    func source(path: String = "test.yml") -> SourceFile {
        SourceFile(path: path, text: text)
    }

    /// Checks the manifest.
    func check(path: String = "test.yml") -> StackCompiler.CheckResult {
        StackCompiler.check(source(path: path))
    }
}

/// One expected diagnostic: its code and the marker it points at.
struct ExpectedDiagnostic: Sendable, CustomStringConvertible {
    let code: DiagnosticCode
    let marker: Character

    init(_ code: DiagnosticCode, _ marker: Character) {
        self.code = code
        self.marker = marker
    }

    var description: String { "\(code)@\(marker)" }
}

/// `CODE@line:col` for each diagnostic, for comparisons whose failures read well.
func summary(_ diagnostics: [Diagnostic]) -> [String] {
    diagnostics.map { "\($0.code)@\($0.span.map { "\($0.start)" } ?? "-")" }
}

/// Checks `manifest` and expects exactly `expected`, in that order (the order stackc sorts
/// them in: errors before warnings, each in file order). Returns the diagnostics for more
/// assertions.
@discardableResult
func expectDiagnostics(
    _ manifest: String, _ expected: [ExpectedDiagnostic],
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> [Diagnostic] {
    let marked = MarkedManifest(manifest)
    let result = marked.check()
    let wanted = expected.map { "\($0.code)@\(marked[$0.marker])" }
    #expect(
        summary(result.diagnostics) == wanted, "\(result.diagnostics.map(\.message))", sourceLocation: sourceLocation)
    let hasErrors = expected.contains { $0.code.rawValue.first != "W" }
    #expect(
        (result.stack == nil) == hasErrors, "a stack is resolved exactly when there is no error",
        sourceLocation: sourceLocation)
    return result.diagnostics
}

/// Checks `manifest` and expects exactly one diagnostic, `code` at `marker`.
@discardableResult
func expectOnly(
    _ code: DiagnosticCode, at marker: Character = "1️⃣", in manifest: String,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> Diagnostic? {
    expectDiagnostics(manifest, [ExpectedDiagnostic(code, marker)], sourceLocation: sourceLocation).first
}

/// Expects `diagnostic` to carry exactly one note, `message`, pointing at `marker` of
/// `manifest` in the same file.
func expectNote(
    _ diagnostic: Diagnostic?, _ message: String, at marker: Character, in manifest: String,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    let notes = diagnostic?.notes ?? []
    #expect(notes.map(\.message) == [message], sourceLocation: sourceLocation)
    #expect(notes.first?.span?.start == MarkedManifest(manifest)[marker], sourceLocation: sourceLocation)
    #expect(notes.first?.span?.file == diagnostic?.span?.file, sourceLocation: sourceLocation)
}

/// Checks a manifest that must be valid and returns its resolved stack; records an issue
/// (and returns nil) when it has errors.
func resolved(
    _ manifest: String, allowWarnings: Bool = false,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> ResolvedStack? {
    let result = StackCompiler.check(SourceFile(path: "test.yml", text: manifest))
    let unexpected = allowWarnings ? result.diagnostics.filter { $0.severity == .error } : result.diagnostics
    #expect(
        unexpected.isEmpty, "\(unexpected.map { "\($0.code) \($0.span.map { "\($0.start)" } ?? ""): \($0.message)" })",
        sourceLocation: sourceLocation)
    return result.stack
}

/// A value's full structure as text (`dump`), for comparing resolved values that are not
/// `Equatable`.
func structure<Value>(_ value: Value) -> String {
    var text = ""
    dump(value, to: &text)
    return text
}

/// Files of the repository, found from this file's place in it.
enum Repository {
    /// The repository's root: three levels above the test target's folder.
    static let root: URL = URL(fileURLWithPath: #filePath)  // …/Tests/StackCompilerTests/Support/MarkedManifest.swift
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // StackCompilerTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // root

    /// The bytes of a file under the root.
    static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(relativePath)))
    }

    /// The text of a file under the root.
    static func text(_ relativePath: String) throws -> String {
        String(decoding: try bytes(relativePath), as: UTF8.self)
    }
}
