import YAML

/// Reads the finished plan, the rendered edge proxy and the start-up wrappers; writes
/// `stack.yml`, the file for `docker stack deploy -c stack.yml <name>`. Swarm's spellings live
/// here: `replicated-job`, `start-first`, `node.role == manager`, host-mode ports, configs named
/// after their content. Entries are listed as the plan has them, then the edge proxy's, then
/// the wrappers' configs.
enum StackFileRenderer {
    static func render(
        _ plan: FinishedPlan, edge: RenderedEdge?, wrappers: [EntrypointWrapperRenderer.Wrapper]
    ) -> String {
        render(plan, stack(plan, edge: edge, wrappers: wrappers))
    }

    /// `stack.yml` of the stack made by `stack(_:edge:wrappers:)`.
    static func render(_ plan: FinishedPlan, _ stack: SwarmStack) -> String {
        render(plan, stack, origins: nil).text
    }

    /// The same, and with `origins` (`StackFileOrigins.map`) the origin of each line.
    static func render(
        _ plan: FinishedPlan, _ stack: SwarmStack, origins: OriginMap?
    ) -> (text: String, origins: LineOrigins?) {
        // The images it builds are tagged by deploy.sh, which `docker stack deploy` alone would
        // refuse without (`${STACKC_TAG_...:?}`).
        let deploy =
            plan.buildsImages
            ? "Deploy: ./deploy.sh (it builds the images and sets their tags)"
            : "Deploy: docker stack deploy -c stack.yml \(plan.context.stackName)"
        let header = plan.context.headerLines + [deploy]
        let document = stack.yaml
        let text = YAMLEmitter.emit(document, header: header)
        return (
            text,
            origins.map {
                YAMLLineOrigins.lines(
                    of: document, header: header, map: $0, root: .structure(StackFileOrigins.renderer))
            }
        )
    }

    /// `stack.platform.yml`, when a deploy step asks for services first: those and the edge
    /// proxy's, as `stack.yml` has them; nil otherwise.
    static func renderPlatformPart(_ plan: FinishedPlan, edge: RenderedEdge?, _ stack: SwarmStack) -> String? {
        renderPlatformPart(plan, edge: edge, stack, origins: nil)?.text
    }

    /// The same, and with `origins` the origin of each line.
    static func renderPlatformPart(
        _ plan: FinishedPlan, edge: RenderedEdge?, _ stack: SwarmStack, origins: OriginMap?
    ) -> (text: String, origins: LineOrigins?)? {
        let first = plan.deployedFirst(edge: edge?.plan)
        guard !first.isEmpty else { return nil }
        let names = Set(first)
        let header =
            plan.context.headerLines + [
                "The part of stack.yml that deploy.sh deploys first (the proxy and the registry the",
                "images it builds are pushed to), under the same stack name and exactly as stack.yml has it.",
            ]
        let document = stack.only(names).yaml
        let text = YAMLEmitter.emit(document, header: header)
        return (
            text,
            origins.map {
                YAMLLineOrigins.lines(
                    of: document, header: header, map: $0, root: .structure(StackFileOrigins.renderer))
            }
        )
    }

    static func stack(
        _ plan: FinishedPlan, edge: RenderedEdge?, wrappers: [EntrypointWrapperRenderer.Wrapper]
    ) -> SwarmStack {
        var stack = SwarmStack()
        for layer in [plan] + (edge.map { [$0.plan] } ?? []) {
            // The main plan says how the whole stack logs: the edge proxy's layer too.
            declare(layer, in: &stack, logging: plan.logging)
        }
        for wrapper in wrappers {
            stack.addConfig(wrapper.configKey, config(wrapper.file, stackName: plan.context.stackName))
            stack.updateService(wrapper.service) { service in
                service.configs.append((wrapper.configKey, EntrypointWrapperRenderer.path, 0o555))
                service.entrypoint = wrapper.entrypoint
                service.command = command(wrapper.command)
            }
        }
        for (name, labels) in edge?.labels ?? [] {
            stack.updateService(name) { $0.deploy.labels += labels }
        }
        return stack
    }

    /// Adds one plan's networks, volumes, configs, secrets and services; `logging` applies to
    /// each service without its own.
    static func declare(_ plan: FinishedPlan, in stack: inout SwarmStack, logging: ServiceLogging?) {
        for (name, network) in plan.networks {
            stack.addNetwork(
                name,
                SwarmNetwork(
                    attachable: network.attachable, internal: network.internal, encrypted: network.encrypted,
                    subnet: network.subnet))
        }
        for (name, volume) in plan.volumes {
            // What a volume of each node's own holds is that node's: its label says so to
            // operators (and to the tests that check state is pinned).
            stack.addVolume(
                name,
                SwarmVolume(
                    bindDevice: volume.sharedFolder,
                    labels: volume.perNode ? [(PlatformNames.perNodeVolumeLabel, "true")] : []))
        }
        for file in plan.files {
            if let key = file.configKey { stack.addConfig(key, config(file, stackName: plan.context.stackName)) }
        }
        for secret in plan.secrets {
            stack.addSecret(secret.key, name: secret.name)
        }
        for (name, service) in plan.services {
            var rendered = swarmService(service, stackName: plan.context.stackName)
            if rendered.logging == nil { rendered.logging = logging.map(swarmLogging) }
            stack.setService(name, rendered)
        }
    }

    /// A generated file delivered as a config named after its content, so an edited file rolls
    /// out.
    static func config(_ file: PlannedFile, stackName: String) -> SwarmConfig {
        let hash = String(SHA256.hex(file.contents).prefix(12))
        return SwarmConfig(
            file: "./" + file.path, name: PlatformNames.fitted("\(stackName)_\(file.configKey ?? "")_\(hash)"))
    }

    static func command(_ command: PlannedService.Command) -> SwarmCommand {
        switch command {
        case .shell(let text): return .string(text)
        case .words(let words): return .list(words)
        }
    }

    static func swarmService(_ planned: PlannedService, stackName: String) -> SwarmService {
        var service = SwarmService(image: planned.image)
        service.command = planned.command.map(command)
        service.entrypoint = planned.entrypoint
        service.user = planned.user
        service.environment = planned.environment
        service.networks = planned.networks
        service.volumes = planned.volumes
        service.readOnlyVolumeTargets = planned.readOnlyVolumeTargets
        service.binds = planned.hostPaths
        service.secrets = planned.secrets
        service.configs = planned.files
        service.ports = planned.ports.map {
            SwarmPort(
                target: $0.target, published: $0.published, transport: $0.transport.rawValue, mode: $0.mode.rawValue)
        }
        service.extraHosts = planned.extraHosts.map { "\($0.host):\($0.address)" }
        service.healthcheck = planned.health.map { health in
            let test: [String]
            switch health.test {
            case .shell(let text): test = ["CMD-SHELL", text]
            case .exec(let words): test = ["CMD"] + words
            case .http(let port, let path, .wgetOrCurl):
                let url = "http://127.0.0.1:\(port)\(path)"
                test = ["CMD-SHELL", "wget -q -O /dev/null '\(url)' || curl -fsS -o /dev/null '\(url)' || exit 1"]
            case .http(let port, let path, .python):
                test = ["CMD", "python3", "-c", pythonProbe, "http://127.0.0.1:\(port)\(path)"]
            }
            return SwarmHealthcheck(
                test: test, interval: health.interval, timeout: health.timeout, retries: health.retries,
                startPeriod: health.startPeriod)
        }
        service.deploy = deploy(planned, stackName: stackName)
        service.deploy.labels = planned.labels
        service.stopGracePeriod = planned.stopGracePeriod
        service.logging = planned.logging.map(swarmLogging)
        return service
    }

    /// The `json-file` driver with its rotation and the labels each line carries.
    static func swarmLogging(_ logging: ServiceLogging) -> SwarmLogging {
        var options: [(key: String, value: String)] = [
            ("max-size", logging.maxSize), ("max-file", String(logging.maxFiles)),
        ]
        if !logging.labels.isEmpty { options.append(("labels", logging.labels.joined(separator: ","))) }
        return SwarmLogging(driver: "json-file", options: options)
    }

    /// An HTTP probe in Python's standard library: fails on a refused connection, a timeout or
    /// an answer of 400 and more.
    static let pythonProbe = "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)"

    static func deploy(_ planned: PlannedService, stackName: String) -> SwarmDeploy {
        var deploy = SwarmDeploy()
        switch planned.kind {
        case .replicated(let count):
            deploy.mode = "replicated"
            deploy.replicas = count
        case .global:
            deploy.mode = "global"
            deploy.replicas = nil
        case .job:
            deploy.mode = "replicated-job"
            deploy.replicas = 1
        case .scheduled:
            // What a scheduler that starts services by their labels expects (swarm-cronjob):
            // replicated, no task until it scales the service up, and none restarted.
            deploy.mode = "replicated"
            deploy.replicas = 0
        }
        deploy.constraints = constraints(planned.placement, stackName: stackName)
        deploy.maxReplicasPerNode = planned.placement.maxPerNode
        if let resources = planned.resources {
            deploy.limits = (resources.cpus, resources.memory)
            deploy.reservations = (resources.reserveCPUs ?? resources.cpus, resources.reserveMemory ?? resources.memory)
        }
        let condition: String
        switch planned.restart.condition {
        case .always: condition = "any"
        case .onFailure: condition = "on-failure"
        case .never: condition = "none"
        }
        deploy.restartPolicy = SwarmRestartPolicy(
            condition: condition, delay: planned.restart.delay,
            maxAttempts: planned.restart.maxAttempts, window: planned.restart.window)
        deploy.updateConfig = planned.update.map(updateConfig)
        deploy.rollbackConfig = planned.rollback.map(updateConfig)
        return deploy
    }

    /// Placement constraints for a role, node labels, a named node and a pin.
    static func constraints(_ placement: PlannedPlacement, stackName: String) -> [String] {
        var constraints: [String] = []
        if let role = placement.role { constraints.append("node.role == \(role.rawValue)") }
        constraints += placement.labels.map { "node.labels.\($0.key) == \($0.value)" }
        if let node = placement.node { constraints.append("node.labels.\(PlatformNames.nodeNameLabel) == \(node)") }
        if let pin = placement.pin {
            constraints.append("node.labels.\(PlatformNames.pinLabel(stack: stackName, group: pin)) == true")
        }
        return constraints
    }

    static func updateConfig(_ policy: PlannedService.UpdatePolicy) -> SwarmUpdateConfig {
        let failureAction: String
        switch policy.failureAction {
        case .rollback: failureAction = "rollback"
        case .pause: failureAction = "pause"
        case .continue: failureAction = "continue"
        }
        return SwarmUpdateConfig(
            parallelism: policy.parallelism, delay: policy.delay, failureAction: failureAction, monitor: policy.monitor,
            order: policy.order == .startFirst ? "start-first" : "stop-first")
    }
}
