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
        if let alerts = monitoring.alerts, alerts.enabled { checkMailRelay(alerts, domain: syntax.domain, &report) }
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

    /// E-mail needs a relay and a sender: from the manifest, or defaulted from `domain`. The
    /// relay's keys do nothing without `email`.
    static func checkMailRelay(_ alerts: AlertsSyntax, domain: Located<String>?, _ report: inout DiagnosticSink) {
        if let email = alerts.email, domain == nil {
            let missing = [("smtp", alerts.smtp != nil), ("from", alerts.from != nil)].filter { !$0.1 }.map {
                "'\($0.0)'"
            }
            if !missing.isEmpty {
                report.error(
                    Codes.missingKey,
                    "'monitoring.alerts.email' needs \(missing.joined(separator: " and ")) under 'monitoring.alerts': there is no 'domain' to default the mail relay from",
                    at: email.span,
                    help:
                        "add 'smtp: <relay host>:587' (the mail server that takes Alertmanager's mail) and 'from: <sender address>'"
                )
            }
        }
        guard alerts.email == nil else { return }
        for (key, span) in [("smtp", alerts.smtp?.span), ("from", alerts.from?.span), ("user", alerts.user?.span)] {
            guard let span else { continue }
            report.warning(
                Codes.noEffect, "'monitoring.alerts.\(key)' configures the mail relay, but no 'email' receives alerts",
                at: span, help: "add 'email: <recipient>' under 'monitoring.alerts', or remove '\(key)'")
        }
    }
}
