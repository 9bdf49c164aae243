import StackDiagnostics
import Testing

/// The text a person reads: the location, the source line with carets, expected and help,
/// then each note with its own place and source line.
@Suite struct DiagnosticRendererTests {
    let manifest = SourceFile(
        path: "shop.yml",
        text: """
            apps:
              web:
                host: www
              blog:
                host: www
            """)

    func span(_ file: SourceFile, _ line: Int, _ column: Int, length: Int = 1) -> SourceSpan {
        SourceSpan(file: file.id, start: SourceLocation(line: line, column: column), length: length)
    }

    @Test func aDiagnosticQuotesItsLineWithCaretsUnderTheSpan() {
        let diagnostic = Diagnostic(
            code: DiagnosticCode("E203", "duplicate-route"), severity: .error,
            message: "two apps share a route", path: manifest.path, span: span(manifest, 5, 11, length: 3),
            expected: "one app per host", help: "give one of them another host")
        #expect(
            DiagnosticRenderer().render(diagnostic, source: manifest) == """
                shop.yml:5:11: error[E203]: two apps share a route
                 5 |     host: www
                   |           ^^^
                   = expected: one app per host
                   = help: give one of them another host

                """)
    }

    @Test func aNoteShowsItsPlaceAndLineAfterTheHelp() {
        let diagnostic = Diagnostic(
            code: DiagnosticCode("E203", "duplicate-route"), severity: .error,
            message: "two apps share a route", path: manifest.path, span: span(manifest, 5, 11, length: 3),
            help: "give one of them another host",
            notes: [Diagnostic.Note("the route of app 'web' is here", at: span(manifest, 3, 11, length: 3))])
        #expect(
            DiagnosticRenderer().render(diagnostic, source: manifest) == """
                shop.yml:5:11: error[E203]: two apps share a route
                 5 |     host: www
                   |           ^^^
                   = help: give one of them another host
                note: the route of app 'web' is here
                 --> shop.yml:3:11
                 3 |     host: www
                   |           ^^^

                """)
    }

    @Test func aNoteWithoutAPlaceIsOneLine() {
        let diagnostic = Diagnostic(
            code: DiagnosticCode("W1", "w"), severity: .warning, message: "odd", path: manifest.path,
            span: nil, notes: [Diagnostic.Note("nothing to point at", at: nil)])
        #expect(
            DiagnosticRenderer().render(diagnostic, source: manifest)
                == "shop.yml: warning[W1]: odd\nnote: nothing to point at\n")
    }

    @Test func theGutterWidensForLongLineNumbersAndTheNoteKeepsItsOwn() {
        let long = SourceFile(path: "long.yml", text: String(repeating: "a: 1\n", count: 11) + "key: x\n")
        let diagnostic = Diagnostic(
            code: DiagnosticCode("E1", "e"), severity: .error, message: "bad", path: long.path,
            span: span(long, 12, 1, length: 3), notes: [Diagnostic.Note("first", at: span(long, 2, 1))])
        #expect(
            DiagnosticRenderer().render(diagnostic, source: long) == """
                long.yml:12:1: error[E1]: bad
                 12 | key: x
                    | ^^^
                note: first
                 --> long.yml:2:1
                 2 | a: 1
                   | ^

                """)
    }

    @Test func aSpanInAnotherFileIsLocatedAndQuotedFromThatFile() {
        let description = SourceFile(path: "Stack.swift", text: "let stack = Stack(\n    name: \"shop\"\n)\n")
        let diagnostic = Diagnostic(
            code: DiagnosticCode("E1", "e"), severity: .error, message: "the name is taken",
            path: manifest.path, span: span(description, 2, 11, length: 6),
            notes: [Diagnostic.Note("the other 'web' is here", at: span(manifest, 2, 3, length: 3))])
        #expect(
            DiagnosticRenderer().render(diagnostic, sources: [manifest, description]) == """
                Stack.swift:2:11: error[E1]: the name is taken
                 2 |     name: "shop"
                   |           ^^^^^^
                note: the other 'web' is here
                 --> shop.yml:2:3
                 2 |   web:
                   |   ^^^

                """)
    }

    @Test func aSpanInAFileNotGivenIsLocatedWithoutAnExcerpt() {
        let other = SourceFile(path: "elsewhere.yml", text: "x: 1\n")
        let diagnostic = Diagnostic(
            code: DiagnosticCode("E1", "e"), severity: .error, message: "bad", path: manifest.path,
            span: span(manifest, 1, 1, length: 4), notes: [Diagnostic.Note("see", at: span(other, 1, 4))])
        #expect(
            DiagnosticRenderer().render(diagnostic, source: manifest) == """
                shop.yml:1:1: error[E1]: bad
                 1 | apps:
                   | ^^^^
                note: see
                 --> elsewhere.yml:1:4

                """)
    }

    @Test func caretsFollowTabsAndStopAtTheEndOfTheLine() {
        let tabbed = SourceFile(path: "t.yml", text: "\tkey: v\n")
        let diagnostic = Diagnostic(
            code: DiagnosticCode("E1", "e"), severity: .error, message: "bad", path: tabbed.path,
            span: span(tabbed, 1, 7, length: 50))
        #expect(
            DiagnosticRenderer().render(diagnostic, source: tabbed)
                == "t.yml:1:7: error[E1]: bad\n 1 | \tkey: v\n   | \t     ^\n")
    }

    @Test func colourWrapsOnlyTheLabelsAndCarets() {
        let diagnostic = Diagnostic(
            code: DiagnosticCode("E1", "e"), severity: .error, message: "bad", path: manifest.path,
            span: span(manifest, 1, 1), notes: [Diagnostic.Note("here", at: nil)])
        let text = DiagnosticRenderer(colored: true).render(diagnostic, source: manifest)
        #expect(text.contains("\u{1B}[1;31merror[E1]\u{1B}[0m"))
        #expect(text.contains("\u{1B}[1;32mnote\u{1B}[0m: here"))
        #expect(!DiagnosticRenderer().render(diagnostic, source: manifest).contains("\u{1B}"))
    }

    @Test func controlCharactersInTheSourceLineAreNotPrinted() {
        let hostile = SourceFile(path: "h.yml", text: "a: \u{1B}[2J\n")
        let diagnostic = Diagnostic(
            code: DiagnosticCode("E1", "e"), severity: .error, message: "bad", path: hostile.path,
            span: span(hostile, 1, 4))
        #expect(!DiagnosticRenderer().render(diagnostic, source: hostile).contains("\u{1B}"))
    }
}
