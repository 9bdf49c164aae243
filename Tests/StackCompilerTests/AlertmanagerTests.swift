import Foundation
import Testing
import YAML

@testable import StackCompiler

/// The generated Alertmanager (`alertmanager/alertmanager.yml`, AlertmanagerPass): `amtool
/// check-config` accepts it for every manifest with alerts, its receivers are the manifest's,
/// Prometheus sends to it (the target in `prometheus.yml` is its service and port), and the
/// mail relay's password is the secret mounted where the file says, which `deploy.sh` asks the
/// operator for.
@Suite struct AlertmanagerTests {
    /// E-mail through the domain's default relay, without sign-in.
    static let emailOnly = """
        stackc: 1
        name: mailstack
        domain: mail.test
        monitoring:
          metrics: true
          alerts: {email: ops@mail.test}
        apps:
          web: {image: "nginx:1.27", port: 80, host: www}

        """

    /// A webhook only, without Grafana.
    static let webhookOnly = """
        stackc: 1
        name: hookstack
        domain: hook.test
        monitoring:
          metrics: true
          grafana: false
          alerts: {webhook: "http://10.1.2.3:5001/alerts"}
        apps:
          worker: {image: "busybox:1.36", command: [sleep, infinity]}

        """

    /// Both, through a relay of its own with a user (so a password secret), on HAProxy.
    static let both = """
        stackc: 1
        name: bothstack
        domain: both.test
        proxy: {kind: haproxy}
        monitoring:
          metrics: true
          alerts:
            email: oncall@both.test
            webhook: https://hooks.both.test/stackc
            smtp: relay.example.net:2525
            from: alerts@both.test
            user: alerts@both.test
        apps:
          web: {image: "nginx:1.27", port: 80, host: www, replicas: 2}

        """

    /// Alerts with no receiver: shown and silenced in Alertmanager only.
    static let nowhere = """
        stackc: 1
        name: quietalerts
        domain: quiet.test
        monitoring: {metrics: true, alerts: true, grafana: false}
        apps: {}

        """

    static let manifests: [(name: String, text: String)] =
        PrometheusTests.manifests + [
            ("alerts/email.yml", emailOnly), ("alerts/webhook.yml", webhookOnly), ("alerts/both.yml", both),
            ("alerts/nowhere.yml", nowhere),
        ]

    static func build(_ name: String) throws -> BuildSupport.Built? {
        let text = try #require(manifests.first { $0.name == name }?.text, "no manifest \(name)")
        return BuildSupport.build(path: name, text: text)
    }

    static func stackFile(_ built: BuildSupport.Built) throws -> PyYAMLValue {
        let text = try #require(built.tree.file("stack.yml")?.contents)
        return try #require(try PyYAMLValue.read(text))
    }

    /// The file mounted on `alertmanager` at the path its `--config.file` names.
    static func mountedConfig(_ built: BuildSupport.Built) throws -> String {
        let stack = try stackFile(built)
        let service = try #require(stack["services"]?["alertmanager"], "no alertmanager service")
        let words = service["command"]?.items?.compactMap(\.string) ?? []
        let flag = try #require(words.first { $0.hasPrefix("--config.file=") }, "\(words)")
        let target = String(flag.dropFirst("--config.file=".count))
        let mount = try #require(
            (service["configs"]?.items ?? []).first { $0["target"]?.string == target }, "nothing at \(target)")
        let source = try #require(mount["source"]?.string)
        let file = try #require(stack["configs"]?[source]?["file"]?.string)
        let path = file.hasPrefix("./") ? String(file.dropFirst(2)) : file
        return try #require(built.tree.file(path)?.contents, "the build has no \(path)")
    }

    // MARK: - amtool

    /// `amtool check-config` accepts the mounted file of every manifest with alerts (and
    /// metrics); the others have neither the file nor the service.
    @Test(arguments: manifests.map(\.name))
    func amtoolAcceptsTheConfiguration(name: String) throws {
        let built = try #require(try Self.build(name))
        guard built.stack.monitoring.metrics, built.stack.monitoring.alerts != nil else {
            #expect(built.tree.file("alertmanager/alertmanager.yml") == nil, "\(name)")
            #expect(try Self.stackFile(built)["services"]?["alertmanager"] == nil, "\(name)")
            return
        }
        let config = try Self.mountedConfig(built)
        let folder = try BuildSupport.makeTemporaryFolder("amtool")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("alertmanager.yml")
        try Data(config.utf8).write(to: file)
        let run = try #require(try Tools.run("amtool", ["check-config", file.path]))
        #expect(run.status == 0, "\(name): amtool rejects alertmanager.yml\n\(run.summary)\n\(config)")
        #expect(run.stdout.contains("SUCCESS"), "\(name): \(run.summary)")
    }

    /// Enough manifests reach Alertmanager: the committed lab and the four above.
    @Test func manyManifestsHaveAlerts() throws {
        let with = try Self.manifests.map(\.name).filter { try Self.build($0)?.stack.monitoring.alerts != nil }
        #expect(with.count >= 5, "\(with)")
    }

    /// Every alert reaches each receiver the manifest names (amtool's routing test of an alert
    /// with the labels Prometheus gives), at the address the manifest names.
    @Test(arguments: [
        ("alerts/email.yml", ["email"]), ("alerts/webhook.yml", ["webhook"]),
        ("alerts/both.yml", ["email", "webhook"]), ("alerts/nowhere.yml", ["none"]),
    ])
    func alertsReachTheManifestsReceivers(name: String, receivers: [String]) throws {
        let built = try #require(try Self.build(name))
        let config = try Self.mountedConfig(built)
        let folder = try BuildSupport.makeTemporaryFolder("amtool-routes")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("alertmanager.yml")
        try Data(config.utf8).write(to: file)
        let run = try #require(
            try Tools.run(
                "amtool",
                [
                    "config", "routes", "test", "--config.file=\(file.path)", "alertname=NodeDown",
                    "stack=\(built.stack.name)", "severity=critical",
                ]))
        #expect(run.status == 0, "\(name): \(run.summary)")
        let got = run.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        #expect(got == receivers, "\(name): \(run.summary)")
        let parsed = try #require(try PyYAMLValue.read(config))
        let byName = Dictionary(
            (parsed["receivers"]?.items ?? []).map { ($0["name"]?.string ?? "?", $0) }, uniquingKeysWith: { a, _ in a })
        let alerts = try #require(built.stack.monitoring.alerts)
        #expect(byName["email"]?["email_configs"]?.items?.first?["to"]?.string == alerts.email, "\(name)")
        #expect(byName["webhook"]?["webhook_configs"]?.items?.first?["url"]?.string == alerts.webhook, "\(name)")
        for receiver in ["email", "webhook"] {
            let configs = byName[receiver]?["\(receiver)_configs"]?.items ?? []
            #expect(configs.allSatisfy { $0["send_resolved"]?.bool == true }, "\(name)")
        }
    }

    /// The relay: the domain's defaults, or the manifest's own host, port, sender and user.
    @Test func theMailRelayIsTheManifestsOrTheDomainsDefault() throws {
        for (name, host, from, user) in [
            ("alerts/email.yml", "smtp.mail.test:587", "alertmanager@mail.test", nil as String?),
            ("alerts/both.yml", "relay.example.net:2525", "alerts@both.test", "alerts@both.test"),
        ] {
            let built = try #require(try Self.build(name))
            let global = try #require(try PyYAMLValue.read(try Self.mountedConfig(built))?["global"])
            #expect(global["smtp_smarthost"]?.string == host, "\(name)")
            #expect(global["smtp_from"]?.string == from, "\(name)")
            #expect(global["smtp_auth_username"]?.string == user, "\(name)")
            #expect((global["smtp_auth_password_file"] != nil) == (user != nil), "\(name)")
            #expect(global["smtp_auth_password"] == nil, "\(name): a password in the file")
        }
    }

    // MARK: - Across files

    /// Prometheus's Alertmanager is the `alertmanager` service of this stack (Swarm's DNS name
    /// of its tasks) at the port it serves, on a network both are on; promtool accepts the file.
    @Test(arguments: ["alerts/email.yml", "alerts/webhook.yml", "alerts/both.yml", "manifests/coreos-lab.yml"])
    func prometheusSendsToAlertmanager(name: String) throws {
        let built = try #require(try Self.build(name))
        let prometheusConfig = try PrometheusSandbox.mountedConfig(built)
        let parsed = try #require(try PyYAMLValue.read(prometheusConfig))
        let managers = parsed["alerting"]?["alertmanagers"]?.items ?? []
        #expect(managers.count == 1, "\(name)")
        let dns = try #require(managers.first?["dns_sd_configs"]?.items?.first, "\(name): no DNS discovery")
        let stackName = built.stack.name
        #expect(dns["names"]?.items?.compactMap(\.string) == ["tasks.\(stackName)_alertmanager"], "\(name)")
        #expect(dns["type"]?.string == "A", "\(name)")
        let stack = try Self.stackFile(built)
        let alertmanager = try #require(stack["services"]?["alertmanager"])
        // The port Alertmanager listens on (its default, which the command keeps) and checks.
        let health = alertmanager["healthcheck"]?["test"]?.items?.compactMap(\.string) ?? []
        #expect(health.contains("http://127.0.0.1:\(dns["port"]?.int ?? -1)/-/ready"), "\(name): \(health)")
        let words = alertmanager["command"]?.items?.compactMap(\.string) ?? []
        #expect(!words.contains { $0.hasPrefix("--web.listen-address") }, "\(name)")
        let networks = Set(alertmanager["networks"]?.items?.compactMap(\.string) ?? [])
        let prometheusNetworks = Set(stack["services"]?["prometheus"]?["networks"]?.items?.compactMap(\.string) ?? [])
        #expect(!networks.intersection(prometheusNetworks).isEmpty, "\(name)")
        let folder = try BuildSupport.makeTemporaryFolder("promtool-alerting")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("prometheus.yml")
        try Data(prometheusConfig.utf8).write(to: file)
        try PrometheusSandbox.write(try PrometheusSandbox.filesBesideConfig(built), under: folder)
        let run = try #require(try Tools.run("promtool", ["check", "config", file.path]))
        #expect(run.status == 0, "\(name): \(run.summary)")
    }

    /// With a relay user, `smtp_auth_password_file` is where the stack file mounts the secret
    /// on Alertmanager; the secret is external, named for the stack, and `deploy.sh` stops for
    /// it when it is missing. Without one, there is no secret at all.
    @Test func theSMTPPasswordIsTheMountedSecret() throws {
        let built = try #require(try Self.build("alerts/both.yml"))
        let global = try #require(try PyYAMLValue.read(try Self.mountedConfig(built))?["global"])
        let path = try #require(global["smtp_auth_password_file"]?.string)
        let stack = try Self.stackFile(built)
        let mounts = stack["services"]?["alertmanager"]?["secrets"]?.items ?? []
        let mount = try #require(
            mounts.first { "/run/secrets/\($0["target"]?.string ?? "")" == path }, "nothing mounted at \(path)")
        let key = try #require(mount["source"]?.string)
        let secret = try #require(stack["secrets"]?[key])
        #expect(secret["external"]?.bool == true)
        let swarmName = try #require(secret["name"]?.string)
        #expect(swarmName == "bothstack_alertmanager-smtp-password")
        let deploy = try #require(built.tree.file("deploy.sh")?.contents)
        #expect(
            deploy.split(separator: "\n").contains { $0.hasPrefix("ensure_provided_secret \(swarmName) ") },
            "deploy.sh does not ask for \(swarmName)")
        let plain = try #require(try Self.build("alerts/email.yml"))
        #expect(try Self.stackFile(plain)["services"]?["alertmanager"]?["secrets"] == nil)
        #expect(plain.tree.file("deploy.sh")?.contents.contains("alertmanager-smtp-password") == false)
    }

    // MARK: - A real Alertmanager

    /// Debian's Alertmanager, started with the generated command's flags on the generated
    /// configuration (rewritten only for addresses: the webhook's is a receiver on loopback that
    /// the test starts, and the data folder and listening address are the test's), delivers an
    /// alert posted to it, grouped by alert name, stack and service, to the webhook.
    @Test func aRealAlertmanagerDeliversToTheWebhook() throws {
        let built = try #require(try Self.build("alerts/webhook.yml"))
        let folder = try BuildSupport.makeTemporaryFolder("alertmanager-sandbox")
        defer { try? FileManager.default.removeItem(at: folder) }
        let portFile = folder.appendingPathComponent("webhook.port")
        let received = folder.appendingPathComponent("webhook.log")
        let receiver = try SandboxProcess(
            name: "webhook receiver", executable: try SupportTool.require("python3"),
            arguments: [
                try SupportTool.script("webhook_receiver.py").path, "--port-file", portFile.path, "--log",
                received.path,
            ],
            log: folder.appendingPathComponent("receiver.out"))
        defer { receiver.stop() }
        var receiverPort = 0
        try Waiting.until("the webhook receiver to listen", timeout: 10, context: { receiver.logTail() }) {
            receiverPort =
                (try? String(contentsOf: portFile, encoding: .utf8)).flatMap {
                    Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
                } ?? 0
            return receiverPort != 0
        }
        let config = GeneratedScript.rewrite(
            try Self.mountedConfig(built),
            [("http://10.1.2.3:5001/alerts", "http://127.0.0.1:\(receiverPort)/alerts")])
        let configFile = folder.appendingPathComponent("alertmanager.yml")
        try Data(config.utf8).write(to: configFile)
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let service = try #require(try Self.stackFile(built)["services"]?["alertmanager"])
        let flags = (service["command"]?.items?.compactMap(\.string) ?? []).map { flag in
            flag.hasPrefix("--config.file=")
                ? "--config.file=\(configFile.path)"
                : flag.hasPrefix("--storage.path=") ? "--storage.path=\(data.path)" : flag
        }
        #expect(flags.contains("--cluster.listen-address="), "\(flags)")
        let port = try Loopback.freePort()
        let alertmanager = try SandboxProcess(
            name: "alertmanager", executable: try SupportTool.require("prometheus-alertmanager"),
            arguments: flags + ["--web.listen-address=127.0.0.1:\(port)"],
            log: folder.appendingPathComponent("alertmanager.log"), in: folder,
            environment: [
                "HTTP_PROXY": nil, "http_proxy": nil, "HTTPS_PROXY": nil, "https_proxy": nil, "NO_PROXY": nil,
                "no_proxy": nil, "ALL_PROXY": nil, "all_proxy": nil,
            ])
        defer { alertmanager.stop() }
        try Waiting.until("Alertmanager to be ready", timeout: 60, interval: 0.5, context: { alertmanager.logTail() }) {
            guard alertmanager.isRunning else { throw SandboxError("Alertmanager stopped:\n\(alertmanager.logTail())") }
            return (try? Curl.get("http://127.0.0.1:\(port)/-/ready", host: "127.0.0.1", port: port))?.status == 200
        }
        let alert =
            #"[{"labels": {"alertname": "NodeDown", "stack": "hookstack", "service": "hookstack_node-exporter", "node": "worker-1", "severity": "critical"}, "annotations": {"summary": "node worker-1 does not answer"}}]"#
        let post = try #require(
            try Tools.run(
                "curl",
                [
                    "--silent", "--show-error", "--fail", "--max-time", "10", "--noproxy", "*", "-H",
                    "Content-Type: application/json", "--data", alert, "http://127.0.0.1:\(port)/api/v2/alerts",
                ]))
        #expect(post.status == 0, "\(post.summary)")
        // The first notification of a group waits `group_wait` (30 s).
        var delivered: [String: Any]?
        try Waiting.until(
            "the webhook to receive the alert", timeout: 90, interval: 0.5,
            context: { alertmanager.logTail() + "\n" + receiver.logTail() }
        ) {
            let lines = ((try? String(contentsOf: received, encoding: .utf8)) ?? "").split(separator: "\n")
            delivered = lines.first.flatMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            return delivered != nil
        }
        let body = try #require(delivered)
        #expect(body["receiver"] as? String == "webhook", "\(body)")
        #expect(body["status"] as? String == "firing", "\(body)")
        #expect(
            body["groupLabels"] as? [String: String]
                == ["alertname": "NodeDown", "stack": "hookstack", "service": "hookstack_node-exporter"], "\(body)")
        let alerts = body["alerts"] as? [[String: Any]] ?? []
        #expect(alerts.count == 1, "\(body)")
        #expect((alerts.first?["labels"] as? [String: String])?["node"] == "worker-1", "\(body)")
    }

    // MARK: - Manifest keys

    /// E-mail without a domain needs the relay and the sender written out.
    @Test func emailWithoutADomainNeedsARelay() {
        let diagnostic = expectOnly(
            Codes.missingKey,
            in: """
                stackc: 1
                name: nodomain
                monitoring:
                  metrics: true
                  grafana: false
                  alerts: {email: 1️⃣ops@example.org}
                apps: {}
                """)
        #expect(diagnostic?.message.contains("'smtp' and 'from'") == true, "\(String(describing: diagnostic))")
        expectDiagnostics(
            """
            stackc: 1
            name: nodomain
            monitoring:
              metrics: true
              grafana: false
              alerts: {email: ops@example.org, smtp: "mail.example.org", from: am@example.org}
            apps: {}
            """, [])
    }

    /// A relay of the manifest's own, without a port, is taken at the submission port.
    @Test func aRelayWithoutAPortIsTakenAt587() throws {
        let stack = try #require(
            resolved(
                """
                stackc: 1
                name: shop
                domain: example.org
                monitoring:
                  metrics: true
                  alerts: {email: ops@example.org, smtp: Mail.Example.net, from: am@example.org}
                apps: {}
                """))
        #expect(stack.monitoring.alerts?.mail?.relay.address == "mail.example.net:587")
        #expect(stack.monitoring.alerts?.mail?.from == "am@example.org")
    }

    /// STARTTLS is required of a relay, except on 465, which is TLS from the first byte:
    /// Alertmanager connects there with TLS and would fail every send asking for STARTTLS
    /// (prometheus/alertmanager#980). Either way the password never crosses in clear.
    @Test(arguments: [("mail.example.org:465", false), ("mail.example.org:587", true), ("mail.example.org:25", true)])
    func startTLSIsRequiredExceptOnTheTLSPort(relay: String, startTLS: Bool) throws {
        let stack = try #require(
            resolved(
                """
                stackc: 1
                name: shop
                domain: example.org
                monitoring:
                  metrics: true
                  alerts: {email: ops@example.org, smtp: "\(relay)", user: am@example.org}
                apps: {}
                """))
        let alerts = try #require(stack.monitoring.alerts)
        let text = YAMLEmitter.emit(AlertmanagerPass.configuration(alerts), header: [])
        let global = try #require(try PyYAMLValue.read(text)?["global"])
        #expect(global["smtp_smarthost"]?.string == relay)
        #expect(global["smtp_require_tls"]?.bool == startTLS, "\(text)")
    }

    /// A relay that is not host[:port] is refused where it is written.
    @Test(arguments: ["smtp://mail.example.org", "mail.example.org:0", "mail.example.org:99999", "mail_relay:25"])
    func aBadRelayIsRefused(relay: String) {
        expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                monitoring:
                  metrics: true
                  alerts: {email: ops@example.org, smtp: 1️⃣"\(relay)"}
                apps: {}
                """)
    }

    /// The relay's keys without `email` do nothing: a warning at each.
    @Test func relayKeysWithoutEmailAreWarned() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: example.org
            monitoring:
              metrics: true
              alerts: {webhook: "https://hooks.example.org/x", smtp: 1️⃣mail.example.org, user: 2️⃣bob}
            apps: {}
            """, [ExpectedDiagnostic(Codes.noEffect, "1️⃣"), ExpectedDiagnostic(Codes.noEffect, "2️⃣")])
    }
}
