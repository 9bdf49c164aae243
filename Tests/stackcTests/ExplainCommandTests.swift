import Foundation
import StackCompiler
import Testing

/// `stackc explain CODE` as users run it: the documentation, the failing manifest with what
/// `stackc lint` really says of it, and the fixed manifest; every example behaves as its
/// explanation says when this stackc runs it (the `stack.swift` ones compiled by the real
/// swiftc); a word that is not a code is a usage error with a did-you-mean; `--list` lists
/// every code.
@Suite struct ExplainCommandTests {
    /// The text output has the documentation, both manifests, and for the failing one exactly
    /// what `stackc lint` prints of it.
    @Test(arguments: ["E203", "W322", "F002"])
    func theExplanationShowsWhatLintSays(code: String) throws {
        let explanation = try #require(CodeExplanation.named(code))
        let example = try #require(explanation.example)
        let workspace = try Workspace("explain-\(code)")
        defer { workspace.remove() }
        let run = try workspace.stackc("explain", code)
        #expect(run.status == 0 && run.stderr.isEmpty, "\(run)")
        #expect(run.stdout.hasPrefix("\(code) \(explanation.code.name) (\(explanation.severity.rawValue))\n"))
        let flowing = run.stdout.replacingOccurrences(of: "\n", with: " ")
        #expect(flowing.contains(explanation.documentation), "\(run)")
        for manifest in [example.failing.manifest, example.fixed.manifest] {
            let shown = manifest.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
            #expect(run.stdout.contains(shown), "\(run)")
        }
        for file in example.fixed.files {
            #expect(run.stdout.contains("  \(file.path) (beside it):\n"), "\(run)")
        }
        // What lint says of the failing manifest with its files, run as users run it.
        // Named after the stack, not `stack.yml` (the Swarm file stackc writes).
        let fileName = example.failing.fileName
        #expect(fileName != "stack.yml" && fileName.hasSuffix(".yml"))
        #expect(run.stdout.contains("  \(fileName):\n"), "\(run)")
        try workspace.write(fileName, example.failing.manifest)
        for file in example.failing.files { try workspace.write(file.path, file.text) }
        let lint = try workspace.stackc("lint", fileName)
        #expect(lint.stderr.contains("[\(code)]"), "\(lint)")
        let fails = try #require(run.stdout.components(separatedBy: "\nFixed:\n").first)
        #expect(fails.hasSuffix("stackc says:\n\n" + lint.stderr), "\(run)\n\(lint)")
        #expect(run.stdout.hasSuffix("stackc says nothing: no error, no warning.\n"), "\(run)")
    }

    /// Every example, as this stackc runs it (`--format json`): the failing side gets its
    /// code, the fixed side nothing; a code without an example says why.
    @Test func everyExampleBehavesAsDocumented() throws {
        let workspace = try Workspace("explain-all")
        defer { workspace.remove() }
        for explanation in CodeExplanation.all {
            let code = explanation.code.rawValue
            let run = try workspace.stackc("explain", "--format", "json", code)
            #expect(run.status == 0, "\(run)")
            // A description's own output (the crash of E111's example) is not let through:
            // the diagnostics say it.
            #expect(run.stderr.isEmpty, "\(run)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run)")
            #expect(object["code"] as? String == code)
            #expect(object["name"] as? String == explanation.code.name)
            #expect(object["severity"] as? String == explanation.severity.rawValue)
            #expect(object["documentation"] as? String == explanation.documentation)
            guard let examples = object["examples"] as? [String: [String: Any]] else {
                #expect(explanation.example == nil, "\(code): \(run)")
                #expect(object["withoutExample"] as? String == explanation.withoutExample)
                continue
            }
            let failing = try #require(examples["failing"]?["diagnostics"] as? [[String: Any]], "\(code): \(run)")
            let fixed = try #require(examples["fixed"]?["diagnostics"] as? [[String: Any]], "\(code): \(run)")
            #expect(!failing.isEmpty && failing.allSatisfy { $0["code"] as? String == code }, "\(code): \(run)")
            #expect(fixed.isEmpty, "\(code): \(run)")
            #expect(examples["failing"]?["manifest"] as? String == explanation.example?.failing.manifest)
        }
    }

    /// A `stack.swift` example is compiled and run now, by the real swiftc: the message is
    /// swiftc's own, at the line of the example.
    @Test func aDescriptionExampleIsCompiled() throws {
        let workspace = try Workspace("explain-swift")
        defer { workspace.remove() }
        let run = try workspace.stackc("explain", "E110")
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("stack.swift:5:12: error[E110]: swiftc: incorrect argument label"), "\(run)")
        #expect(run.stdout.contains("  stack.swift:\n    import StackDescription\n"), "\(run)")
    }

    /// The scratch folder a `stack.swift` example is compiled in is removed again; without a
    /// Swift toolchain the example is shown with the reason it could not run.
    @Test func aDescriptionExampleLeavesNothingBehind() throws {
        let workspace = try Workspace("explain-scratch")
        defer { workspace.remove() }
        try FileManager.default.createDirectory(at: workspace.url("tmp"), withIntermediateDirectories: true)
        let run = try workspace.stackc(["explain", "E112"], environment: ["TMPDIR": workspace.url("tmp").path])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("error[E112]: 'apps' has 'web' twice"), "\(run)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.url("tmp").path).isEmpty)

        let missing = workspace.url("no-swiftc").path
        let without = try workspace.stackc(
            ["explain", "E112"],
            environment: [
                "TMPDIR": workspace.url("tmp").path, "STACKC_SWIFTC": missing,
                // A cache of its own: the cached programs of the first run need no swiftc.
                "STACKC_CACHE_DIR": workspace.url("empty-cache").path,
            ])
        #expect(without.status == 0, "\(without)")
        #expect(without.stdout.contains("stackc could not run this example here: "), "\(without)")
        #expect(without.stdout.contains("  stack.swift:\n    import StackDescription\n"), "\(without)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.url("tmp").path).isEmpty)
    }

    /// The diagnostics are coloured on a terminal (a pseudo-terminal from util-linux's
    /// `script`) as `stackc lint` colours them, unless NO_COLOR is set; never in a pipe.
    @Test(arguments: [nil, "1"] as [String?])
    func colourOnlyOnATerminalWithoutNoColor(noColor: String?) throws {
        let script = try #require(
            ChildProcess.locate("script"), "no 'script' (util-linux, in Debian's bsdutils) to give stackc a terminal")
        let workspace = try Workspace("explain-colour")
        defer { workspace.remove() }
        try FileManager.default.createDirectory(at: workspace.url("logs"), withIntermediateDirectories: true)
        let stackc = try StackcCLI.binary().path
        let terminal = try ChildProcess.run(
            [script, "-qec", "'\(stackc)' explain E203", "/dev/null"], in: workspace.root,
            set: noColor.map { ["NO_COLOR": $0] } ?? [:], unset: noColor == nil ? ["NO_COLOR"] : [],
            logs: workspace.url("logs"))
        #expect(terminal.status == 0, "\(terminal)")
        #expect(terminal.stdout.contains("E203 duplicate-route (error)"), "\(terminal)")
        #expect(terminal.stdout.contains("\u{1B}[1;31merror[E203]\u{1B}[0m") == (noColor == nil), "\(terminal)")
        let pipe = try workspace.stackc("explain", "E203")
        #expect(pipe.status == 0 && !pipe.stdout.contains("\u{1B}"), "\(pipe)")
    }

    @Test func aCodeIsFoundInAnyCaseAndByName() throws {
        let workspace = try Workspace("explain-names")
        defer { workspace.remove() }
        let upper = try workspace.stackc("explain", "E101")
        #expect(upper.status == 0)
        for word in ["e101", "unknown-key"] {
            let run = try workspace.stackc("explain", word)
            #expect(run.status == 0 && run.stdout == upper.stdout, "\(run)")
        }
    }

    @Test func aWordThatIsNotACodeIsAUsageError() throws {
        let workspace = try Workspace("explain-unknown")
        defer { workspace.remove() }
        let run = try workspace.stackc("explain", "E2O3")
        #expect(run.status == 2, "\(run)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("'E2O3' is not a diagnostic code; did you mean 'E203'?"), "\(run)")
        let name = try workspace.stackc("explain", "duplicate-rout")
        #expect(name.status == 2 && name.stderr.contains("did you mean 'duplicate-route'?"), "\(name)")
        let nothing = try workspace.stackc("explain")
        #expect(nothing.status == 2 && nothing.stderr.contains("--list"), "\(nothing)")
        // Explain's own usage, not the top level's list of subcommands.
        #expect(nothing.stderr.contains("Usage: stackc explain"), "\(nothing)")
    }

    @Test func theListHasEveryCode() throws {
        let workspace = try Workspace("explain-list")
        defer { workspace.remove() }
        let run = try workspace.stackc("explain", "--list")
        #expect(run.status == 0, "\(run)")
        let lines = run.stdout.split(separator: "\n")
        for explanation in CodeExplanation.all {
            let start = "\(explanation.code.rawValue) \(explanation.code.name): "
            #expect(lines.contains { $0 == start + explanation.summary }, "no \(start)")
        }
        for retired in CodeExplanation.retired {
            #expect(lines.contains { $0 == "\(retired.code) (retired)" })
        }
        let json = try workspace.stackc("explain", "--list", "--format", "json")
        let items = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        // The same codes as the text, retired ones marked, each summary whole.
        #expect(items.count == lines.count)
        #expect(
            items.map { $0["code"] as? String }
                == CodeExplanation.all.map(\.code.rawValue) + CodeExplanation.retired.map(\.code))
        for (item, explanation) in zip(items, CodeExplanation.all) {
            #expect(item["retired"] as? Bool == false)
            let summary = try #require(item["summary"] as? String)
            #expect(!summary.hasSuffix("…") && explanation.documentation.hasPrefix(summary), "\(summary)")
        }
        for item in items.suffix(CodeExplanation.retired.count) {
            #expect(item["retired"] as? Bool == true && (item["summary"] as? String)?.hasPrefix("retired:") == true)
        }
    }

    @Test func aRetiredCodeSaysSo() throws {
        let workspace = try Workspace("explain-retired")
        defer { workspace.remove() }
        let run = try workspace.stackc("explain", "w312")
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.hasPrefix("W312 (retired, no longer reported)\n"), "\(run)")
    }
}
