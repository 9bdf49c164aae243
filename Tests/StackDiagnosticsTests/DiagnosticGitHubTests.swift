import StackDiagnostics
import Testing

/// `--format github`: one workflow command per diagnostic, with the escaping GitHub's toolkit
/// uses, so that no message or path can end a property or the command early.
@Suite struct DiagnosticGitHubTests {
    func span(_ file: SourceFile, _ line: Int, _ column: Int, length: Int = 1) -> SourceSpan {
        SourceSpan(file: file.id, start: SourceLocation(line: line, column: column), length: length)
    }

    @Test func anErrorWithHelpAndANote() {
        let file = SourceFile(path: "shop.yml", text: "a: 1\na: 2\n")
        let diagnostic = Diagnostic(
            code: DiagnosticCode("Y003", "duplicate-key"), severity: .error, message: "the key 'a' appears twice",
            path: file.path, span: span(file, 2, 3), expected: "one key", help: "keep one of them",
            notes: [
                Diagnostic.Note("the first 'a' is here", at: span(file, 1, 1)), Diagnostic.Note("no place", at: nil),
            ])
        #expect(
            DiagnosticGitHub.render([diagnostic])
                == "::error file=shop.yml,line=2,col=3,title=Y003 duplicate-key::the key 'a' appears twice"
                + "%0Aexpected: one key%0Ahelp: keep one of them%0Anote: the first 'a' is here (shop.yml:1:1)"
                + "%0Anote: no place\n")
    }

    @Test func aWarningAndADiagnosticWithoutAPlace() {
        let file = SourceFile(path: "shop.yml", text: "x\n")
        let warning = Diagnostic(
            code: DiagnosticCode("W302", "manager-count"), severity: .warning, message: "two managers",
            path: file.path, span: span(file, 1, 1))
        let unreadable = Diagnostic(
            code: .unreadableFile, severity: .error, message: "cannot read the file", path: "gone.yml", span: nil)
        #expect(
            DiagnosticGitHub.render([warning, unreadable]) == """
                ::warning file=shop.yml,line=1,col=1,title=W302 manager-count::two managers
                ::error file=gone.yml,title=F001 unreadable-file::cannot read the file

                """)
        #expect(DiagnosticGitHub.render([]) == "")
    }

    /// `%` first (so that an escape is never escaped again), CR and LF everywhere; `:` and `,`
    /// in properties only, where they would end the value or the property list.
    @Test func escaping() {
        let file = SourceFile(path: "my dir/a,b:c%d.yml", text: "x\n")
        let diagnostic = Diagnostic(
            code: DiagnosticCode("E101", "unknown-key"), severity: .error,
            message: "100% of 'a:b,c'\r\nis %0A, not a newline", path: file.path, span: span(file, 1, 1))
        let line = DiagnosticGitHub.render([diagnostic])
        #expect(
            line
                == "::error file=my dir/a%2Cb%3Ac%25d.yml,line=1,col=1,title=E101 unknown-key::"
                + "100%25 of 'a:b,c'%0D%0Ais %250A, not a newline\n")
        #expect(line.filter { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }.count == 1, "one line per diagnostic")
    }

    @Test func aSpanInAnotherFileNamesThatFile() {
        let other = SourceFile(path: "stack.swift", text: "x\n")
        let diagnostic = Diagnostic(
            code: DiagnosticCode("E101", "unknown-key"), severity: .error, message: "m", path: "shop.yml",
            span: span(other, 1, 1))
        #expect(DiagnosticGitHub.render([diagnostic]).hasPrefix("::error file=stack.swift,line=1,col=1,"))
    }
}
