import StackDiagnostics

/// The monitoring parts stand on Prometheus and Loki: alerts, retention and Grafana do
/// nothing without the metrics or logs they are about.
enum MonitoringRules: CheckRule {
    static func check(_ syntax: ManifestSyntax, _ stack: ResolvedStack, _ report: inout DiagnosticSink) {
        guard let monitoring = syntax.monitoring else { return }
        // On, or written with a value that has its own error: either way nothing is off.
        let metrics = !syntax.metricsKnownOff
        let logs = !syntax.logsKnownOff
        if let alerts = monitoring.alerts, alerts.enabled, !metrics {
            report.warning(
                Codes.noEffect,
                "'monitoring.alerts' are rules on Prometheus's metrics, but 'monitoring.metrics' is off, so none would fire",
                at: alerts.span, help: "add 'metrics: true' under 'monitoring', or remove 'alerts'")
        }
        if let retention = monitoring.retention, !metrics {
            report.warning(
                Codes.noEffect, "'monitoring.retention' is how long metrics are kept, but 'monitoring.metrics' is off",
                at: retention.span, help: "add 'metrics: true' under 'monitoring', or remove 'retention'")
        }
        if let retention = monitoring.logRetention, !logs {
            report.warning(
                Codes.noEffect, "'monitoring.log_retention' is how long Loki keeps logs, but 'monitoring.logs' is off",
                at: retention.span, help: "add 'logs: true' under 'monitoring', or remove 'log_retention'")
        }
        if let grafana = monitoring.grafana, grafana.enabled, !metrics, !logs {
            report.warning(
                Codes.noEffect,
                "Grafana would have nothing to show: 'monitoring.metrics' and 'monitoring.logs' are both off",
                at: grafana.span, help: "add 'metrics: true' or 'logs: true' under 'monitoring', or remove 'grafana'")
        }
        if let grafana = monitoring.grafana, grafana.enabled {
            let auth = grafana.auth?.value ?? (syntax.identity != nil ? .oidc : .basic)
            for (name, role) in [("admin_role", grafana.adminRole), ("editor_role", grafana.editorRole)] {
                guard let role, auth != .oidc else { continue }
                report.warning(
                    Codes.noEffect,
                    "Grafana's '\(name): \(role.value)' applies only with 'auth: oidc'; its users sign in with 'auth: \(auth.rawValue)'",
                    at: role.span, help: "use 'auth: oidc' (with an 'identity' section), or remove '\(name)'")
            }
        }
    }
}
