/// One app: a Swarm service, routed through the proxy when it has a `host`.
///
/// Every key of the manifest's app is a parameter, in the manifest's order; leave out what the
/// defaults already say.
///
/// ```swift
/// App("shop", image: "ghcr.io/acme/shop:1.4", replicas: 2, port: 8080, host: "shop",
///     database: "pg", env: ["TZ": "UTC"], health: "/healthz", metrics: 9100)
/// App("cloud", preset: .nextcloud, host: "cloud", auth: .oidc, database: "pg",
///     volumes: ["data": "/var/www/html"], backup: .daily)
/// ```
public struct App: Sendable {
    /// `apps.<app>.preset`: built-in knowledge of an app.
    public enum Preset: String, Sendable, ManifestValue {
        /// Nothing assumed (the default).
        case generic
        /// Nextcloud: its image, port, health check, database, OIDC and one-time install.
        case nextcloud
    }

    /// `apps.<app>.auth`: who may reach a routed app.
    public enum Auth: String, Sendable, ManifestValue {
        /// Anyone (`auth: none`, the default).
        case off = "none"
        /// Users of the realm, through OIDC; needs `identity`.
        case oidc
        /// htpasswd users from a secret.
        case basic
    }

    /// The app's name.
    public let name: String
    let manifestNode: ManifestNode
    let position: SourcePosition

    /// An app named `name`; see `manifest-v1.md` for each key. `image` or `build` is needed
    /// unless a `preset` knows the image.
    public init(
        _ name: String, image: String? = nil, build: String? = nil, preset: Preset? = nil,
        replicas: Replicas? = nil, port: Int? = nil, host: String? = nil, path: String? = nil,
        https: Bool? = nil, sticky: Bool? = nil, auth: Auth? = nil, roles: [String]? = nil,
        database: String? = nil, env: Mapping<EnvironmentValue>? = nil, secrets: [String]? = nil,
        volumes: Mapping<String>? = nil, backup: AppBackup? = nil, dependsOn: [String]? = nil,
        health: Health? = nil, metrics: Metrics? = nil, placement: Placement? = nil, ports: [Port]? = nil,
        files: Mapping<String>? = nil, extraHosts: Mapping<String>? = nil, resources: Resources? = nil,
        update: Update? = nil, command: Command? = nil, entrypoint: Command? = nil,
        fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line,
        column: UInt = #column
    ) {
        var map = ManifestMap()
        map.add("image", image)
        map.add("build", build)
        map.add("preset", preset)
        map.add("replicas", replicas)
        map.add("port", port)
        map.add("host", host)
        map.add("path", path)
        map.add("https", https)
        map.add("sticky", sticky)
        map.add("auth", auth)
        map.add("roles", roles)
        map.add("database", database)
        map.add("env", env)
        map.add("secrets", secrets)
        map.add("volumes", volumes)
        map.add("backup", backup)
        map.add("depends_on", dependsOn)
        map.add("health", health)
        map.add("metrics", metrics)
        map.add("placement", placement)
        map.add("ports", ports)
        map.add("files", files)
        map.add("extra_hosts", extraHosts)
        map.add("resources", resources)
        map.add("update", update)
        map.add("command", command)
        map.add("entrypoint", entrypoint)
        self.name = name
        position = SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column)
        manifestNode = map.node(at: position)
    }
}
