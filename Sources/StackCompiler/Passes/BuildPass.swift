/// One artifact family's contribution: reads the resolved stack and adds to the build plan
/// (services, routes, secrets, volumes, files, start-up steps, deploy steps). A pass never
/// reads what another pass contributed; renderers read the finished plan.
///
/// Adding a family is one new type conforming to this protocol and one line in
/// `BuildPipeline.passes`; a family with a format of its own also gets a renderer.
protocol BuildPass {
    /// Adds this family's contributions.
    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan)

    /// Whether `lint` must run this pass to report what `build` would: true (the default) for a
    /// pass that reports diagnostics or adds services other passes wait for; false only for a
    /// pass that writes files and adds services nothing names.
    var affectsDiagnostics: Bool { get }

    /// The manifest keys the pass reads, for what it contributes without narrower keys (the
    /// source map); `name` (the whole stack) unless the pass says.
    func manifestKeys(_ stack: ResolvedStack) -> [ManifestKeyPath]
}

extension BuildPass {
    var affectsDiagnostics: Bool { true }

    func manifestKeys(_ stack: ResolvedStack) -> [ManifestKeyPath] { ["name"] }

    /// The pass's name in the source map: its type's.
    var name: String { String(describing: type(of: self)) }
}
