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
    var health: Health?
    var metrics: Metrics?
    var placement: Placement
    var resources: Resources?
    var update: UpdatePolicy
    var command: [String]?
    /// True when `command` is one string, which docker splits into words.
    var commandIsShell: Bool
    /// The image's own entrypoint, when the manifest states it.
    var entrypoint: [String]?
    /// Where the manifest names the app, for the warnings `stackc build` gives about it.
    var span: SourceSpan?
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

/// An HTTP health check.
struct Health: Sendable {
    var path: String
    var interval: TimeSpan
    var timeout: TimeSpan
    var retries: Int
    var startPeriod: TimeSpan
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
    var order: String
    var parallelism: Int
    var failureAction: String
    var delay: TimeSpan?
    var monitor: TimeSpan?
}

/// What a preset knows about an image.
struct PresetDefaults: Sendable {
    var port: Int?
    var healthPath: String?

    static func of(_ preset: App.Preset) -> PresetDefaults {
        switch preset {
        case .generic: return PresetDefaults(port: nil, healthPath: nil)
        case .nextcloud: return PresetDefaults(port: 80, healthPath: "/status.php")
        }
    }
}
