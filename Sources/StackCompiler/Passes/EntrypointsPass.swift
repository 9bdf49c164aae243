/// Reads each app's `depends_on`, database connection and preset; contributes the start-up
/// steps of every app that needs work before its image starts: reading `*_FILE` secrets into the
/// environment where the image cannot, waiting for each dependency, and, for replicated presets,
/// the run-once install lock. `EntrypointWrapperRenderer` writes them as
/// `entrypoints/<app>.sh` once the plan is finished, with waits only for services it has. A
/// built app's image starts as its Dockerfile's final stage says (`DockerfileParser`).
struct EntrypointsPass: BuildPass {
    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        for app in stack.apps {
            var steps: [StartupPlan.Step] = []
            if app.preset == .generic, let name = app.database, let database = stack.database(name) {
                steps.append(.databaseURL(scheme: Self.urlScheme(database.engine)))
            }
            for (index, dependency) in app.dependsOn.enumerated() {
                guard let target = waitTarget(dependency, stack) else { continue }
                if case .database = target, app.database != dependency.name {
                    // The app must share the server's network to reach it.
                    plan.reading(["apps.\(app.name).depends_on[\(index)]"])
                    plan.amend(app.name, .joinNetwork(PlatformNames.databaseNetwork(dependency.name)))
                }
                steps.append(.waitFor(target))
            }
            if let folder = runOnceFolder(app, stack) {
                steps.append(.runOnce(folder: folder))
            }
            guard !steps.isEmpty else { continue }
            plan.reading(Self.manifestKeys(of: app, steps))
            let image = app.build.map { builtImage(context: $0, plan.context.dockerfiles) } ?? publishedImage(app.image)
            var startup = StartupPlan(
                service: app.name, steps: steps, start: start(of: app, image.start),
                shellCommand: app.commandIsShell ? app.command?.first : nil, span: app.span,
                hasShell: image.hasShell, image: app.image)
            // The Dockerfile's words only where they say what is missing.
            if startup.start == nil || !startup.hasShell { startup.explanation = image.explanation }
            plan.addStartup(startup)
        }
    }

    /// The app's keys that ask for its wrapper: the start it replaces (`entrypoint`,
    /// `command`), and what each step is for (`database`, `depends_on`, the preset's run-once).
    static func manifestKeys(of app: App, _ steps: [StartupPlan.Step]) -> [ManifestKeyPath] {
        var keys = ["entrypoint", "command"].compactMap(app.writtenKey)
        for step in steps {
            switch step {
            case .databaseURL: keys.append("apps.\(app.name).database")
            case .waitFor: keys += [app.writtenKey("depends_on")].compactMap { $0 }
            case .runOnce: keys.append("apps.\(app.name).preset")
            case .exportSecret: break
            }
        }
        var seen = Set<ManifestKeyPath>()
        keys = keys.filter { seen.insert($0).inserted }
        return keys.isEmpty ? ["apps.\(app.name)"] : keys
    }

    /// The scheme of `DATABASE_URL` for each engine.
    static func urlScheme(_ engine: Database.Engine) -> String {
        switch engine {
        case .postgres: return "postgres"
        case .mariadb: return "mysql"
        case .redis: return "redis"
        }
    }

    /// What stackc knows of an app's image: how it starts, whether it has a shell, and, for a
    /// built image, what its Dockerfile says when that is not enough.
    struct ImageStart {
        var start: KnownImages.Start?
        var hasShell: Bool
        var explanation: StartupPlan.Explanation?
    }

    /// A published image: what stackc knows of it.
    func publishedImage(_ image: String) -> ImageStart {
        ImageStart(start: KnownImages.start(of: image), hasShell: KnownImages.tools(of: image)?.shell != false)
    }

    /// An image `deploy.sh` builds from `context`: its Dockerfile's final stage, as the caller
    /// read the file. A Dockerfile not read leaves the start unknown, as for an unknown image.
    func builtImage(context: String, _ dockerfiles: [String: DeliveredFileContents]) -> ImageStart {
        let path = Dockerfile.path(inContext: context)
        let help =
            "add ENTRYPOINT (and CMD) to the final stage of '\(path)', or 'entrypoint:' (the image's ENTRYPOINT, "
            + "or [] if it has none) and 'command:' to the app"
        switch dockerfiles[context] {
        case nil:
            return ImageStart(start: nil, hasShell: true)
        case .text(let text)?:
            let dockerfile = DockerfileParser.parse(text)
            let noShell = dockerfile.rootBase.map { base in
                StartupPlan.Explanation(
                    reason: "its Dockerfile '\(path)' builds the image "
                        + (base.lowercased() == "scratch" ? "FROM scratch" : "on '\(base)'")
                        + ", which has no shell to run it",
                    help: "build on an image with /bin/sh, or make the app wait by itself and remove what "
                        + "needs the wrapper (depends_on)")
            }
            switch dockerfile.start {
            case .known(let start, let hasShell):
                return ImageStart(start: start, hasShell: hasShell, explanation: hasShell ? nil : noShell)
            case .unknownBase(let base, let hasShell):
                let unknown = StartupPlan.Explanation(
                    reason: "the final stage of its Dockerfile '\(path)' sets no ENTRYPOINT, and its base image "
                        + "'\(base)' is not one stackc knows the start of", help: help)
                return ImageStart(start: nil, hasShell: hasShell, explanation: hasShell ? unknown : noShell)
            case .noStage:
                return ImageStart(
                    start: nil, hasShell: true,
                    explanation: StartupPlan.Explanation(reason: "its Dockerfile '\(path)' has no FROM", help: help))
            }
        case _?:
            return ImageStart(
                start: nil, hasShell: true,
                explanation: StartupPlan.Explanation(
                    reason: "its Dockerfile '\(path)' cannot be read (W322), so how the image starts is unknown",
                    help: help))
        }
    }

    /// The app's start: the manifest's `entrypoint` (and `command`), else the image's, with the
    /// manifest's `command` in place of the image's own.
    func start(of app: App, _ known: KnownImages.Start?) -> KnownImages.Start? {
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
