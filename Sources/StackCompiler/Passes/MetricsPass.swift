import YAML

/// Reads `monitoring.metrics` and each app's `metrics`; contributes Prometheus (on a manager,
/// its data on a volume, retention from the manifest), node-exporter and cAdvisor on every
/// node, the network they share with the apps they scrape, and the labels by which an app opts
/// in (`stackc.metrics.port`, `.path`, `.job`, `.interval`). Prometheus finds targets through
/// Swarm discovery and keeps, by relabelling, only the running tasks of this stack's services
/// that opted in, at their address on the monitoring network: no target list is written by
/// hand, and a scaled or moved task is followed (`prometheus/prometheus.yml`). With Traefik, its
/// metrics entry point is scraped too (certificates' expiry). The alert rules are `AlertRules`
/// and, per stack, `DesiredTasks`.
struct MetricsPass: BuildPass {
    /// Prometheus 2.x (the LTS line): the configuration stays within what Debian's promtool
    /// 2.42, which the tests run, accepts.
    static let prometheusImage = "prom/prometheus:v2.53.4"
    static let nodeExporterImage = "prom/node-exporter:v1.8.2"
    static let cadvisorImage = "gcr.io/cadvisor/cadvisor:v0.49.1"
    /// The container labels cAdvisor keeps on its series (Swarm sets them on every task's container).
    static let cadvisorContainerLabels = [
        "com.docker.stack.namespace", "com.docker.swarm.service.name", "com.docker.swarm.task.name",
        "com.docker.swarm.node.id",
    ]
    static let configPath = "/etc/prometheus/prometheus.yml"
    /// The port each node's Docker engine serves its metrics on (`metrics-addr` in daemon.json).
    static let engineMetricsPort = 9323
    /// The job of the engines' metrics: with an underscore, which no app name (a DNS label, the
    /// job of its own targets) has, so an app called `docker` keeps a job of its own.
    static let engineJob = "docker_engine"

    /// The labels an app opts in with.
    enum Label {
        static let port = "stackc.metrics.port"
        static let path = "stackc.metrics.path"
        static let job = "stackc.metrics.job"
        static let interval = "stackc.metrics.interval"

        /// The name Swarm discovery gives a service label (`.` and `-` become `_`).
        static func meta(_ label: String) -> String {
            "__meta_dockerswarm_service_label_"
                + label.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
        }
    }

    /// Files and services nothing waits for: `lint` does not need it.
    var affectsDiagnostics: Bool { false }

    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        guard stack.monitoring.metrics else { return }
        let network = PlatformNames.monitoringNetwork
        // Not internal: Prometheus reaches each node's engine metrics at the node's own address,
        // through the host's gateway bridge, which internal networks do not get.
        plan.addNetwork(network)
        let keys = plan.origin.keys
        for app in stack.apps {
            guard let metrics = app.metrics else { continue }
            plan.reading(["apps.\(app.name).metrics"])
            var labels: [(key: String, value: String)] = [
                (Label.port, String(metrics.port)), (Label.path, metrics.path), (Label.job, app.name),
            ]
            if let interval = metrics.interval { labels.append((Label.interval, interval.prometheusString)) }
            plan.amend(app.name, .labels(labels))
            plan.amend(app.name, .joinNetwork(network))
        }
        plan.reading(keys)
        let header = plan.context.headerLines
        // The job that finds the apps is made from every app's `metrics`.
        let origins = OriginMap(plan.origin)
        let scraped = stack.apps.filter { $0.metrics != nil }.map { ManifestKeyPath("apps.\($0.name).metrics") }
        if !scraped.isEmpty { origins.set(["scrape_configs", "apps"], plan.origin(keys + scraped)) }
        let config = plan.addConfigFile(
            key: "prometheus-config", path: "prometheus/prometheus.yml",
            annotated: {
                OriginText(yaml: Self.configuration(stack), header: header, map: origins, root: origins.origin!)
            })
        let rules = plan.addConfigFile(
            key: "prometheus-rules", path: "prometheus/rules/stackc.yml",
            contents: YAMLEmitter.emit(AlertRules.document(stack), header: header))
        let desired = plan.addConfigFile(
            key: "prometheus-desired-tasks", path: "prometheus/rules/desired-tasks.yml",
            contents: YAMLEmitter.emit(DesiredTasks.document(stack), header: header))
        var ruleFiles = [(key: rules, path: Self.rulesPath), (key: desired, path: Self.desiredTasksPath)]
        let backups = BackupPass.sources(stack).map { BackupPass.job($0, stack) }
        if !backups.isEmpty {
            let file = plan.addConfigFile(
                key: "prometheus-backup-rules", path: "prometheus/rules/backups.yml",
                contents: YAMLEmitter.emit(BackupAlertRules.document(backups), header: header))
            ruleFiles.append((file, Self.backupRulesPath))
        }
        addPrometheus(stack, config: config, rules: ruleFiles, &plan)
        addNodeAgents(readsBackupRecords: !backups.isEmpty, &plan)
    }

    /// Where Prometheus reads the alert rules, and the desired tasks of each service.
    static let rulesPath = "/etc/prometheus/rules/stackc.yml"
    static let desiredTasksPath = "/etc/prometheus/rules/desired-tasks.yml"
    static let backupRulesPath = "/etc/prometheus/rules/backups.yml"

    func addPrometheus(
        _ stack: ResolvedStack, config: String, rules: [(key: String, path: String)], _ plan: inout BuildPlan
    ) {
        let port = PlatformService.prometheus.port ?? 9090
        var service = PlannedService(image: Self.prometheusImage)
        service.port = port
        service.readinessPath = "/-/ready"
        // Links in its pages (and alerts' links to graphs) name the public URL, once routed.
        service.command = .words(
            [
                "--config.file=\(Self.configPath)", "--storage.tsdb.path=/prometheus",
                "--storage.tsdb.retention.time=\(stack.monitoring.retention.prometheusString)",
            ] + PlatformNames.externalURLFlag(host: stack.monitoring.prometheusHost))
        // Discovery reads the Swarm API of a manager through its socket, which only root may open.
        service.user = "0:0"
        service.hostPaths = [("/var/run/docker.sock", "/var/run/docker.sock", true)]
        service.files = [(config, Self.configPath, 0o444)] + rules.map { ($0.key, $0.path, 0o444) }
        service.networks = [PlatformNames.monitoringNetwork]
        let volume = "prometheus-data"
        // On a node's own disk, never on the shared storage: Prometheus's storage documentation
        // says a non-POSIX file system such as NFS is not supported and may corrupt the data.
        // The plan pins Prometheus to the node that keeps it.
        plan.addVolume(volume, PlannedVolume(sharedFolder: nil))
        service.volumes = [(volume, "/prometheus")]
        service.placement.role = .manager
        service.health = .monitoringProbe(
            .exec(["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:\(port)/-/ready"]),
            startPeriod: TimeSpan(seconds: 60))
        service.writesItsDataAlone(grace: TimeSpan(seconds: 60))
        plan.addService(PlatformService.prometheus.name, service)
    }

    /// node-exporter and cAdvisor on every node, reading the host read-only.
    func addNodeAgents(readsBackupRecords: Bool, _ plan: inout BuildPlan) {
        var exporter = PlannedService(image: Self.nodeExporterImage)
        exporter.kind = .global
        exporter.port = PlatformService.nodeExporter.port
        var flags = [
            "--path.rootfs=/host",
            // The container's own mounts (the files Docker binds in /etc) are not the host's disks.
            "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|var/lib/docker/.+|etc/(hostname|hosts|resolv\\.conf))($|/)",
        ]
        if readsBackupRecords {
            // The files the backup jobs on this node record their runs in.
            plan.addVolume(PlatformNames.backupMetricsVolume, PlannedVolume(perNode: true))
            exporter.volumes = [(PlatformNames.backupMetricsVolume, BackupPass.metricsPath)]
            exporter.readOnlyVolumeTargets = [BackupPass.metricsPath]
            flags.append("--collector.textfile.directory=\(BackupPass.metricsPath)")
        }
        exporter.command = .words(flags)
        exporter.hostPaths = [("/", "/host", true)]
        exporter.networks = [PlatformNames.monitoringNetwork]
        plan.addService(PlatformService.nodeExporter.name, exporter)

        var cadvisor = PlannedService(image: Self.cadvisorImage)
        cadvisor.kind = .global
        cadvisor.port = PlatformService.cadvisor.port
        cadvisor.command = .words([
            "--docker_only=true", "--housekeeping_interval=30s", "--store_container_labels=false",
            // Only the labels that name a task's stack, service, slot and node become labels of
            // its series (`container_label_com_docker_swarm_service_name`, ...): dashboards and
            // rules select by them; any other label would multiply the series.
            "--whitelisted_container_labels=\(Self.cadvisorContainerLabels.joined(separator: ","))",
        ])
        cadvisor.hostPaths = [
            ("/", "/rootfs", true), ("/var/run", "/var/run", true), ("/sys", "/sys", true),
            ("/var/lib/docker", "/var/lib/docker", true),
        ]
        cadvisor.networks = [PlatformNames.monitoringNetwork]
        plan.addService(PlatformService.cadvisor.name, cadvisor)
    }

    // MARK: prometheus.yml

    static func configuration(_ stack: ResolvedStack) -> YAMLValue {
        let network = "\(stack.name)_\(PlatformNames.monitoringNetwork)"
        var jobs: [YAMLValue] = [
            .mapping([
                ("job_name", .string("prometheus")),
                (
                    "static_configs",
                    .sequence([
                        .mapping([
                            ("targets", .sequence([.string("localhost:9090")])),
                            ("labels", .mapping([("stack", .string(stack.name))])),
                        ])
                    ])
                ),
            ]),
            swarmJob(
                "apps", stack: stack.name, network: network,
                select: [
                    keep([Label.meta(Label.port)], ".+")
                ],
                port: .label(Label.meta(Label.port)),
                extra: [
                    copy(Label.meta(Label.path), to: "__metrics_path__", regex: "(.+)"),
                    copy(Label.meta(Label.interval), to: "__scrape_interval__", regex: "(.+)"),
                    // Prometheus refuses a target whose timeout (10 s by default) exceeds its
                    // interval: an interval under 10 s (whole seconds) is its own timeout.
                    copy(Label.meta(Label.interval), to: "__scrape_timeout__", regex: "([1-9]s)"),
                    copy(Label.meta(Label.job), to: "job", regex: "(.+)"),
                ]),
            swarmJob(
                "node-exporter", stack: stack.name, network: network,
                select: [
                    keep(["__meta_dockerswarm_service_name"], "\(stack.name)_\(PlatformService.nodeExporter.name)")
                ],
                port: .fixed(PlatformService.nodeExporter.port ?? 9100), extra: []),
            swarmJob(
                "cadvisor", stack: stack.name, network: network,
                select: [keep(["__meta_dockerswarm_service_name"], "\(stack.name)_\(PlatformService.cadvisor.name)")],
                port: .fixed(PlatformService.cadvisor.port ?? 8080), extra: []),
        ]
        if stack.proxy.kind == .traefik, DesiredTasks.hasEdgeProxy(stack) {
            jobs.append(
                swarmJob(
                    "traefik", stack: stack.name, network: network,
                    select: [
                        keep(["__meta_dockerswarm_service_name"], "\(stack.name)_\(PlatformService.traefik.name)")
                    ],
                    port: .fixed(TraefikRenderer.metricsPort), extra: []))
        }
        if stack.cluster.dockerMetrics {
            jobs.append(
                .mapping([
                    ("job_name", .string(engineJob)),
                    ("dockerswarm_sd_configs", .sequence([discovery(role: "nodes")])),
                    (
                        "relabel_configs",
                        .sequence([
                            .mapping([
                                ("source_labels", .sequence([.string("__meta_dockerswarm_node_address")])),
                                ("target_label", .string("__address__")),
                                ("replacement", .string("$1:\(engineMetricsPort)")),
                            ]),
                            stackLabel(stack.name),
                            copy("__meta_dockerswarm_node_hostname", to: "node", regex: "(.+)"),
                        ])
                    ),
                ]))
        }
        var top: [(key: String, value: YAMLValue)] = [
            (
                "global",
                .mapping([
                    ("scrape_interval", .string("30s")),
                    ("evaluation_interval", .string("30s")),
                    ("external_labels", .mapping([("stack", .string(stack.name))])),
                ])
            ),
            // Relative to the configuration's folder: the same in the container and in out/.
            (
                "rule_files",
                .sequence(
                    ["rules/stackc.yml", "rules/desired-tasks.yml"].map(YAMLValue.string)
                        + (BackupPass.sourceNames(stack).isEmpty ? [] : [.string("rules/backups.yml")]))
            ),
        ]
        if stack.monitoring.runningAlerts != nil { top.append(("alerting", alerting(stack))) }
        top.append(("scrape_configs", .sequence(jobs)))
        return .mapping(top)
    }

    /// Alertmanager's task, found by the Swarm DNS name of its tasks on the monitoring network
    /// (it runs one; a moved task is found again at the next lookup).
    static func alerting(_ stack: ResolvedStack) -> YAMLValue {
        .mapping([
            (
                "alertmanagers",
                .sequence([
                    .mapping([
                        (
                            "dns_sd_configs",
                            .sequence([
                                .mapping([
                                    (
                                        "names",
                                        .sequence([.string("tasks.\(stack.name)_\(PlatformService.alertmanager.name)")])
                                    ),
                                    ("type", .string("A")),
                                    ("port", .int(PlatformService.alertmanager.port ?? 9093)),
                                    ("refresh_interval", .string("30s")),
                                ])
                            ])
                        )
                    ])
                ])
            )
        ])
    }

    enum TargetPort {
        case fixed(Int)
        /// The port a service label names.
        case label(String)
    }

    /// Swarm discovery of tasks, kept when running, of this stack, selected by `select`, on
    /// the monitoring network; the address is the task's there with the job's port; each
    /// series is labelled with the service, the task's slot and its node.
    static func swarmJob(
        _ name: String, stack: String, network: String, select: [YAMLValue], port: TargetPort, extra: [YAMLValue]
    ) -> YAMLValue {
        var relabel: [YAMLValue] = [
            keep(["__meta_dockerswarm_task_desired_state"], "running"),
            keep([Label.meta("com.docker.stack.namespace")], stack),
        ]
        relabel += select
        relabel.append(keep(["__meta_dockerswarm_network_name"], network))
        switch port {
        case .fixed(let number):
            relabel.append(
                .mapping([
                    ("source_labels", .sequence([.string("__address__")])),
                    ("regex", .string("(.+):\\d+")),
                    ("target_label", .string("__address__")),
                    ("replacement", .string("$1:\(number)")),
                ]))
        case .label(let label):
            relabel.append(
                .mapping([
                    ("source_labels", .sequence([.string("__address__"), .string(label)])),
                    ("regex", .string("(.+):\\d+;(\\d+)")),
                    ("target_label", .string("__address__")),
                    ("replacement", .string("$1:$2")),
                ]))
        }
        relabel += extra
        relabel += [
            stackLabel(stack),
            copy("__meta_dockerswarm_service_name", to: "service", regex: "(.+)"),
            copy("__meta_dockerswarm_task_slot", to: "slot", regex: "(.+)"),
            copy("__meta_dockerswarm_node_hostname", to: "node", regex: "(.+)"),
        ]
        return .mapping([
            ("job_name", .string(name)),
            ("dockerswarm_sd_configs", .sequence([discovery(role: "tasks")])),
            ("relabel_configs", .sequence(relabel)),
        ])
    }

    /// `stack` on every target, so that queries of this Prometheus can select by it (external
    /// labels only reach what leaves Prometheus).
    static func stackLabel(_ stack: String) -> YAMLValue {
        .mapping([("target_label", .string("stack")), ("replacement", .string(stack))])
    }

    static func discovery(role: String) -> YAMLValue {
        .mapping([
            ("host", .string("unix:///var/run/docker.sock")),
            ("role", .string(role)),
            ("refresh_interval", .string("30s")),
        ])
    }

    static func keep(_ labels: [String], _ regex: String) -> YAMLValue {
        .mapping([
            ("source_labels", .sequence(labels.map(YAMLValue.string))),
            ("regex", .string(regex)),
            ("action", .string("keep")),
        ])
    }

    static func copy(_ label: String, to target: String, regex: String) -> YAMLValue {
        .mapping([
            ("source_labels", .sequence([.string(label)])),
            ("regex", .string(regex)),
            ("target_label", .string(target)),
        ])
    }
}
