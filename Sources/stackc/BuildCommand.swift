import ArgumentParser

/// `stackc build FILE [-o DIR]`.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "build", abstract: "Compile a manifest into out/<stack>/.")
    @Argument(help: "The manifest.") var file: String
    func run() throws { throw ExitCode(2) }
}

/// `stackc check FILE`.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Lint, and fail when the committed output is stale.")
    @Argument(help: "The manifest.") var file: String
    func run() throws { throw ExitCode(2) }
}
