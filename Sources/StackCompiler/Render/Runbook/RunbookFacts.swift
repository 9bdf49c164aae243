/// What the runbook's sections read, gathered once from the finished plan, the edge proxy's own
/// plan and the stack overview: every service and secret of the stack (the proxy's included),
/// which services mount what, the hosts, and the names things have in the swarm. The lookups are
/// indexed once, so that a stack of thousands of apps costs no more per app than a small one.
struct RunbookFacts {
    /// What a service of the stack is, for the tables and the diagram.
    enum ServiceKind: Equatable {
        case app
        case database(Database.Engine)
        case platform
    }

    let plan: FinishedPlan
    let overview: StackOverview
    let edge: RenderedEdge?
    /// The stack's name (`docker stack deploy … NAME`).
    let stack: String
    /// Every service of `stack.yml`: the plan's, then the edge proxy's.
    let services: [(name: String, service: PlannedService)]
    /// Every secret the stack mounts, each once: the plan's, then the edge proxy's.
    let secrets: [PlannedSecret]
    let networks: [(name: String, network: PlannedNetwork)]
    let volumes: [(name: String, volume: PlannedVolume)]
    /// Every host the edge proxy serves, each once, in route order, then its dashboard's.
    let hosts: [String]
    /// Every file of the output folder, `RUNBOOK.md` included, sorted.
    let paths: [String]
    /// The files the plan, the edge proxy and the start-up wrappers write (with their config keys).
    let files: [PlannedFile]
    let wrappers: [EntrypointWrapperRenderer.Wrapper]
    /// The apps by name (a lookup, for stacks of many apps).
    let apps: [String: App]
    let databases: [String: Database]
    /// Lookups by name and key.
    private let serviceIndex: [String: Int]
    private let secretsByKey: [String: PlannedSecret]
    private let mountsOfSecret: [String: [String]]
    private let mountsOfVolume: [String: [String]]
    private let routesByService: [String: [ProxyRoute]]
    private let routesByHost: [String: [ProxyRoute]]
    private let routesByBasicSecret: [String: [ProxyRoute]]
    private let filesByPath: [String: PlannedFile]
    /// The database secrets by key: the server, and the consumer for a user's password.
    let databaseSecrets: [String: (database: Database, consumer: String?)]
    /// The node of the cluster model `form-swarm.sh` labels for each pin group it labels.
    private let pinNodes: [String: String]
    /// What each platform service is for (the overview's words), and the backup job each
    /// backup service runs.
    private let platformRoles: [String: String]
    private let backupJobs: [String: BackupJob]

    init(
        plan: FinishedPlan, overview: StackOverview, edge: RenderedEdge?,
        wrappers: [EntrypointWrapperRenderer.Wrapper], paths: [String]
    ) {
        self.plan = plan
        self.overview = overview
        self.edge = edge
        stack = plan.context.stackName
        let layers = [plan] + (edge.map { [$0.plan] } ?? [])
        services = layers.flatMap(\.services)
        var seenSecrets = Set<String>()
        secrets = layers.flatMap(\.secrets).filter { seenSecrets.insert($0.key).inserted }
        var seenNetworks = Set<String>()
        networks = layers.flatMap(\.networks).filter { seenNetworks.insert($0.name).inserted }
        var seenVolumes = Set<String>()
        volumes = layers.flatMap(\.volumes).filter { seenVolumes.insert($0.name).inserted }
        var seenHosts = Set<String>()
        let served = edge == nil ? [] : plan.edge?.hosts(plan.routes) ?? []
        hosts = served.filter { seenHosts.insert($0).inserted }
        self.paths = paths
        self.wrappers = wrappers
        files = layers.flatMap(\.files) + wrappers.map(\.file)
        apps = Dictionary(overview.apps.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        databases = Dictionary(overview.databases.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        serviceIndex = Dictionary(
            services.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        secretsByKey = Dictionary(secrets.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var secretMounts: [String: [String]] = [:]
        var volumeMounts: [String: [String]] = [:]
        for (name, service) in services {
            for key in Set(service.secrets.map(\.source)).sorted() { secretMounts[key, default: []].append(name) }
            for volume in Set(service.volumes.map(\.source)).sorted() { volumeMounts[volume, default: []].append(name) }
        }
        mountsOfSecret = secretMounts
        mountsOfVolume = volumeMounts
        routesByService = Dictionary(grouping: plan.routes, by: \.service)
        routesByHost = Dictionary(grouping: plan.routes, by: \.host)
        routesByBasicSecret = Dictionary(grouping: plan.routes.filter { $0.basicAuthSecret != nil }) {
            $0.basicAuthSecret ?? ""
        }
        filesByPath = Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var databaseSecrets: [String: (database: Database, consumer: String?)] = [:]
        for database in overview.databases {
            guard database.engine != .redis else {
                for user in RedisUsers.users(of: database) { databaseSecrets[user.secret] = (database, user.name) }
                continue
            }
            databaseSecrets[PlatformNames.databaseAdminSecret(database.name)] = (database, nil)
            for consumer in database.consumers {
                databaseSecrets[PlatformNames.databasePasswordSecret(database: database.name, consumer: consumer)] =
                    (database, consumer)
            }
        }
        self.databaseSecrets = databaseSecrets
        var pinNodes: [String: String] = [:]
        if let nodes = plan.nodes {
            for label in NodeLabels.assign(plan, nodes) where label.isPin { pinNodes[label.key] = label.node }
        }
        self.pinNodes = pinNodes
        platformRoles = Dictionary(overview.platformRoles, uniquingKeysWith: { first, _ in first })
        backupJobs = Dictionary(
            (plan.backups?.jobs ?? []).map { ($0.service, $0) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: Services

    func kind(of service: String) -> ServiceKind {
        if apps[service] != nil { return .app }
        if let database = databases[service] { return .database(database.engine) }
        return .platform
    }

    /// What the platform service `name` is for, when the overview says.
    func role(of name: String) -> String? { platformRoles[name] }

    /// The backup job the service `name` runs, if it is one.
    func backupJob(runBy name: String) -> BackupJob? { backupJobs[name] }

    /// The service's name in the swarm: `<stack>_<service>`.
    func swarmName(_ service: String) -> String { "\(stack)_\(service)" }

    /// The edge proxy's service, when the stack has one.
    var proxyService: String? { edge?.plan.services.first?.name }

    /// The service called `name` (the edge proxy's too).
    func service(_ name: String) -> PlannedService? {
        serviceIndex[name].map { services[$0].service }
    }

    /// The secret with the key `key`.
    func secret(_ key: String) -> PlannedSecret? { secretsByKey[key] }

    /// The file at `path`, when the plan, the edge proxy or a start-up wrapper writes it.
    func file(_ path: String) -> PlannedFile? { filesByPath[path] }

    /// The services that mount the secret `key`, in stack order.
    func services(mountingSecret key: String) -> [String] { mountsOfSecret[key] ?? [] }

    /// The services that mount the volume `name`, in stack order.
    func services(mountingVolume name: String) -> [String] { mountsOfVolume[name] ?? [] }

    /// The services of kind `.job`, which run to completion.
    var jobs: [String] { services.filter { $0.service.kind == .job }.map(\.name) }

    // MARK: Hosts and routes

    /// The routes to `service`, in route order.
    func routes(to service: String) -> [ProxyRoute] { routesByService[service] ?? [] }

    /// The routes on `host`, in route order.
    func routes(on host: String) -> [ProxyRoute] { routesByHost[host] ?? [] }

    /// `https://host/path` (or `http://`) of a route.
    static func url(_ route: ProxyRoute) -> String {
        "\(route.https ? "https" : "http")://\(route.host)\(route.path)"
    }

    /// Where people reach the stack's hosts: the virtual IP, else the managers' addresses (the
    /// edge proxy runs on managers and publishes its ports on the node); nil when the manifest
    /// does not describe the cluster.
    var hostAddresses: [String]? {
        guard overview.cluster.isDescribed else { return nil }
        if let vip = overview.cluster.vip { return [vip] }
        return overview.cluster.nodes.filter { $0.role == .manager }.map(\.address)
    }

    // MARK: Secrets and credentials

    /// Where `deploy.sh` keeps the passwords people log in with, as a shell word that expands
    /// the same way `deploy.sh` does (`STACKC_CREDENTIALS_DIR` wins).
    var credentialsDirectory: String { "\"${STACKC_CREDENTIALS_DIR:-$HOME/.config/stackc/\(stack)}\"" }

    /// The shell line that sets `CREDENTIALS_DIR` as `deploy.sh` does.
    var credentialsDirectoryLine: String { "CREDENTIALS_DIR=\(credentialsDirectory)" }

    /// The files `deploy.sh` keeps in the credentials folder for a secret, with the user each
    /// holds the password of.
    func keptFiles(_ secret: PlannedSecret) -> [(file: String, user: String)] {
        switch secret.recipe {
        case .loginPassword(let user)?:
            return [("\(secret.name).\(user)", user)]
        case .htpasswd(let users)?:
            return users.map { ("\(secret.keptPasswords(stack: stack)).\($0)", $0) }
        default:
            return []
        }
    }

    /// The hosts where the logins of a secret are asked for: routes whose basic auth it is, the
    /// dashboard's for the proxy's own, and the routes to the services that mount it.
    func loginHosts(_ secret: PlannedSecret) -> [String] {
        var hosts: [String] = []
        for route in routesByBasicSecret[secret.key] ?? [] where !hosts.contains(route.host) {
            hosts.append(route.host)
        }
        if secret.key == PlatformNames.proxyDashboardSecret, let host = plan.edge?.dashboardHost,
            !hosts.contains(host)
        {
            hosts.append(host)
        }
        let proxy = proxyService
        for service in services(mountingSecret: secret.key) where service != proxy {
            for route in routes(to: service) where !hosts.contains(route.host) { hosts.append(route.host) }
        }
        return hosts
    }

    /// The shell line that creates a secret `deploy.sh` would make, from standard input, with
    /// the labels `deploy.sh` gives it (so that it is recognised as generated).
    func createGeneratedSecret(_ name: String) -> String {
        let namespace = ShellQuoting.quote("com.docker.stack.namespace=\(stack)")
        return
            "docker secret create --label \(namespace) --label com.stackc.generated=true \(ShellQuoting.quote(name)) -"
    }

    // MARK: Placement

    /// Where the state of a service that keeps it on one node's disk is, in words: its named
    /// node, or the pin label `deploy.sh` (or `form-swarm.sh`) puts on one node.
    func pinLabel(_ service: PlannedService) -> String? {
        if let node = service.placement.node { return "\(PlatformNames.nodeNameLabel)=\(node)" }
        return service.placement.pin.map { "\(PlatformNames.pinLabel(stack: stack, group: $0))=true" }
    }

    /// The node of the cluster model that `form-swarm.sh` labels for a pin group, when the
    /// model decides it (a provisioned cluster, a group without node labels of its own).
    func modelNode(forPin group: String) -> String? {
        pinNodes[PlatformNames.pinLabel(stack: stack, group: group)]
    }
}
