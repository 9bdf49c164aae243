import Foundation
import StackDiagnostics
import Testing

@testable import StackCompiler

/// What a new-user trial of the monitoring output found wrong, each fixed and held here: state
/// on the shared storage, apps inside a platform service's host, a route without a domain,
/// Grafana's open `/metrics` and stale dashboards, the container's own mounts taken for disks.
struct MonitoringTrialFindingsTests {
    static let sharedStorage = """
        stackc: 1
        name: obs
        domain: obs.test
        cluster:
          managers: 1
          workers: 2
          shared_storage: nfs
        monitoring:
          metrics: true
          logs: true
          grafana:
            auth: basic
        apps:
          web:
            image: example/web:1
            port: 8080
            host: www
            metrics: {port: 9100}

        """

    /// Prometheus's TSDB, Grafana's SQLite and Loki's index are never on the shared storage
    /// (NFS corrupts them); each is on a node's own disk and pinned to that node, and runs as
    /// its image's own user (not root) except Prometheus, which reads the Docker socket.
    @Test func monitoringStateStaysOnANodesOwnDisk() throws {
        let built = try #require(BuildSupport.build(path: "obs.yml", text: Self.sharedStorage))
        let document = try Self.stackFile(built)
        let volumes = try #require(document["volumes"]?.pairs)
        // The app's own volume-less service aside, the stack does use the shared storage.
        for volume in ["prometheus-data", "grafana-data", "loki-data"] {
            let definition = try #require(volumes[volume], "no volume \(volume): \(volumes.keys.sorted())")
            #expect(definition["driver_opts"] == nil, "\(volume) is a folder of the shared storage: \(definition)")
        }
        let services = try #require(document["services"]?.pairs)
        for service in ["prometheus", "grafana", "loki"] {
            let constraints = (services[service]?["deploy"]?["placement"]?["constraints"]?.items ?? []).compactMap(
                \.string)
            #expect(
                constraints.contains { $0.hasPrefix("node.labels.stackc.pin.obs.") }, "\(service): \(constraints)")
        }
        #expect(services["grafana"]?["user"] == nil, "Grafana runs as root")
        #expect(services["loki"]?["user"] == nil, "Loki runs as root")
        let deploy = try #require(GeneratedScript.text(built, "deploy.sh"))
        for service in ["prometheus", "grafana", "loki"] {
            #expect(deploy.contains("stackc.pin.obs.\(service)"), "deploy.sh never labels a node for \(service)")
        }
    }

    static func stackFile(_ built: BuildSupport.Built) throws -> PyYAMLValue {
        let file = try #require(built.tree.file("stack.yml"))
        return try #require(try PyYAMLValue.read(file.contents))
    }

    static func diagnostics(_ text: String) -> [Diagnostic] {
        StackCompiler.check(SourceFile(path: "obs.yml", bytes: Array(text.utf8))).diagnostics
    }

    /// An app at a path on Prometheus's, Grafana's or the realm's host is refused at its host:
    /// it would receive that host's password or cookies, or the sign-in's codes.
    @Test(arguments: [
        ("prometheus", "/status", false), ("grafana", "/api/custom", false), ("prometheus", "/oauth2/callback", true),
        ("auth", "/extra", true),
    ])
    func anAppInsideAPlatformHostIsRefused(host: String, path: String, identity: Bool) throws {
        var text = Self.sharedStorage.replacingOccurrences(
            of: "  grafana:\n    auth: basic\n", with: "  grafana: true\n")
        if identity {
            text = text.replacingOccurrences(
                of: "monitoring:", with: "identity:\n  database: pg\ndatabases:\n  pg: {}\nmonitoring:")
        }
        text += "  intruder:\n    image: example/x:1\n    port: 80\n    host: \(host)\n    path: \(path)\n"
        let errors = Self.diagnostics(text).filter { $0.severity == .error }
        #expect(errors.count == 1, "\(errors.map(\.message))")
        let error = try #require(errors.first)
        #expect(error.code == Codes.duplicateRoute)
        #expect(error.message.contains("takes the whole host"), "\(error.message)")
        #expect(error.message.contains("app 'intruder'"), "\(error.message)")
        let line = try #require(error.span?.start.line)
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false)[line - 1].contains("host: \(host)"))
    }

    /// An app with a path on its own host is still fine: only platform hosts are whole.
    @Test func appsSharingTheirOwnHostAreFine() throws {
        let text =
            Self.sharedStorage + "  api:\n    image: example/api:1\n    port: 80\n    host: www\n    path: /api\n"
        let errors = Self.diagnostics(text).filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors.map(\.message))")
    }

    /// Without a domain (and Grafana off), nothing is routed: metrics alone compile, and
    /// Prometheus stays inside the stack without a public URL.
    @Test func withoutADomainPrometheusIsNotRouted() throws {
        let text = """
            stackc: 1
            name: small
            monitoring:
              metrics: true
              grafana: false
            apps:
              job:
                image: example/job:1
                metrics: {port: 9100}

            """
        let built = try #require(BuildSupport.build(path: "small.yml", text: text))
        #expect(built.stack.monitoring.prometheusHost == nil)
        let plan = BuildPipeline.contribute(
            built.stack, sourceDirectory: ".", files: FilesRead(), passes: BuildPipeline.passes)
        #expect(plan.routes.isEmpty, "\(plan.routes.map(\.host))")
        let stackFile = try #require(built.tree.file("stack.yml")).contents
        #expect(!stackFile.contains("--web.external-url"))
        #expect(!stackFile.contains("monitoring-htpasswd"))
    }

    /// With Grafana on by default and no domain, the error says how to do without Grafana too.
    @Test func grafanaWithoutADomainSaysHowToTurnItOff() throws {
        let errors = Self.diagnostics("stackc: 1\nname: small\nmonitoring:\n  metrics: true\napps: {}\n")
            .filter { $0.severity == .error }
        #expect(errors.map(\.code) == [Codes.domainRequired], "\(errors.map(\.message))")
        #expect(errors.first?.help?.contains("'grafana: false' under 'monitoring'") == true, "\(errors)")
    }

    /// Grafana's own `/metrics` is off (it answers without a login), and a dashboard whose file
    /// is gone is deleted, not left stale.
    @Test func grafanaHasNoOpenMetricsAndDropsStaleDashboards() throws {
        let built = try #require(BuildSupport.build(path: "obs.yml", text: Self.sharedStorage))
        let document = try Self.stackFile(built)
        let environment = (document["services"]?["grafana"]?["environment"]?.pairs ?? [:]).compactMapValues(\.string)
        #expect(environment["GF_METRICS_ENABLED"] == "false", "\(environment)")
        let providers = try #require(GeneratedScript.text(built, "grafana/provisioning/dashboards/stackc.yml"))
        let parsed = try #require(try PyYAMLValue.read(providers))
        let provider = try #require(parsed["providers"]?.items?.first)
        #expect(provider["disableDeletion"]?.bool == false, "\(provider)")
    }

    /// node-exporter's filesystem exclusion (Go's RE2 syntax, which this pattern shares with
    /// NSRegularExpression) leaves out the container's own mounts and Docker's folders, and keeps
    /// the host's filesystems.
    @Test func nodeExporterLeavesOutTheContainersOwnMounts() throws {
        let built = try #require(BuildSupport.build(path: "obs.yml", text: Self.sharedStorage))
        let document = try Self.stackFile(built)
        let command = (document["services"]?["node-exporter"]?["command"]?.items ?? []).compactMap(\.string)
        let flag = "--collector.filesystem.mount-points-exclude="
        // Compose files write a literal `$` as `$$`.
        let pattern = try #require(command.first { $0.hasPrefix(flag) }).dropFirst(flag.count)
            .replacingOccurrences(of: "$$", with: "$")
        let regex = try NSRegularExpression(pattern: pattern)
        func excluded(_ path: String) -> Bool {
            regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
        }
        for path in [
            "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/proc", "/sys/fs/cgroup", "/var/lib/docker/overlay2/x",
        ] {
            #expect(excluded(path), "\(path) is taken for a disk")
        }
        for path in ["/", "/data", "/boot", "/var/lib/docker", "/etc/hostsfile"] {
            #expect(!excluded(path), "\(path) is left out")
        }
    }

    /// Two routes guarded by one password file (Prometheus and Alertmanager without single
    /// sign-on) mount it once on the proxy: Swarm refuses a service with two secret references
    /// at one target ("conflicting target"), which `docker stack config` does not check. Every
    /// service of every stack here mounts each secret and config target once.
    @Test(arguments: ["haproxy", "traefik"])
    func everySecretAndConfigTargetIsMountedOnce(proxy: String) throws {
        let text = Self.sharedStorage.replacingOccurrences(
            of: "cluster:", with: "proxy:\n  kind: \(proxy)\ncluster:"
        ).replacingOccurrences(
            of: "  logs: true\n", with: "  logs: true\n  alerts:\n    webhook: https://hooks.obs.test/a\n")
        var manifests = [("obs.yml", text)]
        for name in ["campus", "coreos-lab", "haproxy-lab"] {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("manifests/\(name).yml")
            manifests.append(("\(name).yml", try String(contentsOf: url, encoding: .utf8)))
        }
        for (name, manifest) in manifests {
            let built = try #require(BuildSupport.build(path: name, text: manifest))
            let services = try #require(try Self.stackFile(built)["services"]?.pairs)
            for (service, definition) in services {
                for key in ["secrets", "configs"] {
                    let targets = (definition[key]?.items ?? []).compactMap { $0["target"]?.string }
                    #expect(
                        Set(targets).count == targets.count,
                        "\(name): \(service) mounts a \(key) target twice: \(targets)")
                }
            }
        }
        let built = try #require(BuildSupport.build(path: "obs.yml", text: text))
        let edge = try #require(try Self.stackFile(built)["services"]?[proxy])
        let secrets = (edge["secrets"]?.items ?? []).compactMap { $0["target"]?.string }
        #expect(secrets.filter { $0 == PlatformNames.monitoringHtpasswdSecret }.count == 1, "\(secrets)")
    }
}
