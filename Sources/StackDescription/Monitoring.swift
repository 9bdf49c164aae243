/// `monitoring`: metrics, logs, dashboards and alerts.
///
/// ```swift
/// Monitoring(metrics: true, logs: true, alerts: Alerts(email: "ops@campus.test"), retention: .days(30))
/// ```
public struct Monitoring: Sendable {
    let section: StackSection

    /// Prometheus and the exporters (`metrics`), Loki and a log shipper (`logs`), `alerts`
    /// (`true`, or `Alerts(…)`), `grafana` (`false`, or `Grafana(…)`; default on with metrics or
    /// logs), the metrics `retention` and Loki's `logRetention` (whole days).
    public init(
        metrics: Bool? = nil, logs: Bool? = nil, alerts: Alerts? = nil, grafana: Grafana? = nil,
        retention: TimeSpan? = nil, logRetention: TimeSpan? = nil, fileID: StaticString = #fileID,
        filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
    ) {
        var map = ManifestMap()
        map.add("metrics", metrics)
        map.add("logs", logs)
        map.add("alerts", alerts)
        map.add("grafana", grafana)
        map.add("retention", retention)
        map.add("log_retention", logRetention)
        let position = SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column)
        section = StackSection(key: "monitoring", node: map.node(at: position))
    }
}

/// `monitoring.alerts`: `true`/`false`, or where alerts go.
///
/// ```swift
/// alerts: true
/// alerts: Alerts(email: "ops@campus.test", smtp: "mail.campus.test:587", user: "alerts")
/// ```
public struct Alerts: Sendable, ManifestValue, ExpressibleByBooleanLiteral {
    let manifestNode: ManifestNode

    /// Alertmanager on (`true`) or off, sending nowhere but its own page.
    public init(booleanLiteral value: Bool) { manifestNode = value.manifestNode }

    /// Alerts sent by `email` and to a `webhook`; the mail relay (`smtp`, `host` or
    /// `host:port`), the sender (`from`) and the `user` signing in to the relay.
    public init(
        email: String? = nil, webhook: String? = nil, smtp: String? = nil, from: String? = nil,
        user: String? = nil, fileID: StaticString = #fileID, filePath: StaticString = #filePath,
        line: UInt = #line, column: UInt = #column
    ) {
        var map = ManifestMap()
        map.add("email", email)
        map.add("webhook", webhook)
        map.add("smtp", smtp)
        map.add("from", from)
        map.add("user", user)
        manifestNode = map.node(at: SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column))
    }
}

/// `monitoring.grafana`: `true`/`false`, or its settings.
public struct Grafana: Sendable, ManifestValue, ExpressibleByBooleanLiteral {
    /// `monitoring.grafana.auth`: how users sign in.
    public enum Auth: String, Sendable, ManifestValue {
        /// Through Keycloak (the default when there is an `identity`).
        case oidc
        /// A password.
        case basic
    }

    let manifestNode: ManifestNode

    /// Grafana on (`true`) or off (`false`).
    public init(booleanLiteral value: Bool) { manifestNode = value.manifestNode }

    /// Grafana at `host` (default `grafana`), with its sign-in (`auth`) and the realm roles
    /// that make a user Grafana Admin (`adminRole`) or an editor (`editorRole`).
    public init(
        host: String? = nil, auth: Auth? = nil, adminRole: String? = nil, editorRole: String? = nil,
        fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line,
        column: UInt = #column
    ) {
        var map = ManifestMap()
        map.add("host", host)
        map.add("auth", auth)
        map.add("admin_role", adminRole)
        map.add("editor_role", editorRole)
        manifestNode = map.node(at: SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column))
    }
}
