/// One artifact family's contribution: reads the resolved stack and adds to the build plan
/// (services, routes, secrets, volumes, files, start-up steps, deploy steps). A pass never
/// reads what another pass contributed; renderers read the finished plan.
///
/// Adding a family is one new type conforming to this protocol and one line in
/// `BuildPipeline.passes`; a family with a format of its own also gets a renderer.
protocol BuildPass {
    /// Adds this family's contributions.
    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan)
}
