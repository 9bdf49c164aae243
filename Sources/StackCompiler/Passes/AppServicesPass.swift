/// Reads `apps`; contributes one service per app (image, command, environment, secrets,
/// volumes, health check, placement, update policy), the networks and volumes they use, a
/// route for each routed app, and the image builds `deploy.sh` runs.
struct AppServicesPass: BuildPass {
    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        for app in stack.apps {
            var service = PlannedService(image: app.image)
            service.kind = Self.kind(app.replicas)
            service.port = app.port
            service.readinessPath = app.port != nil ? app.health?.path : nil
            if let command = app.command {
                service.command = app.commandIsShell ? .shell(command[0]) : .words(command)
            }
            service.environment = app.env
            service.networks = [PlatformNames.appsNetwork]
            plan.addNetwork(PlatformNames.appsNetwork)
            if app.route != nil {
                service.networks.append(PlatformNames.publicNetwork)
                plan.addNetwork(PlatformNames.publicNetwork)
            }
            addVolumes(app, stack, &service, &plan)
            for secret in app.secrets {
                plan.declareOperatorSecret(secret)
                service.secrets.append((secret, secret))
            }
            service.health = app.health.flatMap { Self.healthCheck($0, port: app.port) }
            service.placement = PlannedPlacement(app.placement)
            service.resources = app.resources
            service.update = Self.update(app.update)
            service.rollback = service.update.map { update in
                PlannedService.UpdatePolicy(
                    parallelism: update.parallelism, delay: nil, failureAction: .pause, monitor: update.monitor,
                    order: update.order)
            }
            plan.addService(app.name, service)
            if let route = app.route, let port = app.port {
                let auth: ProxyRoute.Auth =
                    app.auth == .basic
                    ? .basic(
                        secret: plan.requireSecret(
                            PlatformNames.basicAuthSecret(app: app.name), recipe: .htpasswd(users: ["admin"])))
                    : .none
                plan.addRoute(
                    ProxyRoute(
                        service: app.name, host: route.host, path: route.path, port: port, https: route.https,
                        sticky: route.sticky, auth: auth, healthPath: app.health?.path,
                        healthInterval: app.health?.interval, expectedTasks: stack.taskCount(app.replicas)))
            }
        }
        addImageBuilds(stack, &plan)
    }

    /// Named volumes; for apps with several tasks on shared storage, a folder there.
    func addVolumes(_ app: App, _ stack: ResolvedStack, _ service: inout PlannedService, _ plan: inout BuildPlan) {
        let shared = stack.cluster.hasSharedStorage && stack.taskCount(app.replicas) > 1
        for volume in app.volumes {
            let key = PlatformNames.appVolume(app: app.name, volume: volume.name)
            plan.addVolume(key, PlannedVolume(sharedFolder: shared ? "/data/\(stack.name)/\(key)" : nil))
            service.volumes.append((key, volume.path))
        }
    }

    /// Apps built from source: `deploy.sh` logs in to the stack's registry, builds and pushes.
    func addImageBuilds(_ stack: ResolvedStack, _ plan: inout BuildPlan) {
        let built = stack.apps.filter { $0.build != nil }
        guard !built.isEmpty, let registry = stack.registry else { return }
        if let user = registry.users.first {
            plan.addDeployStep(
                .registryLogin(
                    host: registry.host, user: user, secret: "\(stack.name)_\(PlatformNames.registryPasswordSecret)"))
        }
        for app in built {
            plan.addDeployStep(
                .buildAndPush(image: app.image, context: Self.join(plan.context.sourceDirectory, app.build ?? ".")))
        }
    }

    /// `base/relative` without `.` components.
    static func join(_ base: String, _ relative: String) -> String {
        let parts = (base.split(separator: "/") + relative.split(separator: "/")).filter { $0 != "." }
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    static func kind(_ replicas: Replicas) -> PlannedService.Kind {
        switch replicas {
        case .count(let count): return .replicated(count)
        case .global: return .global
        }
    }

    /// The manifest's command, or an HTTP probe of the path with whichever of wget or curl the
    /// image has; nil for an HTTP check without a port to probe.
    static func healthCheck(_ health: Health, port: Int?) -> PlannedService.HealthCheck? {
        let test: PlannedService.HealthCheck.Test
        switch (health.command, health.path, port) {
        case (.shell(let command)?, _, _):
            test = .shell(command)
        case (.words(let words)?, _, _):
            test = .exec(words)
        case (nil, let path?, let port?):
            let url = "http://127.0.0.1:\(port)\(path)"
            test = .shell("wget -q -O /dev/null '\(url)' || curl -fsS -o /dev/null '\(url)' || exit 1")
        case (nil, _, _):
            return nil
        }
        return PlannedService.HealthCheck(
            test: test, interval: health.interval, timeout: health.timeout, retries: health.retries,
            startPeriod: health.startPeriod)
    }

    /// The manifest's update policy (checked by the front end, so every spelling is known).
    static func update(_ policy: UpdatePolicy) -> PlannedService.UpdatePolicy? {
        guard let order = PlannedService.UpdatePolicy.Order(manifest: policy.order),
            let failureAction = PlannedService.UpdatePolicy.FailureAction(manifest: policy.failureAction)
        else { return nil }
        return PlannedService.UpdatePolicy(
            parallelism: policy.parallelism, delay: policy.delay, failureAction: failureAction,
            monitor: policy.monitor, order: order)
    }
}
