/// Reads `apps`; contributes one service per app (image, command, environment, secrets,
/// volumes, health check, placement, update policy), the networks and volumes they use, a
/// route for each routed app (the images of apps built from source are `RegistryPass`'s).
struct AppServicesPass: BuildPass {
    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        if !stack.apps.isEmpty { plan.addNetwork(PlatformNames.appsNetwork) }
        if stack.apps.contains(where: { $0.route != nil }) {
            plan.addNetwork(PlatformNames.publicNetwork, .edge(stack: stack.name))
        }
        for app in stack.apps {
            plan.reading(["apps.\(app.name)"])
            var service = PlannedService(image: app.image)
            service.kind = Self.kind(app.replicas)
            // One replica is the default: another count, or `global`, is written in the manifest.
            if case .count(1) = app.replicas {
            } else {
                service.origins.fields[.replicas] = plan.origin(["apps.\(app.name).replicas"])
            }
            service.port = app.port
            service.readinessPath = app.port != nil ? app.health?.path : nil
            if let command = app.command {
                service.command = app.commandIsShell ? .shell(command[0]) : .words(command)
            }
            service.environment = app.env
            service.networks =
                app.route != nil
                ? [PlatformNames.appsNetwork, PlatformNames.publicNetwork] : [PlatformNames.appsNetwork]
            addVolumes(app, stack, &service, &plan)
            for (index, secret) in app.secrets.enumerated() {
                plan.reading(["apps.\(app.name).secrets[\(index)]"])
                plan.declareOperatorSecret(secret)
                service.secrets.append((secret, secret))
                service.origins.fields[.secret(secret)] = plan.origin
            }
            plan.reading(["apps.\(app.name)"])
            let tools = app.build == nil ? KnownImages.tools(of: app.image) : nil
            service.health = app.health.flatMap { Self.healthCheck($0, port: app.port, tools: tools) }
            if let health = app.health, service.health != nil { checkTools(app, health, tools, &plan) }
            service.ports = app.ports
            service.extraHosts = app.extraHosts
            service.placement = PlannedPlacement(app.placement)
            service.resources = app.resources
            service.update = Self.update(app.update)
            service.rollback = PlannedService.UpdatePolicy(
                parallelism: app.update.parallelism, delay: nil, failureAction: .pause, monitor: app.update.monitor,
                order: app.update.order)
            addFieldOrigins(app, &service, plan)
            plan.addService(app.name, service)
            if let route = app.route, let port = app.port {
                let auth: ProxyRoute.Auth
                switch app.auth {
                case .none:
                    auth = .none
                case .basic:
                    auth = .basic(
                        secret: plan.requireSecret(
                            PlatformNames.basicAuthSecret(app: app.name), recipe: .htpasswd(users: ["admin"])))
                case .oidc:
                    // An app with its own OIDC sign-in (a preset's) does its login; any other is
                    // asked for through the sign-in proxy `SingleSignOnPass` adds.
                    auth = SingleSignOn.signInProxy(app).map { .signIn($0) } ?? .none
                }
                var proxyRoute =
                    ProxyRoute(
                        service: app.name, host: route.host, path: route.path, port: port, https: route.https,
                        sticky: route.sticky, auth: auth, healthPath: app.health?.path,
                        healthInterval: app.health?.interval, expectedTasks: stack.taskCount(app.replicas),
                        origin: plan.origin(["apps.\(app.name).host"]))
                proxyRoute.stickyOrigin = app.writtenKey("sticky").map { plan.origin([$0]) }
                plan.addRoute(proxyRoute)
            }
        }
    }

    /// The parts of the service the app's own keys set, when the manifest writes them.
    func addFieldOrigins(_ app: App, _ service: inout PlannedService, _ plan: BuildPlan) {
        let fields: [(ServiceField, String, Bool)] = [
            (.health, "health", service.health != nil), (.resources, "resources", service.resources != nil),
            (.update, "update", true), (.placement, "placement", true), (.ports, "ports", !service.ports.isEmpty),
            (.command, "command", service.command != nil),
        ]
        for (field, name, present) in fields where present {
            if let key = app.writtenKey(name) { service.origins.fields[field] = plan.origin([key]) }
        }
        if let env = app.writtenKey("env") {
            for (key, _) in app.env {
                let entry = key.contains(".") || key.contains("[") ? env : env.appending(key)
                service.origins.fields[.environment(key)] = plan.origin([entry])
            }
        }
    }

    static let healthCommandHelp =
        "give 'health: {command: ...}' with a check the image can run (a list runs without a shell), or 'health: none'"
    static let unknownToolsHelp = "if it has neither, " + healthCommandHelp

    /// Named volumes: on the shared storage when the cluster has one, so that tasks can move
    /// and several see the same files; else on the node, which pins the app there.
    func addVolumes(_ app: App, _ stack: ResolvedStack, _ service: inout PlannedService, _ plan: inout BuildPlan) {
        for volume in app.volumes {
            let key = PlatformNames.appVolume(app: app.name, volume: volume.name)
            plan.reading(["apps.\(app.name).volumes.\(volume.name)"])
            plan.addVolume(key, PlannedVolume(sharedFolder: PlatformNames.sharedFolder(stack, volume: key)))
            service.volumes.append((key, volume.path))
            service.origins.fields[.volume(key)] = plan.origin
        }
    }

    static func kind(_ replicas: Replicas) -> PlannedService.Kind {
        switch replicas {
        case .count(let count): return .replicated(count)
        case .global: return .global
        }
    }

    /// The manifest's command, or an HTTP probe of the path with what the image has: `wget` or
    /// `curl` (whichever exists, when stackc does not know the image), else `python3`; nil for
    /// an HTTP check without a port to probe.
    static func healthCheck(_ health: Health, port: Int?, tools: KnownImages.Tools?) -> PlannedService.HealthCheck? {
        let test: PlannedService.HealthCheck.Test
        switch (health.command, health.path, port) {
        case (.shell(let command)?, _, _):
            test = .shell(command)
        case (.words(let words)?, _, _):
            test = .exec(words)
        case (nil, let path?, let port?):
            let python = tools.map { !$0.httpClient && $0.python } ?? false
            test = .http(port: port, path: path, client: python ? .python : .wgetOrCurl)
        case (nil, _, _):
            return nil
        }
        return PlannedService.HealthCheck(
            test: test, interval: health.interval, timeout: health.timeout, retries: health.retries,
            startPeriod: health.startPeriod)
    }

    /// Warns when the image cannot run the check it gets, or when stackc does not know whether
    /// it can: a check that never passes keeps the service unhealthy, and its dependants waiting.
    func checkTools(_ app: App, _ health: Health, _ tools: KnownImages.Tools?, _ plan: inout BuildPlan) {
        switch (health.command, tools) {
        case (.shell?, let tools?) where !tools.shell:
            plan.warn(
                Codes.missingImageTool,
                "app '\(app.name)': the image '\(app.image)' has no shell to run the health command", at: app.span,
                help: "write the command as a list, which runs without a shell, or use 'health: none'")
        case (nil, let tools?) where !tools.httpClient && !tools.python:
            plan.warn(
                Codes.missingImageTool,
                "app '\(app.name)': the image '\(app.image)' has neither wget, curl nor python3 for the HTTP health check, so the service would never be healthy",
                at: app.span, help: Self.healthCommandHelp)
        case (nil, nil):
            plan.warn(
                Codes.unknownImageTools,
                "app '\(app.name)': stackc does not know whether the image '\(app.image)' has wget or curl for the HTTP health check",
                at: app.span, help: Self.unknownToolsHelp)
        default:
            break
        }
    }

    /// The manifest's update policy (checked by the front end, so every spelling is known).
    static func update(_ policy: UpdatePolicy) -> PlannedService.UpdatePolicy {
        PlannedService.UpdatePolicy(
            parallelism: policy.parallelism, delay: policy.delay, failureAction: policy.failureAction,
            monitor: policy.monitor, order: policy.order)
    }
}
