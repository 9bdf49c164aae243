import YAML

/// Reads `monitoring.alerts` (with `metrics`: the rules are Prometheus's); contributes
/// Alertmanager (one task on a manager, its silences and notification log on a volume, on the
/// monitoring network) and its configuration (`alertmanager/alertmanager.yml`): one route tree
/// grouping alerts by name, stack and service, and a receiver for each of `email` (through the
/// mail relay, its password a secret the operator provides when `user` is given) and
/// `webhook`. Prometheus finds it through `alerting` in `prometheus.yml` (`MetricsPass`).
struct AlertmanagerPass: BuildPass {
    /// Alertmanager 0.28: the configuration stays within what Debian's amtool 0.25, which the
    /// tests run, accepts (`smtp_auth_password_file` is there since 0.25).
    static let image = "prom/alertmanager:v0.28.1"
    static let configPath = "/etc/alertmanager/alertmanager.yml"
    static let dataPath = "/alertmanager"
    /// The volume of its silences and notification log.
    static let volume = "alertmanager-data"

    /// The receivers, by the name the route tree gives them.
    enum Receiver {
        static let email = "email"
        static let webhook = "webhook"
        /// The root's: alerts are shown and silenced in Alertmanager but sent nowhere (a stack
        /// with `alerts: true` and neither `email` nor `webhook`).
        static let none = "none"
    }

    /// Services nothing waits for: `lint` does not need it.
    var affectsDiagnostics: Bool { false }

    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        guard let alerts = stack.monitoring.runningAlerts else { return }
        let header = plan.context.headerLines
        let config = plan.addConfigFile(
            key: "alertmanager-config", path: "alertmanager/alertmanager.yml",
            contents: YAMLEmitter.emit(Self.configuration(alerts), header: header))
        let port = PlatformService.alertmanager.port ?? 9093
        var service = PlannedService(image: Self.image)
        service.port = port
        service.readinessPath = "/-/ready"
        // One instance: no cluster of peers to gossip silences with. Links in its pages and
        // notifications name the public URL, once routed.
        service.command = .words(
            [
                "--config.file=\(Self.configPath)", "--storage.path=\(Self.dataPath)", "--cluster.listen-address=",
            ] + PlatformNames.externalURLFlag(host: stack.monitoring.alertmanagerHost))
        service.files = [(config, Self.configPath, 0o444)]
        if alerts.mail?.user != nil {
            let secret = plan.requireSecret(
                PlatformNames.alertmanagerSMTPPasswordSecret,
                recipe: .provided(what: "the password Alertmanager signs in to the mail relay with"))
            service.secrets = [(secret, secret)]
        }
        service.networks = [PlatformNames.monitoringNetwork]
        plan.addNetwork(PlatformNames.monitoringNetwork)
        // On a node's own disk, like the other monitoring state (one writer; the plan pins
        // Alertmanager to that node); Docker fills the new volume from the image, owned by its
        // own user (nobody).
        plan.addVolume(Self.volume, PlannedVolume(sharedFolder: nil))
        service.volumes = [(Self.volume, Self.dataPath)]
        service.placement.role = .manager
        service.health = .monitoringProbe(
            .exec(["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:\(port)/-/ready"]),
            startPeriod: TimeSpan(seconds: 30))
        service.writesItsDataAlone(grace: nil)
        plan.addService(PlatformService.alertmanager.name, service)
    }

    /// Where the SMTP password is mounted.
    static var smtpPasswordPath: String { "/run/secrets/\(PlatformNames.alertmanagerSMTPPasswordSecret)" }

    // MARK: alertmanager.yml

    static func configuration(_ alerts: MonitoringSettings.Alerts) -> YAMLValue {
        var global: [(key: String, value: YAMLValue)] = [("resolve_timeout", .string("5m"))]
        var receivers: [YAMLValue] = [.mapping([("name", .string(Receiver.none))])]
        var routes: [YAMLValue] = []
        if let email = alerts.email, let mail = alerts.mail {
            global += [
                ("smtp_smarthost", .string(mail.relay.address)),
                ("smtp_from", .string(mail.from)),
                // Encrypted either way, so the password never crosses in clear: STARTTLS is
                // required (the default); on 465 the connection is TLS from the start, and
                // requiring STARTTLS there would fail every send (nothing offers it).
                ("smtp_require_tls", .bool(!mail.relay.implicitTLS)),
            ]
            if let user = mail.user {
                global += [
                    ("smtp_auth_username", .string(user)),
                    ("smtp_auth_password_file", .string(smtpPasswordPath)),
                ]
            }
            receivers.append(
                .mapping([
                    ("name", .string(Receiver.email)),
                    (
                        "email_configs",
                        .sequence([.mapping([("to", .string(email)), ("send_resolved", .bool(true))])])
                    ),
                ]))
            routes.append(route(to: Receiver.email))
        }
        if let webhook = alerts.webhook {
            receivers.append(
                .mapping([
                    ("name", .string(Receiver.webhook)),
                    (
                        "webhook_configs",
                        .sequence([.mapping([("url", .string(webhook)), ("send_resolved", .bool(true))])])
                    ),
                ]))
            routes.append(route(to: Receiver.webhook))
        }
        var root: [(key: String, value: YAMLValue)] = [
            ("receiver", .string(Receiver.none)),
            ("group_by", .sequence(["alertname", "stack", "service"].map(YAMLValue.string))),
            ("group_wait", .string("30s")),
            ("group_interval", .string("5m")),
            ("repeat_interval", .string("4h")),
        ]
        if !routes.isEmpty { root.append(("routes", .sequence(routes))) }
        return .mapping([
            ("global", .mapping(global)),
            ("route", .mapping(root)),
            ("receivers", .sequence(receivers)),
        ])
    }

    /// A branch that takes every alert to `receiver` and lets the next branch have it too.
    static func route(to receiver: String) -> YAMLValue {
        .mapping([("receiver", .string(receiver)), ("continue", .bool(true))])
    }
}
