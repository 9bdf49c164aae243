/// One service of the plan, said the way an operator would say it, not the way a backend spells
/// it: how it runs (long-running, on every node, or once to completion), where, how it is
/// updated, what it mounts. The stack-file renderer turns it into Swarm's spellings
/// (`replicated-job`, `start-first`, `node.role == manager`, host-mode ports); another backend
/// would read the same value.
struct PlannedService {
    /// How many tasks run, and for how long.
    enum Kind: Equatable {
        /// Long-running, this many tasks.
        case replicated(Int)
        /// Long-running, one task on every eligible node.
        case global
        /// Runs to completion once per deploy (and again when its definition changes).
        case job
        /// Runs to completion when the stack's scheduler starts it (its labels say when): no
        /// task until then, and a task that ends is not restarted.
        case scheduled
    }

    var image: String
    var kind: Kind = .replicated(1)
    /// The port the service serves others on, and the HTTP path that answers once it is ready:
    /// what a dependant waits for.
    var port: Int?
    var readinessPath: String?
    var command: Command?
    /// The image's entrypoint, replaced.
    var entrypoint: [String]?
    /// The user the container runs as (`uid[:gid]`), when not the image's.
    var user: String?
    /// Service labels, read through the Swarm API by what discovers services (Prometheus);
    /// the edge proxy's routing labels are added by its renderer.
    var labels: [(key: String, value: String)] = []
    /// Environment variables in order; a later `setEnvironment` of a key replaces it.
    var environment: [(key: String, value: String)] = []
    var networks: [String] = []
    /// Named volumes (keys of `BuildPlan.volumes`) and where they are mounted.
    var volumes: [(source: String, target: String)] = []
    /// The targets of `volumes` mounted read-only.
    var readOnlyVolumeTargets: Set<String> = []
    /// Host paths bound in (the Docker socket for the proxy).
    var hostPaths: [(source: String, target: String, readOnly: Bool)] = []
    /// Secrets (keys of `BuildPlan.secrets`) and the file name under `/run/secrets`.
    var secrets: [(source: String, target: String)] = []
    /// Files of the plan (by config key) and where they are mounted, with their mode.
    var files: [(source: String, target: String, mode: Int)] = []
    /// Ports published outside the cluster: on the nodes that run a task, straight to it
    /// (`host`), or on every node, balanced across the tasks (`ingress`).
    var ports: [PublishedPort] = []
    /// Extra host names in the containers' `/etc/hosts`.
    var extraHosts: [ExtraHost] = []
    var health: HealthCheck?
    var placement = PlannedPlacement()
    var resources: Resources?
    var restart = RestartPolicy()
    var update: UpdatePolicy?
    var rollback: UpdatePolicy?
    var stopGracePeriod: TimeSpan?
    /// How the engine keeps the service's output, when not the node's default (the plan's
    /// `logging` applies to every service without its own).
    var logging: ServiceLogging?
    /// Where it and its parts come from, for the source map.
    var origins = ServiceOrigins()

    /// Sets an environment variable, replacing an earlier value.
    mutating func setEnvironment(_ key: String, _ value: String) {
        environment.removeAll { $0.key == key }
        environment.append((key, value))
    }

    /// Joins `network` unless it already has.
    mutating func join(_ network: String) {
        if !networks.contains(network) { networks.append(network) }
    }

    /// A command: one string a shell-like splitter makes words of, or the words themselves.
    enum Command {
        case shell(String)
        case words([String])
    }

    /// A check the container runtime runs inside the container.
    struct HealthCheck {
        enum Test {
            /// Run by the image's `/bin/sh -c`.
            case shell(String)
            /// Run directly, without a shell.
            case exec([String])
            /// An HTTP GET of the path on the container's own port, answered below 400, made
            /// with the client the image has.
            case http(port: Int, path: String, client: HTTPClient)
        }

        /// What makes an HTTP probe inside the container.
        enum HTTPClient {
            /// `wget`, else `curl` (whichever the image has).
            case wgetOrCurl
            /// `python3`'s own `urllib`, without a shell.
            case python
        }
        var test: Test
        var interval: TimeSpan
        var timeout: TimeSpan
        var retries: Int
        var startPeriod: TimeSpan
    }

    /// When a stopped task is started again.
    struct RestartPolicy {
        enum Condition { case always, onFailure, never }
        var condition: Condition = .always
        var delay = TimeSpan(seconds: 5)
        var maxAttempts: Int?
        var window: TimeSpan?
    }

    /// How a new version replaces the old, or the old comes back.
    struct UpdatePolicy {
        var parallelism: Int
        var delay: TimeSpan?
        var failureAction: UpdateFailureAction
        var monitor: TimeSpan?
        var order: UpdateOrder
    }
}

/// How the engine keeps a container's output: in JSON files on the node (`json-file`), which an
/// agent on the node can read, rotated by size, each line carrying the values of some of the
/// container's labels (`attrs`).
struct ServiceLogging {
    /// The size at which a file is rotated, in Docker's form (`10m`).
    var maxSize: String
    /// How many files are kept, the current one included.
    var maxFiles: Int
    /// The container labels whose values each line carries.
    var labels: [String] = []
}

/// Where a service's tasks may run.
struct PlannedPlacement {
    var role: Node.Role?
    /// Node labels a node must carry, `key == value`.
    var labels: [(key: String, value: String)] = []
    var maxPerNode: Int?
    /// A node of the cluster model (`manager-1`, ...), which the deploy finds by its label or
    /// host name.
    var node: String?
    /// The group of services pinned to one node because they keep state on a node-local volume
    /// (set by `BuildPlan.finish()`, never by a pass): the deploy labels one eligible node for it.
    var pin: String?
    /// A service whose node this one shares when that one keeps state on a node (a backup job
    /// beside the database it dumps); `finish()` puts both in one pinned group.
    var beside: String?
    /// Runs on one node every time even without a node-local volume (a backup job whose
    /// repository is a folder on its node); `finish()` pins it.
    var oneNode = false

    init(
        role: Node.Role? = nil, labels: [(key: String, value: String)] = [], maxPerNode: Int? = nil,
        node: String? = nil
    ) {
        self.role = role
        self.labels = labels
        self.maxPerNode = maxPerNode
        self.node = node
    }

    /// The manifest's placement.
    init(_ placement: Placement) {
        self.init(
            role: placement.role, labels: placement.labels, maxPerNode: placement.maxPerNode, node: placement.node)
    }

    /// The same nodes, without a limit per node (for a companion, a database server).
    var nodesOnly: PlannedPlacement {
        var placement = PlannedPlacement(role: role, labels: labels, node: node)
        placement.pin = pin
        return placement
    }
}

extension PlannedService {
    /// Mounts a secret at `/run/secrets/<target>`, once: Swarm refuses a service with two
    /// secret references at one target ("conflicting target"), which two routes sharing one
    /// password file would otherwise make.
    mutating func mountSecret(_ source: String, at target: String) {
        guard !secrets.contains(where: { $0.target == target }) else { return }
        secrets.append((source, target))
    }

    /// One writer on one data folder (Prometheus, Loki, Grafana, Alertmanager): an update stops
    /// the old task first, which has `grace` (Swarm's 10 s when nil) to flush what it holds.
    mutating func writesItsDataAlone(grace: TimeSpan?) {
        update = UpdatePolicy(parallelism: 1, delay: nil, failureAction: .rollback, monitor: nil, order: .stopFirst)
        stopGracePeriod = grace
    }
}

extension PlannedService.HealthCheck {
    /// A monitoring service's probe: every 15 s, 5 s to answer, 5 tries, after `startPeriod`.
    static func monitoringProbe(_ test: Test, startPeriod: TimeSpan) -> PlannedService.HealthCheck {
        PlannedService.HealthCheck(
            test: test, interval: TimeSpan(seconds: 15), timeout: TimeSpan(seconds: 5), retries: 5,
            startPeriod: startPeriod)
    }
}
