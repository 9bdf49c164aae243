import YAML

/// The configuration files of the registry and of its mirror (distribution 2.8's format, which
/// 3.x also reads but for the removed `storage.cache` and `http.debug.prometheus` spellings).
enum RegistryConfig {
    /// Docker Hub, the only upstream an engine's `registry-mirrors` applies to.
    static let dockerHub = "https://registry-1.docker.io"
    /// How long the mirror keeps a blob nobody pulled: a week, distribution's default.
    static let mirrorTTL = "168h"

    /// The private registry: logins from the htpasswd file at `htpasswd`, behind the edge proxy.
    static func registry(htpasswd: String) -> YAMLValue {
        document(
            auth: .mapping([
                ("htpasswd", .mapping([("realm", .string("registry")), ("path", .string(htpasswd))]))
            ]))
    }

    /// The pull-through cache of Docker Hub: pushes are refused, pulls fetch what it lacks.
    static func mirror() -> YAMLValue {
        document(
            proxy: .mapping([("remoteurl", .string(dockerHub)), ("ttl", .string(mirrorTTL))]))
    }

    static func document(auth: YAMLValue? = nil, proxy: YAMLValue? = nil) -> YAMLValue {
        var top: [(key: String, value: YAMLValue)] = [
            ("version", .string("0.1")),
            ("log", .mapping([("level", .string("info")), ("accesslog", .mapping([("disabled", .bool(false))]))])),
            (
                "storage",
                .mapping([
                    ("filesystem", .mapping([("rootdirectory", .string(RegistryPass.dataPath))])),
                    // Deleting lets the mirror expire what it cached, and the operator remove
                    // manifests before a garbage collection.
                    ("delete", .mapping([("enabled", .bool(true))])),
                    ("cache", .mapping([("blobdescriptor", .string("inmemory"))])),
                    // Uploads that never finish are removed after a week.
                    (
                        "maintenance",
                        .mapping([
                            (
                                "uploadpurging",
                                .mapping([
                                    ("enabled", .bool(true)), ("age", .string("168h")), ("interval", .string("24h")),
                                    ("dryrun", .bool(false)),
                                ])
                            )
                        ])
                    ),
                ])
            ),
            (
                "http",
                .mapping([
                    ("addr", .string(":\(PlatformService.registry.port ?? 5000)")),
                    // Behind the edge proxy, which terminates TLS: Location headers stay relative,
                    // so they name whatever host and scheme the client used.
                    ("relativeurls", .bool(true)),
                    ("headers", .mapping([("X-Content-Type-Options", .sequence([.string("nosniff")]))])),
                    (
                        "debug",
                        .mapping([
                            ("addr", .string(":\(RegistryPass.debugPort)")),
                            ("prometheus", .mapping([("enabled", .bool(true)), ("path", .string("/metrics"))])),
                        ])
                    ),
                ])
            ),
            (
                "health",
                .mapping([
                    (
                        "storagedriver",
                        .mapping([("enabled", .bool(true)), ("interval", .string("10s")), ("threshold", .int(3))])
                    )
                ])
            ),
        ]
        if let auth { top.append(("auth", auth)) }
        if let proxy { top.append(("proxy", proxy)) }
        return .mapping(top)
    }
}
