/// Renders the edge proxy from the finished plan: its own service, configuration files and
/// secrets (as a small plan of their own, which the stack file lists after the main plan's),
/// and the labels it reads from routed services.
protocol EdgeProxyRenderer {
    static func render(_ plan: FinishedPlan, _ edge: EdgePlan) -> RenderedEdge
}

/// What an edge proxy renderer adds to the stack.
struct RenderedEdge {
    /// The proxy's service, files, secrets, networks and volumes.
    var plan: FinishedPlan
    /// Service labels for routed services, in route order.
    var labels: [(service: String, labels: [(key: String, value: String)])]
    /// Where each service's labels come from: the route's origin, by service (in route order).
    var labelOrigins: [(service: String, origin: OutputOrigin)] = []
    /// The origin of a service's sticky-cookie labels (`ProxyRoute.stickyOrigin`), by service.
    var stickyOrigins: [String: OutputOrigin] = [:]

    /// The edge of the plan, rendered by the proxy it names; nil when nothing is routed and no
    /// dashboard is exposed.
    static func render(_ plan: FinishedPlan) -> RenderedEdge? {
        guard let edge = plan.edge, !plan.routes.isEmpty || edge.dashboardHost != nil else { return nil }
        switch edge.kind {
        case .traefik: return TraefikRenderer.render(plan, edge)
        case .haproxy: return HAProxyRenderer.render(plan, edge)
        }
    }
}

/// How the edge proxy runs, whichever it is.
enum EdgeDeployment {
    /// The proxy's service as both proxies start it: on the public network (declared in the
    /// proxy's own plan), ports 80 and 443 bound on its nodes, deployed as `apply` says.
    static func service(image: String, _ edge: EdgePlan, in plan: inout BuildPlan) -> PlannedService {
        plan.addNetwork(PlatformNames.publicNetwork, .edge(stack: edge.stackName))
        var service = PlannedService(image: image)
        service.networks = [PlatformNames.publicNetwork]
        service.ports = [80, 443].map { PublishedPort(target: $0, published: $0, transport: .tcp, mode: .host) }
        apply(edge, to: &service)
        return service
    }

    /// The proxy's health check: `test` every 10 s, 3 tries of 5 s, after 10 s to start.
    static func healthCheck(_ test: PlannedService.HealthCheck.Test) -> PlannedService.HealthCheck {
        PlannedService.HealthCheck(
            test: test, interval: TimeSpan(seconds: 10), timeout: TimeSpan(seconds: 5), retries: 3,
            startPeriod: TimeSpan(seconds: 10))
    }

    /// Global on the managers (Traefik reads the Swarm API, which only managers serve), or the
    /// replicas asked for, one per node; one replica with ACME, whose account and certificates
    /// live in one file. Its ports are bound on the node, so a new task cannot start beside the
    /// old one there: updates stop first.
    private static func apply(_ edge: EdgePlan, to service: inout PlannedService) {
        switch (edge.replicas, edge.tls.mode) {
        case (.count(let count), _):
            service.kind = .replicated(count)
            service.placement.maxPerNode = 1
        case (.global, .acme):
            service.kind = .replicated(1)
        case (.global, _):
            service.kind = .global
        }
        service.placement.role = .manager
        service.update = PlannedService.UpdatePolicy(
            parallelism: 1, delay: TimeSpan(seconds: 10), failureAction: .rollback, monitor: TimeSpan(seconds: 30),
            order: .stopFirst)
        service.rollback = PlannedService.UpdatePolicy(
            parallelism: 1, delay: nil, failureAction: .pause, monitor: nil, order: .stopFirst)
    }
}
