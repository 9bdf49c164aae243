import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `stackc`: compiles a stack manifest into the files that deploy it on Docker Swarm.
struct Stackc: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stackc",
        abstract: "Compile a Docker Swarm stack manifest into the files that deploy it.",
        subcommands: [LintCommand.self, BuildCommand.self, CheckCommand.self]
    )
}

/// Runs the command line, mapping outcomes to exit codes: 0 success, 1 problems in a manifest,
/// 2 usage or I/O errors (ArgumentParser's own default for usage errors is 64).
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
