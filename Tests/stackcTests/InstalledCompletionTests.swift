import Foundation
import Testing

/// What `scripts/install.sh` (run by `make install`) puts beside stackc for shells and `man`,
/// generated from the installed stackc's argument parser: completions for bash, zsh and fish,
/// and the man page that swift-argument-parser's generate-manual writes from
/// `stackc --experimental-dump-help`. Installed from the build folder the tests run from.
@Suite struct InstalledCompletionTests {
    static let completions = [
        "bash": "share/bash-completion/completions/stackc",
        "zsh": "share/zsh/site-functions/_stackc",
        "fish": "share/fish/vendor_completions.d/stackc.fish",
    ]
    static let manual = "share/man/man1/stackc.1"
    /// The subcommands as the users know them; the test also takes every one the parser lists.
    static let knownSubcommands = ["lint", "build", "check", "convert", "graph", "init", "explain", "schema"]

    @Test func theCompletionsAndTheManPageComeFromTheParser() throws {
        let workspace = try Workspace("install-completions")
        defer { workspace.remove() }
        let buildFolder = try StackcCLI.binary().deletingLastPathComponent()
        #expect(
            FileManager.default.isExecutableFile(atPath: buildFolder.appendingPathComponent("generate-manual").path),
            "no generate-manual in \(buildFolder.path): swift build --product generate-manual (make test does)")
        let prefix = workspace.url("prefix")
        let install = try StackcCLI.run(
            [StackcCLI.repoRoot.appendingPathComponent("scripts/install.sh").path, buildFolder.path, prefix.path],
            in: workspace.root, executable: URL(fileURLWithPath: "/bin/bash"))
        #expect(install.status == 0 && install.stderr.isEmpty, "\(install)")
        for file in Self.completions.values + [Self.manual] {
            #expect(workspace.exists("prefix/\(file)"), "\(file)")
        }
        let stackc = prefix.appendingPathComponent("bin/stackc")

        // bash: the script parses, and its completion function offers what the parser has.
        let bashScript = prefix.appendingPathComponent(try #require(Self.completions["bash"])).path
        let parsed = try StackcCLI.run(
            ["-n", bashScript], in: workspace.root, executable: URL(fileURLWithPath: "/bin/bash"))
        #expect(parsed.status == 0 && parsed.stderr.isEmpty, "\(parsed)")
        func complete(_ words: String...) throws -> [String] {
            let run = try StackcCLI.run(
                ["-c", Self.completeInBash, "complete", bashScript] + words, in: workspace.root,
                environment: ["PATH": "\(prefix.appendingPathComponent("bin").path):/usr/bin:/bin"],
                executable: URL(fileURLWithPath: "/bin/bash"))
            #expect(run.status == 0 && run.stderr.isEmpty, "\(run)")
            return run.stdout.split(separator: "\n").map(String.init)
        }
        #expect(try complete("l") == ["lint"])
        let all = try complete("")
        for name in Self.knownSubcommands { #expect(all.contains(name), "\(all)") }
        #expect(try complete("graph", "--format", "").sorted() == ["dot", "mermaid"])
        #expect(try complete("lint", "--str") == ["--strict"])

        // zsh and fish: their own syntax check, where the shell is installed.
        for shell in ["zsh", "fish"] {
            guard let path = ChildProcess.locate(shell) else { continue }
            let file = prefix.appendingPathComponent(try #require(Self.completions[shell])).path
            let check = try StackcCLI.run(["-n", file], in: workspace.root, executable: URL(fileURLWithPath: path))
            #expect(check.status == 0 && check.stderr.isEmpty, "\(check)")
        }

        // The man page: groff renders it without a warning, with a section per subcommand the
        // parser lists (its name and its abstract), the known ones among them.
        let page = try workspace.read("prefix/\(Self.manual)")
        #expect(page.contains(".Dt STACKC 1"), "\(page)")
        let groff = try #require(ChildProcess.locate("groff"), "groff is not installed: run scripts/setup.sh")
        let rendered = try StackcCLI.run(
            ["-mandoc", "-Tutf8", "-ww", "-rLL=200n", prefix.appendingPathComponent(Self.manual).path],
            in: workspace.root, environment: ["GROFF_NO_SGR": "1"], executable: URL(fileURLWithPath: groff))
        #expect(rendered.status == 0 && rendered.stderr.isEmpty, "\(rendered)")
        // Words apart by single spaces: how groff breaks and indents lines is its own business.
        let text = Self.plain(rendered.stdout).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for heading in ["NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS"] {
            #expect(text.contains(" \(heading) "), "\(heading) in\n\(text)")
        }
        let dump = try StackcCLI.run(["--experimental-dump-help"], in: workspace.root, executable: stackc)
        #expect(dump.status == 0, "\(dump)")
        let tool = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        let command = try #require(tool["command"] as? [String: Any])
        let abstract = try #require(command["abstract"] as? String)
        #expect(text.contains("NAME stackc \u{2014} \(abstract) SYNOPSIS stackc subcommand"), "\(text)")
        let subcommands = try #require(command["subcommands"] as? [[String: Any]])
        let names = subcommands.compactMap { $0["commandName"] as? String }
        #expect(Set(Self.knownSubcommands).isSubset(of: names), "\(names)")
        for subcommand in subcommands {
            let name = try #require(subcommand["commandName"] as? String)
            let abstract = try #require(subcommand["abstract"] as? String)
            #expect(text.contains(" \(name) \(abstract) "), "\(name) in\n\(text)")
        }
        // Each option of lint, with its help, is in lint's entry (before build's).
        let lint = try #require(subcommands.first { $0["commandName"] as? String == "lint" })
        let lintEntry = try #require(text.components(separatedBy: " build Compile ").first)
        for argument in try #require(lint["arguments"] as? [[String: Any]]) {
            guard let help = argument["abstract"] as? String else { continue }
            #expect(lintEntry.contains(help), "\(help) in\n\(lintEntry)")
        }
    }

    /// Sources the completion script ($1) and calls the function it registered for stackc, as
    /// bash does on Tab, with the words after `stackc` ($2…, the last one being completed);
    /// prints the candidates, one a line.
    static let completeInBash = """
        source "$1" || exit 3
        shift
        spec=$(complete -p stackc) || exit 4
        function=${spec##*-F }
        function=${function%% *}
        COMP_WORDS=(stackc "$@")
        COMP_CWORD=$#
        COMP_LINE="stackc $*"
        COMP_POINT=${#COMP_LINE}
        "$function" stackc "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        if [ "${#COMPREPLY[@]}" -gt 0 ]; then printf '%s\\n' "${COMPREPLY[@]}"; fi
        """

    /// groff's text without overstrikes (bold and underline as `c\bc` and `_\bc`).
    static func plain(_ text: String) -> String {
        var result: [Character] = []
        for character in text {
            if character == "\u{8}" {
                result.removeLast()
                continue
            }
            result.append(character)
        }
        return String(result)
    }
}
