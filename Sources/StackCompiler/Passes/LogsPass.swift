import YAML

/// Reads `monitoring.logs` and `monitoring.log_retention`; contributes Loki (one task on a
/// manager, single binary, its chunks and index on a volume, retention by its compactor),
/// Fluent Bit on every node, and how every service of the stack logs: Docker's `json-file`
/// driver, rotated, each line carrying the task's Swarm labels (`attrs`). Fluent Bit tails those
/// files and the node's journal and sends both to Loki labelled by `stack`, `service`, `task`,
/// `node` and `source` (`loki/loki.yml`, `fluent-bit/fluent-bit.yaml`).
struct LogsPass: BuildPass {
    /// Loki 3.7, whose binary probes its own readiness (`loki -health`, January 2026), which a
    /// health check needs in an image without a shell or an HTTP client.
    static let lokiImage = "grafana/loki:3.7.6"
    /// Fluent Bit 5.1, the release the configuration's documentation describes.
    static let fluentBitImage = "fluent/fluent-bit:5.1.1"

    static let lokiConfigPath = "/etc/loki/loki.yml"
    static let lokiDataPath = "/loki"
    static let fluentBitConfigPath = "/fluent-bit/etc/fluent-bit.yaml"
    /// Where Fluent Bit keeps how far it has read each file and the journal.
    static let fluentBitStatePath = "/fluent-bit/state"
    /// Fluent Bit's HTTP server (its health, its metrics).
    static let fluentBitHTTPPort = 2020
    /// The variable that names the node in Fluent Bit's environment (a Swarm template).
    static let nodeVariable = "NODE_NAME"

    /// Where Docker keeps each container's `json-file` log on a node: under its default data
    /// root, which node provisioning must keep (or this follows it).
    static let containerLogs = "/var/lib/docker/containers"
    /// The folders of the persistent and of the volatile journal, whichever the node has.
    static let journalFolders = ["/var/log/journal", "/run/log/journal"]

    /// The container labels Swarm sets on every task's container that each log line carries,
    /// and the Loki label each becomes.
    static let swarmLabels: [(container: String, loki: String)] = [
        ("com.docker.stack.namespace", "stack"),
        ("com.docker.swarm.service.name", "service"),
        ("com.docker.swarm.task.name", "task"),
    ]

    /// How every service logs: Docker's files, which Fluent Bit reads, rotated so that a chatty
    /// service cannot fill the node's disk (3 files of 10 MB each).
    static let serviceLogging = ServiceLogging(
        maxSize: "10m", maxFiles: 3, labels: swarmLabels.map(\.container))

    /// Where the schema's one period starts. Fixed for good: Loki reads the data it wrote under
    /// this period, so a new schema is added as a new period, never by changing this date.
    static let schemaStart = "2024-01-01"

    /// Files and services nothing waits for: `lint` does not need it.
    var affectsDiagnostics: Bool { false }

    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        guard stack.monitoring.logs else { return }
        plan.addNetwork(PlatformNames.monitoringNetwork)
        plan.setLogging(Self.serviceLogging)
        let header = plan.context.headerLines
        let lokiConfig = plan.addConfigFile(
            key: "loki-config", path: "loki/loki.yml",
            contents: YAMLEmitter.emit(Self.lokiConfiguration(stack), header: header))
        let shipperConfig = plan.addConfigFile(
            key: "fluent-bit-config", path: "fluent-bit/fluent-bit.yaml",
            contents: YAMLEmitter.emit(Self.fluentBitConfiguration(), header: header))
        addLoki(stack, config: lokiConfig, &plan)
        addFluentBit(config: shipperConfig, &plan)
    }

    func addLoki(_ stack: ResolvedStack, config: String, _ plan: inout BuildPlan) {
        let port = PlatformService.loki.port ?? 3100
        var service = PlannedService(image: Self.lokiImage)
        service.port = port
        service.readinessPath = "/ready"
        service.command = .words(["-config.file=\(Self.lokiConfigPath)"])
        service.files = [(config, Self.lokiConfigPath, 0o444)]
        service.networks = [PlatformNames.monitoringNetwork]
        let volume = PlatformNames.lokiVolume
        // On a node's own disk, never on the shared storage (Loki's index and chunks, as
        // Prometheus's, are not for NFS and the like): the plan pins Loki to that node.
        plan.addVolume(volume, PlannedVolume(sharedFolder: nil))
        service.volumes = [(volume, Self.lokiDataPath)]
        service.placement.role = .manager
        // The image has neither a shell nor an HTTP client: the binary asks its own /ready.
        service.health = .monitoringProbe(
            .exec(["/usr/bin/loki", "-health", "-health.url=http://127.0.0.1:\(port)/ready"]),
            startPeriod: TimeSpan(seconds: 60))
        service.writesItsDataAlone(grace: TimeSpan(seconds: 60))
        plan.addService(PlatformService.loki.name, service)
    }

    /// Fluent Bit on every node, reading Docker's log files and the journal read-only; its
    /// positions on the node's own volume, so that a restarted task neither sends again nor
    /// skips.
    func addFluentBit(config: String, _ plan: inout BuildPlan) {
        var service = PlannedService(image: Self.fluentBitImage)
        service.kind = .global
        service.entrypoint = ["/fluent-bit/bin/fluent-bit"]
        service.command = .words(["-c", Self.fluentBitConfigPath])
        // Docker's log files and the journal are readable by root only.
        service.user = "0:0"
        service.setEnvironment(Self.nodeVariable, "{{.Node.Hostname}}")
        service.files = [(config, Self.fluentBitConfigPath, 0o444)]
        service.networks = [PlatformNames.monitoringNetwork]
        let volume = PlatformNames.logShipperStateVolume
        // On each node's own disk, never on the shared storage: every node has its own positions.
        plan.addVolume(volume, PlannedVolume())
        service.volumes = [(volume, Self.fluentBitStatePath)]
        service.hostPaths =
            [(Self.containerLogs, Self.containerLogs, true)]
            + Self.journalParents.map { ($0, $0, true) }
            + [("/etc/machine-id", "/etc/machine-id", true)]
        service.stopGracePeriod = TimeSpan(seconds: 30)
        plan.addService(PlatformService.fluentBit.name, service)
    }

    /// The folders bound for the journal: the parents of its two folders, which exist on every
    /// systemd host (a bind of a missing folder would stop the task from starting on a node
    /// whose journal is only persistent, or only volatile).
    static var journalParents: [String] {
        journalFolders.map { folder in
            String(folder[..<(folder.lastIndex(of: "/") ?? folder.endIndex)])
        }
    }

    // MARK: loki.yml

    static func lokiConfiguration(_ stack: ResolvedStack) -> YAMLValue {
        let retention = stack.monitoring.logRetention
        return .mapping([
            // One tenant: Loki is reachable only on the monitoring network and never routed.
            ("auth_enabled", .bool(false)),
            ("server", .mapping([("http_listen_port", .int(PlatformService.loki.port ?? 3100))])),
            (
                "common",
                .mapping([
                    ("instance_addr", .string("127.0.0.1")),
                    ("path_prefix", .string(lokiDataPath)),
                    (
                        "storage",
                        .mapping([
                            (
                                "filesystem",
                                .mapping([
                                    ("chunks_directory", .string("\(lokiDataPath)/chunks")),
                                    ("rules_directory", .string("\(lokiDataPath)/rules")),
                                ])
                            )
                        ])
                    ),
                    ("replication_factor", .int(1)),
                    ("ring", .mapping([("kvstore", .mapping([("store", .string("inmemory"))]))])),
                ])
            ),
            (
                "schema_config",
                .mapping([
                    (
                        "configs",
                        .sequence([
                            .mapping([
                                ("from", .string(schemaStart)),
                                ("store", .string("tsdb")),
                                ("object_store", .string("filesystem")),
                                ("schema", .string("v13")),
                                // Retention needs a daily index.
                                ("index", .mapping([("prefix", .string("index_")), ("period", .string("24h"))])),
                            ])
                        ])
                    )
                ])
            ),
            ("limits_config", .mapping([("retention_period", .string(retention.goString))])),
            (
                "compactor",
                .mapping([
                    ("working_directory", .string("\(lokiDataPath)/compactor")),
                    ("retention_enabled", .bool(true)),
                    ("delete_request_store", .string("filesystem")),
                ])
            ),
            ("analytics", .mapping([("reporting_enabled", .bool(false))])),
        ])
    }

    // MARK: fluent-bit.yaml

    /// The tags of the two inputs, which the outputs match.
    static let containerTag = "container"
    static let journalTag = "journal"

    static func fluentBitConfiguration() -> YAMLValue {
        let on = YAMLValue.string("on")
        let node = "node=${\(nodeVariable)}"
        let containerLabels =
            ["source=container", node]
            + swarmLabels.map { "\($0.loki)=\(recordAccessor("attrs", $0.container))" }
        return .mapping([
            (
                "service",
                .mapping([
                    ("flush", .int(1)),
                    ("log_level", .string("info")),
                    ("http_server", on),
                    ("http_listen", .string("0.0.0.0")),
                    ("http_port", .int(fluentBitHTTPPort)),
                    ("health_check", on),
                ])
            ),
            (
                "parsers",
                .sequence([
                    // A json-file line: `log`, `stream`, `time` and the labels under `attrs`.
                    .mapping([
                        ("name", .string("docker-json-file")),
                        ("format", .string("json")),
                        ("time_key", .string("time")),
                        ("time_format", .string("%Y-%m-%dT%H:%M:%S.%L")),
                    ])
                ])
            ),
            (
                "pipeline",
                .mapping([
                    (
                        "inputs",
                        .sequence([
                            .mapping([
                                ("name", .string("tail")),
                                ("tag", .string("\(containerTag).*")),
                                ("path", .string("\(containerLogs)/*/*-json.log")),
                                ("parser", .string("docker-json-file")),
                                ("db", .string("\(fluentBitStatePath)/containers.db")),
                                ("mem_buf_limit", .string("16MB")),
                                ("skip_long_lines", on),
                                ("refresh_interval", .int(10)),
                            ]),
                            .mapping([
                                ("name", .string("systemd")),
                                ("tag", .string(journalTag)),
                                ("db", .string("\(fluentBitStatePath)/journal.db")),
                                ("read_from_tail", on),
                            ]),
                        ])
                    ),
                    (
                        "outputs",
                        .sequence([
                            lokiOutput(
                                match: "\(containerTag).*", labels: containerLabels, removeKeys: ["attrs"]),
                            lokiOutput(
                                match: journalTag,
                                labels: ["source=journal", node, "unit=\(recordAccessor("_SYSTEMD_UNIT"))"],
                                removeKeys: []),
                        ])
                    ),
                ])
            ),
        ])
    }

    static func lokiOutput(match: String, labels: [String], removeKeys: [String]) -> YAMLValue {
        var entries: [(key: String, value: YAMLValue)] = [
            ("name", .string("loki")),
            ("match", .string(match)),
            ("host", .string(PlatformService.loki.name)),
            ("port", .int(PlatformService.loki.port ?? 3100)),
            ("labels", .string(labels.joined(separator: ", "))),
        ]
        if !removeKeys.isEmpty { entries.append(("remove_keys", .string(removeKeys.joined(separator: ", ")))) }
        entries.append(("line_format", .string("json")))
        return .mapping(entries)
    }

    /// Fluent Bit's record accessor for a key, or for a key of a map in the record.
    static func recordAccessor(_ key: String, _ subkey: String? = nil) -> String {
        guard let subkey else { return "$" + key }
        return "$\(key)['\(subkey)']"
    }
}
