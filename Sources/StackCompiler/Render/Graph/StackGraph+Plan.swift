extension StackGraph {
    /// The graph of a finished plan: its services and the edge proxy's (`edge`, nil when the
    /// stack routes nothing), the hosts the proxy serves, the networks, and the apps and
    /// databases as the stack overview gives them (without an overview, a plan of a test's own
    /// passes, every service is a platform service and no `depends_on` or database is drawn).
    /// Indexed once, so that a stack of thousands of apps costs no more per app than a small one.
    init(plan: FinishedPlan, edge: RenderedEdge?) {
        let layers = [plan] + (edge.map { [$0.plan] } ?? [])
        let services = layers.flatMap(\.services)
        let names = Set(services.map(\.name))
        var seenHosts = Set<String>()
        let hosts = (edge == nil ? [] : plan.edge?.hosts(plan.routes) ?? []).filter { seenHosts.insert($0).inserted }
        var seenNetworks = Set<String>()
        let networks = layers.flatMap(\.networks).map(\.name).filter { seenNetworks.insert($0).inserted }
        let apps = Set(plan.overview?.apps.map(\.name) ?? [])
        let databases = Set(plan.overview?.databases.map(\.name) ?? [])

        var nodes = hosts.map { Node(id: .host($0), shape: .host, lines: [$0], group: nil) }
        for (name, service) in services {
            let group: Group = apps.contains(name) ? .apps : databases.contains(name) ? .databases : .platform
            nodes.append(
                Node(
                    id: .service(name), shape: group == .databases ? .database : Self.shape(service),
                    lines: [name + Self.tasks(service), Self.repository(service.image)], group: group))
        }
        nodes += networks.map { Node(id: .network($0), shape: .network, lines: ["network " + $0], group: nil) }

        var edges: [Edge] = []
        if let proxy = edge?.plan.services.first?.name, names.contains(proxy) {
            edges += hosts.map { Edge(from: .host($0), to: .service(proxy), kind: .request, label: nil) }
            edges += Self.routes(plan.routes, from: proxy, among: names)
        }
        edges += Self.dependencies(plan.overview, among: names)
        edges += Self.connections(plan.overview, among: names)
        edges += Self.memberships(services, networks)
        self.init(stack: plan.context.stackName, nodes: nodes, edges: edges)
    }

    /// The proxy to each routed service, labelled with the host and path; one edge for each.
    static func routes(_ routes: [ProxyRoute], from proxy: String, among names: Set<String>) -> [Edge] {
        var drawn = Set<String>()
        var edges: [Edge] = []
        for route in routes where names.contains(route.service) {
            let text = route.host + route.path
            guard drawn.insert(route.service + " " + text).inserted else { continue }
            edges.append(Edge(from: .service(proxy), to: .service(route.service), kind: .route, label: text))
        }
        return edges
    }

    /// Each app to what it `depends_on`: an app, a database server, or the platform service a
    /// section stands for (`identity` is Keycloak, `registry` the registry).
    static func dependencies(_ overview: StackOverview?, among names: Set<String>) -> [Edge] {
        var edges: [Edge] = []
        for app in overview?.apps ?? [] where names.contains(app.name) {
            var drawn = Set<String>()
            for dependency in app.dependsOn {
                let target: String?
                switch dependency.kind {
                case .app, .database: target = dependency.name
                case .identity, .registry: target = PlatformService.forDependency(dependency.kind)?.name
                }
                guard let target, names.contains(target), drawn.insert(target).inserted else { continue }
                edges.append(
                    Edge(from: .service(app.name), to: .service(target), kind: .dependsOn, label: "depends_on"))
            }
        }
        return edges
    }

    /// Each consumer of a database (an app, or Keycloak) to the database's server.
    static func connections(_ overview: StackOverview?, among names: Set<String>) -> [Edge] {
        var edges: [Edge] = []
        for database in overview?.databases ?? [] where names.contains(database.name) {
            for consumer in database.consumers where names.contains(consumer) {
                edges.append(
                    Edge(from: .service(consumer), to: .service(database.name), kind: .database, label: "database"))
            }
        }
        return edges
    }

    /// Each service to each network it is on: network by network, services in stack order.
    static func memberships(
        _ services: [(name: String, service: PlannedService)], _ networks: [String]
    ) -> [Edge] {
        var members: [String: [String]] = [:]
        for (name, service) in services {
            for network in Set(service.networks) { members[network, default: []].append(name) }
        }
        return networks.flatMap { network in
            (members[network] ?? []).map { Edge(from: .service($0), to: .network(network), kind: .network, label: nil) }
        }
    }

    /// A service's shape: a job, a service on every node, or one of so many tasks.
    static func shape(_ service: PlannedService) -> Shape {
        switch service.kind {
        case .job, .scheduled: .job
        case .global: .everyNode
        case .replicated: .service
        }
    }

    /// How many tasks run, after the name: ` ×2`, ` on every node`, ` (job)`; nothing for one.
    static func tasks(_ service: PlannedService) -> String {
        switch service.kind {
        case .replicated(let count): count == 1 ? "" : " ×\(count)"
        case .global: service.placement.role == .manager ? " on every manager" : " on every node"
        case .job: " (job)"
        case .scheduled: " (scheduled)"
        }
    }

    /// An image without its tag or digest (`nginx` of `nginx:1.27-alpine`; a registry's port
    /// stays). A tag `deploy.sh` sets (`${STACKC_TAG_…}`) goes with the rest of the tag.
    static func repository(_ image: String) -> String {
        let untemplated = image.firstIndex { $0 == "$" || $0 == "@" }.map { image[..<$0] } ?? image[...]
        guard let colon = untemplated.lastIndex(of: ":"), !untemplated[colon...].contains("/") else {
            return String(untemplated)
        }
        return String(untemplated[..<colon])
    }
}
