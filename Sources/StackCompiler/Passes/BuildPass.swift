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
}

extension BuildPass {
    var affectsDiagnostics: Bool { true }
}
