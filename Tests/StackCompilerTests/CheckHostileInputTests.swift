import StackDiagnostics
import Testing
import YAML

@testable import StackCompiler

/// Input no one should write, but someone will: each gives a located error (or checks clean)
/// without crashing, recursing without bound or taking quadratic time.
@Suite struct CheckHostileInputTests {
    func check(_ bytes: [UInt8]) -> StackCompiler.CheckResult {
        StackCompiler.check(SourceFile(path: "hostile.yml", bytes: bytes))
    }

    func check(_ text: String) -> StackCompiler.CheckResult {
        check(Array(text.utf8))
    }

    /// One error, of `code`, at `location` (when given); no stack.
    func expectOneError(
        _ result: StackCompiler.CheckResult, _ code: DiagnosticCode, at location: String? = nil,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        #expect(result.diagnostics.count == 1, "\(summary(result.diagnostics))", sourceLocation: sourceLocation)
        let diagnostic = result.diagnostics.first
        #expect(diagnostic?.code == code, sourceLocation: sourceLocation)
        #expect(diagnostic?.severity == .error, sourceLocation: sourceLocation)
        #expect(diagnostic?.span != nil, "the error has a place", sourceLocation: sourceLocation)
        if let location { #expect(diagnostic?.span.map { "\($0.start)" } == location, sourceLocation: sourceLocation) }
        #expect(result.stack == nil, sourceLocation: sourceLocation)
    }

    @Test func emptyFile() {
        expectOneError(check([]), YAMLDiagnostics.empty, at: "1:1")
    }

    @Test func onlyComments() {
        expectOneError(check("# one\n   # two\n\n#three"), YAMLDiagnostics.empty, at: "1:1")
    }

    @Test func onlyADocumentMarker() {
        expectOneError(check("---\n"), Codes.wrongType)
    }

    @Test(arguments: ["hello", "42", "true", "~", "\"quoted\"", "- a\n- b", "[1, 2]"])
    func documentThatIsNotAMapping(text: String) {
        expectOneError(check(text + "\n"), Codes.wrongType, at: "1:1")
    }

    @Test(arguments: [1 as UInt64, 2, 3, 42, 0xDEAD_BEEF])
    func binaryGarbageWithNULs(seed: UInt64) {
        let bytes = GeneratedManifests.garbage(count: 64 * 1024, seed: seed)
        #expect(bytes.contains(0))
        let result = check(bytes)
        expectOneError(result, YAMLDiagnostics.syntax)
        if let span = result.diagnostics.first?.span { #expect(span.start.line >= 1 && span.start.column >= 1) }
    }

    @Test func garbageAfterAValidStart() {
        let bytes = Array("stackc: 1\nname: shop\n".utf8) + GeneratedManifests.garbage(count: 4096, seed: 7)
        let result = check(bytes)
        expectOneError(result, YAMLDiagnostics.syntax)
        #expect((result.diagnostics.first?.span?.start.line ?? 0) >= 3)
    }

    @Test(
        arguments: [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] as [[UInt8]])
    func invalidUTF8(sequence: [UInt8]) {
        let bytes = Array("stackc: 1\nname: ab".utf8) + sequence + Array("cd\napps: {}\n".utf8)
        let result = check(bytes)
        expectOneError(result, YAMLDiagnostics.syntax)
        #expect(result.diagnostics.first?.span?.start.line == 2)
    }

    @Test func utf16File() {
        // A UTF-16 file with a byte-order mark is valid YAML: libyaml decodes it, and lines and
        // columns still count characters.
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "stackc: 1\nname: shop\napps: {}\nreplica: 1\n".utf16 {
            bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        #expect(summary(check(bytes).diagnostics) == ["E101@4:1"])
    }

    @Test func hundredThousandNestedFlowSequences() {
        expectOneError(check(GeneratedManifests.nestedFlow(100_000)), YAMLDiagnostics.limit, at: "1:201")
    }

    @Test func hundredThousandNestedFlowMappings() {
        expectOneError(check(GeneratedManifests.nestedFlowMappings(100_000)), YAMLDiagnostics.limit)
    }

    @Test func hundredThousandNestedBlockSequences() {
        expectOneError(check(GeneratedManifests.nestedBlock(100_000)), YAMLDiagnostics.limit, at: "1:401")
    }

    @Test func deeplyIndentedBlockMappings() {
        var text = "stackc: 1\nname: shop\nx-deep:\n"
        for level in 1...300 { text += String(repeating: " ", count: level) + "k:\n" }
        let result = check(text + "apps: {}\n")
        expectOneError(result, YAMLDiagnostics.limit)
    }

    @Test func billionLaughs() {
        let result = check(GeneratedManifests.billionLaughs)
        expectOneError(result, YAMLDiagnostics.limit)
        #expect(result.diagnostics.first?.message.contains("aliases") == true)
    }

    @Test func manyAliasesWithinTheLimitAreFine() {
        var text = "stackc: 1\nname: shop\nx-a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nx-b:\n"
        for _ in 0..<10_000 { text += "  - *a\n" }
        #expect(check(text + "apps: {}\n").diagnostics.isEmpty)
    }

    @Test func mergingAHugeMappingStaysLinear() {
        var text = "stackc: 1\nname: shop\nx-big: &big\n"
        for index in 0..<100_000 { text += "  k\(index): \(index)\n" }
        text += "x-copy: {<<: *big, k0: own}\napps: {}\n"
        #expect(check(text).diagnostics.isEmpty)
    }

    @Test func tenMegabyteManifest() {
        let text = GeneratedManifests.atLeast(bytes: 10 * 1024 * 1024)
        #expect(text.utf8.count >= 10 * 1024 * 1024)
        let result = check(text)
        #expect(result.diagnostics.isEmpty, "\(summary(result.diagnostics).prefix(5))")
        #expect((result.stack?.apps.count ?? 0) > 20_000)
    }

    @Test func fileLargerThanAnyManifest() {
        // Refused before parsing: the limit belongs to the whole file, so it has no line.
        let bytes = Array("stackc: 1\n".utf8) + [UInt8](repeating: 0x20, count: 64 * 1024 * 1024)
        let result = check(bytes)
        #expect(result.diagnostics.map(\.code) == [YAMLDiagnostics.limit])
        #expect(result.diagnostics.first?.span == nil)
        #expect(result.diagnostics.first?.path == "hostile.yml")
    }

    @Test func fiveThousandApps() {
        let result = check(GeneratedManifests.apps(5000))
        #expect(result.diagnostics.isEmpty, "\(summary(result.diagnostics).prefix(5))")
        #expect(result.stack?.apps.count == 5000)
        #expect(result.stack?.database("pg")?.consumers.count == 5001)
    }

    @Test func fiveThousandAppsWithOneMistakeEach() {
        // Every app misspells a key and names a missing dependency: 10 000 located errors.
        var text = "stackc: 1\nname: shop\napps:\n"
        for index in 0..<5000 {
            text += "  a\(index): {image: nginx:1.27, replica: 2, depends_on: [missing\(index)]}\n"
        }
        let result = check(text)
        #expect(result.diagnostics.count == 10_000)
        #expect(result.diagnostics.allSatisfy { $0.span != nil && $0.severity == .error })
        #expect(result.diagnostics.map { $0.span!.start } == result.diagnostics.map { $0.span!.start }.sorted())
        #expect(result.diagnostics.allSatisfy { ($0.expected?.count ?? 0) < 400 })
    }

    @Test func oneMegabyteStringValue() {
        let big = String(repeating: "x", count: 1 << 20)
        let result = check("stackc: 1\nname: shop\napps:\n  web:\n    image: nginx:1.27\n    env:\n      BIG: \(big)\n")
        #expect(result.diagnostics.isEmpty)
        #expect(result.stack?.apps.first?.env.first?.value.utf8.count == 1 << 20)
    }

    @Test func oneMegabyteStringWhereANameBelongs() {
        let big = String(repeating: "a", count: 1 << 20)
        let result = check("stackc: 1\nname: \(big)\napps: {}\n")
        expectOneError(result, Codes.invalidName, at: "2:7")
        #expect((result.diagnostics.first?.message.count ?? .max) < 200)
    }

    @Test func oneMegabyteEnumValue() {
        let big = String(repeating: "a", count: 1 << 20)
        let result = check("stackc: 1\nname: shop\ntls: {mode: \(big)}\napps: {}\n")
        expectOneError(result, Codes.invalidValue, at: "3:13")
        #expect((result.diagnostics.first?.message.count ?? .max) < 200)
    }

    @Test func oneMegabyteImplicitKey() {
        // YAML limits implicit keys to 1024 characters: a syntax error, located.
        let big = String(repeating: "k", count: 1 << 20)
        let result = check("stackc: 1\nname: shop\n\(big): 1\napps: {}\n")
        expectOneError(result, YAMLDiagnostics.syntax)
        #expect(result.diagnostics.first?.span?.start.line == 3)
    }

    @Test func oneMegabyteExplicitKey() {
        let big = String(repeating: "k", count: 1 << 20)
        let result = check("stackc: 1\nname: shop\n? \(big)\n: 1\napps: {}\n")
        expectOneError(result, Codes.unknownKey, at: "3:3")
        #expect((result.diagnostics.first?.message.count ?? .max) < 200)
    }

    @Test func oneMegabyteAppName() {
        let big = String(repeating: "a", count: 1 << 20)
        let result = check("stackc: 1\nname: shop\napps:\n  ? \(big)\n  : {image: nginx:1.27}\n")
        expectOneError(result, Codes.invalidName, at: "4:5")
        #expect((result.diagnostics.first?.message.count ?? .max) < 200)
    }

    @Test func hugeNumbers() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            cluster: {managers: 1️⃣99999999999999999999999, workers: 2️⃣9223372036854775807}
            apps:
              web: {image: nginx:1.27, replicas: 3️⃣-9223372036854775808, port: 4️⃣0x7FFFFFFFFFFFFFFF}
            """,
            [
                .init(Codes.invalidValue, "1️⃣"), .init(Codes.invalidValue, "2️⃣"),
                .init(Codes.invalidValue, "3️⃣"), .init(Codes.invalidValue, "4️⃣"),
            ])
    }

    @Test func longLineWithAnErrorFarToTheRight() {
        // The excerpt is cut, and the caret line is not a megabyte of spaces.
        let padding = String(repeating: "a", count: 1 << 20)
        let source = SourceFile(
            path: "long.yml", text: "stackc: 1\nname: shop\nx-pad: [\(padding), *nowhere]\napps: {}\n")
        let result = StackCompiler.check(source)
        expectOneError(result, YAMLDiagnostics.unknownAnchor)
        let text = DiagnosticRenderer().render(result.diagnostics, source: source)
        #expect(text.utf8.count < 2000)
    }

    @Test func crlfLineEndings() {
        let marked = MarkedManifest(
            "stackc: 1\r\nname: shop\r\napps:\r\n  web:\r\n    image: nginx:1.27\r\n    1️⃣replica: 2\r\n")
        #expect(summary(marked.check().diagnostics) == ["E101@\(marked["1️⃣"])"])
    }

    @Test func byteOrderMarkIsNotAColumn() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("stackc: 1\nname: shop\napps: {}\nreplica: 1\n".utf8)
        #expect(summary(check(bytes).diagnostics) == ["E101@4:1"])
        let first: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("replica: 1\nstackc: 1\nname: shop\napps: {}\n".utf8)
        #expect(summary(check(first).diagnostics) == ["E101@1:1"])
    }

    @Test func nonASCIIColumnsCountCharacters() {
        let marked = MarkedManifest(
            "stackc: 1\nname: shop\n# ünïcödé ✓\napps:\n  web: {image: nginx:1.27, env: {GREETING: \"grüß dich 👋\"}, 1️⃣replica: 2}\n"
        )
        #expect(summary(marked.check().diagnostics) == ["E101@\(marked["1️⃣"])"])
        let before = MarkedManifest(
            "stackc: 1\nname: shop\napps:\n  web: {env: {A: \"é👋\"}, image: nginx:1.27, 1️⃣replica: 2}\n")
        #expect(summary(before.check().diagnostics) == ["E101@\(before["1️⃣"])"])
    }
}
