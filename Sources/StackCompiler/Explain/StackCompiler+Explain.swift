import StackDiagnostics

extension StackCompiler {
    /// `lint` of one side of an example, with the files beside it as the command line reads
    /// them: a file the example does not give is missing. Nil for a `stack.swift`, which only
    /// the command line can compile and run.
    public static func lint(_ input: ExampleInput) -> CheckResult? {
        guard input.kind == .yaml else { return nil }
        let source = SourceFile(path: input.fileName, text: input.manifest)
        return lint(source) { input.filesRead(for: $0) }
    }
}

extension ExampleInput {
    /// What the command line would read beside the manifest for `stack`.
    func filesRead(for stack: ResolvedStack) -> FilesRead {
        var delivered: [String: DeliveredFileContents] = [:]
        for source in stack.deliveredFileSources {
            delivered[source] = contents(of: source)
        }
        var dockerfiles: [String: DeliveredFileContents] = [:]
        for (context, path) in stack.dockerfilePaths {
            dockerfiles[context] = contents(of: path)
        }
        return FilesRead(deliveredFiles: delivered, dockerfiles: dockerfiles)
    }

    /// The file at `path` (relative to the manifest's folder, `./` or not), or why it cannot be
    /// read as the command line says it: it is not there.
    func contents(of path: String) -> DeliveredFileContents {
        let wanted = Self.normalized(path)
        guard let file = files.first(where: { Self.normalized($0.path) == wanted }) else {
            return .unreadable("no such file")
        }
        return .text(file.text)
    }

    static func normalized(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }
}
