/// Reads `apps`; adds one Swarm service per app (image, command, environment, secrets,
/// volumes, health check, deploy settings) and the networks and volumes they use.
struct AppServicesPass: BuildPass {
    /// The network every app joins, so apps reach each other by name.
    static let appsNetwork = "apps"
    /// The network the proxy shares with routed apps.
    static let publicNetwork = "public"

    func run(_ stack: ResolvedStack, _ output: inout BuildOutput) {
        for app in stack.apps {
            var service = SwarmService(image: app.image)
            if let command = app.command {
                service.command = app.commandIsShell ? .string(command[0]) : .list(command)
            }
            service.environment = app.env
            service.networks = [Self.appsNetwork]
            output.swarm.addNetwork(Self.appsNetwork, SwarmNetwork())
            if app.route != nil {
                service.networks.append(Self.publicNetwork)
                output.swarm.addNetwork(Self.publicNetwork, SwarmNetwork())
            }
            addVolumes(app, stack, &service, &output)
            for secret in app.secrets {
                output.swarm.addSecret(secret, name: secret)
                service.secrets.append((secret, secret))
            }
            if let health = app.health, let port = app.port {
                service.healthcheck = Self.httpHealthcheck(health, port: port)
            }
            service.deploy = Self.deploy(app, stack)
            output.swarm.setService(app.name, service)
            if let route = app.route, let port = app.port {
                output.routes.append(ProxyRoute(
                    service: app.name, host: route.host, path: route.path, port: port, https: route.https,
                    sticky: route.sticky,
                    basicAuthSecret: app.auth == .basic ? output.requireSecret("\(app.name)-htpasswd", recipe: .htpasswd(users: ["admin"])) : nil,
                    healthPath: app.health?.path, healthInterval: app.health?.interval,
                    expectedTasks: Self.taskCount(app.replicas, stack)))
            }
        }
    }

    /// Named volumes; for apps with several tasks on shared storage, bound from `/data`.
    func addVolumes(_ app: App, _ stack: ResolvedStack, _ service: inout SwarmService, _ output: inout BuildOutput) {
        let shared = stack.cluster.hasSharedStorage && Self.taskCount(app.replicas, stack) > 1
        for volume in app.volumes {
            let key = "\(app.name)-\(volume.name)"
            output.swarm.addVolume(key, SwarmVolume(bindDevice: shared ? "/data/\(stack.name)/\(key)" : nil))
            service.volumes.append((key, volume.path))
        }
    }

    static func taskCount(_ replicas: Replicas, _ stack: ResolvedStack) -> Int {
        switch replicas {
        case .count(let count): return count
        case .global: return stack.cluster.nodes.count
        }
    }

    /// An HTTP check with whichever of wget or curl the image has.
    static func httpHealthcheck(_ health: Health, port: Int) -> SwarmHealthcheck {
        let url = "http://127.0.0.1:\(port)\(health.path)"
        let probe = "wget -q -O /dev/null '\(url)' || curl -fsS -o /dev/null '\(url)' || exit 1"
        return SwarmHealthcheck(test: ["CMD-SHELL", probe], interval: health.interval, timeout: health.timeout,
                                retries: health.retries, startPeriod: health.startPeriod)
    }

    static func deploy(_ app: App, _ stack: ResolvedStack) -> SwarmDeploy {
        var deploy = SwarmDeploy()
        switch app.replicas {
        case .count(let count): deploy.replicas = count
        case .global:
            deploy.mode = "global"
            deploy.replicas = nil
        }
        deploy.constraints = constraints(app.placement)
        deploy.maxReplicasPerNode = app.placement.maxPerNode
        if let resources = app.resources {
            deploy.limits = (resources.cpus, resources.memory)
            deploy.reservations = (resources.reserveCPUs ?? resources.cpus, resources.reserveMemory ?? resources.memory)
        }
        let update = SwarmUpdateConfig(parallelism: app.update.parallelism, delay: app.update.delay,
                                       failureAction: app.update.failureAction, monitor: app.update.monitor,
                                       order: app.update.order)
        deploy.updateConfig = update
        deploy.rollbackConfig = SwarmUpdateConfig(parallelism: update.parallelism, delay: nil, failureAction: "pause",
                                                  monitor: update.monitor, order: update.order)
        return deploy
    }

    /// Placement constraints for a role and node labels.
    static func constraints(_ placement: Placement) -> [String] {
        var constraints: [String] = []
        if let role = placement.role { constraints.append("node.role == \(role.rawValue)") }
        constraints += placement.labels.map { "node.labels.\($0.key) == \($0.value)" }
        return constraints
    }
}
