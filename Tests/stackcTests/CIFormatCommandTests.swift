import Foundation
import Testing

/// The formats for CI (`--format sarif`, `--format github`) from the real stackc: SARIF that
/// the SARIF 2.1.0 schema accepts, annotations GitHub's runner reads back to the diagnostics,
/// the same exit statuses in every format, and colour only on a terminal without NO_COLOR.
@Suite struct CIFormatCommandTests {
    /// Errors (an unknown key; a key twice, with a note at the first) and a warning (W302).
    static let broken = """
        stackc: 1
        name: shop
        cluster:
          managers: 2
        apps:
          web:
            image: nginx:1.27
            replica: 2
            image: nginx:1.28

        """

    /// Clean but for the build's warning W308, which only a build (and lint) gives.
    static let warns = LintCommandTests.buildWarning

    static let clean = """
        stackc: 1
        name: tidy
        apps:
          web:
            image: nginx:1.27-alpine
            port: 80

        """

    static let schema = StackcCLI.repoRoot.appendingPathComponent("Tests/SARIF/sarif-schema-2.1.0.json")

    /// `check-jsonschema --schemafile` the vendored SARIF schema on `files` (in `workspace`).
    func validate(_ files: [String], in workspace: Workspace) throws -> (status: Int32?, output: String) {
        guard let tool = ChildProcess.locate("check-jsonschema") else {
            Issue.record("check-jsonschema is not installed (not on PATH): run scripts/setup.sh (make test does)")
            return (nil, "")
        }
        let run = try ChildProcess.run(
            [tool, "--schemafile", Self.schema.path] + files, in: workspace.root, logs: workspace.url("logs"),
            seconds: 120)
        return (run.status, run.stdout + run.stderr)
    }

    func workspace(_ label: String) throws -> Workspace {
        let workspace = try Workspace(label)
        try FileManager.default.createDirectory(at: workspace.url("logs"), withIntermediateDirectories: true)
        return workspace
    }

    @Test func sarifOfErrorsWarningsAndNotesValidatesAgainstTheSchema() throws {
        let workspace = try workspace("sarif-schema")
        defer { workspace.remove() }
        try workspace.write("shop.yml", Self.broken)
        let run = try workspace.stackc("lint", "--format", "sarif", "shop.yml")
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.isEmpty, "\(run)")
        try workspace.write("lint.sarif", run.stdout)
        let valid = try validate(["lint.sarif"], in: workspace)
        #expect(valid.status == 0, "\(valid.output)\n\(run.stdout)")

        // What the schema cannot say: one result per diagnostic of the JSON format, each with
        // its rule, level, file as given and region; the note as a related location.
        let json = try workspace.stackc("lint", "--format", "json", "shop.yml")
        let diagnostics = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let log = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let sarifRun = try #require((log["runs"] as? [[String: Any]])?.first)
        let results = try #require(sarifRun["results"] as? [[String: Any]])
        #expect(results.count == diagnostics.count)
        #expect(Set(results.compactMap { $0["level"] as? String }) == ["error", "warning"], "\(run.stdout)")
        for (result, diagnostic) in zip(results, diagnostics) {
            #expect(result["ruleId"] as? String == diagnostic["code"] as? String)
            #expect(result["level"] as? String == diagnostic["severity"] as? String)
            let text = (result["message"] as? [String: Any])?["text"] as? String
            #expect(text?.hasPrefix(try #require(diagnostic["message"] as? String)) == true)
            let physical = (result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
            #expect((physical?["artifactLocation"] as? [String: Any])?["uri"] as? String == "shop.yml")
            let region = try #require(physical?["region"] as? [String: Any])
            #expect(region["startLine"] as? Int == diagnostic["line"] as? Int)
            #expect(region["startColumn"] as? Int == diagnostic["column"] as? Int)
            let end = (diagnostic["column"] as? Int ?? 0) + (diagnostic["length"] as? Int ?? 0)
            #expect(region["endColumn"] as? Int == end)
            let notes = diagnostic["notes"] as? [[String: Any]] ?? []
            #expect((result["relatedLocations"] as? [Any])?.count ?? 0 == notes.count)
        }
        #expect(results.contains { $0["relatedLocations"] != nil }, "the duplicate key's note: \(run.stdout)")
        let driver = try #require((sarifRun["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(
            rules.compactMap { $0["id"] as? String } == Set(diagnostics.compactMap { $0["code"] as? String }).sorted())
        for rule in rules {
            let help = try #require(rule["helpUri"] as? String, "\(rule)")
            #expect(help.hasPrefix("docs/diagnostics.md#"), "\(rule)")
        }
        // The schema has teeth: a level SARIF does not know is refused.
        try workspace.write("bad.sarif", run.stdout.replacingOccurrences(of: "\"warning\"", with: "\"severe\""))
        let refused = try validate(["bad.sarif"], in: workspace)
        #expect(refused.status == 1, "\(refused.output)")
    }

    /// Each command that prints diagnostics exits as it does with text, whatever the format,
    /// and its SARIF, on every outcome, is valid: errors, warnings only (and those with
    /// --strict), clean, and a file that does not exist.
    @Test func everyCommandExitsAsWithTextInEveryFormat() throws {
        let workspace = try workspace("ci-formats-status")
        defer { workspace.remove() }
        try workspace.write("broken.yml", Self.broken)
        try workspace.write("warns.yml", Self.warns)
        try workspace.write("clean.yml", Self.clean)
        #expect(try workspace.stackc("build", "clean.yml").status == 0)
        #expect(try workspace.stackc("build", "warns.yml").status == 0)
        let cases: [[String]] = [
            ["lint", "broken.yml"], ["lint", "warns.yml"], ["lint", "--strict", "warns.yml"], ["lint", "clean.yml"],
            ["lint", "missing.yml"], ["lint", "clean.yml", "broken.yml"],
            ["build", "broken.yml", "-o", "scratch"], ["build", "warns.yml", "-o", "scratch"],
            ["build", "--strict", "warns.yml", "-o", "scratch"], ["build", "missing.yml", "-o", "scratch"],
            ["check", "broken.yml"], ["check", "warns.yml"], ["check", "clean.yml"], ["check", "missing.yml"],
            ["convert", "broken.yml"], ["convert", "warns.yml"], ["convert", "missing.yml"],
        ]
        var sarifFiles: [String] = []
        for arguments in cases {
            let text = try workspace.stackc(arguments, environment: [:])
            #expect([0, 1, 2].contains(text.status), "\(text)")
            var count: Int?
            for format in ["json", "sarif", "github"] {
                let run = try workspace.stackc(arguments + ["--format", format], environment: [:])
                #expect(run.status == text.status, "\(run)\nwith text: \(text)")
                // convert prints the Swift on standard output, so its diagnostics go to standard
                // error. An unreadable manifest is an F001 in every command and format, beside
                // the reason in text on standard error.
                if text.status == 2 { #expect(run.stderr.contains("cannot read 'missing.yml'"), "\(run)") }
                let report =
                    arguments[0] == "convert"
                    ? run.stderr.split(separator: "\n", omittingEmptySubsequences: false)
                        .filter { !$0.hasPrefix("stackc: cannot ") }.joined(separator: "\n") : run.stdout
                if text.status == 2 { #expect(report.contains("F001"), "\(run)") }
                switch format {
                case "json":
                    count = 0
                    if !report.isEmpty {
                        count = (try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [Any])?.count
                    }
                case "sarif":
                    guard !report.isEmpty else { break }
                    sarifFiles.append("\(sarifFiles.count).sarif")
                    try workspace.write(try #require(sarifFiles.last), report)
                default:
                    let lines = report.split(separator: "\n")
                    #expect(
                        lines.allSatisfy { $0.hasPrefix("::error file=") || $0.hasPrefix("::warning file=") }, "\(run)")
                    #expect(lines.count == count, "one annotation per diagnostic: \(run)")
                }
            }
        }
        // Every outcome gives a log.
        #expect(sarifFiles.count == cases.count, "\(sarifFiles)")
        let valid = try validate(sarifFiles, in: workspace)
        #expect(valid.status == 0, "\(valid.output)")
    }

    /// A path with `,` and `:`, a message with `%`, and help on a line of its own: GitHub's
    /// runner, undoing the escapes, reads back the file, line, column and text of each
    /// diagnostic as the JSON format gives them.
    @Test func githubAnnotationsReadBackAsTheDiagnostics() throws {
        let workspace = try workspace("ci-github")
        defer { workspace.remove() }
        let path = "a,b:c%.yml"
        try workspace.write(path, Self.broken.replacingOccurrences(of: "replica:", with: "re%plica:"))
        let run = try workspace.stackc("lint", "--format", "github", path)
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.isEmpty, "\(run)")
        let json = try workspace.stackc("lint", "--format", "json", path)
        let diagnostics = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == diagnostics.count, "\(run)")
        #expect(run.stdout.contains("file=a%2Cb%3Ac%25.yml,"), "\(run)")
        #expect(run.stdout.contains("'re%25plica'"), "\(run)")
        #expect(run.stdout.contains("%0Ahelp: did you mean 'replicas'?"), "\(run)")
        for (line, diagnostic) in zip(lines, diagnostics) {
            let command = try #require(Self.readBack(String(line)), "\(line)")
            #expect(command.name == diagnostic["severity"] as? String)
            #expect(command.properties["file"] == path)
            #expect(command.properties["line"] == (diagnostic["line"] as? Int).map(String.init))
            #expect(command.properties["col"] == (diagnostic["column"] as? Int).map(String.init))
            #expect(command.properties["title"] == "\(diagnostic["code"] ?? "") \(diagnostic["name"] ?? "")")
            let message = try #require(diagnostic["message"] as? String)
            #expect(command.message.hasPrefix(message + (diagnostic["help"] == nil ? "" : "\n")), "\(command.message)")
            if let help = diagnostic["help"] as? String { #expect(command.message.contains("\nhelp: \(help)")) }
        }
    }

    /// `check` in the tools' formats: each file of `out/<stack>/` that differs is an F003 error
    /// at that file (stale, missing, left over), after the manifest's own diagnostics, and the
    /// exit status is 1 as with text; a fresh output gives none.
    @Test func checkReportsStaleFilesInEveryFormat() throws {
        let workspace = try workspace("ci-stale")
        defer { workspace.remove() }
        try workspace.write("warns.yml", Self.warns)
        #expect(try workspace.stackc("build", "warns.yml").status == 0)
        let fresh = try workspace.stackc("check", "--format", "json", "warns.yml")
        #expect(fresh.status == 0, "\(fresh)")
        #expect(!fresh.stdout.contains("F003"), "\(fresh)")
        let folder = try #require(
            try FileManager.default.contentsOfDirectory(atPath: workspace.url("out").path).first)
        try workspace.write("out/\(folder)/stack.yml", try workspace.read("out/\(folder)/stack.yml") + "# edited\n")
        try FileManager.default.removeItem(at: workspace.url("out/\(folder)/deploy.sh"))
        let json = try workspace.stackc("check", "--format", "json", "warns.yml")
        #expect(json.status == 1, "\(json)")
        let diagnostics = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], "\(json)")
        let stale = diagnostics.filter { $0["code"] as? String == "F003" }
        #expect(
            Set(stale.compactMap { $0["file"] as? String }) == ["out/\(folder)/stack.yml", "out/\(folder)/deploy.sh"],
            "\(diagnostics)")
        #expect(stale.allSatisfy { $0["severity"] as? String == "error" && $0["line"] is NSNull }, "\(stale)")
        #expect(diagnostics.first?["code"] as? String == "W308", "the manifest's warning first: \(diagnostics)")
        // In text, the files are listed on standard error instead (no F003 there).
        let text = try workspace.stackc("check", "warns.yml")
        #expect(text.status == 1)
        #expect(!text.stderr.contains("F003") && text.stderr.contains("  stale:   out/\(folder)/stack.yml"), "\(text)")
        let github = try workspace.stackc("check", "--format", "github", "warns.yml")
        #expect(github.status == 1)
        #expect(github.stdout.contains("::error file=out/\(folder)/stack.yml,title=F003 stale-output::"), "\(github)")
        let sarif = try workspace.stackc("check", "--format", "sarif", "warns.yml")
        #expect(sarif.status == 1)
        try workspace.write("stale.sarif", sarif.stdout)
        #expect(try validate(["stale.sarif"], in: workspace).status == 0)
        #expect(sarif.stdout.contains("\"uri\": \"out/\(folder)/deploy.sh\""), "\(sarif.stdout)")
    }

    /// In a repository, SARIF and annotations name files relative to its root (SARIF with
    /// `uriBaseId` `%SRCROOT%`), as code scanning and the Actions runner resolve them, whichever
    /// folder stackc runs in; outside one, as the user named them.
    @Test func toolFormatsNameFilesFromTheRepositoryRoot() throws {
        let workspace = try workspace("ci-repo-paths")
        defer { workspace.remove() }
        try FileManager.default.createDirectory(at: workspace.url(".git"), withIntermediateDirectories: true)
        try workspace.write("manifests/shop.yml", Self.broken)
        let inside = workspace.url("manifests")
        let sarif = try StackcCLI.run(["lint", "--format", "sarif", "shop.yml"], in: inside)
        #expect(sarif.status == 1, "\(sarif)")
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
        let results = try #require(((log["runs"] as? [[String: Any]])?.first?["results"]) as? [[String: Any]])
        #expect(!results.isEmpty)
        for result in results {
            let physical = (result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
            let artifact = physical?["artifactLocation"] as? [String: Any]
            #expect(artifact?["uri"] as? String == "manifests/shop.yml", "\(result)")
            #expect(artifact?["uriBaseId"] as? String == "%SRCROOT%", "\(result)")
        }
        try workspace.write("run.sarif", sarif.stdout)
        #expect(try validate(["run.sarif"], in: workspace).status == 0)
        let github = try StackcCLI.run(["lint", "--format", "github", "shop.yml"], in: inside)
        let lines = github.stdout.split(separator: "\n")
        #expect(!lines.isEmpty && lines.allSatisfy { $0.contains(" file=manifests/shop.yml,") }, "\(github)")
        // Outside a repository: as named, with no base.
        try FileManager.default.removeItem(at: workspace.url(".git"))
        let plain = try StackcCLI.run(["lint", "--format", "sarif", "shop.yml"], in: inside)
        #expect(plain.stdout.contains("\"uri\": \"shop.yml\""), "\(plain.stdout)")
        #expect(!plain.stdout.contains("uriBaseId"), "\(plain.stdout)")
    }

    /// A workflow command as GitHub's runner reads it: `::name key=value,…::message`, the
    /// properties split at `,` and `=`, then `%0D`, `%0A`, `%3A`, `%2C` and last `%25` undone.
    static func readBack(_ line: String) -> (name: String, properties: [String: String], message: String)? {
        guard line.hasPrefix("::") else { return nil }
        let rest = line.dropFirst(2)
        guard let end = rest.range(of: "::") else { return nil }
        let head = rest[..<end.lowerBound]
        let name = head.prefix { $0 != " " }
        var properties: [String: String] = [:]
        for pair in head.dropFirst(name.count + 1).split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            properties[String(parts[0])] = unescape(String(parts[1]))
        }
        return (String(name), properties, unescape(String(rest[end.upperBound...])))
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "%0D", with: "\r").replacingOccurrences(of: "%0A", with: "\n")
            .replacingOccurrences(of: "%3A", with: ":").replacingOccurrences(of: "%2C", with: ",")
            .replacingOccurrences(of: "%25", with: "%")
    }

    /// Text diagnostics are coloured on a terminal (a pseudo-terminal from util-linux's
    /// `script`) unless NO_COLOR is set to anything but the empty string (no-color.org), and
    /// never in a file.
    @Test(arguments: [nil, "1", ""] as [String?])
    func colourOnlyOnATerminalWithoutNoColor(noColor: String?) throws {
        guard let script = ChildProcess.locate("script") else {
            Issue.record("no 'script' (util-linux, in Debian's bsdutils) to give stackc a terminal")
            return
        }
        let workspace = try workspace("colour")
        defer { workspace.remove() }
        try workspace.write("shop.yml", Self.broken)
        let stackc = try StackcCLI.binary().path
        let set = noColor.map { ["NO_COLOR": $0] } ?? [:]
        let unset = noColor == nil ? ["NO_COLOR"] : []
        // -e: script's status is stackc's; the command line goes through sh -c.
        let terminal = try ChildProcess.run(
            [script, "-qec", "'\(stackc)' lint shop.yml", "/dev/null"], in: workspace.root, set: set, unset: unset,
            logs: workspace.url("logs"))
        #expect(terminal.status == 1, "\(terminal)")
        #expect(terminal.stdout.contains("error[E101]"), "\(terminal)")
        #expect(terminal.stdout.contains("\u{1B}[") == (noColor ?? "").isEmpty, "\(terminal.stdout)")
        let file = try ChildProcess.run(
            [stackc, "lint", "shop.yml"], in: workspace.root, set: set, unset: unset, logs: workspace.url("logs"))
        #expect(file.status == 1 && file.stderr.contains("error[E101]"), "\(file)")
        #expect(!file.stderr.contains("\u{1B}"), "not a terminal: \(file.stderr)")
    }
}
