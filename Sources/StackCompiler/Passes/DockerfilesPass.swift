import StackDiagnostics

/// Reads the Dockerfile of each app with `build`, as the caller read it; warns (`W322`) at the
/// app's `build` key when it could not be read: how the image starts is unknown (and, when the
/// file is not there, `deploy.sh` cannot build it). A context the caller did not read is not reported.
struct DockerfilesPass: BuildPass {
    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        for problem in Self.problems(stack, plan.context.dockerfiles) {
            plan.warn(problem.code, problem.message, at: problem.span, help: problem.help)
        }
    }

    /// The warnings about Dockerfiles that could not be read (also for a manifest with errors of
    /// its own, which the build does not run for).
    static func problems(_ stack: ResolvedStack, _ dockerfiles: [String: DeliveredFileContents]) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        for app in stack.apps {
            guard let build = app.build, let contents = dockerfiles[build], let problem = problem(contents) else {
                continue
            }
            warnings.append(
                Diagnostic(
                    code: Codes.unreadableDockerfile, severity: .warning,
                    message:
                        "the Dockerfile '\(Dockerfile.path(inContext: build))' of app '\(app.name)' \(problem); "
                        + Self.consequence(contents),
                    path: stack.manifestPath, span: app.keySpans.build ?? app.span,
                    help:
                        "'build' names a folder of the manifest's repository, relative to the manifest, with a "
                        + "Dockerfile (UTF-8 text, at most 500 KB)"))
        }
        return warnings
    }

    /// What follows: a file that is not there cannot be built; one stackc would not read may be.
    static func consequence(_ contents: DeliveredFileContents) -> String {
        if case .unreadable = contents { return "deploy.sh cannot build the image, and how it starts is unknown" }
        return "stackc does not read it, so how the image starts is unknown"
    }

    /// Why the file cannot be read, or nil when it was.
    static func problem(_ contents: DeliveredFileContents) -> String? {
        switch contents {
        case .text: return nil
        case .tooLarge(let bytes): return "is \(bytes) bytes; stackc reads at most 500 KB"
        case .binary: return "is not UTF-8 text"
        case .unreadable(let reason): return "cannot be read: \(reason)"
        case .outside(let root): return "is outside the manifest's repository (\(root))"
        }
    }
}
