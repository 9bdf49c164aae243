import YAML

/// The alert rules Prometheus evaluates (`prometheus/rules/stackc.yml`), from what the metrics
/// part scrapes: a target down, a node's exporter down (the node itself, or its agent), a disk
/// or the memory of a node close to full, a service running fewer tasks than it should, a task
/// restarting in a loop, a certificate close to expiry (Traefik's metrics). The file is the
/// same for every stack, so each rule has a `promtool test rules` case in the repository
/// (`Tests/Monitoring/`); what differs per stack, the tasks each service should run, is in
/// `DesiredTasks`' file. Backup age waits for the backups.
enum AlertRules {
    /// An alerting rule.
    struct Rule {
        var name: String
        var expression: String
        var duration: String
        var severity: String
        var summary: String

        /// The rule as Prometheus reads it, with `labels` beside its severity.
        func yaml(labels: [(key: String, value: String)] = []) -> YAMLValue {
            .mapping([
                ("alert", .string(name)),
                ("expr", .string(expression)),
                ("for", .string(duration)),
                ("labels", .mapping([("severity", .string(severity))] + labels.map { ($0.key, .string($0.value)) })),
                ("annotations", .mapping([("summary", .string(summary))])),
            ])
        }
    }

    /// A recording rule the alerts read.
    struct Record {
        var name: String
        var expression: String
    }

    /// The tasks of each service that cAdvisor sees running, deduplicated by task (its series
    /// carry the Swarm labels of each container: `MetricsPass.cadvisorContainerLabels`). A
    /// service with no running task has no series.
    static let runningTasks = Record(
        name: "stackc:service_tasks:running",
        expression:
            #"count by (service) (label_replace(count by (container_label_com_docker_swarm_service_name, container_label_com_docker_swarm_task_name) (container_last_seen{container_label_com_docker_swarm_task_name!=""}), "service", "$1", "container_label_com_docker_swarm_service_name", "(.+)"))"#
    )

    /// The tasks each slot of a service had in the last 15 minutes. Swarm replaces a container
    /// that exits with a new task in the same slot (a global service's "slot" is its node's ID,
    /// the middle of `<service>.<slot>.<task id>`); one rolling update makes two tasks of a
    /// slot, so more than three is a loop. A task that lives between two scrapes may escape
    /// being counted, which only delays the alert.
    static let recentSlotTasks = Record(
        name: "stackc:service_slot_tasks:15m",
        expression:
            #"count by (service, slot) (label_replace(label_replace(count by (container_label_com_docker_swarm_service_name, container_label_com_docker_swarm_task_name) (last_over_time(container_last_seen{container_label_com_docker_swarm_task_name!=""}[15m])), "service", "$1", "container_label_com_docker_swarm_service_name", "(.+)"), "slot", "$1", "container_label_com_docker_swarm_task_name", "[^.]+[.]([^.]+)[.][^.]+"))"#
    )

    static let records = [runningTasks, recentSlotTasks]

    static let rules: [Rule] = [
        Rule(
            name: "TargetDown",
            // Not the engines' job: only nodes set up from nodes/ are sure to serve it
            // (metrics-addr in daemon.json).
            expression: "up{job!=\"\(MetricsPass.engineJob)\"} == 0", duration: "5m", severity: "warning",
            summary: "{{ $labels.job }} at {{ $labels.instance }} ({{ $labels.service }}) cannot be scraped"),
        Rule(
            name: "NodeDown",
            expression: #"up{job="node-exporter"} == 0"#, duration: "2m", severity: "critical",
            summary: "node {{ $labels.node }} does not answer (its node-exporter is down)"),
        Rule(
            name: "NodesMissing",
            // A node that goes down loses its tasks (Swarm shuts them down), so its exporter's
            // target is gone, not down: count the exporters that answer against the nodes the
            // cluster has (node-exporter's desired tasks: one per node). The value is how many
            // do not answer.
            expression:
                "(\(DesiredTasks.metric){service=~\".+_\(PlatformService.nodeExporter.name)\"} - on(service) (count by (service) (up{job=\"\(PlatformService.nodeExporter.name)\"} == 1) or on(service) 0 * \(DesiredTasks.metric){service=~\".+_\(PlatformService.nodeExporter.name)\"})) > 0",
            duration: "2m", severity: "critical",
            summary:
                "{{ $value }} of the cluster's nodes have no node-exporter answering: a node is down or left the swarm"),
        Rule(
            name: "NodeDiskAlmostFull",
            expression:
                #"node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs"} < 0.10"#,
            duration: "10m", severity: "warning",
            summary: "{{ $labels.mountpoint }} on node {{ $labels.node }} has less than 10% free"),
        Rule(
            name: "NodeMemoryPressure",
            expression: "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < 0.10", duration: "10m",
            severity: "warning", summary: "node {{ $labels.node }} has less than 10% of its memory available"),
        Rule(
            name: "ServiceBelowReplicas",
            // A service without a running task has no running series: it counts as 0. The value
            // is how many tasks are missing.
            expression:
                "(\(DesiredTasks.metric) - on(service) (\(runningTasks.name) or on(service) 0 * \(DesiredTasks.metric))) > 0",
            duration: "5m", severity: "critical",
            summary: "{{ $labels.service }} runs {{ $value }} task(s) fewer than it should"),
        Rule(
            name: "TaskRestartLoop",
            // Only this stack's services: cAdvisor sees every container on its node.
            // A deploy, its rollback and a fix within 15 minutes make four tasks in a slot, and
            // are no loop: more than five is.
            expression: "\(recentSlotTasks.name) > 5 and on(service) \(DesiredTasks.metric)",
            duration: "0m", severity: "warning",
            summary:
                "{{ $labels.service }} (slot {{ $labels.slot }}) had {{ $value }} tasks in 15 minutes: it keeps failing and being replaced"
        ),
        Rule(
            name: "CertificateExpiresSoon",
            // Each Traefik task reports the same certificates: one alert per certificate.
            expression: "min by (cn, sans, serial) (traefik_tls_certs_not_after) - time() < 14 * 86400",
            duration: "1h", severity: "warning",
            summary: "the certificate for {{ $labels.cn }} expires in {{ $value | humanizeDuration }}"),
    ]

    static func document(_ stack: ResolvedStack) -> YAMLValue {
        let entries: [YAMLValue] =
            records.map { record in
                .mapping([("record", .string(record.name)), ("expr", .string(record.expression))])
            }
            + rules.map { $0.yaml() }
        return .mapping([
            ("groups", .sequence([.mapping([("name", .string("stackc")), ("rules", .sequence(entries))])]))
        ])
    }
}
