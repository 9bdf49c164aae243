import ArgumentParser
import StackCompiler

/// `stackc schema [--reference]`: prints the JSON Schema (draft 2020-12) of the manifest for
/// editors, or the language reference it is made from (`docs/reference.md`); both come from the
/// compiler's model of the language (`StackCompiler.manifestSchema`, `languageReference`).
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of the manifest language, for editors.",
        discussion:
            "yaml-language-server (VS Code's YAML extension, Neovim, Helix, ...) reads it from a first line '# yaml-language-server: $schema=<path or URL>' in a manifest. The repository commits it as schema/stackc-manifest.schema.json (make reference). Exit status: 0."
    )

    @Flag(help: "Print the language reference (docs/reference.md, Markdown) instead.")
    var reference = false

    func run() throws {
        Terminal.out(reference ? StackCompiler.languageReference() : StackCompiler.manifestSchema())
    }
}
