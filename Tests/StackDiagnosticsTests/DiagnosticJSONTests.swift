import StackDiagnostics
import Testing

/// `--format json`: one object per diagnostic, notes with their own file, line and column.
@Suite struct DiagnosticJSONTests {
    @Test func aDiagnosticWithANote() {
        let file = SourceFile(path: "shop.yml", text: "a: 1\na: 2\n")
        let diagnostic = Diagnostic(
            code: DiagnosticCode("Y103", "duplicate-key"), severity: .error, message: "the key 'a' appears twice",
            path: file.path, span: SourceSpan(file: file.id, start: SourceLocation(line: 2, column: 1)),
            help: "keep one of them",
            notes: [
                Diagnostic.Note(
                    "the first 'a' is here", at: SourceSpan(file: file.id, start: SourceLocation(line: 1, column: 1)))
            ])
        #expect(
            DiagnosticJSON.render([diagnostic]) == """
                [
                  {"file": "shop.yml", "line": 2, "column": 1, "length": 1, "severity": "error", "code": "Y103", \
                "name": "duplicate-key", "message": "the key 'a' appears twice", "help": "keep one of them", \
                "notes": [{"message": "the first 'a' is here", "file": "shop.yml", "line": 1, "column": 1}]}
                ]

                """)
    }

    @Test func withoutNotesThereIsNoNotesField() {
        let diagnostic = Diagnostic(
            code: DiagnosticCode("F001", "unreadable-file"), severity: .error,
            message: "cannot read \"x\"", path: "x.yml", span: nil)
        #expect(
            DiagnosticJSON.render([diagnostic]) == """
                [
                  {"file": "x.yml", "line": null, "column": null, "length": null, "severity": "error", "code": "F001", \
                "name": "unreadable-file", "message": "cannot read \\"x\\""}
                ]

                """)
        #expect(DiagnosticJSON.render([]) == "[]\n")
    }

    @Test func aSpanInAnotherFileGivesThatFile() {
        let other = SourceFile(path: "Stack.swift", text: "x\n")
        let diagnostic = Diagnostic(
            code: DiagnosticCode("E1", "e"), severity: .warning, message: "m", path: "shop.yml",
            span: SourceSpan(file: other.id, start: SourceLocation(line: 1, column: 1)),
            notes: [Diagnostic.Note("elsewhere", at: nil)])
        let json = DiagnosticJSON.render([diagnostic])
        #expect(json.contains("{\"file\": \"Stack.swift\", \"line\": 1"))
        #expect(
            json.contains("\"notes\": [{\"message\": \"elsewhere\", \"file\": null, \"line\": null, \"column\": null}]")
        )
    }
}

/// The project's one JSON string quoting, which generated JSON files and diagnostics use.
@Suite struct JSONQuotingTests {
    @Test(arguments: [
        ("plain", "\"plain\""),
        ("", "\"\""),
        ("say \"hi\"", "\"say \\\"hi\\\"\""),
        ("C:\\path", "\"C:\\\\path\""),
        ("a\nb\rc\td", "\"a\\nb\\rc\\td\""),
        ("\u{0}\u{1}\u{1F}", "\"\\u0000\\u0001\\u001f\""),
        ("del\u{7F}", "\"del\\u007f\""),
        ("line\u{2028}para\u{2029}", "\"line\\u2028para\\u2029\""),
        ("a/b", "\"a/b\""),
        ("café 日本 😀 a\u{301}", "\"café 日本 😀 a\u{301}\""),
    ])
    func quotes(_ text: String, _ expected: String) {
        #expect(JSONQuoting.quote(text) == expected)
    }

    @Test func everyControlCharacterIsEscaped() {
        for value in UInt32(0)..<0x20 {
            let quoted = JSONQuoting.quote(String(Character(Unicode.Scalar(value)!)))
            #expect(quoted.unicodeScalars.allSatisfy { $0.value >= 0x20 }, "U+\(String(value, radix: 16))")
        }
    }
}

/// A span's file: a number for a path, the same number for the same path.
@Suite struct SourceFileIDTests {
    @Test func theSamePathHasTheSameNumberAndGivesItsPathBack() {
        let a = SourceFile(path: "same.yml", text: "x: 1\n")
        let b = SourceFile(path: "same.yml", text: "y: 2\n")
        let c = SourceFile(path: "other.yml", text: "x: 1\n")
        #expect(a.id == b.id)
        #expect(a.id != c.id)
        #expect(c.id.path == "other.yml")
        #expect(SourceFileID(path: "same.yml") == a.id)
    }
}
