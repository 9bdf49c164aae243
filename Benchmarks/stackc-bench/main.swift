import Foundation

/// `stackc-bench [lint|build|all] [--json]`: stackc's performance against its targets.
///
/// Sections, each its own type with a `run`: `LintBench` (check on bytes in memory against
/// libyaml's bare parse, and the `stackc lint` process) and `BuildBench` (check + build
/// pipeline against docker and libyaml). `--json` prints the lint figures as JSON.
let arguments = Array(CommandLine.arguments.dropFirst())
let json = arguments.contains("--json")
let sections = arguments.filter { !$0.hasPrefix("-") }
let known = ["lint", "build", "all"]
if let unknown = sections.first(where: { !known.contains($0) }) {
    FileHandle.standardError.write(Data("stackc-bench: unknown section '\(unknown)'; usage: stackc-bench [lint|build|all] [--json]\n".utf8))
    exit(2)
}
let chosen = sections.isEmpty ? ["all"] : sections
if chosen.contains("lint") || chosen.contains("all") {
    guard LintBench.run(json: json) else { exit(1) }
}
if chosen.contains("build") || (chosen.contains("all") && !json) {
    BuildBench.run()
}
