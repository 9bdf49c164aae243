/// Which call of the `StackDescription` library stands for each mapping of the manifest, and how
/// each key's value is written in Swift: the table `SwiftDescriptionWriter` follows. Parameters
/// are listed in the order of the library's initialisers, which Swift requires of the
/// arguments; every key the checker accepts has one (`ConvertTests` holds the two together).
enum DescriptionSchema {
    /// A mapping of the manifest written as one call: `Cluster(managers: 3, …)`.
    struct Call: Sendable {
        /// The type called, `Cluster.Docker`.
        var callee: String
        /// The key whose value is the call's first, unlabelled argument (`User("alice", …)`).
        var nameKey: String?
        /// The keys written as labelled arguments, in the initialiser's order.
        var parameters: [Parameter]
        /// The key whose list is the call's trailing block, one call per item (`users`).
        var block: TrailingBlock?

        /// Every key it writes.
        var keys: [String] {
            var keys = (nameKey.map { [$0] } ?? []) + parameters.map(\.key)
            if case .items(let key, _) = block { keys.append(key) }
            return keys
        }

        /// The parameter of `key`.
        func parameter(_ key: String) -> Parameter? { parameters.first { $0.key == key } }
    }

    /// A list of the manifest written as the statements of a call's trailing block.
    indirect enum TrailingBlock: Sendable {
        /// The items under `key`, each written as a call to `element`.
        case items(key: String, element: Call)
    }

    /// One key written as a labelled argument.
    struct Parameter: Sendable {
        /// The manifest's key, `storage_driver`.
        var key: String
        /// The argument's label, `storageDriver`.
        var label: String
        /// How its value is written.
        var value: Value

        /// A key whose label is the key itself.
        init(_ key: String, _ value: Value) {
            self.init(key, key, value)
        }

        /// A key and its label.
        init(_ key: String, _ label: String, _ value: Value) {
            self.key = key
            self.label = label
            self.value = value
        }
    }

    /// A closed set of words and the members of the library's enum that stand for them.
    struct Choice: Sendable {
        /// The enum, `Cluster.Provision`.
        var type: String
        /// Each word of the manifest and its member, in the manifest's order of the words.
        var members: [(word: String, member: String)]

        init(_ type: String, _ members: [(String, String)]) {
            self.type = type
            self.members = members.map { (word: $0.0, member: $0.1) }
        }

        /// The member for `word`.
        func member(_ word: String) -> String? { members.first { $0.word == word }?.member }
    }

    /// How a value is written.
    indirect enum Value: Sendable {
        /// Any scalar, as a string literal of its text (`String`, or a type the library writes
        /// from a string literal).
        case text
        /// An integer literal.
        case integer
        /// A `Double` literal.
        case number
        /// `true` or `false`.
        case flag
        /// A member of an enum.
        case choice(Choice)
        /// `[String]`.
        case texts
        /// `Mapping<String>`: a dictionary literal of string literals.
        case textMapping
        /// `Mapping<EnvironmentValue>`: string, integer, decimal or boolean literals, each
        /// written so that its text is the text of the YAML scalar.
        case environment
        /// `Mapping<[String]>`: identity groups.
        case groups
        /// `HostToggle`: `true`, `false` or a host.
        case hostToggle
        /// `Replicas`: an integer or `.global`.
        case replicas
        /// `Schedule`: `.hourly`, `.daily`, `.weekly` or `.cron("…")`.
        case schedule
        /// `AppBackup`: a schedule, or `.off` for `false`.
        case appBackup
        /// `TimeSpan`: `.seconds(30)`, … or a string literal.
        case timeSpan
        /// `Size`: `.megabytes(512)`, … or a string literal.
        case size
        /// `Command`: a string literal or an array of them.
        case command
        /// A mapping written as a call.
        case call(Call)
        /// `true`, `false`, or a mapping written as a call (`alerts`, `grafana`).
        case flagOrCall(Call)
        /// An integer, or a mapping written as a call (`metrics`).
        case integerOrCall(Call)
        /// A path, `none` (`.off`), or a mapping written as a call (`health`).
        case health(Call)
        /// A list whose items are shorthand strings or mappings written as calls (`ports`).
        case shorthandsOrCalls(Call)
    }

    /// A top-level section.
    enum Section: Sendable {
        /// A mapping written as one call (`Cluster(…)`).
        case call(Call)
        /// A mapping from names to entries, written as a block of calls, each with its name
        /// first (`Apps { App("web", …) }`).
        case named(callee: String, element: Call)
    }

    /// The top-level keys written as the arguments of `Stack`.
    static let stackKeys = ["stackc", "name", "domain"]

    /// The sections, by key, in the manifest's order.
    static let sections: [(key: String, section: Section)] = [
        ("tls", .call(tls)), ("proxy", .call(proxy)), ("cluster", .call(cluster)), ("registry", .call(registry)),
        ("identity", .call(identity)), ("monitoring", .call(monitoring)),
        ("databases", .named(callee: "Databases", element: database)), ("backup", .call(backup)),
        ("apps", .named(callee: "Apps", element: app)),
    ]
}

// MARK: - Platform sections

extension DescriptionSchema {
    static let tls = Call(
        callee: "TLS",
        parameters: [
            Parameter(
                "mode",
                .choice(Choice("TLS.Mode", [("selfsigned", "selfsigned"), ("acme", "acme"), ("provided", "provided")]))),
            Parameter("email", .text),
        ])

    static let proxy = Call(
        callee: "Proxy",
        parameters: [
            Parameter("kind", .choice(Choice("Proxy.Kind", [("traefik", "traefik"), ("haproxy", "haproxy")]))),
            Parameter("dashboard", .hostToggle), Parameter("replicas", .replicas),
        ])

    static let cluster = Call(
        callee: "Cluster",
        parameters: [
            Parameter("managers", .integer), Parameter("workers", .integer),
            Parameter(
                "provision",
                .choice(
                    Choice("Cluster.Provision", [("vagrant", "vagrant"), ("ignition", "ignition"), ("none", "manual")]))
            ),
            Parameter("address", .text), Parameter("vip", .text), Parameter("box", .text), Parameter("cpus", .integer),
            Parameter("memory", .size), Parameter("disk", .size),
            Parameter(
                "storage_driver", "storageDriver",
                .choice(
                    Choice("Cluster.StorageDriver", [("overlay2", "overlay2"), ("zfs", "zfs"), ("btrfs", "btrfs")]))),
            Parameter(
                "shared_storage", "sharedStorage",
                .choice(
                    Choice(
                        "Cluster.SharedStorage",
                        [("none", "local"), ("nfs", "nfs"), ("glusterfs", "glusterfs"), ("cephfs", "cephfs")]))),
            Parameter("ssh_keys", "sshKeys", .texts),
            Parameter(
                "docker",
                .call(
                    Call(
                        callee: "Cluster.Docker", parameters: [Parameter("metrics", .flag), Parameter("mirror", .flag)])
                )),
        ])

    static let registry = Call(
        callee: "Registry",
        parameters: [
            Parameter("host", .text), Parameter("users", .texts), Parameter("mirror", .hostToggle),
            Parameter("backup", .schedule),
        ])

    static let identity = Call(
        callee: "Identity",
        parameters: [
            Parameter("host", .text), Parameter("realm", .text), Parameter("database", .text),
            Parameter("roles", .texts), Parameter("groups", .groups), Parameter("replicas", .integer),
        ],
        block: .items(key: "users", element: user))

    static let user = Call(
        callee: "User", nameKey: "name",
        parameters: [
            Parameter("email", .text), Parameter("first_name", "firstName", .text),
            Parameter("last_name", "lastName", .text), Parameter("roles", .texts), Parameter("groups", .texts),
        ])

    static let monitoring = Call(
        callee: "Monitoring",
        parameters: [
            Parameter("metrics", .flag), Parameter("logs", .flag), Parameter("alerts", .flagOrCall(alerts)),
            Parameter("grafana", .flagOrCall(grafana)), Parameter("retention", .timeSpan),
            Parameter("log_retention", "logRetention", .timeSpan),
        ])

    static let alerts = Call(
        callee: "Alerts",
        parameters: [
            Parameter("email", .text), Parameter("webhook", .text), Parameter("smtp", .text), Parameter("from", .text),
            Parameter("user", .text),
        ])

    static let grafana = Call(
        callee: "Grafana",
        parameters: [
            Parameter("host", .text),
            Parameter("auth", .choice(Choice("Grafana.Auth", [("oidc", "oidc"), ("basic", "basic")]))),
            Parameter("admin_role", "adminRole", .text), Parameter("editor_role", "editorRole", .text),
        ])

    static let database = Call(
        callee: "Database",
        parameters: [
            Parameter(
                "engine",
                .choice(
                    Choice("Database.Engine", [("postgres", "postgres"), ("mariadb", "mariadb"), ("redis", "redis")]))),
            Parameter("version", .text), Parameter("backup", .schedule), Parameter("placement", .call(placement)),
        ])

    static let placement = Call(
        callee: "Placement",
        parameters: [
            Parameter("role", .choice(Choice("Placement.Role", [("manager", "manager"), ("worker", "worker")]))),
            Parameter("labels", .textMapping), Parameter("max_per_node", "maxPerNode", .integer),
            Parameter("node", .text),
        ])

    static let backup = Call(callee: "Backup", parameters: [Parameter("target", .text), Parameter("keep", .integer)])
}

// MARK: - Apps

extension DescriptionSchema {
    static let app = Call(
        callee: "App",
        parameters: [
            Parameter("image", .text), Parameter("build", .text),
            Parameter("preset", .choice(Choice("App.Preset", [("generic", "generic"), ("nextcloud", "nextcloud")]))),
            Parameter("replicas", .replicas), Parameter("port", .integer), Parameter("host", .text),
            Parameter("path", .text), Parameter("https", .flag), Parameter("sticky", .flag),
            Parameter("auth", .choice(Choice("App.Auth", [("none", "off"), ("oidc", "oidc"), ("basic", "basic")]))),
            Parameter("roles", .texts), Parameter("database", .text), Parameter("env", .environment),
            Parameter("secrets", .texts), Parameter("volumes", .textMapping), Parameter("backup", .appBackup),
            Parameter("depends_on", "dependsOn", .texts), Parameter("health", .health(health)),
            Parameter("metrics", .integerOrCall(metrics)), Parameter("placement", .call(placement)),
            Parameter("ports", .shorthandsOrCalls(port)), Parameter("files", .textMapping),
            Parameter("extra_hosts", "extraHosts", .textMapping), Parameter("resources", .call(resources)),
            Parameter("update", .call(update)), Parameter("command", .command), Parameter("entrypoint", .command),
        ])

    static let health = Call(
        callee: "Health",
        parameters: [
            Parameter("path", .text), Parameter("command", .command), Parameter("interval", .timeSpan),
            Parameter("timeout", .timeSpan), Parameter("retries", .integer),
            Parameter("start_period", "startPeriod", .timeSpan),
        ])

    static let metrics = Call(
        callee: "Metrics",
        parameters: [Parameter("port", .integer), Parameter("path", .text), Parameter("interval", .timeSpan)])

    static let port = Call(
        callee: "Port",
        parameters: [
            Parameter("target", .integer), Parameter("published", .integer),
            Parameter("protocol", .choice(Choice("Port.Transport", [("tcp", "tcp"), ("udp", "udp")]))),
            Parameter("mode", .choice(Choice("Port.Mode", [("ingress", "ingress"), ("host", "host")]))),
        ])

    static let resources = Call(
        callee: "Resources",
        parameters: [
            Parameter("cpus", .number), Parameter("memory", .size),
            Parameter(
                "reserve",
                .call(
                    Call(callee: "Reservation", parameters: [Parameter("cpus", .number), Parameter("memory", .size)]))),
        ])

    static let update = Call(
        callee: "Update",
        parameters: [
            Parameter(
                "order", .choice(Choice("Update.Order", [("start-first", "startFirst"), ("stop-first", "stopFirst")]))),
            Parameter("parallelism", .integer),
            Parameter(
                "failure_action", "failureAction",
                .choice(
                    Choice(
                        "Update.FailureAction",
                        [("rollback", "rollback"), ("pause", "pause"), ("continue", "continue")]))),
            Parameter("delay", .timeSpan), Parameter("monitor", .timeSpan),
        ])
}
