import StackDiagnostics

/// Compiles a resolved stack in two phases: every pass contributes to one `BuildPlan`, then
/// the backend renders the finished plan into files.
public enum BuildPipeline {
    /// The contributing passes. Their order decides only the order of entries in the files
    /// (services, secrets, environment variables); no pass reads another's contributions.
    static var passes: [any BuildPass] {
        [
            AppServicesPass(),
            DatabaseServersPass(),
            DatabaseInitPass(),
            NextcloudPresetPass(),
            DeliveredFilesPass(),
            EdgeProxyPass(),
            EntrypointsPass(),
            PendingFamiliesPass(),
        ]
    }

    /// The result of a build: the files and the diagnostics the build itself produced.
    public struct Result: Sendable {
        /// Every file of `out/<stack>/`.
        public var tree: OutputTree
        /// Build warnings (for example, artifact families not generated yet), and errors for
        /// contributions that contradict each other (a mistake in stackc, not in the manifest).
        public var diagnostics: [Diagnostic]

        /// True when the build found contributions that contradict each other: nothing may be
        /// written.
        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    }

    /// Compiles a checked stack into its output files. `sourceDirectory` is the manifest's folder
    /// relative to the output folder (`../../manifests` for `out/<stack>/`), where `deploy.sh`
    /// finds build contexts.
    /// `deliveredFiles` holds the files apps deliver (`files`), read by the caller.
    public static func build(
        _ stack: ResolvedStack, sourceDirectory: String = ".", deliveredFiles: [String: DeliveredFileContents] = [:]
    ) -> Result {
        build(stack, sourceDirectory: sourceDirectory, deliveredFiles: deliveredFiles, passes: passes)
    }

    /// The same with other passes (tests add their own).
    static func build(
        _ stack: ResolvedStack, sourceDirectory: String = ".", deliveredFiles: [String: DeliveredFileContents] = [:],
        passes: [any BuildPass]
    ) -> Result {
        let context = BuildContext(
            sourcePath: stack.sourcePath, manifestPath: stack.manifestPath, stackName: stack.name,
            sourceDirectory: sourceDirectory, deliveredFiles: deliveredFiles)
        var plan = BuildPlan(context: context)
        for pass in passes {
            pass.contribute(stack, to: &plan)
        }
        let finished = plan.finish()
        let (tree, renderWarnings) = SwarmBackend.render(finished)
        let conflicts = finished.conflicts.map { conflict in
            Diagnostic(
                code: Codes.internalConflict, severity: .error, message: "internal error: \(conflict)",
                path: stack.manifestPath, span: nil, help: "this is a bug in stackc; please report it with the manifest"
            )
        }
        return Result(tree: tree, diagnostics: conflicts + renderWarnings + finished.warnings)
    }
}
