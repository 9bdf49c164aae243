import StackDiagnostics

/// Reads each app's `files`; contributes each file, as the caller read it, to the output folder
/// (`files/<app>/<container path>`) and as a config named after its content, mounted read-only
/// at its container path, so that an edited file rolls out with the next deploy. A file the
/// caller could not read, or that Swarm cannot carry, is an error at the manifest's value.
struct DeliveredFilesPass: BuildPass {
    /// Swarm refuses configs larger than this.
    static let maxBytes = 500 * 1024

    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        guard let delivered = plan.context.deliveredFiles else { return }
        for app in stack.apps {
            for (index, file) in app.files.enumerated() {
                guard let contents = text(of: file, delivered, &plan) else { continue }
                plan.reading(["apps.\(app.name).files"])
                let relative = file.containerPath.split(separator: "/").joined(separator: "/")
                let key = plan.addConfigFile(
                    key: "\(app.name)-file-\(index + 1)", path: "files/\(app.name)/\(relative)", contents: contents)
                plan.amend(app.name, .mountFile(source: key, target: file.containerPath, mode: 0o444))
            }
        }
    }

    /// The problems of the files alone, for a manifest with errors of its own (which the build
    /// does not run for): reported in the same run.
    static func problems(_ stack: ResolvedStack, _ contents: [String: DeliveredFileContents]) -> [Diagnostic] {
        var plan = BuildPlan(
            context: BuildContext(
                sourcePath: stack.sourcePath, manifestPath: stack.manifestPath, stackName: stack.name,
                sourceDirectory: ".", deliveredFiles: contents))
        for app in stack.apps {
            for file in app.files { _ = DeliveredFilesPass().text(of: file, contents, &plan) }
        }
        return plan.finish().warnings
    }

    /// The file's text, or nil after reporting why there is none.
    func text(of file: DeliveredFile, _ contents: [String: DeliveredFileContents], _ plan: inout BuildPlan) -> String? {
        let problem: String
        switch contents[file.source] {
        case .text(let text)? where text.utf8.count <= Self.maxBytes:
            return text
        case .text(let text)?:
            problem = "is \(text.utf8.count) bytes; a Swarm config holds at most \(Self.maxBytes)"
        case .tooLarge(let bytes)?:
            problem = "is \(bytes) bytes; a Swarm config holds at most \(Self.maxBytes)"
        case .binary?:
            problem = "is not UTF-8 text"
        case .unreadable(let reason)?:
            problem = "cannot be read: \(reason)"
        case .outside(let root)?:
            problem = "is outside the manifest's repository (\(root)); files are delivered from the repository only"
        case nil:
            problem = "was not read (the caller gave no contents for it)"
        }
        plan.fail(
            Codes.unreadableDeliveredFile, "the file '\(file.source)' for \(file.containerPath) \(problem)",
            at: file.span, help: "name a text file of at most 500 KB, relative to the manifest's folder")
        return nil
    }
}

extension ResolvedStack {
    /// The files apps deliver (`files`), as the manifest names them (relative to its folder), for
    /// the caller to read.
    public var deliveredFileSources: [String] {
        var seen = Set<String>()
        return apps.flatMap { $0.files.map(\.source) }.filter { seen.insert($0).inserted }
    }
}

/// A file an app delivers, as the caller (the command line) read it: the compiler reads no file
/// itself.
public enum DeliveredFileContents: Sendable, Equatable {
    case text(String)
    /// Read, but not UTF-8.
    case binary
    /// Not read: larger than a config may be (its size in bytes).
    case tooLarge(Int)
    /// Not read: it is (or a link leads) outside the repository the manifest is in, whose
    /// folder is given.
    case outside(String)
    /// Missing, a folder, no permission...
    case unreadable(String)
}
