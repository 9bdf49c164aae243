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
            IdentityPass(),
            SingleSignOnPass(),
            RegistryPass(),
            MetricsPass(),
            AlertmanagerPass(),
            MonitoringRoutesPass(),
            GrafanaPass(),
            LogsPass(),
            DeliveredFilesPass(),
            DockerfilesPass(),
            EdgeProxyPass(),
            EntrypointsPass(),
            NodesPass(),
            BackupPass(),
            StackOverviewPass(),
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
    /// finds build contexts. `files` holds the files beside the manifest the build needs
    /// (delivered files, Dockerfiles), read by the caller. With `sourceMap`, each file keeps the
    /// origin of every line (`OutputTree.File.origins`, for `stackc explain FILE:LINE`); without
    /// it, the files only (what `build` writes, at no cost for the map).
    public static func build(
        _ stack: ResolvedStack, sourceDirectory: String = ".", files: FilesRead, sourceMap: Bool = false
    ) -> Result {
        build(stack, sourceDirectory: sourceDirectory, files: files, passes: passes, sourceMap: sourceMap)
    }

    /// The same with only the files apps deliver.
    public static func build(
        _ stack: ResolvedStack, sourceDirectory: String = ".", deliveredFiles: [String: DeliveredFileContents] = [:],
        sourceMap: Bool = false
    ) -> Result {
        build(
            stack, sourceDirectory: sourceDirectory, files: FilesRead(deliveredFiles: deliveredFiles),
            sourceMap: sourceMap)
    }

    /// What `build` would report, without rendering any file: the passes' contributions and the
    /// start-up wrappers' warnings (for `lint`, which must agree with `build` and stay fast).
    /// With `files` nil, the files beside the manifest are not checked.
    public static func diagnostics(_ stack: ResolvedStack, files: FilesRead?) -> [Diagnostic] {
        let finished = contribute(
            stack, sourceDirectory: ".", files: files, passes: passes.filter(\.affectsDiagnostics), renders: false)
        let (_, renderWarnings) = EntrypointWrapperRenderer.render(finished, scripts: false)
        return conflicts(finished) + renderWarnings + finished.warnings
    }

    /// The same with only the files apps deliver (nil: not checked).
    public static func diagnostics(
        _ stack: ResolvedStack, deliveredFiles: [String: DeliveredFileContents]? = nil
    ) -> [Diagnostic] {
        diagnostics(stack, files: deliveredFiles.map { FilesRead(deliveredFiles: $0) })
    }

    /// The same with other passes (tests add their own).
    static func build(
        _ stack: ResolvedStack, sourceDirectory: String = ".", files: FilesRead = FilesRead(),
        passes: [any BuildPass], sourceMap: Bool = true
    ) -> Result {
        let finished = contribute(stack, sourceDirectory: sourceDirectory, files: files, passes: passes)
        let (tree, renderWarnings) = SwarmBackend.render(finished, sourceMap: sourceMap)
        return Result(tree: tree, diagnostics: conflicts(finished) + renderWarnings + finished.warnings)
    }

    /// The first phase: every pass contributes, then the plan is finished. With `files` nil, the
    /// files beside the manifest are not checked (`lint` without them at hand).
    static func contribute(
        _ stack: ResolvedStack, sourceDirectory: String, files: FilesRead?, passes: [any BuildPass],
        renders: Bool = true
    ) -> FinishedPlan {
        var context = BuildContext(
            sourcePath: stack.sourcePath, manifestPath: stack.manifestPath, stackName: stack.name,
            sourceDirectory: sourceDirectory, deliveredFiles: files?.deliveredFiles)
        context.dockerfiles = files?.dockerfiles ?? [:]
        context.renders = renders
        var plan = BuildPlan(context: context)
        for pass in passes {
            plan.begin(pass: pass.name, keys: pass.manifestKeys(stack))
            pass.contribute(stack, to: &plan)
        }
        return plan.finish()
    }

    /// Contributions that contradict each other, as errors.
    static func conflicts(_ finished: FinishedPlan) -> [Diagnostic] {
        finished.conflicts.map { conflict in
            Diagnostic(
                code: Codes.internalConflict, severity: .error, message: "internal error: \(conflict)",
                path: finished.context.manifestPath, span: nil,
                help: "this is a bug in stackc; please report it with the manifest")
        }
    }
}
