import StackDiagnostics

/// The Docker Swarm backend: renders a finished plan into the files of `out/<stack>/`. The
/// edge proxy and the start-up wrappers are rendered first, from the finished plan; then the
/// stack file and `deploy.sh`, which read them, and `nodes/`; the plan's other files are written
/// as they are; `RUNBOOK.md`, which names every other file, comes last.
/// A second backend (Kubernetes manifests, say) would be another such type reading the same
/// plan; no contributing pass would change.
///
/// With `sourceMap`, every file goes into the tree with the origin of each of its lines: the
/// plan's files with what their pass recorded, the stack file with `StackFileOrigins`, the
/// files only a renderer writes with that renderer's name. Without it, the files alone.
enum SwarmBackend {
    static func render(_ plan: FinishedPlan, sourceMap: Bool = true) -> (tree: OutputTree, warnings: [Diagnostic]) {
        let edge = RenderedEdge.render(plan)
        let (wrappers, warnings) = EntrypointWrapperRenderer.render(plan)
        var tree = OutputTree(sourceMap: sourceMap)
        for file in plan.files + (edge?.plan.files ?? []) + wrappers.map(\.file) {
            tree.add(
                file.path, file.contents, executable: file.executable,
                origins: sourceMap ? file.lineOrigins : nil, whole: file.origin)
        }
        let stack = StackFileRenderer.stack(plan, edge: edge, wrappers: wrappers)
        let map = sourceMap ? StackFileOrigins.map(plan, edge: edge, wrappers: wrappers) : nil
        let stackFile = StackFileRenderer.render(plan, stack, origins: map)
        tree.add(
            "stack.yml", stackFile.text, origins: stackFile.origins, whole: .structure(StackFileOrigins.renderer))
        if let platform = StackFileRenderer.renderPlatformPart(plan, edge: edge, stack, origins: map) {
            tree.add(
                "stack.platform.yml", platform.text, origins: platform.origins,
                whole: .structure(StackFileOrigins.renderer))
        }
        let deploy = DeployScriptRenderer.render(plan, edge: edge, origins: sourceMap)
        tree.add(
            "deploy.sh", deploy.text, executable: true, origins: deploy.origins,
            whole: .structure(DeployScriptRenderer.name))
        for file in NodeFilesRenderer.render(plan) {
            tree.add(
                file.path, file.contents, executable: file.executable,
                origins: sourceMap ? file.lineOrigins : nil, whole: file.origin)
        }
        if let runbook = RunbookRenderer.render(
            plan, edge: edge, wrappers: wrappers, paths: tree.files.map(\.path))
        {
            // Written from the whole stack, and mapped no finer (yet).
            tree.add(RunbookRenderer.path, runbook, whole: OutputOrigin(producer: "RunbookRenderer", keys: ["name"]))
        }
        return (tree, warnings)
    }
}
