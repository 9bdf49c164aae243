import StackDiagnostics
import Testing

@testable import YAML

/// The reader on well-formed input: locations, core-schema types, anchors, merge keys, and the
/// errors for duplicate keys, foreign tags and second documents.
@Suite struct YAMLReaderTests {
    // MARK: Locations

    @Test func keysAndValuesCarryLineAndColumn() throws {
        let input = MarkedSource(
            """
            1️⃣name: 2️⃣web
            ports:
              - 3️⃣8080
            4️⃣"quoted key": 5️⃣'single'
            nested:
              6️⃣inner: 7️⃣{flow: 8️⃣[9️⃣x]}
            """)
        let root = try #require(read(input.text).root)
        let name = try #require(root.pairs?.first)
        #expect(name.key.span.start == input[1])
        #expect(name.key.span.length == 4)
        #expect(name.value.span.start == input[2])
        #expect(name.value.span.length == 3)
        #expect(root["ports"]?.items?.first?.span.start == input[3])
        let quoted = try #require(root.pairs?[2])
        // A quoted scalar starts at its opening quote, and its span covers both quotes.
        #expect(quoted.key.span.start == input[4])
        #expect(quoted.key.span.length == 12)
        #expect(quoted.value.span.start == input[5])
        #expect(root["nested"]?.pairs?.first?.key.span.start == input[6])
        #expect(root["nested", "inner"]?.span.start == input[7])
        #expect(root["nested", "inner", "flow"]?.span.start == input[8])
        #expect(root["nested", "inner", "flow"]?.items?.first?.span.start == input[9])
    }

    /// libyaml counts columns in Unicode scalars (code points), not bytes and not grapheme
    /// clusters: `é` (2 bytes), `日` (3 bytes) and `😀` (4 bytes) each advance the column by one.
    @Test func columnsCountUnicodeScalarsAfterMultiByteCharacters() throws {
        let input = MarkedSource(
            """
            café: 1️⃣value
            日本語: {2️⃣ü: 3️⃣x}
            😀😀: 4️⃣"y"
            "ñ ñ": 5️⃣[6️⃣z]
            """)
        let root = try #require(read(input.text).root)
        #expect(root["café"]?.span.start == input[1])
        #expect(root["日本語"]?.pairs?.first?.key.span.start == input[2])
        #expect(root["日本語", "ü"]?.span.start == input[3])
        #expect(root["😀😀"]?.span.start == input[4])
        #expect(root["ñ ñ"]?.span.start == input[5])
        #expect(root["ñ ñ"]?.items?.first?.span.start == input[6])
        #expect(input[4] == SourceLocation(line: 3, column: 5))
    }

    /// The renderer indents the caret by one position per Unicode scalar, the same unit libyaml
    /// counts in, so the caret sits under the offending key even after multi-byte characters.
    @Test func caretLandsOnTheOffendingCharacterAfterMultiByteText() throws {
        let input = MarkedSource(
            """
            😀 日本: {é: 1, 1️⃣é: 2}
            """)
        let result = read(input.text)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.code == YAMLDiagnostics.duplicateKey)
        #expect(diagnostic.span?.start == input[1])
        let rendered = DiagnosticRenderer().render(diagnostic, source: input.source)
        #expect(characterUnderCaret(rendered) == "é")
    }

    @Test func reportsLinesAndColumnsWithWindowsLineEndings() throws {
        let result = read("a: 1\r\nb: 2\r\n  \r\na: 3\r\n")
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.code == YAMLDiagnostics.duplicateKey)
        #expect(diagnostic.span?.start == SourceLocation(line: 4, column: 1))
    }

    // MARK: Core schema

    @Test(arguments: [
        ("no", "string"), ("on", "string"), ("yes", "string"), ("off", "string"), ("y", "string"),
        ("true", "bool"), ("False", "bool"), ("null", "null"), ("~", "null"), ("", "null"),
        ("0x1F", "int"), ("0o17", "int"), ("0777", "int"), ("-42", "int"), ("+7", "int"),
        ("1e3", "float"), ("1.5", "float"), (".5", "float"), (".inf", "float"), ("-.Inf", "float"), (".NaN", "float"),
        ("12:30", "string"), ("1_000", "string"), ("2024-01-01", "string"), ("0b101", "string"), ("0x", "string"),
        ("'123'", "string"), ("\"true\"", "string"), ("'null'", "string"), ("\"0x1F\"", "string"),
        ("|\n  1\n", "string"),
    ])
    func plainScalarsResolveByTheYAML12CoreSchema(written: String, kind: String) throws {
        let root = try #require(read("v: \(written)\n").root)
        let scalar = try #require(root["v"]?.scalar)
        #expect("\(scalar.kind)" == kindNames[kind], "\(written)")
    }

    /// `YAMLScalar.Kind` is not `Sendable`, so test arguments name kinds by their descriptions.
    let kindNames = [
        "string": "\(YAMLScalar.Kind.string)", "int": "\(YAMLScalar.Kind.int)", "float": "\(YAMLScalar.Kind.float)",
        "bool": "\(YAMLScalar.Kind.bool)", "null": "\(YAMLScalar.Kind.null)",
    ]

    @Test func numbersCarryTheirValues() throws {
        let root = try #require(read("hex: 0x1F\noct: 0o17\ndec: 0777\nexp: 1e3\nneg: -.inf\n").root)
        #expect(root["hex"]?.scalar?.int == 31)
        #expect(root["oct"]?.scalar?.int == 15)
        #expect(root["dec"]?.scalar?.int == 777)
        #expect(root["exp"]?.scalar?.number == 1000)
        #expect(root["neg"]?.scalar?.number == -.infinity)
        #expect(root["exp"]?.scalar?.int == nil)
    }

    @Test func coreTagsAreAccepted() throws {
        let root = try #require(
            read(
                """
                s: !!str 123
                i: !!int "42"
                f: !!float 1
                b: !!bool true
                n: !!null ~
                m: !!map {a: 1}
                q: !!seq [1]
                e: ! 12
                """
            ).root)
        #expect(root["s"]?.scalar?.kind == .string)
        #expect(root["i"]?.scalar?.int == 42)
        #expect(root["f"]?.scalar?.kind == .float)
        #expect(root["b"]?.scalar?.bool == true)
        #expect(root["n"]?.scalar?.kind == .null)
        #expect(root["m"]?.pairs?.count == 1)
        #expect(root["q"]?.items?.count == 1)
    }

    /// YAML 1.1 and 1.2 both resolve a scalar with the non-specific tag `!` to a string (PyYAML
    /// reads `! 12` as '12'); the reader resolves it like an untagged plain scalar.
    @Test func nonSpecificTagMakesAString() throws {
        let root = try #require(read("e: ! 12\n").root)
        #expect(root["e"]?.scalar?.kind == .string)
    }

    @Test(arguments: [
        ("a: 1️⃣!custom x\n", "!custom"),
        ("a: 1️⃣!!binary aGVsbG8=\n", "!!binary"),
        ("a: 1️⃣!!set {x, y}\n", "!!set"),
        ("a: 1️⃣!!timestamp 2024-01-01\n", "!!timestamp"),
        ("a: 1️⃣!<tag:example.com,2024:thing> [1]\n", "tag:example.com,2024:thing"),
        ("a: 1️⃣!!int 1.5\n", "!!int"),
    ])
    func tagsOutsideTheCoreSchemaAreErrors(marked: String, tag: String) throws {
        let input = MarkedSource(marked)
        let result = read(input.text)
        #expect(result.root == nil)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.code == YAMLDiagnostics.unsupportedTag)
        #expect(diagnostic.span?.start == input[1])
        #expect(diagnostic.message.contains(tag))
    }

    // MARK: Anchors, aliases, merge keys

    @Test func aliasesShareTheirAnchorsNode() throws {
        let root = try #require(
            read(
                """
                base: &base {image: nginx, replicas: 2}
                copy: *base
                list: [&item x, *item, *item]
                """
            ).root)
        let base = try #require(root["base"])
        #expect(root["copy"]?.isSameNode(as: base) == true)
        #expect(root["copy", "replicas"]?.scalar?.int == 2)
        #expect(root["list"]?.items?.map { $0.scalar?.text } == ["x", "x", "x"])
    }

    @Test func aliasToAnUndefinedAnchorIsAnError() throws {
        let input = MarkedSource("a: 1️⃣*nowhere\n")
        let diagnostic = try #require(read(input.text).diagnostics.first)
        #expect(diagnostic.code == YAMLDiagnostics.unknownAnchor)
        #expect(diagnostic.span?.start == input[1])
    }

    @Test func mergeKeyCopiesKeysThatAreNotWrittenExplicitly() throws {
        let root = try #require(
            read(
                """
                defaults: &defaults {restart: always, replicas: 1}
                web:
                  <<: *defaults
                  replicas: 3
                """
            ).root)
        let web = try #require(root["web"]?.pairs)
        // Explicit keys first, in order, then merged ones; an explicit key wins wherever it is.
        #expect(web.map(\.keyText) == ["replicas", "restart"])
        #expect(root["web", "replicas"]?.scalar?.int == 3)
        #expect(root["web", "restart"]?.scalar?.text == "always")
    }

    @Test func explicitKeyWinsEvenWhenWrittenBeforeTheMerge() throws {
        let root = try #require(
            read(
                """
                a: &a {x: 1}
                b: {x: 2, <<: *a}
                """
            ).root)
        #expect(root["b", "x"]?.scalar?.int == 2)
        #expect(root["b"]?.pairs?.count == 1)
    }

    @Test func earlierMappingWinsInAMergeList() throws {
        let root = try #require(
            read(
                """
                a: &a {x: 1, y: 1}
                b: &b {y: 2, z: 2}
                c:
                  <<: [*a, *b]
                  w: 0
                """
            ).root)
        #expect(root["c"]?.pairs?.map(\.keyText) == ["w", "x", "y", "z"])
        #expect(root["c", "y"]?.scalar?.int == 1)
        #expect(root["c", "z"]?.scalar?.int == 2)
    }

    /// `<<` is a key like any other: twice in one mapping is a duplicate (found by fuzzing,
    /// issue 20), and the first is kept, as the first of two equal keys is.
    @Test func aSecondMergeKeyIsADuplicateKey() throws {
        let result = read("a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: *a\n  <<: *b\n")
        let duplicate = try #require(result.diagnostics.first, "\(result.diagnostics)")
        #expect(result.diagnostics.count == 1)
        #expect(duplicate.code == YAMLDiagnostics.duplicateKey)
        #expect(duplicate.span?.start.line == 5)
        #expect(duplicate.notes.first?.span?.start.line == 4)
        #expect(result.root?["c", "x"]?.scalar?.int == 1)
        #expect(result.root?["c", "y"] == nil)
    }

    @Test func quotedMergeKeyIsAnOrdinaryKey() throws {
        let root = try #require(read("a: &a {x: 1}\nb: {'<<': *a}\n").root)
        #expect(root["b"]?.pairs?.map(\.keyText) == ["<<"])
    }

    @Test func mergeKeyOfAScalarIsAnError() throws {
        let input = MarkedSource("b:\n  <<: 1️⃣oops\n")
        let diagnostic = try #require(read(input.text).diagnostics.first)
        #expect(diagnostic.code == YAMLDiagnostics.badKey)
        #expect(diagnostic.span?.start == input[1])
    }

    @Test func nonScalarKeyIsAnError() throws {
        let input = MarkedSource("? 1️⃣[a, b]\n: x\n")
        let diagnostic = try #require(read(input.text).diagnostics.first)
        #expect(diagnostic.code == YAMLDiagnostics.badKey)
        #expect(diagnostic.span?.start == input[1])
    }

    // MARK: Structural errors

    @Test func duplicateKeysAreFoundInMappingsOfEverySize() throws {
        // Mappings of 1 to 70 keys (small ones checked through a bit per key, large ones
        // through a dictionary), keys of random lengths that share first bytes, some repeated:
        // exactly the repeats are reported, and every other key is kept once, in order.
        var random = SeededBytes(seed: 0xD0B1_E5)
        for size in 1...70 {
            var keys: [String] = []
            for _ in 0..<size {
                if !keys.isEmpty, random.next() % 6 == 0 {
                    keys.append(keys[Int(random.next() % UInt64(keys.count))])
                } else {
                    let length = 1 + Int(random.next() % 12)
                    keys.append(
                        "k"
                            + String(
                                (0..<length).map { _ in Character(Unicode.Scalar(0x61 + UInt8(random.next() % 3))) }))
                }
            }
            var unique: [String] = []
            var reported: [String] = []
            for key in keys {
                if unique.contains(key) { reported.append(key) } else { unique.append(key) }
            }
            let result = read("m:\n" + keys.enumerated().map { "  \($1): \($0)\n" }.joined())
            let pairs = try #require(result.root?.pairs?.first?.value.pairs, "size \(size)")
            #expect(pairs.map(\.keyText) == unique, "size \(size)")
            #expect(
                result.diagnostics.map { $0.message }
                    == reported.map { "the key '\($0)' appears twice in this mapping" },
                "size \(size)")
        }
    }

    @Test func duplicateKeyNamesBothLines() throws {
        let input = MarkedSource(
            """
            services:
              2️⃣web: {}
              db: {}
              1️⃣web: {}
            """)
        let result = read(input.text)
        // The read goes on: the first 'web' is kept, the second left out.
        let services = try #require(result.root?.pairs?.first?.value.pairs)
        #expect(services.map(\.keyText) == ["web", "db"])
        #expect(result.codes == [YAMLDiagnostics.duplicateKey.rawValue])
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.span?.start == input[1])
        #expect(diagnostic.message.contains("'web'"))
        #expect(diagnostic.notes.map(\.message) == ["the first 'web' is here"])
        #expect(diagnostic.notes.first?.span?.start == input[2])
        #expect(diagnostic.notes.first?.span?.file == input.source.id)
    }

    @Test func duplicatesAreAllReported() {
        let result = read("a: 1\nb: 1\na: 2\nb: 2\n")
        #expect(result.codes == [YAMLDiagnostics.duplicateKey.rawValue, YAMLDiagnostics.duplicateKey.rawValue])
    }

    @Test func secondDocumentIsAnError() throws {
        let input = MarkedSource("a: 1\n1️⃣---\nb: 2\n")
        let result = read(input.text)
        #expect(result.root == nil)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.code == YAMLDiagnostics.multipleDocuments)
        #expect(diagnostic.span?.start == input[1])
    }

    @Test func explicitStartAndEndOfOneDocumentAreFine() throws {
        let root = try #require(read("---\na: 1\n...\n").root)
        #expect(root["a"]?.scalar?.int == 1)
    }

    /// A UTF-8 byte order mark (as some Windows editors write) should be skipped, but the
    /// reader forces the UTF-8 encoding, which makes libyaml skip the BOM in its scanner
    /// instead, counting it as a column: line 1 is then indented by one and line 2 is not.
    @Test func byteOrderMarkIsSkipped() {
        let result = read(bytes: [0xEF, 0xBB, 0xBF] + Array("a: 1\nb: 2\n".utf8))
        #expect(result.diagnostics.isEmpty)
        #expect(result.root?["b"]?.span.start == SourceLocation(line: 2, column: 4))
    }
}

/// The source character a rendered diagnostic's caret points at: the excerpt line and the
/// caret line share a gutter (` 12 | `), and the caret is indented one position per scalar.
func characterUnderCaret(_ rendered: String) -> Character? {
    let lines = rendered.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard let caretIndex = lines.firstIndex(where: { $0.contains("^") && $0.contains(" | ") }), caretIndex > 0,
        let excerpt = lines[caretIndex - 1].range(of: " | "),
        let caretBar = lines[caretIndex].range(of: " | ")
    else { return nil }
    let source = Array(lines[caretIndex - 1][excerpt.upperBound...].unicodeScalars)
    let caretLine = Array(lines[caretIndex][caretBar.upperBound...].unicodeScalars)
    guard let offset = caretLine.firstIndex(of: "^"), offset < source.count else { return nil }
    return Character(source[offset])
}
