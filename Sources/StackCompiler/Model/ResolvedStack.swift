import StackDiagnostics

/// The checked stack every pass reads: defaults applied, hosts expanded with the domain, node
/// names and addresses computed, every reference bound. Built only from a manifest without errors.
public struct ResolvedStack: Sendable {
    /// The manifest's path as given on the command line, for "generated from" headers.
    public var sourcePath: String
    /// The manifest's path as it was read, for diagnostics (as the check's own name it).
    public let manifestPath: String
    /// The stack's name (`docker stack deploy … NAME`).
    public var name: String
    /// The base domain, when anything is routed.
    var domain: String?
    var tls: TLSSettings
    var proxy: ProxySettings
    var cluster: Cluster
    var registry: RegistrySettings?
    var identity: IdentitySettings?
    var monitoring: MonitoringSettings
    var databases: [Database]
    var backup: BackupDefaults
    var apps: [App]
    /// Where each app is in `apps`, by name: passes look apps up by name for every
    /// dependency and consumer, which a search would make quadratic in the number of apps.
    /// Only a shortcut: `app(_:)` checks the name it finds and searches when it is stale.
    var appPositions: [String: Int] = [:]
    /// Where the manifest writes its sections, for the warnings `stackc build` gives about them.
    var sectionSpans = SectionSpans()

    /// The database called `name`.
    func database(_ name: String) -> Database? { databases.first { $0.name == name } }

    /// The app called `name`.
    func app(_ name: String) -> App? {
        if let position = appPositions[name], position < apps.count, apps[position].name == name {
            return apps[position]
        }
        return apps.first { $0.name == name }
    }

    /// Records where every app is, for `app(_:)`.
    mutating func indexApps() {
        appPositions = [:]
        appPositions.reserveCapacity(apps.count)
        for (position, app) in apps.enumerated() where appPositions[app.name] == nil {
            appPositions[app.name] = position
        }
    }
}

/// How HTTPS certificates are obtained.
struct TLSSettings: Sendable {
    enum Mode: String, CaseIterable, Sendable { case selfsigned, acme, provided }
    var mode: Mode
    var email: String?
}

/// The edge proxy.
struct ProxySettings: Sendable {
    enum Kind: String, CaseIterable, Sendable { case traefik, haproxy }
    var kind: Kind
    /// The dashboard's or stats page's full host name, when exposed.
    var dashboardHost: String?
    var replicas: Replicas
}

/// The nodes of the swarm.
struct Cluster: Sendable {
    enum Provision: String, CaseIterable, Sendable { case vagrant, ignition, none }
    var managers: Int
    var workers: Int
    var nodes: [Node]
    var provision: Provision
    var vip: String?
    var box: String
    var cpus: Int
    var memory: ByteSize
    var disk: ByteSize?
    var storageDriver: StorageDriver
    var sharedStorage: SharedStorage
    var sshKeys: [String]
    var dockerMetrics: Bool
    var dockerMirror: Bool
    /// True when the manifest describes the cluster (a `cluster` section): the output then has
    /// the nodes' files (`nodes/`).
    var isDescribed = false

    /// True when `/data` is shared between the nodes.
    var hasSharedStorage: Bool { sharedStorage != .none }
}

/// One machine of the cluster.
struct Node: Sendable, Equatable {
    enum Role: String, CaseIterable, Sendable { case manager, worker }
    var name: String
    var role: Role
    var address: String
}

/// The private registry and its pull-through mirror.
struct RegistrySettings: Sendable {
    var host: String
    /// The accounts of its htpasswd file: the manifest's `users`, else one account
    /// (`PlatformNames.defaultRegistryUser`), so that the registry never answers without a login.
    var users: [String]
    var mirrorHost: String?
    var backup: Schedule?

    /// The account `deploy.sh` logs in with to push the images it builds: the first.
    var deployUser: String { users.first ?? PlatformNames.defaultRegistryUser }

    /// What the nodes' engines put in `registry-mirrors` (daemon.json): the mirror's root URL
    /// through the edge proxy, nil without a mirror.
    var mirrorURL: String? { mirrorHost.map { "https://\($0)" } }
}

/// Keycloak and its realm.
struct IdentitySettings: Sendable {
    var host: String
    var realm: String
    var database: String
    var roles: [String]
    var groups: [(name: String, roles: [String])]
    var users: [IdentityUser]
    var replicas: Int
}

/// A user imported into the realm.
struct IdentityUser: Sendable {
    var name: String
    var email: String?
    var firstName: String?
    var lastName: String?
    var roles: [String]
    var groups: [String]
}

/// Metrics, logs, dashboards and alerts.
struct MonitoringSettings: Sendable {
    var metrics: Bool
    var logs: Bool
    /// The alerts as the manifest asks for them (`runningAlerts` for what is generated).
    var alerts: Alerts?
    var grafana: Grafana?
    var retention: TimeSpan
    /// Where Prometheus's own interface is routed (behind a login), when metrics are on.
    var prometheusHost: String? = nil
    /// Where Alertmanager's interface is routed (behind a login), when alerts are on.
    var alertmanagerHost: String? = nil
    /// How long Loki keeps logs (`log_retention`, stackc's own key; whole days, at least one).
    var logRetention: TimeSpan

    /// Alertmanager and its rules, when they run: they stand on the metrics (without them the
    /// checker warns, and nothing of the alerts is generated). Every pass reads this one.
    var runningAlerts: Alerts? { metrics ? alerts : nil }

    struct Alerts: Sendable {
        var email: String?
        var webhook: String?
        /// How `email` leaves the cluster; nil without `email`.
        var mail: Mail?
    }

    /// The mail relay Alertmanager sends through: `smtp.<domain>:587` and
    /// `alertmanager@<domain>` unless the manifest says otherwise; authenticated when `user`
    /// is given, with the password from the secret the operator provides.
    struct Mail: Sendable {
        var relay: SMTPRelay
        var from: String
        var user: String?
    }

    struct Grafana: Sendable {
        enum Auth: String, CaseIterable, Sendable { case oidc, basic }
        var host: String
        var auth: Auth
        var adminRole: String?
        var editorRole: String?
    }
}

/// A shared database server and the consumers that get a database on it.
struct Database: Sendable {
    enum Engine: String, CaseIterable, Sendable { case postgres, mariadb, redis }
    var name: String
    var engine: Engine
    var version: String
    var backup: Schedule?
    var placement: Placement
    /// Apps and platform services (`keycloak`) with their own database here, in manifest order.
    var consumers: [String]
    /// Where the manifest names the database.
    var span: SourceSpan?
    /// Where the manifest writes its `backup`.
    var backupSpan: SourceSpan? = nil
}

/// Where the manifest writes its top-level sections' keys (nil for one it leaves out).
struct SectionSpans: Sendable {
    /// The manifest as a whole: its first key.
    var manifest: SourceSpan?
    var cluster: SourceSpan?
    var registry: SourceSpan?
    var identity: SourceSpan?
    var monitoring: SourceSpan?
    var tls: SourceSpan?
    var domain: SourceSpan?
}

/// Defaults for every backup.
struct BackupDefaults: Sendable {
    var target: String
    var keep: Int
}

/// Where tasks may run.
struct Placement: Sendable {
    var role: Node.Role?
    var labels: [(key: String, value: String)]
    var maxPerNode: Int?
    /// A node of the cluster model (`manager-1`, `worker-2`, ...).
    var node: String? = nil

    static let anywhere = Placement(role: nil, labels: [], maxPerNode: nil)
}
