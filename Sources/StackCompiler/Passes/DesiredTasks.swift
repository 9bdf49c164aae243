import YAML

/// How many tasks each long-running service of the stack should run, as Prometheus recording
/// rules (`prometheus/rules/desired-tasks.yml`), which `ServiceBelowReplicas` compares with the
/// tasks cAdvisor sees. Swarm's desired counts are not a metric; stackc knows them from the
/// model: an app's replicas (a global app: the nodes its placement allows), one task per
/// database server, Keycloak's replicas, the registry and its mirror (and the service that makes
/// every node trust a self-signed certificate for them), the edge proxy's, the sign-in proxies' (of apps and of
/// the monitoring services), Nextcloud's companions, Grafana, Loki, Prometheus and
/// Alertmanager, and node-exporter, cAdvisor and Fluent Bit on every node.
/// One-shot jobs are left out (they finish), and so is a global app placed by node labels,
/// whose node count the model does not know. One short rule per service keeps the file linear
/// in the apps (a constant each Prometheus evaluates in microseconds).
enum DesiredTasks {
    static let metric = "stackc:service_tasks:desired"

    /// `(Swarm service name, tasks)`, in the order of the model.
    static func counts(_ stack: ResolvedStack) -> [(service: String, tasks: Int)] {
        var counts: [(String, Int)] = []
        func add(_ name: String, _ tasks: Int?) {
            if let tasks { counts.append(("\(stack.name)_\(name)", tasks)) }
        }
        let nodes = stack.cluster.managers + stack.cluster.workers
        for app in stack.apps {
            add(app.name, tasks(app.replicas, app.placement, stack.cluster))
            if app.preset == .nextcloud {
                add(PlatformNames.nextcloudCron(app: app.name), 1)
                add(PlatformNames.nextcloudRedis(app: app.name), 1)
            }
            if SingleSignOn.mechanism(app) == .signInProxy {
                add(PlatformNames.signInProxy(app: app.name), stack.taskCount(app.replicas) > 1 ? 2 : 1)
            }
        }
        for database in stack.databases { add(database.name, 1) }
        if let identity = stack.identity { add(PlatformService.keycloak.name, identity.replicas) }
        if hasEdgeProxy(stack) {
            let proxy = stack.proxy.kind == .traefik ? PlatformService.traefik : .haproxy
            switch (stack.proxy.replicas, stack.tls.mode) {
            case (.count(let count), _): add(proxy.name, count)
            case (.global, .acme): add(proxy.name, 1)
            case (.global, _): add(proxy.name, stack.cluster.managers)
            }
        }
        if stack.monitoring.grafana != nil { add(PlatformService.grafana.name, 1) }
        if let registry = stack.registry {
            add(PlatformService.registry.name, 1)
            if registry.mirrorHost != nil { add(PlatformService.registryMirror.name, 1) }
            if stack.trustsRegistryCertificate { add(PlatformNames.registryTrustService, nodes) }
        }
        if SingleSignOn.guardsWithSignIn(stack) {
            for guarded in SingleSignOn.guardedServices(stack) {
                add(PlatformNames.signInProxy(app: guarded.service), 1)
            }
        }
        if !BackupPass.sourceNames(stack).isEmpty {
            add(PlatformNames.backupScheduler, 1)
            add(PlatformNames.backupTools, nodes)
        }
        if stack.monitoring.logs {
            add(PlatformService.loki.name, 1)
            add(PlatformService.fluentBit.name, nodes)
        }
        if stack.monitoring.metrics {
            add(PlatformService.prometheus.name, 1)
            add(PlatformService.nodeExporter.name, nodes)
            add(PlatformService.cadvisor.name, nodes)
            if stack.monitoring.runningAlerts != nil { add(PlatformService.alertmanager.name, 1) }
        }
        return counts
    }

    /// The edge proxy runs when anything is routed (an app, Keycloak, the registry, Grafana, the
    /// monitoring services) or its dashboard is on.
    static func hasEdgeProxy(_ stack: ResolvedStack) -> Bool {
        stack.identity != nil || stack.registry != nil || stack.proxy.dashboardHost != nil
            || stack.monitoring.grafana != nil
            || !SingleSignOn.guardedServices(stack).isEmpty || stack.apps.contains { $0.route != nil }
    }

    /// The tasks of an app: its count, or for a global app the nodes its placement allows; nil
    /// when node labels decide (the model does not know which nodes carry them).
    static func tasks(_ replicas: Replicas, _ placement: Placement, _ cluster: Cluster) -> Int? {
        switch replicas {
        case .count(let count): return count
        case .global:
            if placement.node != nil { return 1 }
            guard placement.labels.isEmpty else { return nil }
            switch placement.role {
            case .manager: return cluster.managers
            case .worker: return cluster.workers
            case nil: return cluster.managers + cluster.workers
            }
        }
    }

    static func document(_ stack: ResolvedStack) -> YAMLValue {
        let rules: [YAMLValue] = counts(stack).map { entry in
            .mapping([
                ("record", .string(metric)),
                ("expr", .string("vector(\(entry.tasks))")),
                ("labels", .mapping([("service", .string(entry.service))])),
            ])
        }
        return .mapping([
            ("groups", .sequence([.mapping([("name", .string("stackc-desired-tasks")), ("rules", .sequence(rules))])]))
        ])
    }
}
