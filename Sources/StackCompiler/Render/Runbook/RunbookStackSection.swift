/// The runbook's first section, what the stack is: its apps, database servers and platform
/// services in tables, the hosts the edge proxy serves, and the stack's graph as Mermaid (the
/// `StackGraph` of `stackc graph`, written by the same `MermaidGraphRenderer`).
enum RunbookStackSection {
    static func lines(_ facts: RunbookFacts) -> [String] {
        var lines = ["## What the stack is", ""]
        lines += appLines(facts)
        lines += databaseLines(facts)
        lines += platformLines(facts)
        lines += hostLines(facts)
        lines += ["### Services, networks and routes", ""]
        lines += [legend(routed: !facts.hosts.isEmpty), ""]
        let graph = StackGraph(plan: facts.plan, edge: facts.edge)
        lines += Markdown.block("mermaid", MermaidGraphRenderer.lines(graph)) + [""]
        return lines
    }

    /// What the diagram's arrows and lines mean.
    static func legend(routed: Bool) -> String {
        let hosts =
            routed
            ? "Hosts lead to the edge proxy, which sends each to its service (the host and path on the arrow). " : ""
        return hosts
            + "A dotted arrow leads from an app to what it waits for (`depends_on`), an arrow labelled database to the "
            + "server a service has its database on, and a dotted line joins a service to a network it is on "
            + "(services reach each other only over a network they share). `stackc graph` prints the same graph, as "
            + "Mermaid or as DOT for Graphviz."
    }

    // MARK: Apps

    static func appLines(_ facts: RunbookFacts) -> [String] {
        let apps = facts.overview.apps.filter { facts.plan.hasService($0.name) }
        guard !apps.isEmpty else { return ["The stack has no apps of its own yet.", ""] }
        var lines = ["### Apps", ""]
        let rows = apps.map { app -> [String] in
            let service = facts.plan.service(app.name) ?? PlannedService(image: app.image)
            return [
                Markdown.code(app.name), image(app, service, facts), replicas(service),
                facts.routes(to: app.name).map { Markdown.code(RunbookFacts.url($0)) }.joined(separator: ", "),
                login(app, facts), app.database.map { database(named: $0, facts) } ?? "",
                app.volumes.map { "\(Markdown.code($0.name)) at \(Markdown.code($0.path))" }.joined(separator: ", "),
                app.backup.map { Markdown.code($0.cron) } ?? "",
            ]
        }
        lines += Markdown.table(
            ["app", "image", "tasks", "route", "login", "database", "volumes", "backup"],
            rows.map { $0.map { $0.isEmpty ? "–" : $0 } })
        lines.append("")
        for app in apps where !app.ports.isEmpty {
            let ports = app.ports.map {
                let nodes = $0.mode == .host ? "on the nodes that run it" : "on every node"
                return "\($0.published)/\($0.transport.rawValue) (to \($0.target), \(nodes))"
            }
            lines += ["\(Markdown.code(app.name)) also publishes \(ports.joined(separator: ", ")).", ""]
        }
        return lines
    }

    /// The image an app runs: its own, or the one `deploy.sh` builds and pushes.
    static func image(_ app: App, _ service: PlannedService, _ facts: RunbookFacts) -> String {
        guard app.build != nil else { return Markdown.code(service.image) }
        let variable = PlatformNames.builtImageTagVariable(app: app.name)
        for case .buildAndPush(let repository, variable, let context) in facts.plan.deploySteps {
            return "built by `deploy.sh` from \(Markdown.code(context)), pushed to \(Markdown.code(repository))"
        }
        return Markdown.code(service.image)
    }

    /// How many tasks run, in words.
    static func replicas(_ service: PlannedService) -> String {
        let count: String
        switch service.kind {
        case .replicated(let replicas): count = String(replicas)
        case .global: count = service.placement.role == .manager ? "one on every manager" : "one on every node"
        case .job: count = "a job, run once per deploy"
        case .scheduled: count = "started on its schedule by `\(PlatformNames.backupScheduler)`"
        }
        return service.placement.maxPerNode.map { "\(count), at most \($0) per node" } ?? count
    }

    static func login(_ app: App, _ facts: RunbookFacts) -> String {
        switch app.auth {
        case .none:
            return app.route == nil ? "" : "none (the app's own, if any)"
        case .basic:
            let users = facts.routes(to: app.name).compactMap(\.basicAuthSecret).flatMap { key in
                facts.secret(key).map { facts.keptFiles($0).map(\.user) } ?? []
            }
            return "password at the proxy (user \(Markdown.codes(users)))"
        case .oidc:
            let roles = app.roles.isEmpty ? "any user of the realm" : "roles \(Markdown.codes(app.roles))"
            let how =
                SingleSignOn.mechanism(app) == .native
                ? "the app's own OIDC sign-in" : "through \(Markdown.code(PlatformNames.signInProxy(app: app.name)))"
            return "single sign-on, \(roles), \(how)"
        }
    }

    static func database(named name: String, _ facts: RunbookFacts) -> String {
        guard let database = facts.databases[name] else { return Markdown.code(name) }
        return "\(Markdown.code(name)) (\(database.engine.rawValue))"
    }

    // MARK: Databases

    static func databaseLines(_ facts: RunbookFacts) -> [String] {
        let databases = facts.overview.databases.filter { facts.plan.hasService($0.name) }
        guard !databases.isEmpty else { return [] }
        var lines = ["### Database servers", ""]
        lines += Markdown.table(
            ["server", "engine", "consumers (a database and user each)", "data volume", "backup"],
            databases.map { database in
                let service = facts.plan.service(database.name) ?? PlannedService(image: "")
                return [
                    Markdown.code(database.name), Markdown.code(service.image),
                    database.engine == .redis
                        ? (database.consumers.isEmpty ? "–" : "\(Markdown.codes(database.consumers)) (shared server)")
                        : (database.consumers.isEmpty ? "–" : Markdown.codes(database.consumers)),
                    service.volumes.map { Markdown.code(facts.swarmName($0.source)) }.joined(separator: ", "),
                    database.backup.map { Markdown.code($0.cron) } ?? "–",
                ]
            })
        lines += [
            "",
            "Each server has its own network (`db-<server>`, encrypted, internal): only its consumers join it.",
            "",
        ]
        return lines
    }

    // MARK: Platform services

    static func platformLines(_ facts: RunbookFacts) -> [String] {
        let platform = facts.services.filter { facts.kind(of: $0.name) == .platform }
        guard !platform.isEmpty else { return [] }
        var lines = ["### Platform services", ""]
        lines += Markdown.table(
            ["service", "what it is", "tasks", "image", "hosts"],
            platform.map { name, service in
                var hosts = facts.routes(to: name).map { Markdown.code(RunbookFacts.url($0)) }
                if name == facts.proxyService, let dashboard = facts.plan.edge?.dashboardHost {
                    hosts.append("\(Markdown.code("https://\(dashboard)/")) (its dashboard)")
                }
                return [
                    Markdown.code(name), role(name, facts), replicas(service), Markdown.code(service.image),
                    hosts.isEmpty ? "–" : hosts.joined(separator: ", "),
                ]
            })
        lines.append("")
        return lines
    }

    /// What a platform service is for: the overview's words, a backup job's source, or its image.
    static func role(_ name: String, _ facts: RunbookFacts) -> String {
        if let job = facts.backupJob(runBy: name) {
            return "backup job of \(Markdown.code(job.name)), on schedule \(Markdown.code(job.schedule.cron))"
        }
        return facts.role(of: name) ?? "added by stackc"
    }

    // MARK: Hosts

    static func hostLines(_ facts: RunbookFacts) -> [String] {
        guard !facts.hosts.isEmpty else {
            return ["The edge proxy serves no host: nothing of this stack is reachable from outside the swarm.", ""]
        }
        var lines = ["### Hosts", ""]
        var rows: [[String]] = []
        for host in facts.hosts {
            for route in facts.routes(on: host) {
                rows.append([
                    Markdown.code(host), Markdown.code(RunbookFacts.url(route)), Markdown.code(route.service),
                    routeLogin(route, facts),
                ])
            }
            if host == facts.plan.edge?.dashboardHost, let proxy = facts.proxyService {
                rows.append([
                    Markdown.code(host), Markdown.code("https://\(host)/"), "\(Markdown.code(proxy))'s dashboard",
                    "password (user `admin`)",
                ])
            }
        }
        lines += Markdown.table(["host", "URL", "service", "who may pass the proxy"], rows)
        lines.append("")
        return lines
    }

    static func routeLogin(_ route: ProxyRoute, _ facts: RunbookFacts) -> String {
        switch route.auth {
        case .none:
            return "anyone"
        case .basic(let key):
            let users = facts.secret(key).map { facts.keptFiles($0).map(\.user) } ?? []
            return "password (user \(Markdown.codes(users)))"
        case .signIn(let proxy):
            return "single sign-on, checked by \(Markdown.code(proxy.service))"
        case .fromNetworks(let ranges):
            return "requests from \(Markdown.codes(ranges)) only"
        }
    }
}
