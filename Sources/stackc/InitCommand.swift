import ArgumentParser
import FoundationEssentials
import Glibc
import StackCompiler
import StackDiagnostics

/// `stackc init --name NAME [--domain DOMAIN] [FILE]`: writes a commented starter manifest
/// (`StackCompiler.starterManifest`) that lints clean and builds; never over an existing file.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented starter manifest that lints clean and builds.",
        discussion:
            "FILE defaults to manifests/<name>.yml; missing folders are made. An existing file is never overwritten. Exit status: 0 when written, 2 when the file exists, the name or domain is refused, or the file cannot be written."
    )

    @Option(help: "The stack's name: a DNS label (lowercase letters, digits and '-', starting with a letter).")
    var name: String

    @Option(help: "The domain the stack's hosts are under (default: <name>.test, which no public DNS serves).")
    var domain: String?

    @Argument(help: "Where to write the manifest (default: manifests/<name>.yml).")
    var file: String?

    func run() throws {
        let path = file ?? "manifests/\(name).yml"
        let domain = self.domain ?? "\(name).test"
        guard !path.hasSuffix(".swift") else {
            Terminal.err(
                "stackc: init writes a YAML manifest: name it .yml (stackc convert then prints it as a stack.swift)\n")
            throw ExitCode(2)
        }
        let text: String
        switch StackCompiler.starterManifest(name: name, domain: domain, path: path) {
        case .failure(let refusal):
            Terminal.err(Self.describe(refusal, domainGiven: self.domain != nil))
            throw ExitCode(2)
        case .success(let made):
            text = made
        }
        if let problem = Self.createNew(path, text) {
            Terminal.err("stackc: \(problem)\n")
            throw ExitCode(2)
        }
        Terminal.out("\(path): the stack '\(name)' under '\(domain)'; next: stackc build \(path)\n")
    }

    /// Why the flags make no clean manifest, in the checker's words (which quote what was
    /// given), without the places in a file that was never written. A domain made of a refused
    /// name is not reported again.
    static func describe(_ refusal: StackCompiler.StarterRefusal, domainGiven: Bool) -> String {
        var diagnostics = refusal.diagnostics
        if !domainGiven, diagnostics.contains(where: { !refusal.isAboutDomain($0) }) {
            diagnostics.removeAll(where: refusal.isAboutDomain)
        }
        return diagnostics.map { diagnostic in
            var text = "stackc: init: \(diagnostic.message)\n"
            if let expected = diagnostic.expected { text += "  expected: \(expected)\n" }
            if let help = diagnostic.help { text += "  help: \(help)\n" }
            return text
        }.joined()
    }

    /// Writes `text` to a new file at `path` (its missing folders made first); what went
    /// wrong, or nil. An existing file is left as it is: `O_EXCL` refuses it, also one made a
    /// moment ago by someone else.
    static func createNew(_ path: String, _ text: String) -> String? {
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                return "cannot make the folder '\(folder)': \(BuildCommand.describe(error))"
            }
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            if errno == EEXIST {
                return "'\(path)' exists; init never overwrites a file: name another FILE, or remove it first"
            }
            return "cannot write '\(path)': \(String(cString: strerror(errno)))"
        }
        var failure: Int32?
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else {
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if close(descriptor) != 0 && failure == nil { failure = errno }
        guard let failure else { return nil }
        unlink(path)
        return "cannot write '\(path)': \(String(cString: strerror(failure)))"
    }
}
