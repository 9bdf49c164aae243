/// A typed model of a `docker stack deploy` file (the legacy v3 schema that docker/cli
/// validates with). Passes contribute services, networks, volumes, configs and secrets here;
/// `StackFilePass` renders it last.
struct SwarmStack {
    /// Services in the order they were added.
    private(set) var services: [(name: String, service: SwarmService)] = []
    private(set) var networks: [(name: String, network: SwarmNetwork)] = []
    private(set) var volumes: [(name: String, volume: SwarmVolume)] = []
    /// Configs by key, each holding the path of a generated file.
    private(set) var configs: [(name: String, config: SwarmConfig)] = []
    /// External secrets, created at deploy time: the key services use, and the name in the swarm.
    private(set) var secrets: [(key: String, name: String)] = []

    /// Where each name is in its list: passes add one entry per app, so a linear search per
    /// addition would make a build quadratic in apps.
    private var serviceIndex: [String: Int] = [:]
    private var declared: Set<Declaration> = []

    /// A top-level name, by section.
    private enum Declaration: Hashable {
        case network(String)
        case volume(String)
        case secret(String)
        case config(String)
    }

    /// Adds or replaces a service.
    mutating func setService(_ name: String, _ service: SwarmService) {
        if let index = serviceIndex[name] {
            services[index].service = service
        } else {
            serviceIndex[name] = services.count
            services.append((name, service))
        }
    }

    /// Changes the service `name`, which a previous pass added.
    mutating func updateService(_ name: String, _ change: (inout SwarmService) -> Void) {
        guard let index = serviceIndex[name] else {
            preconditionFailure("internal error: no service '\(name)' to update")
        }
        change(&services[index].service)
    }

    /// Declares a network once.
    mutating func addNetwork(_ name: String, _ network: SwarmNetwork) {
        if declared.insert(.network(name)).inserted { networks.append((name, network)) }
    }

    /// Declares a volume once.
    mutating func addVolume(_ name: String, _ volume: SwarmVolume) {
        if declared.insert(.volume(name)).inserted { volumes.append((name, volume)) }
    }

    /// Declares an external secret once.
    mutating func addSecret(_ key: String, name: String) {
        if declared.insert(.secret(key)).inserted { secrets.append((key, name)) }
    }

    /// Declares a config once.
    mutating func addConfig(_ name: String, _ config: SwarmConfig) {
        if declared.insert(.config(name)).inserted { configs.append((name, config)) }
    }

    /// The services called `names` and exactly what they use (networks, volumes, configs,
    /// secrets), each as it is here: deployed under the same stack name, they are the same
    /// services the whole file deploys.
    func only(_ names: Set<String>) -> SwarmStack {
        var part = SwarmStack()
        let kept = services.filter { names.contains($0.name) }
        let networks = Set(kept.flatMap(\.service.networks))
        let volumes = Set(kept.flatMap { $0.service.volumes.map(\.source) })
        let configs = Set(kept.flatMap { $0.service.configs.map(\.source) })
        let secrets = Set(kept.flatMap { $0.service.secrets.map(\.source) })
        for (name, network) in self.networks where networks.contains(name) { part.addNetwork(name, network) }
        for (name, volume) in self.volumes where volumes.contains(name) { part.addVolume(name, volume) }
        for (name, config) in self.configs where configs.contains(name) { part.addConfig(name, config) }
        for (key, name) in self.secrets where secrets.contains(key) { part.addSecret(key, name: name) }
        for (name, service) in kept { part.setService(name, service) }
        return part
    }
}

/// One service of the stack.
struct SwarmService {
    var image: String
    var command: SwarmCommand?
    var entrypoint: [String]?
    var hostname: String?
    /// The user the container runs as (`uid[:gid]`), when not the image's.
    var user: String?
    var environment: [(key: String, value: String)] = []
    /// Container labels (read by agents on the node).
    var labels: [(key: String, value: String)] = []
    var networks: [String] = []
    var volumes: [(source: String, target: String)] = []
    /// The targets of `volumes` mounted read-only.
    var readOnlyVolumeTargets: Set<String> = []
    /// Host paths bound in (the Docker socket for the proxy).
    var binds: [(source: String, target: String, readOnly: Bool)] = []
    var secrets: [(source: String, target: String)] = []
    var configs: [(source: String, target: String, mode: Int)] = []
    var ports: [SwarmPort] = []
    /// `host:address` lines for `/etc/hosts`.
    var extraHosts: [String] = []
    var healthcheck: SwarmHealthcheck?
    var deploy = SwarmDeploy()
    var stopGracePeriod: TimeSpan?
    var logging: SwarmLogging?

    /// Sets an environment variable, replacing an earlier value.
    mutating func setEnvironment(_ key: String, _ value: String) {
        environment.removeAll { $0.key == key }
        environment.append((key, value))
    }
}

/// A command as compose files write it: one string (split into words by docker) or a list.
enum SwarmCommand {
    case string(String)
    case list([String])
}

/// A published port.
struct SwarmPort {
    var target: Int
    var published: Int
    /// `tcp` or `udp`.
    var transport: String
    /// `ingress` or `host`.
    var mode: String
}

/// A logging driver and its options (all strings, as the engine takes them).
struct SwarmLogging {
    var driver: String
    var options: [(key: String, value: String)]
}

/// A health check run by the engine inside the container.
struct SwarmHealthcheck {
    var test: [String]
    var interval: TimeSpan
    var timeout: TimeSpan
    var retries: Int
    var startPeriod: TimeSpan
}

/// The `deploy` section.
struct SwarmDeploy {
    /// `replicated` or `global`.
    var mode = "replicated"
    var replicas: Int? = 1
    var endpointMode: String?
    /// Service labels (read by the proxy and Prometheus through the Swarm API).
    var labels: [(key: String, value: String)] = []
    var constraints: [String] = []
    var preferences: [String] = []
    var maxReplicasPerNode: Int?
    var limits: (cpus: Double?, memory: ByteSize?)?
    var reservations: (cpus: Double?, memory: ByteSize?)?
    var restartPolicy = SwarmRestartPolicy()
    var updateConfig: SwarmUpdateConfig?
    var rollbackConfig: SwarmUpdateConfig?
}

/// `deploy.restart_policy`.
struct SwarmRestartPolicy {
    var condition = "any"
    var delay = TimeSpan(seconds: 5)
    var maxAttempts: Int?
    var window: TimeSpan?
}

/// `deploy.update_config` and `deploy.rollback_config`.
struct SwarmUpdateConfig {
    var parallelism: Int
    var delay: TimeSpan?
    var failureAction: String
    var monitor: TimeSpan?
    var order: String
}

/// A top-level network.
struct SwarmNetwork {
    var attachable = false
    var `internal` = false
    /// IPsec between nodes (`driver_opts: {encrypted: ""}`).
    var encrypted = false
    /// A fixed name, for networks other stacks join.
    var name: String?
    /// A fixed address range (`ipam.config[0].subnet`).
    var subnet: String?
}

/// A top-level named volume.
struct SwarmVolume {
    /// For volumes on the shared folder: the host folder bound in.
    var bindDevice: String?
    /// Labels of the volume (on each node that makes it).
    var labels: [(key: String, value: String)] = []
}

/// A top-level config: a generated file delivered under a content-hashed name.
struct SwarmConfig {
    /// The file's path relative to the stack folder.
    var file: String
    /// `<stack>_<key>_<sha256[:12]>`, so an edited file rolls out.
    var name: String
}
