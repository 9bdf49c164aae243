import Foundation
import Testing

/// Hostile files through the built `stackc lint`: each ends with exit 1 and a located error
/// (or exit 0 and silence when valid), never a crash, and the output cannot drive a terminal.
@Suite struct LintHostileInputTests {
    /// Lints `data` written as `hostile.yml`, in text and in JSON (the JSON run skipped for
    /// large valid files, where it would only double the time: it is empty).
    func lint(
        _ data: Data, json wantJSON: Bool = true,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (text: CLIRun, json: [[String: Any]]) {
        let workspace = try Workspace("lint-hostile")
        defer { workspace.remove() }
        try data.write(to: workspace.url("hostile.yml"))
        let text = try workspace.stackc("lint", "hostile.yml", sourceLocation: sourceLocation)
        guard wantJSON else { return (text, []) }
        let json = try workspace.stackc("lint", "--format", "json", "hostile.yml", sourceLocation: sourceLocation)
        #expect(json.status == text.status, "\(json)", sourceLocation: sourceLocation)
        let objects = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]],
            "\(json)", sourceLocation: sourceLocation)
        return (text, objects)
    }

    func lint(_ text: String, json: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) throws -> (
        text: CLIRun, json: [[String: Any]]
    ) {
        try lint(Data(text.utf8), json: json, sourceLocation: sourceLocation)
    }

    /// Exit 1, one error of `code` at a place (at `location` when given), in both formats.
    func expectLocatedError(
        _ result: (text: CLIRun, json: [[String: Any]]), _ code: String, at location: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let run = result.text
        #expect(run.status == 1, "\(run)", sourceLocation: sourceLocation)
        #expect(run.stdout.isEmpty, sourceLocation: sourceLocation)
        let header = run.stderr.split(separator: "\n").first.map(String.init) ?? ""
        let pattern = #"^hostile\.yml:(\d+):(\d+): error\[([A-Z]\d{3})\]: "#
        let match = header.range(of: pattern, options: .regularExpression)
        #expect(match != nil, "\(run)", sourceLocation: sourceLocation)
        #expect(header.contains("error[\(code)]"), "\(run)", sourceLocation: sourceLocation)
        if let location {
            #expect(header.hasPrefix("hostile.yml:\(location): "), "\(header)", sourceLocation: sourceLocation)
        }
        #expect(run.stderr.hasSuffix("hostile.yml: 1 error, 0 warnings\n"), "\(run)", sourceLocation: sourceLocation)
        #expect(
            !run.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" || $0.value == 0x7F },
            "no control characters reach the terminal", sourceLocation: sourceLocation)
        #expect(result.json.count == 1, sourceLocation: sourceLocation)
        #expect(result.json.first?["code"] as? String == code, sourceLocation: sourceLocation)
        #expect(
            result.json.first?["line"] as? Int != nil && result.json.first?["column"] as? Int != nil,
            sourceLocation: sourceLocation)
    }

    /// Exit 0 and nothing printed.
    func expectClean(_ result: (text: CLIRun, json: [[String: Any]]), sourceLocation: SourceLocation = #_sourceLocation)
    {
        #expect(result.text.status == 0, "\(result.text.stderr.prefix(2000))", sourceLocation: sourceLocation)
        #expect(result.text.stdout.isEmpty, sourceLocation: sourceLocation)
        #expect(result.json.isEmpty, "\(result.json.prefix(3))", sourceLocation: sourceLocation)
    }

    @Test func emptyFile() throws {
        expectLocatedError(try lint(Data()), "Y008", at: "1:1")
    }

    @Test func onlyComments() throws {
        expectLocatedError(try lint("# TODO: write the stack\n#\n"), "Y008", at: "1:1")
    }

    @Test func scalarDocument() throws {
        expectLocatedError(try lint("just some words\n"), "E102", at: "1:1")
    }

    @Test(arguments: [1 as UInt64, 99, 0xC0FFEE])
    func binaryGarbageWithNULs(seed: UInt64) throws {
        let data = LintInputs.garbage(count: 256 * 1024, seed: seed)
        #expect(data.contains(0))
        expectLocatedError(try lint(data), "Y001")
    }

    @Test func controlCharactersInTheSourceLineAreNotEchoed() throws {
        // An escape sequence that would turn a terminal red, in a file libyaml rejects.
        expectLocatedError(try lint("stackc: 1\nname: \u{1B}[31mred\u{7}\napps: {}\n"), "Y001", at: "2:7")
    }

    @Test func invalidUTF8() throws {
        var data = Data("stackc: 1\nname: sh".utf8)
        data.append(contentsOf: [0xFF, 0xFE, 0xC3])
        data.append(contentsOf: Data("op\napps: {}\n".utf8))
        expectLocatedError(try lint(data), "Y001", at: "2:9")
    }

    @Test func hundredThousandNestedFlowLevels() throws {
        let text = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
        expectLocatedError(try lint(text), "Y005", at: "1:201")
    }

    @Test func hundredThousandNestedBlockLevels() throws {
        expectLocatedError(try lint(String(repeating: "- ", count: 100_000) + "x\n"), "Y005", at: "1:401")
    }

    @Test func billionLaughs() throws {
        expectLocatedError(try lint(LintInputs.billionLaughs), "Y005")
    }

    @Test func tenMegabyteManifest() throws {
        var count = 1
        var text = LintInputs.apps(count)
        let perApp = text.utf8.count - LintInputs.apps(0).utf8.count
        count = 10 * 1024 * 1024 / perApp + 1
        text = LintInputs.apps(count)
        #expect(text.utf8.count >= 10 * 1024 * 1024)
        expectClean(try lint(text, json: false))
    }

    @Test func fiveThousandApps() throws {
        expectClean(try lint(LintInputs.apps(5000), json: false))
    }

    @Test func oneMegabyteStringValue() throws {
        let big = String(repeating: "v", count: 1 << 20)
        expectClean(try lint("stackc: 1\nname: shop\napps:\n  web:\n    image: nginx:1.27\n    env: {BIG: \(big)}\n"))
    }

    @Test func oneMegabyteKey() throws {
        let big = String(repeating: "k", count: 1 << 20)
        let result = try lint("stackc: 1\nname: shop\n\(big): 1\napps: {}\n")
        expectLocatedError(result, "Y001")
        #expect(result.text.stderr.utf8.count < 4096, "the excerpt is cut: \(result.text.stderr.utf8.count) bytes")
    }

    @Test func oneMegabyteExplicitKey() throws {
        let big = String(repeating: "k", count: 1 << 20)
        let result = try lint("stackc: 1\nname: shop\n? \(big)\n: 1\napps: {}\n")
        expectLocatedError(result, "E101", at: "3:3")
        #expect(
            result.text.stderr.utf8.count < 4096, "message and excerpt are cut: \(result.text.stderr.utf8.count) bytes")
    }

    /// Text shows the first 100 diagnostics of a file and counts the rest; JSON lists every
    /// one, and the summary counts them all.
    @Test func textShowsAHundredDiagnosticsAndCountsTheRest() throws {
        let apps = (0..<130).map { "  a\($0): {image: 'nginx:1.27', replica: 2}\n" }.joined()
        let result = try lint("stackc: 1\nname: t\napps:\n" + apps + "  w: {image: nginx, port: 80}\n")
        #expect(result.text.status == 1)
        let shown = result.text.stderr.split(separator: "\n").filter {
            $0.contains(": error[") || $0.contains(": warning[")
        }
        #expect(shown.count == 100, "\(shown.count)")
        #expect(
            result.text.stderr.contains("… and 31 more (30 errors, 1 warning); --format json lists every one\n"),
            "\(result.text.stderr.suffix(300))")
        #expect(
            result.text.stderr.hasSuffix("hostile.yml: 130 errors, 1 warning\n"), "\(result.text.stderr.suffix(300))")
        #expect(result.json.count == 131)
    }

    /// The issue's manifest (issue 20): 450 apps sharing one aliased `depends_on` list of all
    /// 450. The first fuzzing run printed 208 MB for it; now one E202 and one W311 per app.
    @Test func appsThatAllWaitForEachOtherAreOneCycle() throws {
        let names = (0..<450).map { "a\($0)" }
        let manifest =
            "stackc: 1\nname: t\nx-d: &d [" + names.joined(separator: ",") + "]\n"
            + "x-a: &a {image: nginx, depends_on: *d}\napps:\n" + names.map { " \($0): *a\n" }.joined()
        let result = try lint(manifest)
        #expect(result.text.status == 1)
        #expect(result.json.filter { $0["code"] as? String == "E202" }.count == 1)
        #expect(result.json.count == 451, "\(result.json.count)")
        #expect(result.text.stderr.utf8.count < 100_000, "\(result.text.stderr.utf8.count) bytes")
        // The same with 2000 apps: 4 million dependencies once the aliases are expanded, past
        // the reader's limit of a million nodes, so one error says so.
        let more = (0..<2000).map { "a\($0)" }
        let large =
            "stackc: 1\nname: t\nx-d: &d [" + more.joined(separator: ",") + "]\n"
            + "x-a: &a {image: nginx, depends_on: *d}\napps:\n" + more.map { " \($0): *a\n" }.joined()
        let bomb = try lint(large)
        #expect(bomb.text.status == 1)
        #expect(bomb.json.map { $0["code"] as? String } == ["Y005"], "\(bomb.json.count)")
    }

}
