import ArgumentParser
import Foundation

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
        do {
            var command = try Stackc.parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = Stackc.exitCode(for: error)
            let message = Stackc.fullMessage(for: error)
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
