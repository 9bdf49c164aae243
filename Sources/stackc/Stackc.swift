import ArgumentParser
import Glibc

/// `stackc`: compiles a stack manifest into the files that deploy it on Docker Swarm.
struct Stackc: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stackc",
        abstract: "Compile a Docker Swarm stack manifest into the files that deploy it.",
        subcommands: [
            LintCommand.self, BuildCommand.self, CheckCommand.self, ConvertCommand.self, GraphCommand.self,
            InitCommand.self, ExplainLineCommand.self,
        ]
    )
}

/// Runs the command line, mapping outcomes to exit codes: 0 success, 1 problems in a manifest,
/// 2 usage or I/O errors (ArgumentParser's own default for usage errors is 64).
///
/// The executable imports FoundationEssentials and the C library, never all of Foundation:
/// Foundation brings ICU, which made the binary 78 MB instead of 28 MB and a small lint take
/// twice as long to start. Without it there is no `FileHandle` or `Process`, so files are read
/// and `diff` is started through the C library.
@main
enum Main {
    static func main() {
        if let files = LintCommand.plainFiles(in: Array(CommandLine.arguments.dropFirst())) {
            exit(LintCommand.lint(files, strict: false, format: .text))
        }
        do {
            var command = try Stackc.parseAsRoot()
            try command.run()
        } catch let exitCode as ExitCode {
            exit(exitCode.rawValue)
        } catch {
            let code = Stackc.exitCode(for: error)
            let message = Stackc.fullMessage(for: error)
            if code == .success {
                print(message)
                exit(0)
            }
            Terminal.err(message + "\n")
            exit(2)
        }
    }
}
