import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Acceptance on a real Swarm: every example manifest, built by `stackc`, is deployed by its own
/// `deploy.sh` on a private single-node swarm (`Tests/Acceptance/swarm-harness.sh`: Debian's
/// dockerd in namespaces with only loopback) and must converge; Traefik must route HTTPS to
/// the replicas, redirect HTTP, pin a replica with the sticky cookie and spread without it, and
/// send a request to an app behind single sign-on to sign in unless it has a session; a
/// deliberately broken stack must fail with a reason per service; nothing may be left behind.
///
/// The harness runs once for all the tests here (one engine, one stack after the other). It
/// needs root. `STACKC_SWARM_MANIFESTS` (paths separated by `:`) adds manifests to deploy.
@Suite(.serialized) struct SwarmAcceptanceTests {
    static var manifests: [String] {
        let folder = StackcCLI.repoRoot.appendingPathComponent("manifests")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let extra = (ProcessInfo.processInfo.environment["STACKC_SWARM_MANIFESTS"] ?? "")
            .split(separator: ":").map(String.init).filter { !$0.isEmpty }
        return names.filter { $0.hasSuffix(".yml") }.sorted().map { "manifests/\($0)" } + extra
    }

    /// The example deployed from its Swift twin (`manifests/haproxy-lab.swift`, compiled and run
    /// by stackc) rather than from its YAML, so that a stack.swift's output meets a real Swarm.
    static let builtFromTwin = "manifests/haproxy-lab.yml"

    static let routingManifest = "Tests/Acceptance/manifests/routing.yml"
    static let featuresManifest = "Tests/Acceptance/manifests/features.yml"
    static let identityManifest = "Tests/Acceptance/manifests/identity.yml"

    @Test(arguments: manifests)
    func stackConverges(_ manifest: String) throws {
        let run = try SwarmRun.shared.get()
        let report = try #require(
            run.reports[manifest], "no report for \(manifest): the harness stopped early\n\(run.log)")
        #expect(report.converged, "\(manifest) did not converge on the test swarm:\n\(report.text)")
        #expect(report.text.contains("deploy.sh: exit 0"), "deploy.sh failed for \(manifest):\n\(report.text)")
    }

    /// Real Traefik in the swarm, reading the engine's socket, in front of two stand-ins with a
    /// sticky cookie, two without, one behind a login, and its dashboard behind another.
    @Test func traefikRoutesHTTPSToTheReplicas() throws {
        let run = try SwarmRun.shared.get()
        let report = try #require(run.reports[Self.routingManifest], "no report for the routing stack\n\(run.log)")
        #expect(report.converged, "\(report.text)")
        #expect(report.text.contains("image traefik:v3.7.15: real, Traefik"), "\(report.text)")
        for app in ["pinned", "spread"] {
            let url = "https://\(app).routing.test/"
            #expect(
                report.text.contains("route \(url): 200 from task routing_\(app)."),
                "no answer from a replica of \(app):\n\(report.text)")
            #expect(
                report.text.contains("redirect http://\(app).routing.test/: 301 to \(url)"),
                "no redirect to HTTPS for \(app):\n\(report.text)")
        }
        #expect(
            report.text.contains(
                "sticky https://pinned.routing.test/: cookie routing_pinned_affinity pins one replica: 8 of 8 requests"),
            "\(report.text)")
        #expect(
            report.text.contains(
                "spread https://spread.routing.test/: no sticky cookie: 12 requests reached 2 replicas"),
            "\(report.text)")
        // Logins: Traefik checks the bcrypt lines deploy.sh made against the passwords it kept.
        #expect(report.text.contains("login https://guarded.routing.test/: 401 without credentials"), "\(report.text)")
        #expect(
            report.text.contains("route https://guarded.routing.test/: 200 from task routing_guarded."),
            "\(report.text)")
        #expect(report.text.contains("login https://proxy.routing.test/: 401 without credentials"), "\(report.text)")
        #expect(
            report.text.contains("route https://proxy.routing.test/: 302 from the proxy itself with the kept password"),
            "\(report.text)")
    }

    /// The app keys beyond routing reach the containers: the web app's health command passes
    /// only when the file delivered as a config and the extra /etc/hosts entry are both there,
    /// so it converges only if they are; the UDP port is published, the app on the named node
    /// is placed (deploy.sh found the node by its label), and an app without a health check runs.
    @Test func appKeysReachTheContainers() throws {
        let run = try SwarmRun.shared.get()
        let report = try #require(run.reports[Self.featuresManifest], "no report for the features stack\n\(run.log)")
        #expect(report.converged, "\(report.text)")
        #expect(report.text.contains("deploy.sh: exit 0"), "\(report.text)")
        #expect(report.service("features_web").hasPrefix("service features_web: converged"), "\(report.text)")
        #expect(report.service("features_dns").hasPrefix("service features_dns: converged"), "\(report.text)")
        #expect(report.text.contains("route https://www.features.test/: 200 from task features_web."), "\(report.text)")
    }

    /// Campus signs in to Nextcloud through its Keycloak (`user_oidc`): Keycloak converges on
    /// the real PostgreSQL with the realm file where it imports it, Nextcloud's first task
    /// registers the realm in its start-up hook (the stand-in php records the `occ` calls), the
    /// proxy routes to Nextcloud, and the database is pinned to the node deploy.sh labelled.
    @Test func campusSignsInThroughKeycloakAndPinsItsDatabase() throws {
        let run = try SwarmRun.shared.get()
        let report = try #require(run.reports["manifests/campus.yml"], "no report for campus\n\(run.log)")
        #expect(report.converged, "\(report.text)")
        let keycloak = report.service("campus_keycloak")
        #expect(keycloak.hasPrefix("service campus_keycloak: converged (1/1)"), "\(report.text)")
        #expect(
            keycloak.contains(
                "file /opt/keycloak/data/import/campus-realm.json in task campus_keycloak.1: mode 444, the"),
            "\(keycloak)")
        #expect(
            report.service("campus_keycloak-realm").contains("realm campus is in line with the manifest"),
            "\(report.text)")
        let nextcloud = report.service("campus_nextcloud")
        #expect(nextcloud.hasPrefix("service campus_nextcloud: converged (2/2)"), "\(report.text)")
        #expect(
            nextcloud.contains(
                "file /docker-entrypoint-hooks.d/before-starting/20-stackc-oidc.sh in task campus_nextcloud.1"),
            "\(nextcloud)")
        #expect(
            nextcloud.contains(
                "stand-in php: occ user_oidc:provider keycloak --clientsecret=(hidden) --clientid=nextcloud"),
            "\(nextcloud)")
        #expect(
            nextcloud.contains("stackc: OIDC sign-in through https://auth.campus.test/realms/campus is set up"),
            "\(nextcloud)")
        #expect(
            report.text.contains("route https://cloud.campus.test/: 200 from task campus_nextcloud."), "\(report.text)")
        #expect(!report.text.contains("refused https://cloud.campus.test/"), "\(report.text)")
        #expect(report.text.contains("deploy: pinned stackc.pin.campus.pg to node"), "\(report.text)")
    }

    /// Metrics on the real swarm: Debian's Prometheus, run as the stack says (root, the engine's
    /// socket bind-mounted), finds through Swarm discovery each running task of an app opted in
    /// to metrics (the lab's `api`, two replicas; a stand-in serving an exposition page on its
    /// metrics port and path) and node-exporter (Debian's, with the generated flags) and cAdvisor
    /// (a stand-in) on the node, at their monitoring-network address, and scrapes them: all up.
    @Test func prometheusScrapesTheOptedInTasksAndTheExporters() throws {
        let run = try SwarmRun.shared.get()
        let lab = try #require(run.reports["manifests/coreos-lab.yml"], "no report for the lab\n\(run.log)")
        let campus = try #require(run.reports["manifests/campus.yml"], "no report for campus\n\(run.log)")
        for (report, stack) in [(lab, "lab"), (campus, "campus")] {
            #expect(report.converged, "\(report.text)")
            #expect(report.text.contains("image prom/prometheus:v2.53.4: real, Prometheus"), "\(report.text)")
            #expect(report.text.contains("image prom/node-exporter:v1.8.2: real, node-exporter"), "\(report.text)")
            let prometheus = report.line(startingWith: "prometheus: task \(stack)_prometheus.1 runs as ")
            #expect(
                prometheus.contains("runs as uid 0, /var/run/docker.sock: socket;")
                    && prometheus.contains("--config.file=/etc/prometheus/prometheus.yml"),
                "Prometheus does not run as the stack says:\n\(report.text)")
            for (job, port) in [("node-exporter", 9100), ("cadvisor", 8080)] {
                let target = try Regex(
                    "^prometheus target: job \(job), address [0-9.]+:\(port), health up \\(service \(stack)_\(job), ")
                #expect(
                    report.text.split(separator: "\n").contains { $0.contains(target) },
                    "no \(job) target up in \(stack):\n\(report.text)")
            }
            #expect(
                report.text.contains(
                    "metrics: Prometheus (task \(stack)_prometheus.1) scrapes every opted-in task and exporter, all up"),
                "\(report.text)")
            #expect(!report.text.contains("metrics: FAILED"), "\(report.text)")
        }
        var addresses: Set<String> = []
        for slot in 1...2 {
            let line = lab.text.split(separator: "\n").first {
                $0.hasPrefix("prometheus target: job api, address ")
                    && $0.hasSuffix(", health up (service lab_api, slot \(slot))")
            }
            #expect(line != nil, "task \(slot) of lab_api is not scraped and up:\n\(lab.text)")
            if let line { addresses.insert(String(line.split(separator: " ")[5])) }
        }
        #expect(addresses.count == 2 && addresses.allSatisfy { $0.hasSuffix(":8000,") }, "\(addresses)")
        #expect(
            lab.text.contains("metrics: Prometheus (task lab_prometheus.1) scrapes every opted-in task and exporter")
                && lab.text.contains("lab_api (job api, 2)"),
            "\(lab.text)")
    }

    /// The registry on the real swarm (the lab): Debian's docker-registry converges behind the
    /// real Traefik; deploy.sh deploys the platform part first, logs in through the proxy, builds
    /// the lab's `api` (its base image Debian's Python) with the swarm's engine and pushes it; the
    /// certificate the trust service wrote verifies the registry's host; the service runs the
    /// pushed content tag, which the registry lists, and pulls it back from the registry once the
    /// engine no longer has it; deploy.sh again leaves its tasks alone with the same context and
    /// rolls out a new tag with a changed one. Campus's registry and its mirror converge too.
    @Test func builtImagesGoThroughTheStacksRegistry() throws {
        let run = try SwarmRun.shared.get()
        let lab = try #require(run.reports["manifests/coreos-lab.yml"], "no report for the lab\n\(run.log)")
        #expect(lab.converged, "\(lab.text)")
        #expect(lab.text.contains("image registry:2.8.3: real, docker-registry from Debian"), "\(lab.text)")
        #expect(
            !lab.text.contains("image registry.b3.swarm/lab/api"), "the built image must not be provided:\n\(lab.text)")
        for service in ["lab_registry", "lab_registry-trust", "lab_api"] {
            #expect(lab.service(service).hasPrefix("service \(service): converged"), "\(lab.text)")
        }
        for line in [
            "deploy: deploying the platform part of lab first: registry traefik registry-trust",
            "deploy: each of registry traefik registry-trust has its replicas",
            "deploy: logged in to registry.b3.swarm as deploy", "deploy: pushed registry.b3.swarm/lab/api:src-",
            "trust: /etc/docker/certs.d/registry.b3.swarm/ca.crt (written by lab_registry-trust) verifies",
            "platform part: lab_registry, lab_traefik, lab_registry-trust kept the tasks of the first deploy",
            "build lab_api: the registry lists registry.b3.swarm/lab/api:src-",
            "build lab_api: removed from the engine, pulled back from https://registry.b3.swarm through the proxy",
            "redeploy, same context: lab_api keeps registry.b3.swarm/lab/api:src-",
            "task(s), untouched, as does every other service",
            "redeploy, changed context: lab_api rolled out to registry.b3.swarm/lab/api:src-",
            "route https://registry.b3.swarm/: 200 from lab_registry",
        ] {
            #expect(lab.text.contains(line), "no '\(line)' in the lab's report:\n\(lab.text)")
        }
        #expect(!lab.text.contains("FAILED"), "\(lab.text)")
        let campus = try #require(run.reports["manifests/campus.yml"], "no report for campus\n\(run.log)")
        for service in ["campus_registry", "campus_registry-mirror", "campus_registry-trust"] {
            #expect(campus.service(service).hasPrefix("service \(service): converged"), "\(campus.text)")
        }
        #expect(
            campus.text.contains("route https://mirror.campus.test/: 200 from campus_registry-mirror"), "\(campus.text)"
        )
    }

    /// Single sign-on on the real swarm (`Tests/Acceptance/manifests/identity.yml`): Keycloak (a
    /// stand-in, two replicas) on the real PostgreSQL, whose init job made its database; the
    /// realm file where Keycloak imports it; the reconciler job signing in and sending the
    /// realm's additions and clients (the stand-in kcadm.sh records them); and real Traefik
    /// asking each app's sign-in proxy (an oauth2-proxy stand-in) about every request: without
    /// a session the browser is sent to the realm's sign-in page and no task of the app answers,
    /// with one a task of the app answers, and the flow's own route reaches the sign-in proxy.
    @Test func signInProxiesGuardTheAppsBehindKeycloak() throws {
        let run = try SwarmRun.shared.get()
        let report = try #require(run.reports[Self.identityManifest], "no report for the identity stack\n\(run.log)")
        #expect(report.converged, "\(report.text)")
        #expect(report.text.contains("deploy.sh: exit 0"), "\(report.text)")
        for (service, replicas) in [
            ("keycloak", "2/2"), ("wiki", "2/2"), ("wiki-sso", "2/2"), ("reports", "1/1"), ("reports-sso", "1/1"),
            ("status", "1/1"), ("pg", "1/1"),
        ] {
            #expect(
                report.service("sso_\(service)").hasPrefix("service sso_\(service): converged (\(replicas))"),
                "\(report.text)")
        }
        let initJob = report.service("sso_pg-init")
        #expect(initJob.hasPrefix("service sso_pg-init: converged") && initJob.contains("completed"), "\(report.text)")
        #expect(initJob.contains("db-init: database and user 'keycloak' ready"), "\(initJob)")

        // The realm file, byte for byte, where `--import-realm` reads it.
        #expect(
            report.service("sso_keycloak").contains(
                "file /opt/keycloak/data/import/lab-realm.json in task sso_keycloak.1: mode 444, the"),
            "\(report.service("sso_keycloak"))")
        #expect(
            report.service("sso_keycloak").contains("bytes of keycloak/lab-realm.json"),
            "\(report.service("sso_keycloak"))")

        let realm = report.service("sso_keycloak-realm")
        #expect(
            realm.hasPrefix("service sso_keycloak-realm: converged") && realm.contains("completed"), "\(report.text)")
        for line in [
            "realm-sync: signed in to Keycloak as admin",
            "stand-in kcadm.sh: create partialImport -r lab -f /stackc/additions.json",
            "realm-sync: brought the clients of realm lab in line",
            "stand-in kcadm.sh: add-roles -r lab --gpath /operators --rolename staff",
            "stand-in kcadm.sh: add-roles -r lab --uusername alice --rolename admin",
            "realm-sync: realm lab is in line with the manifest",
        ] {
            #expect(realm.contains(line), "no '\(line)' in the reconciler's log:\n\(realm)")
        }

        let signIn = "https://auth.sso.test/realms/lab/protocol/openid-connect/auth"
        for (url, app, flowPath) in [
            ("https://wiki.sso.test/", "wiki", "/oauth2/start"),
            ("https://portal.sso.test/reports", "reports", "/reports/oauth2/start"),
        ] {
            // Without a session: the sign-in proxy's redirect, and no task of the app reached.
            let refused = report.line(startingWith: "sign-in \(url): ")
            #expect(
                refused.hasPrefix("sign-in \(url): 302 without a session, to \(signIn)?client_id=\(app)&")
                    && refused.contains("from the sign-in proxy (task sso_\(app)-sso.")
                    && refused.hasSuffix("no task of sso_\(app) reached"),
                "no redirect to sign in for \(app):\n\(report.text)")
            // With one: a task of the app answers.
            let admitted = report.line(startingWith: "route \(url): ")
            #expect(
                admitted.hasPrefix("route \(url): 200 from task sso_\(app).")
                    && admitted.hasSuffix("with a session (the sign-in proxy let it through)"),
                "a session did not reach \(app):\n\(report.text)")
            // The flow's own route reaches the sign-in proxy, not through forward auth.
            let flow = report.line(startingWith: "sign-in flow https://\(URL(string: url)?.host ?? "")\(flowPath): ")
            #expect(
                flow.contains(": 302 to \(signIn)?client_id=\(app)&") && flow.contains("from task sso_\(app)-sso.")
                    && flow.contains("which got GET \(flowPath) (its own route"),
                "the sign-in flow of \(app) does not reach its proxy:\n\(report.text)")
        }
        #expect(
            report.text.contains("spread https://wiki.sso.test/: no sticky cookie: 12 requests reached 2 replicas"),
            "\(report.text)")
        // The app without sign-in on the shared host stays open.
        #expect(report.text.contains("route https://portal.sso.test/: 200 from task sso_status."), "\(report.text)")
        #expect(!report.text.contains("sign-in https://portal.sso.test/:"), "\(report.text)")
        #expect(report.text.contains("route https://auth.sso.test/: 200 from task sso_keycloak."), "\(report.text)")
    }

    /// A stack broken the ways schema checks cannot see: a health check calling a tool the
    /// image lacks, and an entrypoint that waits for a service that never comes, so it never
    /// starts the image's own command. Each service's reason must be in the report.
    @Test func aBrokenStackFailsWithAReasonPerService() throws {
        let run = try SwarmRun.shared.get()
        let report = try #require(run.reports[SwarmRun.brokenManifest], "no report for the broken stack\n\(run.log)")
        #expect(!report.converged)
        #expect(report.text.contains("result: FAILED: not every service of broken converged"), "\(report.text)")

        let sick = report.service("broken_sick")
        #expect(sick.hasPrefix("service broken_sick: NOT converged"), "\(report.text)")
        // Swarm replaces an unhealthy container, so when the report is taken the newest may still
        // be "starting" with failed probes: either an unhealthy container or a failing streak names it.
        let failing =
            sick.contains("unhealthy")
            || sick.range(of: #"health check: starting \([1-9][0-9]* failing in a row\)"#, options: .regularExpression)
                != nil
        #expect(failing, "no failing health check named for broken_sick:\n\(sick)")
        #expect(
            sick.contains("grpc_health_probe: not found"),
            "the health check's own output is missing for broken_sick:\n\(sick)")

        let stuck = report.service("broken_stuck")
        #expect(stuck.hasPrefix("service broken_stuck: NOT converged"), "\(report.text)")
        #expect(
            stuck.contains("last log lines:") && stuck.contains("stackc[stuck]: waiting for")
                && stuck.contains("nowhere:80"),
            "the entrypoint's last log lines are missing for broken_stuck:\n\(stuck)")
        #expect(
            stuck.contains("Connection refused"), "the health check's output is missing for broken_stuck:\n\(stuck)")

        #expect(report.service("broken_healthy").hasPrefix("service broken_healthy: converged"), "\(report.text)")
    }

    /// No engine process, mount, cgroup or folder of the run is left.
    @Test func nothingIsLeftBehind() throws {
        let run = try SwarmRun.shared.get()
        Self.expectNothingLeft(temporary: run.temporary, cgroupParent: run.cgroupParent)
    }

    /// Stopped (TERM, as a CI runner's timeout does; INT and HUP take the same path) while a
    /// stack is being deployed, the harness still stops the engine and removes everything.
    @Test func anInterruptedRunLeavesNothingBehind() throws {
        _ = try SwarmRun.shared.get()  // the same preconditions, and never two engines at once
        let workspace = try Workspace("swarm-interrupted")
        defer { workspace.remove() }
        let folder = try SwarmRun.build("manifests/haproxy-lab.yml", into: workspace.url("out"))
        let log = workspace.url("harness.log")
        let started = Date()
        let status = try SwarmRun.runHarness([SwarmRun.harness, "--timeout", "120", folder.path], log: log) { text in
            text.contains("deploy.sh: running")
        }
        let text = String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self)
        #expect(status == 130, "exit \(status) after the interruption:\n\(text)")
        #expect(
            text.contains("swarm-harness: interrupted (TERM): stopping the engine and removing everything"), "\(text)")
        #expect(Date().timeIntervalSince(started) < 600)
        let temporary = try #require(SwarmRun.temporaryFolder(in: text), "\(text)")
        Self.expectNothingLeft(temporary: temporary, cgroupParent: SwarmRun.cgroupParent(of: temporary))
    }

    static func expectNothingLeft(
        temporary: String, cgroupParent: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            !FileManager.default.fileExists(atPath: temporary), "the harness left \(temporary)",
            sourceLocation: sourceLocation)
        let mounts = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        #expect(!mounts.contains(temporary), "mounts left under \(temporary)", sourceLocation: sourceLocation)
        let processes = SwarmRun.processesMentioning(temporary)
        #expect(processes.isEmpty, "processes of the run still live: \(processes)", sourceLocation: sourceLocation)
        let cgroups = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/fs/cgroup")) ?? []
        let left = cgroups.map { "/sys/fs/cgroup/\($0)/\(cgroupParent)" }.filter {
            FileManager.default.fileExists(atPath: $0)
        }
        #expect(left.isEmpty, "cgroups left: \(left)", sourceLocation: sourceLocation)
    }
}

/// One run of the harness over every stack the tests look at, and what it reported.
struct SwarmRun: Sendable {
    /// The harness's report of one stack.
    struct Report: Sendable {
        var converged: Bool
        var text: String

        /// The first line that starts with `prefix` (empty when there is none).
        func line(startingWith prefix: String) -> String {
            text.split(separator: "\n").first { $0.hasPrefix(prefix) }.map(String.init) ?? ""
        }

        /// The lines about `service`: its status line and the reasons under it.
        func service(_ name: String) -> String {
            var lines: [Substring] = []
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("service \(name): ") {
                    lines = [line]
                } else if !lines.isEmpty, line.hasPrefix("  ") || line.hasPrefix("    |") {
                    lines.append(line)
                } else if !lines.isEmpty {
                    break
                }
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Why the run could not happen, said once per test.
    struct Failure: Error, CustomStringConvertible, Sendable {
        var description: String
    }

    static let brokenManifest = "(broken stack)"

    var reports: [String: Report]
    var log: String
    var temporary: String
    var cgroupParent: String

    static let shared: Result<SwarmRun, Failure> = Result { try SwarmRun.start() }.mapError {
        ($0 as? Failure) ?? Failure(description: "\($0)")
    }

    /// Builds every manifest with stackc, breaks the broken one, and runs the harness on them.
    static func start() throws -> SwarmRun {
        guard geteuid() == 0 else {
            throw Failure(
                description:
                    "the swarm acceptance test must run as root: it starts Debian's dockerd in private namespaces (CI runs it as root); run `make test` as root"
            )
        }
        let workspace = try Workspace("swarm")
        defer { workspace.remove() }
        var folders: [(manifest: String, folder: URL, timeout: Int)] = []
        for (index, manifest)
            in (SwarmAcceptanceTests.manifests + [
                SwarmAcceptanceTests.routingManifest, SwarmAcceptanceTests.featuresManifest,
                SwarmAcceptanceTests.identityManifest,
            ]).enumerated()
        {
            guard manifest == SwarmAcceptanceTests.builtFromTwin else {
                folders.append((manifest, try build(manifest, into: workspace.url("out/\(index)")), 300))
                continue
            }
            let twin = String(manifest.dropLast(".yml".count)) + ".swift"
            let folder = try build(
                twin, into: workspace.url("out/\(index)"), cache: workspace.url("description-cache").path)
            let header = try String(contentsOf: folder.appendingPathComponent("stack.yml"), encoding: .utf8)
            guard header.hasPrefix("# Generated by stackc from \(twin);") else {
                throw Failure(description: "\(twin) was not what built \(folder.path):\n\(header.prefix(200))")
            }
            folders.append((manifest, folder, 300))
        }
        folders.append((brokenManifest, try makeBrokenStack(in: workspace), 45))

        let results = workspace.url("results")
        var arguments = [harness, "--results", results.path]
        for entry in folders {
            arguments += ["--timeout", String(entry.timeout), entry.folder.path]
        }
        let logURL = workspace.url("harness.log")
        let status = try runHarness(arguments, log: logURL)
        let log = String(decoding: (try? Data(contentsOf: logURL)) ?? Data(), as: UTF8.self)
        guard status != 2 else { throw Failure(description: "the harness could not run (exit 2):\n\(log)") }

        var reports: [String: Report] = [:]
        let summary = (try? String(contentsOf: results.appendingPathComponent("summary"), encoding: .utf8)) ?? ""
        let files = (try? FileManager.default.contentsOfDirectory(atPath: results.path)) ?? []
        for (index, line) in summary.split(separator: "\n").enumerated() {
            let fields = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard fields.count == 3, let entry = folders.first(where: { $0.folder.path == fields[2] }),
                let file = files.first(where: { $0.hasPrefix("\(index + 1)-") })
            else { continue }
            let text = String(
                decoding: (try? Data(contentsOf: results.appendingPathComponent(file))) ?? Data(), as: UTF8.self)
            reports[entry.manifest] = Report(converged: fields[1] == "converged", text: text)
        }
        let temporary = temporaryFolder(in: log) ?? "/nonexistent"
        return SwarmRun(reports: reports, log: log, temporary: temporary, cgroupParent: cgroupParent(of: temporary))
    }

    static var harness: String { StackcCLI.repoRoot.appendingPathComponent("Tests/Acceptance/swarm-harness.sh").path }

    /// The temporary folder the harness said it made.
    static func temporaryFolder(in log: String) -> String? {
        log.firstMatch(of: /engine: temporary folder (\S+)/).map { String($0.1) }
    }

    /// The cgroup the harness puts the engine's containers under (named after its folder).
    static func cgroupParent(of temporary: String) -> String {
        "stackc-swarm-" + (temporary.split(separator: ".").last.map(String.init) ?? "")
    }

    /// `stackc build manifest -o folder`, run from the repository root as users do; the stack's folder.
    static func build(_ manifest: String, into folder: URL, cache: String? = nil) throws -> URL {
        let run = try StackcCLI.run(
            ["build", manifest, "-o", folder.path], in: StackcCLI.repoRoot,
            environment: cache.map { ["STACKC_CACHE_DIR": $0] } ?? [:])
        guard run.status == 0 else { throw Failure(description: "stackc could not build \(manifest):\n\(run)") }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        guard names.count == 1, let name = names.first else {
            throw Failure(description: "stackc wrote \(names) for \(manifest)")
        }
        return folder.appendingPathComponent(name)
    }

    /// A stack stackc built, then broken by hand: `sick`'s health check calls a tool the image
    /// lacks (grpc_health_probe); `stuck`'s entrypoint waits for a service that does not exist, so it never
    /// starts the image's command. `healthy` is left as built. Health checks are made fast.
    static func makeBrokenStack(in workspace: Workspace) throws -> URL {
        try workspace.write(
            "broken.yml",
            """
            stackc: 1
            name: broken
            domain: broken.test
            apps:
              healthy:
                image: nginx:1.27-alpine
                port: 80
                health: /
              sick:
                image: nginx:1.27-alpine
                port: 80
                health: /healthz
              stuck:
                image: nginx:1.27-alpine
                port: 80
                health: /
                depends_on: [healthy]
            """)
        let run = try StackcCLI.run(["build", "broken.yml", "-o", "out"], in: workspace.root)
        guard run.status == 0 else { throw Failure(description: "stackc could not build the broken stack:\n\(run)") }
        var stack = try workspace.read("out/broken/stack.yml")
        try replace(
            &stack,
            "wget -q -O /dev/null 'http://127.0.0.1:80/healthz' || curl -fsS -o /dev/null 'http://127.0.0.1:80/healthz' || exit 1",
            with: "grpc_health_probe -addr=127.0.0.1:80")
        try replace(&stack, "interval: 30s", with: "interval: 3s")
        try replace(&stack, "start_period: 1m", with: "start_period: 1s")
        try workspace.write("out/broken/stack.yml", stack)
        var entrypoint = try workspace.read("out/broken/entrypoints/stuck.sh")
        // The wait for `healthy` (wait_for_tcp or wait_for_http) now waits for a name no service has.
        try replace(&entrypoint, "healthy", with: "nowhere")
        try workspace.write("out/broken/entrypoints/stuck.sh", entrypoint)
        return workspace.url("out/broken")
    }

    static func replace(_ text: inout String, _ old: String, with new: String) throws {
        guard text.contains(old) else {
            throw Failure(description: "the broken stack cannot be made: stackc's output no longer contains \(old)")
        }
        text = text.replacingOccurrences(of: old, with: new)
    }

    /// Runs the harness, its output in `log`; stops it (TERM, which it cleans up after) when it
    /// runs longer than any CI budget allows, or as soon as `interruptWhen` holds for what it
    /// printed so far.
    static func runHarness(_ arguments: [String], log: URL, interruptWhen: ((String) -> Bool)? = nil) throws -> Int32 {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = arguments
        process.currentDirectoryURL = StackcCLI.repoRoot
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(45 * 60)
        var interrupted = false
        while process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 1)
            if !interrupted, let interruptWhen,
                interruptWhen(String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self))
            {
                process.terminate()
                interrupted = true
            }
        }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw Failure(
                description:
                    "the harness ran longer than 45 minutes and was stopped:\n\(String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self))"
            )
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Processes whose command line names `path`.
    static func processesMentioning(_ path: String) -> [String] {
        let ids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return ids.filter { $0.allSatisfy(\.isNumber) }.compactMap { id in
            guard let data = FileManager.default.contents(atPath: "/proc/\(id)/cmdline") else { return nil }
            let command = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return command.contains(path) ? "\(id): \(command)" : nil
        }
    }
}
