import YAML

/// The alert rules Prometheus evaluates (`prometheus/rules/stackc.yml`), from what the metrics
/// part scrapes: a target down, a node's exporter down (the node itself, or its agent), a disk
/// or the memory of a node close to full. Each rule has a `promtool test rules` case in the
/// repository (`Tests/Monitoring/`). Rules that need what later work adds (desired replicas,
/// restart loops, backup age, certificate expiry) and the Alertmanager that routes them come
/// with the rest of monitoring.
enum AlertRules {
    struct Rule {
        var name: String
        var expression: String
        var duration: String
        var severity: String
        var summary: String
    }

    static let rules: [Rule] = [
        Rule(
            name: "TargetDown",
            // The engines' job waits for node provisioning (metrics-addr in daemon.json).
            expression: #"up{job!="docker"} == 0"#, duration: "5m", severity: "warning",
            summary: "{{ $labels.job }} at {{ $labels.instance }} ({{ $labels.service }}) cannot be scraped"),
        Rule(
            name: "NodeDown",
            expression: #"up{job="node-exporter"} == 0"#, duration: "2m", severity: "critical",
            summary: "node {{ $labels.node }} does not answer (its node-exporter is down)"),
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
    ]

    static func document(_ stack: ResolvedStack) -> YAMLValue {
        .mapping([
            (
                "groups",
                .sequence([
                    .mapping([
                        ("name", .string("stackc")),
                        (
                            "rules",
                            .sequence(
                                rules.map { rule in
                                    .mapping([
                                        ("alert", .string(rule.name)),
                                        ("expr", .string(rule.expression)),
                                        ("for", .string(rule.duration)),
                                        ("labels", .mapping([("severity", .string(rule.severity))])),
                                        ("annotations", .mapping([("summary", .string(rule.summary))])),
                                    ])
                                })
                        ),
                    ])
                ])
            )
        ])
    }
}
