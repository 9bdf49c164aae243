import StackDiagnostics

/// One workload, with every default applied.
struct App: Sendable {
    enum Preset: String, CaseIterable, Sendable { case generic, nextcloud }
    enum Auth: String, CaseIterable, Sendable { case none, oidc, basic }

    var name: String
    /// The image to run; for `build` apps, the tag pushed to the stack's registry.
    var image: String
    var build: String?
    var preset: Preset
    var replicas: Replicas
    var port: Int?
    var route: Route?
    var auth: Auth
    var roles: [String]
    var database: String?
    var env: [(key: String, value: String)]
    var secrets: [String]
    var volumes: [(name: String, path: String)]
    var backup: Schedule?
    var dependsOn: [Dependency]
    /// nil for `health: none`, or when neither the manifest nor the preset gives one.
    var health: Health?
    var metrics: Metrics?
    var placement: Placement
    var ports: [PublishedPort] = []
    var files: [DeliveredFile] = []
    var extraHosts: [ExtraHost] = []
    var resources: Resources?
    var update: UpdatePolicy
    var command: [String]?
    /// True when `command` is one string, which docker splits into words.
    var commandIsShell: Bool
    /// The image's own entrypoint, when the manifest states it.
    var entrypoint: [String]?
    /// Where the manifest names the app, for the warnings `stackc build` gives about it.
    var span: SourceSpan?
    /// Where the manifest writes the keys that ask for families not generated yet.
    var keySpans = AppKeySpans()
}

/// Where an app's keys are written, for warnings about what they ask for.
struct AppKeySpans: Sendable {
    var auth: SourceSpan?
    var build: SourceSpan?
    var backup: SourceSpan?
    /// The app's keys the manifest writes among those a service's parts are named after
    /// (`health`, `resources`, `update`, `placement`, `ports`, `env`, `command`, `entrypoint`,
    /// `depends_on`, `sticky`), for the source map of `stackc explain FILE:LINE`.
    var written: Set<String> = []
}

/// How the proxy reaches an app.
struct Route: Sendable, Hashable {
    /// The full host name.
    var host: String
    /// The path prefix, `/` for the whole host.
    var path: String
    var https: Bool
    var sticky: Bool
}

/// Something an app waits for before it starts.
struct Dependency: Sendable, Equatable {
    enum Kind: String, Sendable { case app, database, identity, registry }
    var kind: Kind
    var name: String
}

/// A health check: an HTTP probe of a path, or a command run inside the container (for images
/// without an HTTP client).
struct Health: Sendable {
    /// The HTTP path probed on the app's port; nil when `command` checks instead.
    var path: String?
    /// The command run inside the container instead of an HTTP probe.
    var command: HealthCommand?
    var interval: TimeSpan
    var timeout: TimeSpan
    var retries: Int
    var startPeriod: TimeSpan
}

/// A health check command: one string the image's shell runs, or the words run directly.
enum HealthCommand: Sendable, Equatable {
    case shell(String)
    case words([String])
}

/// A port published outside the HTTP proxy (`ports`).
struct PublishedPort: Sendable, Equatable {
    enum Transport: String, Sendable, CaseIterable { case tcp, udp }
    /// `ingress`: on every node, balanced across the tasks; `host`: on the nodes that run a
    /// task, straight to it.
    enum Mode: String, Sendable, CaseIterable { case ingress, host }
    /// The port inside the container.
    var target: Int
    /// The port on the nodes.
    var published: Int
    var transport: Transport
    var mode: Mode
}

/// A file of the repository delivered read-only into the app's containers (`files`).
struct DeliveredFile: Sendable, Equatable {
    /// Where it appears in the container (absolute).
    var containerPath: String
    /// The file as the manifest names it, relative to the manifest's folder.
    var source: String
    /// Where the manifest names it, for a file that cannot be read.
    var span: SourceSpan?
}

/// An extra `/etc/hosts` entry in the app's containers (`extra_hosts`), the `vip` already
/// replaced by its address.
struct ExtraHost: Sendable, Equatable {
    var host: String
    var address: String
}

/// Where Prometheus scrapes an app.
struct Metrics: Sendable {
    var port: Int
    var path: String
    var interval: TimeSpan?
}

/// CPU and memory limits and reservations.
struct Resources: Sendable {
    var cpus: Double?
    var memory: ByteSize?
    var reserveCPUs: Double?
    var reserveMemory: ByteSize?
}

/// Rolling update settings.
struct UpdatePolicy: Sendable {
    var order: UpdateOrder
    var parallelism: Int
    var failureAction: UpdateFailureAction
    var delay: TimeSpan?
    var monitor: TimeSpan?
}

/// `update.order`: whether a new task starts before the old one stops. The raw value is the
/// manifest's word.
enum UpdateOrder: String, CaseIterable, Sendable {
    case startFirst = "start-first"
    case stopFirst = "stop-first"
}

/// `update.failure_action`: what happens when an update fails.
enum UpdateFailureAction: String, CaseIterable, Sendable {
    case rollback, pause
    case `continue`
}

/// What a preset knows about an image.
struct PresetDefaults: Sendable {
    var port: Int?
    var healthPath: String?
    /// The image an app of the preset runs when the manifest names none.
    var image: String?

    static func of(_ preset: App.Preset) -> PresetDefaults {
        switch preset {
        case .generic: return PresetDefaults(port: nil, healthPath: nil, image: nil)
        case .nextcloud: return PresetDefaults(port: 80, healthPath: "/status.php", image: "nextcloud:30-apache")
        }
    }
}
