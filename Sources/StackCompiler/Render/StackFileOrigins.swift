/// Where each part of `stack.yml` comes from: every service from the pass that added it, its
/// parts from the pass and keys that set them (a database's variables in an app's environment,
/// a route's labels), the declarations from the passes that declared them, the start-up
/// wrappers from the passes that asked for them; the file's own layout is the renderer's.
enum StackFileOrigins {
    static let renderer = "StackFileRenderer"

    /// The map `YAMLLineOrigins` reads for the stack file of `plan`.
    static func map(
        _ plan: FinishedPlan, edge: RenderedEdge?, wrappers: [EntrypointWrapperRenderer.Wrapper]
    ) -> OriginMap {
        let map = OriginMap(.structure(renderer))
        for layer in [plan] + (edge.map { [$0.plan] } ?? []) {
            for (name, origin) in layer.origins.networks { map.set(["networks", name], origin) }
            for (name, origin) in layer.origins.volumes { map.set(["volumes", name], origin) }
            for (key, origin) in layer.origins.secrets { map.set(["secrets", key], origin) }
            for file in layer.files {
                if let key = file.configKey { map.set(["configs", key], file.origin) }
            }
            for (name, service) in layer.services {
                add(name, service, logging: service.logging == nil ? plan.origins.logging : nil, into: map)
            }
        }
        for wrapper in wrappers {
            map.set(["configs", wrapper.configKey], wrapper.file.origin)
            for part in ["entrypoint", "command"] { map.set(["services", wrapper.service, part], wrapper.file.origin) }
            map.set(["services", wrapper.service, "configs", wrapper.configKey], wrapper.file.origin)
        }
        if let edge {
            // The labels of each route, in route order, with that route's origin.
            for ((service, labels), (_, origin)) in zip(edge.labels, edge.labelOrigins) {
                for (key, _) in labels {
                    let own = key.contains(".sticky.") ? edge.stickyOrigins[service] ?? origin : origin
                    map.set(["services", service, "deploy", "labels", key], own)
                }
            }
        }
        return map
    }

    /// One service and the parts with origins of their own.
    private static func add(
        _ name: String, _ service: PlannedService, logging: OutputOrigin?, into map: OriginMap
    ) {
        let base = ["services", name]
        map.set(base, service.origins.whole)
        map.set(base + ["logging"], logging)
        for (field, origin) in service.origins.fields {
            for path in paths(field) { map.set(base + path, origin) }
        }
    }

    /// Where a part of a planned service is in the stack file's service entry.
    static func paths(_ field: ServiceField) -> [[String]] {
        switch field {
        case .image: return [["image"]]
        case .replicas: return [["deploy", "replicas"], ["deploy", "mode"]]
        case .command: return [["command"]]
        case .environment(let key): return [["environment", key]]
        case .label(let key): return [["deploy", "labels", key]]
        case .network(let name): return [["networks", name]]
        case .secret(let key): return [["secrets", key]]
        case .file(let key): return [["configs", key]]
        case .volume(let name): return [["volumes", name]]
        case .ports: return [["ports"]]
        case .health: return [["healthcheck"]]
        case .placement: return [["deploy", "placement"]]
        case .resources: return [["deploy", "resources"]]
        case .update: return [["deploy", "update_config"], ["deploy", "rollback_config"]]
        case .stopGracePeriod: return [["stop_grace_period"]]
        }
    }
}
