import StackDiagnostics

/// Runs the passes over a resolved stack, in order, and returns the files to write.
public enum BuildPipeline {
    /// The passes, in the order they run: services first, then passes that add to them, then
    /// the renderers of shared outputs.
    static var passes: [any BuildPass] {
        [
            AppServicesPass(),
            DatabaseServersPass(),
            DatabaseInitPass(),
            NextcloudPresetPass(),
            TraefikPass(),
            HAProxyPass(),
            EntrypointsPass(),
            PendingFamiliesPass(),
            DeployScriptPass(),
            StackFilePass(),
        ]
    }

    /// The result of a build: the files and the warnings the build itself produced.
    public struct Result: Sendable {
        /// Every file of `out/<stack>/`.
        public var tree: OutputTree
        /// Build warnings (for example, artifact families not generated yet).
        public var warnings: [Diagnostic]
    }

    /// Compiles a checked stack into its output files. `sourceDirectory` is the manifest's folder
    /// relative to the output folder (`../../manifests` for `out/<stack>/`), where `deploy.sh`
    /// finds build contexts.
    public static func build(_ stack: ResolvedStack, sourceDirectory: String = ".") -> Result {
        var output = BuildOutput(sourcePath: stack.sourcePath, manifestPath: stack.manifestPath, stackName: stack.name, sourceDirectory: sourceDirectory)
        for pass in passes {
            pass.run(stack, &output)
        }
        return Result(tree: output.tree, warnings: output.warnings)
    }
}
