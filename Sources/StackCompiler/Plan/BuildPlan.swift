import StackDiagnostics

/// What the passes contribute to: the services of the stack and the things around them, said
/// without any backend's spelling. Passes only add to it, and none reads back what another
/// added: a change to a service another pass owns is recorded as an `Amendment`, and a service
/// made from another (a companion) names it, both applied by `finish()` once every pass has
/// run. Renderers then read the `FinishedPlan`, so the order of the passes decides no more than
/// the order of entries in the files.
struct BuildPlan {
    let context: BuildContext

    private(set) var services: [(name: String, service: PlannedService)] = []
    private var serviceIndex: [String: Int] = [:]
    private(set) var amendments: [(service: String, change: Amendment, origin: OutputOrigin)] = []
    private(set) var companions: [Companion] = []
    private(set) var startups: [StartupPlan] = []
    private(set) var routes: [ProxyRoute] = []
    private(set) var networks: [(name: String, network: PlannedNetwork)] = []
    private(set) var volumes: [(name: String, volume: PlannedVolume)] = []
    private(set) var secrets: [PlannedSecret] = []
    private(set) var files: [PlannedFile] = []
    private(set) var deploySteps: [DeployStep] = []
    private(set) var edge: EdgePlan?
    /// How every service of the stack without its own logs (set by the pass that reads the
    /// logs); nil leaves the nodes' default.
    private(set) var logging: ServiceLogging?
    /// What the nodes are given; nil when the manifest does not describe its cluster.
    private(set) var nodes: NodePlan?
    /// What is backed up and where; nil when the manifest asks for no backup.
    private(set) var backups: BackupPlan?
    /// What the stack is in the manifest's terms, for `RUNBOOK.md`; nil for `lint`.
    private(set) var overview: StackOverview?
    /// Warnings, and errors only the build can find, about the manifest.
    private(set) var warnings: [Diagnostic] = []
    /// Contributions that contradict each other (a service added twice, a file written twice):
    /// mistakes in stackc, reported by `finish()` instead of stopping the process.
    private(set) var conflicts: [String] = []
    private var declared: Set<Declaration> = []
    /// The pass contributing now and the manifest keys it reads: every contribution is stamped
    /// with it (the source map of `stackc explain FILE:LINE`).
    private(set) var origin = OutputOrigin(producer: "BuildPlan", keys: ["name"])
    /// Where the networks, volumes and secrets come from, by name (key for secrets).
    private(set) var origins = DeclarationOrigins()

    /// A top-level name, by kind.
    private enum Declaration: Hashable {
        case network(String)
        case volume(String)
        case secret(String)
        case config(String)
        case file(String)
    }

    init(context: BuildContext) {
        self.context = context
    }

    // MARK: Origins

    /// Sets the pass that contributes next, reading `keys` (the pipeline, before each pass).
    mutating func begin(pass: String, keys: [ManifestKeyPath]) {
        origin = OutputOrigin(producer: pass, keys: keys)
    }

    /// Says which manifest keys what the pass contributes next comes from.
    /// (Nothing for `lint`, which renders nothing.)
    mutating func reading(_ keys: @autoclosure () -> [ManifestKeyPath]) {
        guard context.renders else { return }
        origin.keys = keys()
    }

    /// The current pass with other keys: for a part of a contribution (a service's replicas, an
    /// entry of a file) made from narrower keys. (The pass's own for `lint`.)
    func origin(_ keys: @autoclosure () -> [ManifestKeyPath]) -> OutputOrigin {
        guard context.renders else { return origin }
        return OutputOrigin(producer: origin.producer, keys: keys())
    }

    // MARK: Contributions

    /// Adds a service the calling pass owns.
    mutating func addService(_ name: String, _ service: PlannedService) {
        guard serviceIndex[name] == nil else {
            conflicts.append("two passes add the service '\(name)'")
            return
        }
        serviceIndex[name] = services.count
        guard context.renders else {
            services.append((name, PlannedService(image: service.image)))
            return
        }
        var service = service
        if service.origins.whole == nil { service.origins.whole = origin }
        services.append((name, service))
    }

    /// Records a change to a service that another pass adds (before or after this one).
    mutating func amend(_ service: String, _ change: Amendment) {
        guard context.renders else { return }
        amendments.append((service, change, origin))
    }

    /// Adds a service made from another one as it is once every amendment is applied. It
    /// takes its place among the services now; `finish()` makes it.
    mutating func addCompanion(_ companion: Companion) {
        addService(companion.name, PlannedService(image: ""))
        companions.append(companion)
    }

    /// Asks for a start-up wrapper in front of a service's own start.
    mutating func addStartup(_ startup: StartupPlan) {
        var startup = startup
        if startup.origin == nil { startup.origin = origin }
        startups.append(startup)
    }

    /// Asks the edge proxy to route a host (and path) to a service.
    mutating func addRoute(_ route: ProxyRoute) {
        guard context.renders else { return }
        var route = route
        if route.origin == nil { route.origin = origin }
        routes.append(route)
    }

    /// Declares a network once.
    mutating func addNetwork(_ name: String, _ network: PlannedNetwork = PlannedNetwork()) {
        guard context.renders else { return }
        if declared.insert(.network(name)).inserted {
            networks.append((name, network))
            origins.networks[name] = origin
        }
    }

    /// Declares a volume once.
    mutating func addVolume(_ name: String, _ volume: PlannedVolume = PlannedVolume()) {
        guard context.renders else { return }
        if declared.insert(.volume(name)).inserted {
            volumes.append((name, volume))
            origins.volumes[name] = origin
        }
    }

    /// Declares a secret the stack makes, and how `deploy.sh` makes it when it is missing.
    /// Returns the secret's key, for services to mount.
    @discardableResult
    mutating func requireSecret(_ key: String, recipe: DeploySecret.Recipe) -> String {
        guard context.renders else { return key }
        if declared.insert(.secret(key)).inserted {
            origins.secrets[key] = origin
            secrets.append(
                PlannedSecret(
                    key: key, name: PlatformNames.secretName(stack: context.stackName, key: key, recipe: recipe),
                    recipe: recipe))
        }
        return key
    }

    /// Declares a secret the operator creates under its own name (the manifest's `secrets`).
    mutating func declareOperatorSecret(_ name: String) {
        guard context.renders else { return }
        if declared.insert(.secret(name)).inserted {
            origins.secrets[name] = origin
            secrets.append(PlannedSecret(key: name, name: name, recipe: nil))
        }
    }

    /// Adds a generated file that stays in the output folder.
    mutating func addFile(_ path: String, _ contents: @autoclosure @escaping () -> String, executable: Bool = false) {
        guard context.renders else { return }
        guard declared.insert(.file(path)).inserted else {
            conflicts.append("two passes write '\(path)'")
            return
        }
        files.append(
            PlannedFile(path: path, make: contents, executable: executable, configKey: nil, origin: origin))
    }

    /// Adds a generated file that is also delivered into containers (a config named after its
    /// content, so an edited file rolls out). Returns the config's key, for services to mount.
    mutating func addConfigFile(
        key: String, path: String, contents: @autoclosure @escaping () -> String, executable: Bool = false
    ) -> String {
        guard context.renders else { return key }
        guard declared.insert(.file(path)).inserted, declared.insert(.config(key)).inserted else {
            conflicts.append("two passes write '\(path)' or the config '\(key)'")
            return key
        }
        files.append(PlannedFile(path: path, make: contents, executable: executable, configKey: key, origin: origin))
        return key
    }

    /// The same for a file whose maker records the origin of each of its lines.
    mutating func addConfigFile(
        key: String, path: String, annotated: @escaping () -> OriginText, executable: Bool = false
    ) -> String {
        guard context.renders else { return key }
        guard declared.insert(.file(path)).inserted, declared.insert(.config(key)).inserted else {
            conflicts.append("two passes write '\(path)' or the config '\(key)'")
            return key
        }
        files.append(
            PlannedFile(path: path, annotated: annotated, executable: executable, configKey: key, origin: origin))
        return key
    }

    /// Adds a step `deploy.sh` runs before it deploys.
    mutating func addDeployStep(_ step: DeployStep) {
        guard context.renders else { return }
        deploySteps.append(step)
    }

    /// Says which edge proxy serves the routes, and how.
    mutating func setEdge(_ edge: EdgePlan) {
        if self.edge != nil { conflicts.append("two passes set the edge proxy") }
        self.edge = edge
        origins.edge = origin
    }

    /// Says how every service of the stack logs, the edge proxy's included, unless a service
    /// says otherwise.
    mutating func setLogging(_ logging: ServiceLogging) {
        if self.logging != nil { conflicts.append("two passes set how services log") }
        self.logging = logging
        origins.logging = origin
    }

    /// Says what the nodes of the cluster are given.
    mutating func setNodes(_ nodes: NodePlan) {
        if self.nodes != nil { conflicts.append("two passes set the nodes") }
        self.nodes = nodes
        origins.nodes = origin
    }

    /// Says what the stack backs up.
    mutating func setBackups(_ backups: BackupPlan) {
        if self.backups != nil { conflicts.append("two passes set the backups") }
        self.backups = backups
    }

    /// Says what the stack is, for the files that explain it.
    mutating func setOverview(_ overview: StackOverview) {
        if self.overview != nil { conflicts.append("two passes set the stack overview") }
        self.overview = overview
    }

    /// Records an error about the manifest at `span` that only the build can find (a file it
    /// names that cannot be delivered): nothing is written.
    mutating func fail(_ code: DiagnosticCode, _ message: String, at span: SourceSpan?, help: String? = nil) {
        warnings.append(
            Diagnostic(
                code: code, severity: .error, message: message, path: context.manifestPath, span: span, help: help))
    }

    /// Records a build warning about the manifest at `span`.
    mutating func warn(_ code: DiagnosticCode, _ message: String, at span: SourceSpan?, help: String? = nil) {
        warnings.append(
            Diagnostic(
                code: code, severity: .warning, message: message, path: context.manifestPath, span: span, help: help))
    }

    // MARK: Finishing

    /// The plan once every pass has run: amendments applied to their services in the order
    /// they were made, companions made from the amended services. An amendment or companion
    /// whose service no pass added is a conflict, reported with the others.
    /// (Consuming: the services move into the finished plan instead of being copied, which
    /// mattered for `lint` on thousands of apps.)
    consuming func finish() -> FinishedPlan {
        var services = self.services
        self.services = []
        var conflicts = self.conflicts
        for (name, change, origin) in amendments {
            guard let index = serviceIndex[name] else {
                conflicts.append("a pass changes the service '\(name)', which no pass adds")
                continue
            }
            change.apply(to: &services[index].service, origin: origin)
        }
        for companion in companions {
            guard let position = serviceIndex[companion.of], let slot = serviceIndex[companion.name] else {
                conflicts.append("the companion '\(companion.name)' is made from '\(companion.of)', which no pass adds")
                continue
            }
            let whole = services[slot].service.origins.whole
            services[slot].service = companion.make(from: services[position].service)
            services[slot].service.origins.whole = whole
        }
        if context.renders { conflicts += Self.pinNodeLocalState(&services, volumes: volumes) }
        for route in routes where serviceIndex[route.service] == nil {
            conflicts.append(
                "a route to '\(route.host)\(route.path)' names the service '\(route.service)', which no pass adds")
        }
        // A route behind a sign-in proxy that no pass adds would fail open in no proxy, but it is
        // a mistake all the same: nothing is written.
        for route in routes {
            if let proxy = route.signIn, serviceIndex[proxy.service] == nil {
                conflicts.append(
                    "the route to '\(route.host)\(route.path)' signs in through '\(proxy.service)', which no pass adds")
            }
        }
        for startup in startups where serviceIndex[startup.service] == nil {
            conflicts.append("a start-up wrapper is asked for '\(startup.service)', which no pass adds")
        }
        return FinishedPlan(
            context: context, services: services, serviceIndex: serviceIndex,
            startups: startups.filter { serviceIndex[$0.service] != nil },
            routes: routes.filter { serviceIndex[$0.service] != nil }, networks: networks,
            volumes: volumes, secrets: secrets, files: files, deploySteps: deploySteps, edge: edge,
            logging: logging, nodes: nodes, backups: backups, overview: overview, origins: origins, warnings: warnings,
            conflicts: conflicts)
    }
}

extension BuildPlan {
    /// The one rule for state on a node's disk: a service that mounts a volume not on the shared
    /// storage runs on one node, together with every service that mounts one of the same
    /// volumes (Swarm would otherwise start a moved task on an empty volume). A group placed on a
    /// named node is pinned by that; any other group gets a pin, named after its first service,
    /// for which the deploy labels one eligible node. Returns conflicts: one group placed on two
    /// named nodes. Global services are left out: each of their tasks has its own node's volume.
    static func pinNodeLocalState(
        _ services: inout [(name: String, service: PlannedService)], volumes: [(name: String, volume: PlannedVolume)]
    ) -> [String] {
        let local = Set(volumes.filter { $0.volume.sharedFolder == nil && !$0.volume.perNode }.map(\.name))
        // Union-find over service positions, joined through the local volumes they share.
        var parent = Array(services.indices)
        func root(_ index: Int) -> Int {
            var index = index
            while parent[index] != index { index = parent[index] }
            return index
        }
        var firstUser: [String: Int] = [:]
        var stateful = Set<Int>()
        // A global service's task on each node keeps its own node's volume (a log shipper's
        // positions): that is the point, and nothing to pin.
        for (index, entry) in services.enumerated() where entry.service.kind != .global {
            for (volume, _) in entry.service.volumes where local.contains(volume) {
                stateful.insert(index)
                if let first = firstUser[volume] {
                    let (a, b) = (root(first), root(index))
                    parent[max(a, b)] = min(a, b)
                } else {
                    firstUser[volume] = index
                }
            }
        }
        // A service beside one that keeps state joins its group; one that must stay on one node
        // is a group of its own otherwise.
        let positions = Dictionary(services.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (index, entry) in services.enumerated() where entry.service.kind != .global {
            if let other = entry.service.placement.beside.flatMap({ positions[$0] }), stateful.contains(other) {
                let (a, b) = (root(other), root(index))
                parent[max(a, b)] = min(a, b)
                stateful.insert(index)
            }
            if entry.service.placement.oneNode { stateful.insert(index) }
        }
        var groups: [Int: [Int]] = [:]
        for index in stateful.sorted() { groups[root(index), default: []].append(index) }
        var conflicts: [String] = []
        for (first, members) in groups.sorted(by: { $0.key < $1.key }) {
            let nodes = Set(members.compactMap { services[$0].service.placement.node })
            if nodes.count > 1 {
                conflicts.append(
                    "the services \(members.map { "'\(services[$0].name)'" }.joined(separator: ", ")) share a volume but are placed on the nodes \(nodes.sorted().joined(separator: ", "))"
                )
                continue
            }
            for member in members {
                if let node = nodes.first {
                    services[member].service.placement.node = node
                } else {
                    services[member].service.placement.pin = services[first].name
                }
            }
        }
        return conflicts
    }
}

/// The plan as renderers read it: complete, and no longer changed.
struct FinishedPlan {
    let context: BuildContext
    let services: [(name: String, service: PlannedService)]
    let serviceIndex: [String: Int]
    let startups: [StartupPlan]
    let routes: [ProxyRoute]
    let networks: [(name: String, network: PlannedNetwork)]
    let volumes: [(name: String, volume: PlannedVolume)]
    let secrets: [PlannedSecret]
    let files: [PlannedFile]
    let deploySteps: [DeployStep]
    let edge: EdgePlan?
    /// How every service without its own logs (`PlannedService.logging`).
    let logging: ServiceLogging?
    let nodes: NodePlan?
    let backups: BackupPlan?
    let overview: StackOverview?
    /// Where the networks, volumes, secrets and the logging settings come from.
    let origins: DeclarationOrigins
    let warnings: [Diagnostic]
    let conflicts: [String]

    /// The service called `name`, if the plan has it.
    func service(_ name: String) -> PlannedService? {
        serviceIndex[name].map { services[$0].service }
    }

    /// Whether the plan has a service called `name` (without copying it).
    func hasService(_ name: String) -> Bool {
        serviceIndex[name] != nil
    }

    /// Where another service reaches `name`: its port and the HTTP path that says it is ready.
    func endpoint(of name: String) -> (port: Int?, readinessPath: String?) {
        guard let index = serviceIndex[name] else { return (nil, nil) }
        return (services[index].service.port, services[index].service.readinessPath)
    }

    /// Whether `deploy.sh` builds images (and `stack.yml` reads their tags from it).
    var buildsImages: Bool {
        deploySteps.contains { if case .buildAndPush = $0 { return true } else { return false } }
    }

    /// The services `deploy.sh` deploys first (`stack.platform.yml`), with the edge proxy's
    /// (`edge`, its own plan); empty when no step asks for any.
    func deployedFirst(edge: FinishedPlan?) -> [String] {
        var first: [String] = []
        for case .deployFirst(let services) in deploySteps { first += services }
        return first.isEmpty ? [] : first + (edge?.services.map(\.name) ?? [])
    }
}

/// What every generated file says about where it came from.
struct BuildContext {
    /// The manifest's path, for headers.
    let sourcePath: String
    /// The manifest's path as it was read, for warnings.
    let manifestPath: String
    let stackName: String
    /// The manifest's folder as seen from the output folder, for build contexts in `deploy.sh`.
    let sourceDirectory: String
    /// False for `lint`: the plan keeps only what diagnostics need (which services exist, the
    /// start-up steps, the warnings), and drops the rest as it is contributed.
    var renders = true
    /// The files apps deliver (`files`), by the path the manifest gives, as the caller read them;
    /// nil when they are not to be checked (`lint` without the files at hand).
    var deliveredFiles: [String: DeliveredFileContents]? = [:]
    /// The Dockerfile of each app with `build`, by its `build` path, as the caller read it; a
    /// context missing here was not read.
    var dockerfiles: [String: DeliveredFileContents] = [:]

    /// The header every generated file with comments carries.
    var headerLines: [String] {
        [
            "Generated by stackc from \(sourcePath); do not edit.",
            "Edit the manifest and run: stackc build \(sourcePath)",
        ]
    }
}

/// A change one pass makes to a service another pass adds.
enum Amendment {
    /// Sets these variables, each replacing an earlier value.
    case environment([(key: String, value: String)])
    /// Joins a network, unless the service already has.
    case joinNetwork(String)
    /// Mounts a secret at `/run/secrets/<target>`.
    case mountSecret(source: String, target: String)
    /// Mounts a file of the plan (by config key).
    case mountFile(source: String, target: String, mode: Int)
    /// Adds service labels (read through the Swarm API), each replacing an earlier value.
    case labels([(key: String, value: String)])
    case stopGracePeriod(TimeSpan)

    /// Applies the change; what it sets has `origin`, the amending pass's.
    func apply(to service: inout PlannedService, origin: OutputOrigin? = nil) {
        switch self {
        case .environment(let variables):
            for (key, value) in variables {
                service.setEnvironment(key, value)
                service.origins.fields[.environment(key)] = origin
            }
        case .joinNetwork(let network):
            if !service.networks.contains(network) { service.origins.fields[.network(network)] = origin }
            service.join(network)
        case .mountSecret(let source, let target):
            service.mountSecret(source, at: target)
            service.origins.fields[.secret(source)] = origin
        case .mountFile(let source, let target, let mode):
            service.files.append((source, target, mode))
            service.origins.fields[.file(source)] = origin
        case .labels(let labels):
            for (key, value) in labels {
                service.labels.removeAll { $0.key == key }
                service.labels.append((key, value))
                service.origins.fields[.label(key)] = origin
            }
        case .stopGracePeriod(let period):
            service.stopGracePeriod = period
            service.origins.fields[.stopGracePeriod] = origin
        }
    }
}

/// A service that runs beside another from the same image, environment, volumes and secrets
/// (Nextcloud's background jobs beside Nextcloud), made once the other is complete.
struct Companion {
    var name: String
    /// The service it is made from.
    var of: String
    var entrypoint: [String]
    /// Networks of the other service it stays off (the proxy's).
    var leavesNetworks: [String]

    func make(from other: PlannedService) -> PlannedService {
        var service = PlannedService(image: other.image)
        service.entrypoint = entrypoint
        service.environment = other.environment
        service.networks = other.networks.filter { !leavesNetworks.contains($0) }
        service.volumes = other.volumes
        service.secrets = other.secrets
        // What is copied keeps the origins it has in the other service.
        service.origins.fields = other.origins.fields.filter { field, _ in
            switch field {
            case .environment, .secret, .volume, .network: return true
            default: return false
            }
        }
        service.origins.whole = other.origins.whole
        // Beside the other on the same nodes, so that node-local volumes are the same ones.
        service.placement = other.placement.nodesOnly
        return service
    }
}

/// A network of the stack.
struct PlannedNetwork {
    /// Services outside the stack (one-off tasks, other stacks) may join it.
    var attachable = false
    /// No route out of the cluster.
    var `internal` = false
    /// Traffic between nodes is encrypted (it carries passwords and data: databases, caches).
    var encrypted = false
    /// A fixed address range, for services that must know it (who may claim to be the proxy).
    var subnet: String?

    /// The network the edge proxy shares with routed services, on the stack's fixed range.
    static func edge(stack: String) -> PlannedNetwork {
        PlannedNetwork(subnet: PlatformNames.publicSubnet(stack: stack))
    }
}

/// A named volume of the stack.
struct PlannedVolume {
    /// For volumes on the shared storage: the folder there that holds it.
    var sharedFolder: String?
    /// Each node has its own, and what is in it belongs to that node (the backup tools, the
    /// backups' freshness files): services that mount it are not pinned by it.
    var perNode = false
}

/// A secret the stack mounts.
struct PlannedSecret {
    /// The key services use.
    var key: String
    /// The name in the swarm.
    var name: String
    /// How `deploy.sh` makes it; nil for one the operator creates.
    var recipe: DeploySecret.Recipe?

    /// Where `deploy.sh` keeps the passwords of people's accounts in the secret, in the
    /// operator's credentials folder (`<this>.<user>`): its name without a version, the same
    /// for every version of the secret.
    func keptPasswords(stack: String) -> String { PlatformNames.fitted("\(stack)_\(key)") }
}

/// A generated file. Its text is made when it is first read, by the renderers: `lint`, which
/// renders nothing, never pays for it. (A class, so that the text is made once however many
/// renderers read it.)
final class PlannedFile {
    /// Relative to the stack's output folder.
    let path: String
    let executable: Bool
    /// Set when the file is delivered into containers: the key services mount it by.
    let configKey: String?
    /// The pass that added it and the keys it is made from: the origin of every line the
    /// file's own map (`lineOrigins`) does not give.
    let origin: OutputOrigin
    private let make: () -> (String, LineOrigins?)
    private lazy var made: (text: String, origins: LineOrigins?) = make()
    var contents: String { made.text }
    /// The origin of each line, when the pass recorded them; nil: every line has `origin`.
    var lineOrigins: LineOrigins? { made.origins }

    init(
        path: String, make: @escaping () -> String, executable: Bool, configKey: String?,
        origin: OutputOrigin = .structure("BuildPlan")
    ) {
        self.path = path
        self.make = { (make(), nil) }
        self.executable = executable
        self.configKey = configKey
        self.origin = origin
    }

    /// A file whose maker says where each of its lines comes from.
    init(
        path: String, annotated: @escaping () -> OriginText, executable: Bool, configKey: String?,
        origin: OutputOrigin
    ) {
        self.path = path
        self.make = {
            let text = annotated()
            return (text.text, text.origins)
        }
        self.executable = executable
        self.configKey = configKey
        self.origin = origin
    }

    convenience init(
        path: String, contents: String, executable: Bool, configKey: String?,
        origin: OutputOrigin = .structure("BuildPlan")
    ) {
        self.init(path: path, make: { contents }, executable: executable, configKey: configKey, origin: origin)
    }
}

/// Something `deploy.sh` does before it deploys the stack.
enum DeployStep {
    /// Deploys these services, with the edge proxy, before anything else
    /// (`stack.platform.yml`), and waits until they run: what the steps after it need.
    case deployFirst(services: [String])
    /// Logs in to the stack's registry as `user`, with the password `deploy.sh` kept when it
    /// made the htpasswd secret of the plan's key `secret`.
    case registryLogin(host: String, user: String, secret: String)
    /// Builds an image from a folder, tags it with a hash of the folder's contents, pushes it
    /// to `repository`, and sets `tagVariable` to the tag for `docker stack deploy`.
    case buildAndPush(repository: String, tagVariable: String, context: String)
}
