import StackDiagnostics

/// The manifest as written: every key of `manifest-v1.md`, typed, with source locations, and
/// nothing defaulted or resolved yet. Absent keys are nil; invalid values were reported and are
/// nil too, so later checks see only values that decoded.
struct ManifestSyntax {
    var rootSpan: SourceSpan
    var version: Located<Int>?
    var name: Located<String>?
    var domain: Located<String>?
    var tls: TLSSyntax?
    var proxy: ProxySyntax?
    var cluster: ClusterSyntax?
    var registry: RegistrySyntax?
    var identity: IdentitySyntax?
    var monitoring: MonitoringSyntax?
    var databases: [DatabaseSyntax] = []
    var backup: BackupDefaultsSyntax?
    var apps: [AppSyntax] = []
    /// Where `apps` was written (nil when missing).
    var appsSpan: SourceSpan?
    /// False when an entry of `databases` did not decode (it has an error of its own), so
    /// that rules counting the databases stay quiet.
    var everyDatabaseDecoded = true
    /// Where each top-level key is written, by key.
    var topKeySpans: [String: SourceSpan] = [:]
}

/// `tls`.
struct TLSSyntax {
    var span: SourceSpan
    var mode: Located<TLSSettings.Mode>?
    var email: Located<String>?
    /// True when `email` was written, even with a value that did not decode.
    var emailWritten = false
}

/// `proxy`.
struct ProxySyntax {
    var span: SourceSpan
    var kind: Located<ProxySettings.Kind>?
    /// `false`, `true` (the default host) or a host.
    var dashboard: Located<HostToggle>?
    var replicas: Located<Replicas>?
}

/// `false`, `true` (a default host) or a host: `proxy.dashboard`, `registry.mirror`.
enum HostToggle: Equatable {
    case off
    case defaultHost
    case host(String)
}

/// A replica count or `global`.
enum Replicas: Equatable {
    case count(Int)
    case global
}

/// `cluster`.
struct ClusterSyntax {
    var span: SourceSpan
    var managers: Located<Int>?
    var workers: Located<Int>?
    var provision: Located<Cluster.Provision>?
    /// True when `provision` was written, even with a value that did not decode.
    var provisionWritten = false
    var address: Located<[Int]>?
    var vip: Located<[Int]>?
    var box: Located<String>?
    var cpus: Located<Int>?
    var memory: Located<ByteSize>?
    var disk: Located<ByteSize>?
    var storageDriver: Located<StorageDriver>?
    var sharedStorage: Located<SharedStorage>?
    var sshKeys: [Located<String>] = []
    var dockerMetrics: Located<Bool>?
    var dockerMirror: Located<Bool>?
}

/// `registry`.
struct RegistrySyntax {
    var span: SourceSpan
    var host: Located<String>?
    var users: [Located<String>] = []
    var mirror: Located<HostToggle>?
    var backup: Located<Schedule>?
}

/// `identity`.
struct IdentitySyntax {
    var span: SourceSpan
    var host: Located<String>?
    var realm: Located<String>?
    var database: Located<String>?
    var roles: [Located<String>] = []
    var groups: [(name: Located<String>, roles: [Located<String>])] = []
    var users: [UserSyntax] = []
    var replicas: Located<Int>?
}

/// One entry of `identity.users`.
struct UserSyntax {
    var span: SourceSpan
    var name: Located<String>?
    var email: Located<String>?
    var firstName: Located<String>?
    var lastName: Located<String>?
    var roles: [Located<String>] = []
    var groups: [Located<String>] = []
}

/// `monitoring`.
struct MonitoringSyntax {
    var span: SourceSpan
    var metrics: Located<Bool>?
    var logs: Located<Bool>?
    var alerts: AlertsSyntax?
    var grafana: GrafanaSyntax?
    var retention: Located<TimeSpan>?
    var logRetention: Located<TimeSpan>?
    /// True when `metrics` was written, even with a value that did not decode.
    var metricsWritten = false
    /// True when `logs` was written, even with a value that did not decode.
    var logsWritten = false
}

/// `monitoring.alerts`: `true`/`false` or a map.
struct AlertsSyntax {
    var span: SourceSpan
    var enabled: Bool
    var email: Located<String>?
    var webhook: Located<String>?
    /// The relay that carries `email` (implementation keys): `smtp` (host, port), `from`, `user`.
    var smtp: Located<SMTPRelay>?
    var from: Located<String>?
    var user: Located<String>?
}

/// `monitoring.alerts.smtp`: `host` or `host:port`.
struct SMTPRelay: Sendable, Equatable {
    /// The submission port (STARTTLS), when the manifest names none.
    static let defaultPort = 587
    var host: String
    var port: Int

    /// `host:port`, as Alertmanager's `smtp_smarthost` takes it.
    var address: String { "\(host):\(port)" }

    /// Port 465 speaks TLS from the first byte (SMTPS): Alertmanager opens it with TLS, and
    /// there is no STARTTLS to require on it.
    var implicitTLS: Bool { port == 465 }
}

/// `monitoring.grafana`: `true`/`false` or a map.
struct GrafanaSyntax {
    var span: SourceSpan
    var enabled: Bool
    var host: Located<String>?
    var auth: Located<MonitoringSettings.Grafana.Auth>?
    var adminRole: Located<String>?
    var editorRole: Located<String>?
}

/// One entry of `databases`.
struct DatabaseSyntax {
    var name: Located<String>
    var engine: Located<Database.Engine>?
    var version: Located<String>?
    var backup: Located<Schedule>?
    var placement: PlacementSyntax?
}

/// `placement` of an app or database.
struct PlacementSyntax {
    var span: SourceSpan
    var role: Located<Node.Role>?
    var labels: [(key: Located<String>, value: String)] = []
    var maxPerNode: Located<Int>?
    /// A node of the cluster model (`manager-1`, `worker-2`), checked against the cluster.
    var node: Located<String>?
}

/// Top-level `backup`.
struct BackupDefaultsSyntax {
    var span: SourceSpan
    var target: Located<String>?
    var keep: Located<Int>?
}

/// One entry of `apps`.
///
/// A class, filled in once by the decoder and only read afterwards: every check rule walks the
/// apps, and copying a struct of some thirty fields retains each of them, which cost more than
/// the rules themselves in a manifest with thousands of apps.
final class AppSyntax {
    var name: Located<String>
    var span: SourceSpan
    var image: Located<String>?
    var build: Located<String>?
    /// True when `image` or `build` was written, even with a value that did not decode or
    /// under a misspelt key (which has an error of its own).
    var imageOrBuildWritten = false
    /// True when `port` was written, even with a value that did not decode.
    var portWritten = false
    var preset: Located<App.Preset>?
    var replicas: Located<Replicas>?
    var port: Located<Int>?
    var host: Located<String>?
    var path: Located<String>?
    var https: Located<Bool>?
    var sticky: Located<Bool>?
    var auth: Located<App.Auth>?
    var roles: [Located<String>] = []
    var database: Located<String>?
    var env: [(key: Located<String>, value: String)] = []
    var secrets: [Located<String>] = []
    var volumes: [(name: Located<String>, path: Located<String>)] = []
    /// nil: not given; `.value == nil`: `backup: false`.
    var backup: Located<Schedule?>?
    var dependsOn: [Located<String>] = []
    var health: HealthSyntax?
    var metrics: MetricsSyntax?
    var placement: PlacementSyntax?
    var resources: ResourcesSyntax?
    var update: UpdateSyntax?
    var ports: [PortSyntax] = []
    var files: [(path: Located<String>, source: Located<String>)] = []
    var extraHosts: [(host: Located<String>, address: Located<ExtraHostAddress>)] = []
    var command: Located<[String]>?
    /// The image's own entrypoint, as the user states it (an extension of the spec).
    var entrypoint: Located<[String]>?
    /// True when `command` was a single string (run through a shell), false for a list.
    var commandIsShell = false

    init(name: Located<String>, span: SourceSpan) {
        self.name = name
        self.span = span
    }

    /// `auth: oidc` without OIDC of its own (not a preset that speaks it): the app signs in
    /// through an authenticating proxy (`SingleSignOn.Mechanism.signInProxy`).
    var signsInThroughProxy: Bool {
        auth?.value == .oidc && (preset?.value ?? .generic) == .generic
    }
}

/// `health` of an app (the path shorthand is expanded).
struct HealthSyntax {
    var span: SourceSpan
    /// True for `health: none`: no check at all, not even the preset's.
    var isNone = false
    var path: Located<String>?
    var command: Located<HealthCommand>?
    var interval: Located<TimeSpan>?
    var timeout: Located<TimeSpan>?
    var retries: Located<Int>?
    var startPeriod: Located<TimeSpan>?
}

/// One entry of `ports` (the `"8080:80/udp"` shorthand is expanded).
struct PortSyntax {
    /// The whole entry.
    var span: SourceSpan
    var port: PublishedPort
    /// Where the published port is written (the entry itself for the shorthand).
    var publishedSpan: SourceSpan
}

/// The address of an `extra_hosts` entry: an IPv4 address, or the cluster's `vip`.
enum ExtraHostAddress: Equatable {
    case ipv4(String)
    case vip
}

/// `metrics` of an app (the port shorthand is expanded).
struct MetricsSyntax {
    var span: SourceSpan
    var port: Located<Int>?
    var path: Located<String>?
    var interval: Located<TimeSpan>?
}

/// `resources` of an app.
struct ResourcesSyntax {
    var span: SourceSpan
    var cpus: Located<Double>?
    var memory: Located<ByteSize>?
    var reserveCPUs: Located<Double>?
    var reserveMemory: Located<ByteSize>?
}

/// `update` of an app.
struct UpdateSyntax {
    var span: SourceSpan
    var order: Located<UpdateOrder>?
    var parallelism: Located<Int>?
    var failureAction: Located<UpdateFailureAction>?
    var delay: Located<TimeSpan>?
    var monitor: Located<TimeSpan>?
}
