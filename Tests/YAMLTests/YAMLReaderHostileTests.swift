import StackDiagnostics
import Testing

@testable import YAML

/// The reader on hostile or broken input: every case returns promptly, never crashes, and
/// either succeeds or reports a located error.
@Suite struct YAMLReaderHostileTests {
    /// Generous for a debug build on a slow CI machine; a hang or quadratic blow-up misses it
    /// by orders of magnitude.
    static let prompt: Duration = .seconds(30)

    /// Reads `bytes`, checking the time taken and that every diagnostic points inside the file.
    func readChecked(_ bytes: [UInt8], sourceLocation: Testing.SourceLocation = #_sourceLocation) -> ReadResult {
        let source = SourceFile(path: "hostile.yml", bytes: bytes)
        let clock = ContinuousClock()
        let start = clock.now
        let result = read(source)
        let elapsed = clock.now - start
        #expect(elapsed < Self.prompt, "took \(elapsed)", sourceLocation: sourceLocation)
        for diagnostic in result.diagnostics {
            if let span = diagnostic.span {
                #expect(span.start.line >= 1 && span.start.line <= source.lineCount + 1, sourceLocation: sourceLocation)
                #expect(span.start.column >= 1, sourceLocation: sourceLocation)
            }
            _ = DiagnosticRenderer().render(diagnostic, source: source)
        }
        return result
    }

    @Test func emptyFileHasNoDocumentAndNoError() {
        // The caller turns "no document" into its own "the manifest is empty" error.
        let result = readChecked([])
        #expect(result.root == nil)
        #expect(result.diagnostics.isEmpty)
    }

    @Test func onlyCommentsAndBlankLinesHaveNoDocument() {
        let result = readChecked(Array("# nothing here\n\n   \n# still nothing\n".utf8))
        #expect(result.root == nil)
        #expect(result.diagnostics.isEmpty)
    }

    @Test func randomBinaryGarbageIsALocatedErrorOrAValidDocument() {
        var random = SeededBytes(seed: 0x5EED_0001)
        for length in [1, 2, 3, 7, 64, 500, 4096, 65_536] {
            for _ in 0..<8 {
                var bytes = random.bytes(length)
                // Every buffer holds a NUL, which no YAML stream may contain.
                bytes[Int(random.next() % UInt64(length))] = 0
                let result = readChecked(bytes)
                #expect(result.root == nil)
                // Usually libyaml's decoder fails first; a stray `!` or `*` may be caught
                // as a bad tag or alias before the decoder reaches the bad bytes.
                #expect(result.diagnostics.first?.span != nil)
            }
        }
    }

    @Test func nulByteIsLocated() throws {
        let result = readChecked(Array("a: b\nc: dé".utf8) + [0] + Array("\n".utf8))
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.code == YAMLDiagnostics.syntax)
        #expect(diagnostic.message.contains("control characters"))
        #expect(diagnostic.span?.start == SourceLocation(line: 2, column: 6))
    }

    @Test func invalidUTF8IsLocatedInCharacters() throws {
        // libyaml reports a decoding error by byte offset; the reader turns it into a
        // line and a column counted in scalars like every other location.
        let result = readChecked(Array("a: 1\nbé: ".utf8) + [0xFF, 0xFE] + Array("\n".utf8))
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.code == YAMLDiagnostics.syntax)
        #expect(diagnostic.message.contains("UTF-8"))
        #expect(diagnostic.span?.start == SourceLocation(line: 2, column: 5))
        #expect(diagnostic.help?.contains("UTF-8") == true)
    }

    @Test func truncatedMultiByteCharacterAtTheEndIsAnError() throws {
        let result = readChecked(Array("a: caf".utf8) + [0xC3])
        #expect(result.diagnostics.first?.code == YAMLDiagnostics.syntax)
    }

    @Test func hundredThousandOpenBracketsStopAtTheDepthLimit() throws {
        let result = readChecked(Array(String(repeating: "[", count: 100_000).utf8))
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.code == YAMLDiagnostics.limit)
        #expect(diagnostic.span?.start == SourceLocation(line: 1, column: 201))
    }

    @Test func hundredThousandFlowMappingsStopAtTheDepthLimit() throws {
        let result = readChecked(Array(String(repeating: "{a: ", count: 100_000).utf8))
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.code == YAMLDiagnostics.limit)
        #expect(diagnostic.span?.start == SourceLocation(line: 1, column: 801))
    }

    @Test func hundredThousandNestedBlockSequencesStopAtTheDepthLimit() throws {
        // `- - - …` nests block sequences on one line, so 100 000 levels take only 200 KB.
        let result = readChecked(Array((String(repeating: "- ", count: 100_000) + "x\n").utf8))
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.code == YAMLDiagnostics.limit)
        #expect(diagnostic.span?.start == SourceLocation(line: 1, column: 401))
    }

    /// Nested block mappings need one more space of indentation per level, so n levels take
    /// n²/2 bytes: 100 000 levels would be a 5 GB file. 100 000 levels are written as
    /// `? ` explicit keys on one line instead, and 3 000 indented levels (4.5 MB) as usual.
    @Test func deeplyNestedBlockMappingsStopAtTheDepthLimit() throws {
        let indented = (0..<3_000).map { String(repeating: " ", count: $0) + "k\($0):\n" }.joined()
        let result = readChecked(Array(indented.utf8))
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.code == YAMLDiagnostics.limit)
        #expect(diagnostic.span?.start == SourceLocation(line: 201, column: 201))

        let explicit = readChecked(Array(String(repeating: "? ", count: 100_000).utf8))
        #expect(explicit.diagnostics.first?.code == YAMLDiagnostics.limit)
    }

    @Test func billionLaughsIsStoppedAtTheAliasLimit() throws {
        var text = "a0: &a0 [" + Array(repeating: "lol", count: 10).joined(separator: ", ") + "]\n"
        for level in 1...9 {
            text +=
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        let result = readChecked(Array(text.utf8))
        #expect(result.root == nil)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.code == YAMLDiagnostics.limit)
        #expect(diagnostic.message.contains("aliases"))
        // It fires on line 6, inside `a5`, whose 10 × 111 111 nodes pass the million allowed.
        #expect(diagnostic.span?.start.line == 6)
    }

    @Test func mergeKeysCannotBeUsedForAnAliasBomb() throws {
        // Each level merges the previous one twice over under new keys: expansion doubles per
        // level while the text grows linearly.
        var text = "m0: &m0 {k: v}\n"
        for level in 1...40 {
            text += "m\(level): &m\(level) {a: *m\(level - 1), b: *m\(level - 1), <<: *m\(level - 1)}\n"
        }
        let result = readChecked(Array(text.utf8))
        #expect(result.diagnostics.first?.code == YAMLDiagnostics.limit)
    }

    @Test func tenMegabytesOfKeysAreRead() throws {
        var text = ""
        text.reserveCapacity(10_100_000)
        var count = 0
        while text.utf8.count < 10_000_000 {
            text += "key\(count): value number \(count)\n"
            count += 1
        }
        let result = readChecked(Array(text.utf8))
        #expect(result.diagnostics.isEmpty)
        let pairs = try #require(result.root?.pairs)
        #expect(pairs.count == count)
        #expect(pairs.last?.key.span.start == SourceLocation(line: count, column: 1))
    }

    @Test func megabyteValueIsRead() throws {
        let value = String(repeating: "v", count: 1 << 20)
        let result = readChecked(Array("a: \(value)\nb: 1\n".utf8))
        #expect(result.root?["a"]?.scalar?.text == value)
        #expect(result.root?["b"]?.span.start == SourceLocation(line: 2, column: 4))
    }

    /// libyaml allows an implicit (`key: value`) key of at most 1024 characters, so a 1 MB key
    /// is a syntax error at the `:`; libyaml's message ("mapping values are not allowed in this
    /// context") does not say why, so the reader's help does. The same key written as an
    /// explicit `? key` is read.
    @Test func megabyteKeyIsAnErrorUnlessExplicit() throws {
        let key = String(repeating: "k", count: 1 << 20)
        let implicit = readChecked(Array("\(key): v\n".utf8))
        let diagnostic = try #require(implicit.diagnostics.first)
        #expect(diagnostic.code == YAMLDiagnostics.syntax)
        #expect(diagnostic.span?.start == SourceLocation(line: 1, column: (1 << 20) + 1))
        #expect(diagnostic.help?.contains("1024") == true)

        let explicit = readChecked(Array("? \(key)\n: v\n".utf8))
        #expect(explicit.diagnostics.isEmpty)
        #expect(explicit.root?.pairs?.first?.keyText == key)
    }

    @Test func implicitKeyOf1024CharactersIsTheLongestAllowed() {
        #expect(readChecked(Array((String(repeating: "k", count: 1024) + ": v\n").utf8)).diagnostics.isEmpty)
        #expect(!readChecked(Array((String(repeating: "k", count: 1025) + ": v\n").utf8)).diagnostics.isEmpty)
    }

    @Test(arguments: ["a: \"abc\nb: 1\n", "a: 'abc\nb: 1\n", "a: [1, 2\n", "a: {b: 1\n"])
    func unterminatedQuotesAndBracketsAreLocatedErrors(text: String) throws {
        let result = readChecked(Array(text.utf8))
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.code == YAMLDiagnostics.syntax)
        #expect(diagnostic.span != nil)
        if text.contains("\"") || text.contains("'") {
            // libyaml finds it at the end of the stream; the error is moved to the opening quote.
            #expect(diagnostic.span?.start == SourceLocation(line: 1, column: 4))
            #expect(diagnostic.message == "invalid YAML: a quoted string is never closed")
            #expect(diagnostic.help?.hasPrefix("end it with \(text.contains("'") ? "'" : "\"")") == true)
        } else {
            // libyaml points at the end of the stream and names the line where the construct began.
            #expect(diagnostic.message.contains("line 1"))
        }
    }

    @Test func tabIndentationIsALocatedErrorWithHelp() throws {
        let result = readChecked(Array("a:\n\tb: 1\n".utf8))
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.code == YAMLDiagnostics.syntax)
        #expect(diagnostic.span?.start == SourceLocation(line: 2, column: 1))
        // libyaml says "found character that cannot start any token"; the reader looks at the
        // character itself to give the advice.
        #expect(diagnostic.help?.contains("spaces") == true)
    }

    @Test func tabAfterAColonIsSeparationNotIndentation() throws {
        let result = readChecked(Array("a:\t1\nb: \"x\ty\"\n".utf8))
        #expect(result.diagnostics.isEmpty)
        #expect(result.root?["a"]?.scalar?.int == 1)
        #expect(result.root?["b"]?.scalar?.text == "x\ty")
    }

    @Test func fileOverTheSizeLimitIsRefusedUnread() {
        var reader = YAMLReader()
        reader.limits.maxBytes = 10
        var bag = DiagnosticBag()
        let root = reader.read(SourceFile(path: "big.yml", text: "a: 1234567890\n"), into: &bag)
        #expect(root == nil)
        #expect(bag.all.map(\.code) == [YAMLDiagnostics.limit])
    }
}
