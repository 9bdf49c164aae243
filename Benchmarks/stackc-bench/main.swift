import Foundation

/// `stackc-bench [lint|build|description|instructions|all] [--json]`: stackc's performance against its targets.
///
/// Sections, each its own type with a `run`: `LintBench` (check on bytes in memory against
/// libyaml's bare parse, and the `stackc lint` process), `BuildBench` (check + build pipeline
/// against docker and libyaml), `DescriptionBench` (a cached `stackc lint stack.swift`, and its
/// first compile against `swiftc` alone) and `InstructionBench` (lint against the bare parse in
/// instructions, with callgrind; not part of `all`). `--json` prints the lint figures as JSON.
let arguments = Array(CommandLine.arguments.dropFirst())
// The mode InstructionBench runs itself in under callgrind.
if arguments.first == "--measure", arguments.count == 2 {
    exit(InstructionBench.measure(arguments[1]) ? 0 : 1)
}
let json = arguments.contains("--json")
let sections = arguments.filter { !$0.hasPrefix("-") }
let known = ["lint", "build", "description", "instructions", "all"]
if let unknown = sections.first(where: { !known.contains($0) }) {
    FileHandle.standardError.write(
        Data(
            "stackc-bench: unknown section '\(unknown)'; usage: stackc-bench [lint|build|description|instructions|all] [--json]\n"
                .utf8))
    exit(2)
}
let chosen = sections.isEmpty ? ["all"] : sections
if chosen.contains("lint") || chosen.contains("all") {
    guard LintBench.run(json: json) else { exit(1) }
}
if chosen.contains("build") || (chosen.contains("all") && !json) {
    BuildBench.run()
}
if chosen.contains("description") || (chosen.contains("all") && !json) {
    DescriptionBench.run()
}
if chosen.contains("instructions") {
    guard InstructionBench.run() else { exit(1) }
}
