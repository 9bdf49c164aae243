/// Reads each app's `depends_on`, database connection and preset; contributes the start-up
/// steps of every app that needs work before its image starts: reading `*_FILE` secrets into the
/// environment where the image cannot, waiting for each dependency, and, for replicated presets,
/// the run-once install lock. `EntrypointWrapperRenderer` writes them as
/// `entrypoints/<app>.sh` once the plan is finished, with waits only for services it has.
struct EntrypointsPass: BuildPass {
    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        for app in stack.apps {
            var steps: [StartupPlan.Step] = []
            if app.preset == .generic, let name = app.database, let database = stack.database(name),
                database.engine != .redis
            {
                steps.append(.databaseURL(scheme: database.engine == .postgres ? "postgres" : "mysql"))
            }
            for dependency in app.dependsOn {
                guard let target = waitTarget(dependency, stack) else { continue }
                if case .database = target, app.database != dependency.name {
                    // The app must share the server's network to reach it.
                    plan.amend(app.name, .joinNetwork(PlatformNames.databaseNetwork(dependency.name)))
                }
                steps.append(.waitFor(target))
            }
            if let folder = runOnceFolder(app, stack) {
                steps.append(.runOnce(folder: folder))
            }
            guard !steps.isEmpty else { continue }
            plan.addStartup(
                StartupPlan(
                    service: app.name, steps: steps, start: start(of: app),
                    shellCommand: app.commandIsShell ? app.command?.first : nil, span: app.span,
                    hasShell: app.build != nil || KnownImages.tools(of: app.image)?.shell != false, image: app.image))
        }
    }

    /// The image's start: the manifest's `entrypoint` (and `command`), else what stackc knows
    /// of the image, with the manifest's `command` in place of the image's own.
    func start(of app: App) -> KnownImages.Start? {
        let known = app.build == nil ? KnownImages.start(of: app.image) : nil
        guard let entrypoint = app.entrypoint ?? known?.entrypoint else { return nil }
        return KnownImages.Start(entrypoint: entrypoint, command: app.command ?? known?.command ?? [])
    }

    /// What a dependency waits for.
    func waitTarget(_ dependency: Dependency, _ stack: ResolvedStack) -> StartupPlan.WaitTarget? {
        switch dependency.kind {
        case .app:
            return stack.app(dependency.name) != nil ? .app(dependency.name) : nil
        case .database:
            guard let database = stack.database(dependency.name) else { return nil }
            return .database(database.name, port: PlatformNames.port(of: database.engine))
        case .identity, .registry:
            return PlatformService.forDependency(dependency.kind).map { .platform($0) }
        }
    }

    /// The shared folder where several tasks of a preset install once, if the app needs it.
    func runOnceFolder(_ app: App, _ stack: ResolvedStack) -> String? {
        guard app.preset == .nextcloud, stack.taskCount(app.replicas) > 1 else { return nil }
        return app.volumes.first { $0.path == "/var/www/html" }?.path ?? app.volumes.first?.path
    }
}
