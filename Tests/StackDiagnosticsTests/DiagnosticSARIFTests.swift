import Foundation
import StackDiagnostics
import Testing

/// `--format sarif`: one run, a rule per code used, a result per diagnostic with its place and
/// the notes as related locations its message links to. (The whole log is validated against
/// the SARIF schema in stackcTests, on the real stackc's output.)
@Suite struct DiagnosticSARIFTests {
    static let tool = DiagnosticSARIF.Tool(name: "stackc", informationURI: "README.md", codesDocument: "docs/x.md")
    let manifest = SourceFile(path: "shop.yml", text: "a: 1\na: 2\nb: [x]\n")

    func span(_ file: SourceFile, _ line: Int, _ column: Int, length: Int = 1) -> SourceSpan {
        SourceSpan(file: file.id, start: SourceLocation(line: line, column: column), length: length)
    }

    /// The log parsed; its one run.
    func run(_ diagnostics: [Diagnostic]) throws -> [String: Any] {
        let text = DiagnosticSARIF.render(diagnostics, tool: Self.tool)
        #expect(text.hasSuffix("}\n"))
        let log = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        #expect(log["$schema"] as? String == DiagnosticSARIF.schemaURI)
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        return try #require(runs.first)
    }

    var duplicate: Diagnostic {
        Diagnostic(
            code: DiagnosticCode("Y003", "duplicate-key"), severity: .error, message: "the key 'a' appears twice",
            path: manifest.path, span: span(manifest, 2, 1), expected: "one 'a'", help: "keep one of them",
            notes: [
                Diagnostic.Note("the first [a] is here", at: span(manifest, 1, 1)),
                Diagnostic.Note("keys are compared after YAML reads them", at: nil),
            ])
    }

    var warning: Diagnostic {
        Diagnostic(
            code: DiagnosticCode("W303", "plain-http"), severity: .warning, message: "'b' is served over plain HTTP",
            path: manifest.path, span: span(manifest, 3, 4, length: 3))
    }

    @Test func theDriverListsEachCodeUsedOnceSortedWithItsDocumentation() throws {
        let run = try run([warning, duplicate, warning])
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "stackc")
        #expect(driver["informationUri"] as? String == "README.md")
        #expect(driver["version"] == nil, "stackc has no version to give")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == ["W303", "Y003"])
        #expect(rules.map { $0["name"] as? String } == ["plain-http", "duplicate-key"])
        #expect(
            rules.map { ($0["shortDescription"] as? [String: Any])?["text"] as? String } == [
                "plain http", "duplicate key",
            ])
        #expect(rules.map { $0["helpUri"] as? String } == ["docs/x.md#warnings-w3xx", "docs/x.md#yaml"])
        #expect(
            rules.map { ($0["defaultConfiguration"] as? [String: Any])?["level"] as? String } == ["warning", "error"])
        #expect(run["columnKind"] as? String == "unicodeCodePoints")
    }

    @Test func aResultHasItsRuleLevelMessageAndRegion() throws {
        let results = try #require(try run([duplicate, warning])["results"] as? [[String: Any]])
        #expect(results.count == 2)
        let result = results[1]
        #expect(result["ruleId"] as? String == "W303")
        #expect(result["ruleIndex"] as? Int == 0)
        #expect(result["level"] as? String == "warning")
        #expect((result["message"] as? [String: Any])?["text"] as? String == "'b' is served over plain HTTP")
        let location = try #require((result["locations"] as? [[String: Any]])?.first)
        let physical = try #require(location["physicalLocation"] as? [String: Any])
        #expect((physical["artifactLocation"] as? [String: Any])?["uri"] as? String == "shop.yml")
        let region = try #require(physical["region"] as? [String: Any])
        #expect(region["startLine"] as? Int == 3)
        #expect(region["startColumn"] as? Int == 4)
        #expect(region["endColumn"] as? Int == 7, "the column after the span's three characters")
        #expect(result["relatedLocations"] == nil, "no notes, no related locations")
    }

    @Test func notesAreRelatedLocationsTheMessageLinksTo() throws {
        let result = try #require((try run([duplicate])["results"] as? [[String: Any]])?.first)
        #expect(result["ruleIndex"] as? Int == 0)
        #expect(
            (result["message"] as? [String: Any])?["text"] as? String == """
                the key 'a' appears twice
                expected: one 'a'
                help: keep one of them
                note: [the first \\[a\\] is here](1)
                note: keys are compared after YAML reads them
                """)
        let related = try #require(result["relatedLocations"] as? [[String: Any]])
        #expect(related.count == 1, "only the note with a place")
        #expect(related[0]["id"] as? Int == 1)
        #expect((related[0]["message"] as? [String: Any])?["text"] as? String == "the first [a] is here")
        let physical = try #require(related[0]["physicalLocation"] as? [String: Any])
        #expect((physical["region"] as? [String: Any])?["startLine"] as? Int == 1)
    }

    @Test func aDiagnosticWithoutAPlaceHasTheFileAlone() throws {
        let unreadable = Diagnostic(
            code: .unreadableFile, severity: .error, message: "cannot read the file: no such file",
            path: "gone.yml", span: nil)
        let result = try #require((try run([unreadable])["results"] as? [[String: Any]])?.first)
        let physical = try #require(
            (result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect((physical["artifactLocation"] as? [String: Any])?["uri"] as? String == "gone.yml")
        #expect(physical["region"] == nil)
    }

    @Test func noDiagnosticsIsALogWithNoResults() throws {
        let run = try run([])
        #expect((run["results"] as? [Any])?.isEmpty == true)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect((driver["rules"] as? [Any])?.isEmpty == true)
    }

    @Test(arguments: [
        ("shop.yml", "shop.yml"),
        ("manifests/shop.yml", "manifests/shop.yml"),
        ("../up/a b.yml", "../up/a%20b.yml"),
        ("a:b,c%#?.yml", "a%3Ab%2Cc%25%23%3F.yml"),
        ("café.yml", "caf%C3%A9.yml"),
        ("/srv/stacks/shop.yml", "file:///srv/stacks/shop.yml"),
    ])
    func pathsAreURIReferences(path: String, uri: String) throws {
        let diagnostic = Diagnostic(code: .unreadableFile, severity: .error, message: "m", path: path, span: nil)
        let text = DiagnosticSARIF.render([diagnostic], tool: Self.tool)
        #expect(text.contains("\"uri\": \"\(uri)\""), "\(text)")
    }
}

/// Where SARIF's rules point for each family of codes.
@Suite struct DiagnosticCodeDocumentationTests {
    @Test(arguments: [
        ("F001", "files"), ("Y008", "yaml"), ("E101", "structure-e1xx"), ("E110", "swift-descriptions-e11x"),
        ("E229", "meaning-e2xx"), ("W322", "warnings-w3xx"), ("E900", "mistakes-in-stackc"),
    ])
    func familiesHaveTheirSection(code: String, anchor: String) {
        #expect(DiagnosticCode(code, "x").documentationAnchor == anchor)
    }

    @Test(arguments: ["Y103x", "E1", "X101", "E3", "E500", "W101"])
    func otherCodesHaveNone(code: String) {
        #expect(DiagnosticCode(code, "x").documentationAnchor == nil)
    }
}
