import Foundation
import Testing

@testable import StackCompiler

/// The generated Prometheus configuration (`prometheus/prometheus.yml`, MetricsPass): promtool
/// accepts it for every manifest with metrics, and a real Prometheus on loopback, discovering a
/// stand-in Swarm through it, scrapes exactly the running tasks of this stack that opted in, at
/// their monitoring-network address, plus the node agents and the engines (`PrometheusSandbox`).
@Suite(.serialized) struct PrometheusTests {
    static let stackName = "promstack"

    /// Several apps with metrics (one on two replicas, one with a path and an interval of its
    /// own, one with an interval under the default scrape timeout, one not routed) and one without.
    static let manifest = """
        stackc: 1
        name: promstack
        domain: prom.test
        cluster:
          managers: 1
          workers: 1
        monitoring:
          metrics: true
        apps:
          web:
            image: example/web:1
            replicas: 2
            port: 8080
            host: www
            metrics: 9100
          api:
            image: example/api:1
            port: 9000
            host: api
            ports: ["8443:9000"]
            metrics:
              port: 9102
              path: /internal/prom
              interval: 15s
          fast:
            image: example/fast:1
            metrics: {port: 9400, interval: 5s}
          plain:
            image: example/plain:1
            port: 8081
            host: plain

        """

    /// One app with a custom path and interval; the engine job turned off.
    static let customPath = """
        stackc: 1
        name: custom
        domain: custom.test
        cluster:
          docker: {metrics: false}
        monitoring:
          metrics: true
          retention: 30d
        apps:
          metered:
            image: example/metered:2
            port: 3000
            host: metered
            metrics: {port: 3001, path: /-/prometheus/metrics, interval: 1m30s}

        """

    /// No metrics anywhere.
    static let noMetrics = """
        stackc: 1
        name: quiet
        domain: quiet.test
        apps:
          web:
            image: example/web:1
            port: 8080
            host: www

        """

    /// Every manifest the tests read: committed, acceptance, synthetic, generated and the above.
    static let manifests: [(name: String, text: String)] =
        committed("manifests") + committed("Tests/Acceptance/manifests") + SyntheticManifests.all + [
            ("prometheus/generated.yml", GeneratedManifests.apps(3, name: "generated")),
            ("prometheus/promstack.yml", manifest), ("prometheus/custom.yml", customPath),
            ("prometheus/quiet.yml", noMetrics),
        ]

    /// `folder/*.yml` under the repository, by path.
    static func committed(_ folder: String) -> [(name: String, text: String)] {
        let url = BuildSupport.repoRoot.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { $0.hasSuffix(".yml") }.sorted().compactMap { name in
            let path = "\(folder)/\(name)"
            return (try? String(contentsOf: BuildSupport.repoRoot.appendingPathComponent(path), encoding: .utf8)).map {
                (path, $0)
            }
        }
    }

    static func build(_ name: String) throws -> BuildSupport.Built? {
        let text = try #require(manifests.first { $0.name == name }?.text, "no manifest \(name)")
        return BuildSupport.build(path: name, text: text)
    }

    // MARK: - 1. promtool

    /// `promtool check config` accepts the file mounted at `--config.file` of every manifest with
    /// metrics; a manifest without has neither the file nor the service.
    @Test(arguments: manifests.map(\.name))
    func promtoolAcceptsTheConfiguration(name: String) throws {
        let built = try #require(try Self.build(name))
        guard built.stack.monitoring.metrics else {
            #expect(built.tree.file("prometheus/prometheus.yml") == nil, "\(name): prometheus.yml without metrics")
            #expect(
                built.tree.file("stack.yml")?.contents.contains("\n  prometheus:\n") == false,
                "\(name): a prometheus service without metrics")
            return
        }
        let config = try PrometheusSandbox.mountedConfig(built)
        let folder = try BuildSupport.makeTemporaryFolder("promtool")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("prometheus.yml")
        try Data(config.utf8).write(to: file)
        try PrometheusSandbox.write(try PrometheusSandbox.filesBesideConfig(built), under: folder)
        let run = try #require(try Tools.run("promtool", ["check", "config", file.path]))
        #expect(run.status == 0, "\(name): promtool rejects prometheus.yml\n\(run.summary)\n\(config)")
        #expect(run.stdout.contains("SUCCESS"), "\(name): \(run.summary)")
    }

    /// The list above reaches the configuration often enough to mean something: the committed
    /// and acceptance manifests with metrics, the generated one and two of this suite's.
    /// A zero scrape interval is refused where it is written: Prometheus would drop the target.
    @Test func aZeroMetricsIntervalIsAnError() {
        let diagnostic = expectOnly(
            Codes.invalidValue,
            in: """
                stackc: 1
                name: promstack
                domain: promstack.test
                monitoring: {metrics: true}
                apps:
                  web: {image: "nginx:1.27", metrics: {port: 9100, interval: 1️⃣0s}}
                """)
        #expect(diagnostic?.message.contains("never scrape") == true, "\(String(describing: diagnostic))")
    }

    @Test func manyManifestsHaveMetrics() throws {
        let withMetrics = try Self.manifests.map(\.name).filter { try Self.build($0)?.stack.monitoring.metrics == true }
        #expect(withMetrics.count >= 5, "\(withMetrics)")
        #expect(withMetrics.contains("prometheus/promstack.yml") && withMetrics.contains("prometheus/custom.yml"))
    }

    /// The engine job is there exactly when `cluster.docker.metrics` is (default: with metrics).
    @Test func engineJobFollowsClusterDockerMetrics() throws {
        for (name, engine) in [("prometheus/promstack.yml", true), ("prometheus/custom.yml", false)] {
            let built = try #require(try Self.build(name))
            #expect(built.stack.cluster.dockerMetrics == engine, "\(name)")
            let config = try #require(try PyYAMLValue.read(try PrometheusSandbox.mountedConfig(built)))
            let jobs = (config["scrape_configs"]?.items ?? []).compactMap { $0["job_name"]?.string }
            // Both route apps through Traefik, whose metrics (certificates' expiry) are scraped.
            let expected =
                ["prometheus", "apps", "node-exporter", "cadvisor", "traefik"] + (engine ? [MetricsPass.engineJob] : [])
            #expect(jobs == expected, "\(name)")
        }
    }

    // MARK: - 2. A real Prometheus against a stand-in Swarm

    /// The Swarm the stand-in serves for `manifest`: two nodes; `web` with two running tasks and
    /// a third on its way out (desired `shutdown`, still running); `api` (a published port, a
    /// path and an interval of its own) and `fast` with one each; `plain` (no metrics) with one
    /// on the monitoring network all the same; a service of another stack with `web`'s labels
    /// and a task on this stack's monitoring network; node-exporter and cAdvisor on both nodes
    /// (and another stack's node-exporter, and a node-exporter task being shut down). Every app
    /// task is also on `promstack_apps`, at an address of 10.0.9.0/24.
    struct Scenario {
        let block = Loopback.Block()
        let monitoring = "promstack_monitoring"
        let apps = "promstack_apps"

        func address(_ host: Int) -> String { block.address(host) }

        func swarm(_ built: BuildSupport.Built) throws -> PrometheusSandbox.Swarm {
            typealias Swarm = PrometheusSandbox.Swarm
            let deploy = try PrometheusSandbox.deployLabels(built)
            func labels(_ key: String, stack: String = PrometheusTests.stackName) -> [String: String] {
                (deploy[key] ?? [:]).merging(["com.docker.stack.namespace": stack]) { _, namespace in namespace }
            }
            func task(
                _ id: String, _ service: String, node: String, slot: Int, host: Int, desired: String = "running",
                appsNetwork: Bool = true
            ) -> Swarm.Task {
                var addresses = [monitoring: "\(address(host))/24"]
                if appsNetwork { addresses[apps] = "10.0.9.\(host)/24" }
                return Swarm.Task(
                    id: id, service: service, node: node, slot: slot, desired: desired, addresses: addresses)
            }
            var swarm = Swarm()
            swarm.networks = [monitoring, apps, "promstack_public", "other_monitoring"]
            swarm.nodes = [
                .init(id: "node-m1", hostname: "manager-1", address: address(201), role: "manager"),
                .init(id: "node-w1", hostname: "worker-1", address: address(202), role: "worker"),
            ]
            swarm.services = [
                .init(name: "promstack_web", labels: labels("web")),
                .init(name: "promstack_api", labels: labels("api"), published: [8443]),
                .init(name: "promstack_fast", labels: labels("fast")),
                .init(name: "promstack_plain", labels: labels("plain")),
                .init(name: "other_web", labels: labels("web", stack: "other")),
                .init(name: "promstack_node-exporter", labels: labels("node-exporter"), global: true),
                .init(name: "promstack_cadvisor", labels: labels("cadvisor"), global: true),
                .init(name: "other_node-exporter", labels: labels("node-exporter", stack: "other"), global: true),
                .init(name: "promstack_prometheus", labels: labels("prometheus")),
                .init(name: "promstack_traefik", labels: labels("traefik"), global: true),
            ]
            swarm.tasks = [
                task("web-1", "promstack_web", node: "node-m1", slot: 1, host: 11),
                task("web-2", "promstack_web", node: "node-w1", slot: 2, host: 12),
                task("web-2-old", "promstack_web", node: "node-w1", slot: 2, host: 13, desired: "shutdown"),
                task("api-1", "promstack_api", node: "node-w1", slot: 1, host: 21),
                task("fast-1", "promstack_fast", node: "node-m1", slot: 1, host: 31),
                task("plain-1", "promstack_plain", node: "node-m1", slot: 1, host: 41),
                task("other-web-1", "other_web", node: "node-m1", slot: 1, host: 51),
                task("ne-m1", "promstack_node-exporter", node: "node-m1", slot: 0, host: 61, appsNetwork: false),
                task("ne-w1", "promstack_node-exporter", node: "node-w1", slot: 0, host: 62, appsNetwork: false),
                task(
                    "ne-m1-old", "promstack_node-exporter", node: "node-m1", slot: 0, host: 63, desired: "shutdown",
                    appsNetwork: false),
                task("other-ne-m1", "other_node-exporter", node: "node-m1", slot: 0, host: 64, appsNetwork: false),
                task("ca-m1", "promstack_cadvisor", node: "node-m1", slot: 0, host: 71, appsNetwork: false),
                task("ca-w1", "promstack_cadvisor", node: "node-w1", slot: 0, host: 72, appsNetwork: false),
                task("prom-1", "promstack_prometheus", node: "node-m1", slot: 1, host: 81, appsNetwork: false),
                task("tr-m1", "promstack_traefik", node: "node-m1", slot: 0, host: 91, appsNetwork: false),
            ]
            return swarm
        }

        /// A target as the tests compare them: its URL and every label.
        static func describe(url: String, labels: [String: String]) -> String {
            url + " " + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }

        /// The app targets `manifest` asks for, written from the manifest, not the configuration.
        var appTargets: Set<String> {
            let wanted: [(host: Int, port: Int, path: String, app: String, slot: Int, node: String)] = [
                (11, 9100, "/metrics", "web", 1, "manager-1"), (12, 9100, "/metrics", "web", 2, "worker-1"),
                (21, 9102, "/internal/prom", "api", 1, "worker-1"), (31, 9400, "/metrics", "fast", 1, "manager-1"),
            ]
            return Set(
                wanted.map { target in
                    let instance = "\(address(target.host)):\(target.port)"
                    return Self.describe(
                        url: "http://\(instance)\(target.path)",
                        labels: [
                            "instance": instance, "job": target.app, "service": "promstack_\(target.app)",
                            "stack": "promstack",
                            "slot": String(target.slot), "node": target.node,
                        ])
                })
        }

        /// node-exporter and cAdvisor on each node, Traefik's metrics entry point on its manager,
        /// each engine, and Prometheus itself.
        var platformTargets: Set<String> {
            var targets: Set<String> = [
                Self.describe(
                    url: "http://localhost:9090/metrics",
                    labels: ["instance": "localhost:9090", "job": "prometheus", "stack": "promstack"])
            ]
            for (agent, port, hosts) in [
                ("node-exporter", 9100, [61, 62]), ("cadvisor", 8080, [71, 72]), ("traefik", 8083, [91]),
            ] {
                for (host, node) in zip(hosts, ["manager-1", "worker-1"]) {
                    let instance = "\(address(host)):\(port)"
                    targets.insert(
                        Self.describe(
                            url: "http://\(instance)/metrics",
                            labels: [
                                "instance": instance, "job": agent, "service": "promstack_\(agent)", "slot": "0",
                                "stack": "promstack",
                                "node": node,
                            ]))
                }
            }
            for (host, node) in [(201, "manager-1"), (202, "worker-1")] {
                let instance = "\(address(host)):9323"
                targets.insert(
                    Self.describe(
                        url: "http://\(instance)/metrics",
                        labels: [
                            "instance": instance, "job": MetricsPass.engineJob, "node": node, "stack": "promstack",
                        ]))
            }
            return targets
        }
    }

    /// The active targets of `pools` (all when nil), described.
    static func active(_ targets: PrometheusSandbox.Targets?, pools: Set<String>? = nil) -> Set<String> {
        Set(
            (targets?.activeTargets ?? []).filter { pools?.contains($0.scrapePool ?? "") ?? true }.map {
                Scenario.describe(url: $0.scrapeUrl ?? "(no URL)", labels: $0.labels ?? [:])
            })
    }

    /// Whether Prometheus discovered, and dropped, the task `id` in `pool`.
    static func dropped(_ targets: PrometheusSandbox.Targets?, task id: String, pool: String) -> Bool {
        (targets?.droppedTargets ?? []).contains {
            $0.discoveredLabels["__meta_dockerswarm_task_id"] == id && $0.discoveredLabels["job"] == pool
        }
    }

    func withSandbox(_ body: (PrometheusSandbox, Scenario) throws -> Void) throws {
        let built = try #require(BuildSupport.build(path: "prometheus/promstack.yml", text: Self.manifest))
        let scenario = Scenario()
        let sandbox = try PrometheusSandbox.start(built, swarm: try scenario.swarm(built))
        defer { sandbox.stop() }
        try body(sandbox, scenario)
    }

    /// Job `apps` scrapes exactly the running tasks of this stack's opted-in services, at their
    /// monitoring-network address with the label's port and path, as job `<app>` with service,
    /// slot and node; the task on its way out, the app without metrics, the other stack's
    /// service and every address on another network are discovered and dropped.
    @Test func appTargetsAreTheRunningOptedInTasks() throws {
        try withSandbox { sandbox, scenario in
            let expected = scenario.appTargets
            let targets = sandbox.awaitTargets {
                Self.active($0, pools: ["apps"]) == expected
                    && Self.dropped($0, task: "web-2-old", pool: "apps")
            }
            let actual = Self.active(targets, pools: ["apps"])
            #expect(
                actual == expected,
                """
                missing: \(expected.subtracting(actual).sorted())
                unexpected: \(actual.subtracting(expected).sorted())
                \(sandbox.diagnostics)
                """)
            // Discovery saw what the relabelling had to drop (so the stand-in served it).
            for id in ["web-2-old", "plain-1", "other-web-1", "web-1"] {
                let dropped = Self.dropped(targets, task: id, pool: "apps")
                #expect(dropped, "task \(id) was not discovered and dropped")
            }
        }
    }

    /// An app's own interval is its scrape interval, whether above or below the default
    /// scrape timeout (10 s; Prometheus refuses a target whose timeout exceeds its interval);
    /// the others keep the global 30 s.
    @Test func appIntervalsAreTheirScrapeIntervals() throws {
        try withSandbox { sandbox, scenario in
            let targets = sandbox.awaitTargets { Self.active($0, pools: ["apps"]) == scenario.appTargets }
            let intervals = Dictionary(
                (targets?.activeTargets ?? []).filter { $0.scrapePool == "apps" }.map {
                    ($0.labels?["instance"] ?? "?", "\($0.scrapeInterval ?? "-")/\($0.scrapeTimeout ?? "-")")
                }, uniquingKeysWith: { first, _ in first })
            #expect(
                intervals == [
                    "\(scenario.address(11)):9100": "30s/10s", "\(scenario.address(12)):9100": "30s/10s",
                    "\(scenario.address(21)):9102": "15s/10s", "\(scenario.address(31)):9400": "5s/5s",
                ], "\(sandbox.diagnostics)")
        }
    }

    /// node-exporter (:9100), cAdvisor (:8080) and Traefik (:8083) are scraped on each running
    /// task of this stack's services, the engines (:9323) on each node's address, Prometheus on itself.
    @Test func nodeAgentAndEngineTargets() throws {
        try withSandbox { sandbox, scenario in
            let expected = scenario.platformTargets
            let pools: Set<String> = ["prometheus", "node-exporter", "cadvisor", "traefik", MetricsPass.engineJob]
            let targets = sandbox.awaitTargets { Self.active($0, pools: pools) == expected }
            let actual = Self.active(targets, pools: pools)
            #expect(
                actual == expected,
                """
                missing: \(expected.subtracting(actual).sorted())
                unexpected: \(actual.subtracting(expected).sorted())
                \(sandbox.diagnostics)
                """)
            for id in ["ne-m1-old", "other-ne-m1"] {
                let dropped = Self.dropped(targets, task: id, pool: "node-exporter")
                #expect(dropped, "task \(id) was not discovered and dropped")
            }
        }
    }
}
