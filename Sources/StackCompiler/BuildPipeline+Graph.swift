import StackDiagnostics

extension BuildPipeline {
    /// The graph of a stack (`stackc graph`), with what its build reports.
    public struct GraphResult: Sendable {
        /// The stack as the build would deploy it.
        public var graph: StackGraph
        /// What `build` reports beyond the check: its warnings, and errors for contributions
        /// that contradict each other (a mistake in stackc).
        public var diagnostics: [Diagnostic]

        /// True when the build found contributions that contradict each other.
        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    }

    /// The graph of a checked stack, made from the same finished plan and edge proxy as the
    /// files of `build` (and `RUNBOOK.md`'s diagram), without rendering the other files.
    public static func graph(_ stack: ResolvedStack, sourceDirectory: String = ".", files: FilesRead) -> GraphResult {
        let finished = contribute(stack, sourceDirectory: sourceDirectory, files: files, passes: passes)
        let edge = RenderedEdge.render(finished)
        let (_, renderWarnings) = EntrypointWrapperRenderer.render(finished, scripts: false)
        return GraphResult(
            graph: StackGraph(plan: finished, edge: edge),
            diagnostics: conflicts(finished) + renderWarnings + finished.warnings)
    }
}
