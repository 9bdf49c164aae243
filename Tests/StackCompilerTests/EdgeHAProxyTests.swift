import Foundation
import StackDiagnostics
import Testing

@testable import StackCompiler

#if canImport(Glibc)
    import Glibc
#endif

/// The generated HAProxy configuration, run by the real HAProxy: `haproxy -c` accepts it for
/// every manifest with `proxy: {kind: haproxy}`, and on loopback, with a stand-in for Swarm's
/// DNS and small HTTP servers as the tasks, it routes, redirects, pins, authenticates and
/// follows a service's scaling without a restart.
///
/// Only what a sandbox must change is rewritten (`HAProxySandbox.rewrite`): the certificate's
/// folder, the resolver's port and the listening addresses. Everything listens on 127.0.0.0/8.
@Suite struct EdgeHAProxyTests {
    /// `haproxy -c` exits 0 without a warning, and what the configuration reads from outside
    /// (secret files, password hashes in environment variables) is what `stack.yml` gives the
    /// service: the secret mounted at that name, the variable exported by its command.
    @Test(arguments: HAProxyCase.all)
    func haproxyAcceptsTheConfiguration(_ haproxyCase: HAProxyCase) throws {
        let haproxy = try SupportTool.require("haproxy")
        guard let built = BuildSupport.build(path: haproxyCase.path, text: haproxyCase.text) else { return }
        let config = try #require(
            built.tree.file("haproxy/haproxy.cfg"), "\(haproxyCase.path) has no haproxy/haproxy.cfg"
        ).contents
        try verifyInputsAreMounted(config: config, stackFile: try #require(built.tree.file("stack.yml")).contents)
        #expect(
            HAProxySandbox.duplicateACLs(config).isEmpty,
            "ACLs declared twice in one section (HAProxy merges them, so one route would take another's requests): \(HAProxySandbox.duplicateACLs(config))"
        )

        let folder = try BuildSupport.makeTemporaryFolder("haproxy-check")
        defer { try? FileManager.default.removeItem(at: folder) }
        try HAProxySandbox.makeCertificate(domain: built.stack.domain ?? built.stack.name, in: folder)
        let file = folder.appendingPathComponent("haproxy.cfg")
        try Data(HAProxySandbox.rewrite(config, certificateFolder: folder).utf8).write(to: file)
        let environment = try HAProxySandbox.environmentVariables(config).map {
            "\($0)=\(try HAProxySandbox.bcryptHash(password: "check-\($0)"))"
        }
        let run = try Tools.run(try SupportTool.require("env"), environment + [haproxy.path, "-c", "-f", file.path])
        #expect(
            run.status == 0,
            "haproxy -c rejects \(haproxyCase.path)'s haproxy.cfg: \(run.summary)\n--- config\n\(config)")
        let complaints = (run.stdout + run.stderr).split(separator: "\n").filter {
            $0.contains("[WARNING]") || $0.contains("[ALERT]")
        }
        #expect(
            complaints.isEmpty,
            "haproxy -c warns about \(haproxyCase.path)'s haproxy.cfg:\n\(complaints.joined(separator: "\n"))")
    }

    /// Every `/run/secrets/<name>` the configuration reads, and the key HAProxy loads beside the
    /// certificate, is mounted on the haproxy service; every `${VAR}` is exported by its command
    /// from a mounted secret.
    func verifyInputsAreMounted(config: String, stackFile: String) throws {
        guard let document = try PyYAMLValue.read(stackFile) else { return }
        let service = try #require(document["services"]?["haproxy"], "stack.yml has no haproxy service")
        let targets = Set((service["secrets"]?.items ?? []).compactMap { $0["target"]?.string })
        var needed = Set(config.matches(of: #/\/run\/secrets\/([A-Za-z0-9_.-]+)/#).map { String($0.output.1) })
        if needed.contains("tls.pem") { needed.insert("tls.pem.key") }
        #expect(
            needed.isSubset(of: targets),
            "haproxy.cfg reads secrets the service does not mount: \(needed.subtracting(targets).sorted())")

        let script = service["command"]?.items?.last?.string ?? ""
        var exported: [String: String] = [:]
        for match in script.matches(
            of: #/([A-Z0-9_]+)="\$\$\(cut -d: -f2- /run/secrets/([A-Za-z0-9_.-]+) \| head -n 1\)"; export ([A-Z0-9_]+)/#
        )
        where match.output.1 == match.output.3 {
            exported[String(match.output.1)] = String(match.output.2)
        }
        for variable in HAProxySandbox.environmentVariables(config) {
            guard let secret = exported[variable] else {
                Issue.record("haproxy.cfg reads ${\(variable)}, which the service's command does not export: \(script)")
                continue
            }
            #expect(targets.contains(secret), "${\(variable)} comes from /run/secrets/\(secret), which is not mounted")
        }
    }

    /// The repository keeps at least one HAProxy manifest, so the cases above are not all synthetic.
    @Test func theRepositoryHasAnHAProxyManifest() {
        #expect(!HAProxyCase.repository.isEmpty, "no manifests/*.yml with 'proxy: {kind: haproxy}'")
    }

    /// The whole edge on loopback: HAProxy started once, serving every kind of route, then a
    /// third task of `web` appears in the DNS answers and receives requests while the HAProxy
    /// process stays the same.
    @Test func routesOnLoopbackAndFollowsScaling() throws {
        let edge = try HAProxySandbox()
        defer { edge.stop() }
        try edge.start()

        try edge.servesHTTPSWithTheCertificate()
        try edge.redirectsHTTPToHTTPS()
        try edge.spreadsRequestsWithoutStickiness()
        try edge.pinsWithTheStickyCookie()
        try edge.servesPlainHTTPRoutes()
        try edge.asksForBasicAuth()
        try edge.routesAnAppThatSignsInItself()
        try edge.protectsTheStatsPage()
        try edge.answers404ForUnknownHosts()
        try edge.answersOnTheMonitorPort()
        try edge.followsScalingWithoutRestart()
    }
}

// MARK: - The manifests

/// A manifest whose HAProxy configuration the tests check: each of `manifests/*.yml` with
/// `proxy: {kind: haproxy}`, and synthetic ones covering every kind of route.
struct HAProxyCase: Sendable, CustomTestStringConvertible {
    var path: String
    var text: String

    var testDescription: String { path }

    static var all: [HAProxyCase] { repository + synthetic }

    /// The repository's manifests that choose HAProxy.
    static var repository: [HAProxyCase] {
        BuildSupport.repoManifestPaths().compactMap { path in
            guard
                let text = try? String(contentsOf: BuildSupport.repoRoot.appendingPathComponent(path), encoding: .utf8),
                StackCompiler.check(SourceFile(path: path, text: text)).stack?.proxy.kind == .haproxy
            else { return nil }
            return HAProxyCase(path: path, text: text)
        }
    }

    static let synthetic: [HAProxyCase] = [
        HAProxyCase(path: "synthetic/haproxy-edge.yml", text: HAProxySandbox.manifest),
        // Route names that would collide if the path were joined with '-': app 'api' at /api
        // and an app called 'api-api', both with basic auth (a backend, a userlist and a
        // password variable each).
        HAProxyCase(
            path: "synthetic/haproxy-route-names.yml",
            text: """
                stackc: 1
                name: names
                domain: names.test
                proxy:
                  kind: haproxy
                apps:
                  api:
                    image: nginx:1.27-alpine
                    port: 8080
                    host: www
                    path: /api
                    auth: basic
                  api-api:
                    image: nginx:1.27-alpine
                    port: 8080
                    host: www
                    auth: basic
                """),
        // The registry and its mirror, which answers the cluster's networks only; an app built
        // from source (a registry-trust service beside the proxy).
        HAProxyCase(
            path: "synthetic/haproxy-registry.yml",
            text: """
                stackc: 1
                name: hub
                domain: hub.test
                proxy:
                  kind: haproxy
                registry:
                  users: [ci]
                  mirror: true
                apps:
                  api: {build: ./api, port: 8000, host: api}
                """),
        // A provided certificate; a host served over plain HTTP only; a global service.
        HAProxyCase(
            path: "synthetic/haproxy-plain.yml",
            text: """
                stackc: 1
                name: plain
                domain: plain.example.org
                tls:
                  mode: provided
                proxy:
                  kind: haproxy
                cluster:
                  managers: 1
                  workers: 2
                apps:
                  site:
                    image: example/site:1
                    replicas: global
                    port: 8080
                    host: www
                    https: false
                    health: /ping
                """),
        // Only the stats page is routed.
        HAProxyCase(
            path: "synthetic/haproxy-stats-only.yml",
            text: """
                stackc: 1
                name: statsonly
                domain: stats.test
                proxy:
                  kind: haproxy
                  dashboard: true
                cluster:
                  managers: 1
                apps:
                  worker:
                    image: example/worker:1
                    command: [sleep, infinity]
                """),
        // Apps named like the configuration's own sections (frontends, backends, the stats
        // page), several paths on one host, sticky with a health check, basic auth on a path.
        HAProxyCase(
            path: "synthetic/haproxy-names.yml",
            text: """
                stackc: 1
                name: names
                domain: names.test
                proxy:
                  kind: haproxy
                  dashboard: proxy
                cluster:
                  managers: 1
                  workers: 1
                apps:
                  stats: {image: "example/a:1", port: 8080, host: www}
                  no-route: {image: "example/a:1", port: 8080, host: www, path: /no-route}
                  http: {image: "example/a:1", port: 8080, host: www, path: /http/v1, sticky: true, health: /up}
                  https: {image: "example/a:1", port: 8080, host: h2}
                  monitor: {image: "example/a:1", port: 8080, host: monitor, auth: basic}
                  to-https: {image: "example/a:1", port: 8080, host: www, path: /to, auth: basic, https: false}
                  resolvers: {image: "example/a:1", port: 9000, host: docker, replicas: 30}
                """),
    ]
}

// MARK: - The loopback sandbox

/// The stack `edge` on loopback: its tasks (`http_backend.py`, one listener per task on an
/// address of a random 127.A.B.0/24), a stand-in for Swarm's DNS at 127.0.0.11
/// (`swarm_dns_standin.py`) answering `tasks.edge_<app>`, and HAProxy with the generated
/// configuration, rewritten only where a sandbox must differ (`rewrite`).
final class HAProxySandbox {
    /// Every kind of route: HTTPS with a health check (`web`), a longer path on its host
    /// (`api`), a plain-HTTP path under an HTTPS host (`feed`), sticky over HTTPS (`shop`) and
    /// over HTTP (`plain`), basic auth (`admin`), and the stats page.
    static let manifest = """
        stackc: 1
        name: edge
        domain: edge.test
        proxy:
          kind: haproxy
          dashboard: stats
        cluster:
          managers: 1
          workers: 1
        apps:
          web:
            image: example/web:1
            replicas: 2
            port: 8080
            host: www
            health: /healthz
          api:
            image: example/api:1
            port: 8080
            host: www
            path: /api
          feed:
            image: example/feed:1
            port: 8080
            host: www
            path: /feed
            https: false
          shop:
            image: example/shop:1
            replicas: 2
            port: 8080
            host: shop
            sticky: true
          plain:
            image: example/plain:1
            replicas: 2
            port: 8080
            host: plain
            https: false
            sticky: true
          admin:
            image: example/admin:1
            port: 8080
            host: admin
            auth: basic
          vault:
            preset: nextcloud
            port: 8080
            host: vault
            auth: oidc
        databases:
          pg: {}
        identity: {}

        """
    static let appPort = 8080
    static let domain = "edge.test"
    /// The tasks at start: app, its backend in haproxy.cfg, how many tasks.
    static let apps: [(app: String, backend: String, tasks: Int)] = [
        ("web", "web", 2), ("api", "api_api", 1), ("feed", "feed_feed", 1),
        ("shop", "shop", 2), ("plain", "plain", 2), ("admin", "admin", 1), ("vault", "vault", 1),
        ("keycloak", "keycloak", 1),
    ]
    /// Bounds every wait: only there so that a broken run cannot hang.
    static let timeout: Double = 60

    let folder: URL
    let block = Loopback.Block()
    let statsPassword = "stats-" + UUID().uuidString.prefix(12).lowercased()
    let adminPassword = "admin-" + UUID().uuidString.prefix(12).lowercased()
    let httpPort: Int, httpsPort: Int, monitorPort: Int
    /// DNS answers: `tasks.edge_<app>` → addresses.
    private(set) var records: [String: [String]] = [:]
    /// Task name (`web.1`) → address.
    private(set) var taskAddresses: [String: String] = [:]
    /// The tasks and the DNS stand-in, in the order started.
    private var helpers: [SandboxProcess] = []
    private(set) var haproxy: SandboxProcess?
    /// HAProxy's PID, as its stats page reports it once every server is up.
    private(set) var haproxyPID: Int32 = 0

    init() throws {
        folder = try BuildSupport.makeTemporaryFolder("haproxy-sandbox")
        (httpPort, httpsPort, monitorPort) = (try Loopback.freePort(), try Loopback.freePort(), try Loopback.freePort())
    }

    var certificate: URL { folder.appendingPathComponent("tls.pem") }
    var recordsFile: URL { folder.appendingPathComponent("dns-records.json") }
    var requestLog: URL { folder.appendingPathComponent("backends.jsonl") }

    /// Builds the stack, starts the tasks, the DNS stand-in and HAProxy, and waits until every
    /// server is UP and has passed a health check.
    func start() throws {
        let built = try #require(BuildSupport.build(path: "edge.yml", text: Self.manifest))
        let config = try #require(built.tree.file("haproxy/haproxy.cfg")).contents
        try Self.makeCertificate(domain: Self.domain, in: folder)
        var host = 2
        var tasks: [String] = []
        for (app, _, count) in Self.apps {
            for slot in 1...count {
                tasks.append("\(app).\(slot)")
                taskAddresses["\(app).\(slot)"] = block.address(host)
                records["tasks.edge_\(app)", default: []].append(block.address(host))
                host += 1
            }
        }
        try startBackends(tasks)
        try writeRecords()
        let dnsPort = try startDNS()

        let file = folder.appendingPathComponent("haproxy.cfg")
        let rewritten = Self.rewrite(
            config, certificateFolder: folder, nameserverPort: dnsPort,
            ports: (http: httpPort, https: httpsPort, monitor: monitorPort))
        try Data(rewritten.utf8).write(to: file)
        #expect(Self.environmentVariables(config) == ["AUTH_ADMIN_HASH", "STATS_PASSWORD_HASH"])
        // Through env(1), which SandboxProcess lacks a parameter for; env execs HAProxy in place.
        haproxy = try SandboxProcess(
            name: "haproxy", executable: try SupportTool.require("env"),
            arguments: [
                "STATS_PASSWORD_HASH=\(try Self.bcryptHash(password: statsPassword))",
                "AUTH_ADMIN_HASH=\(try Self.bcryptHash(password: adminPassword))",
                try SupportTool.require("haproxy").path, "-db", "-f", file.path,
            ],
            log: folder.appendingPathComponent("haproxy.log"), in: folder)
        try waitForServers(Self.apps.reduce(into: [:]) { $0[$1.backend] = $1.tasks })
        haproxyPID = try reportedPID()
        let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(haproxyPID)/exe")
        #expect(
            executable.map { URL(fileURLWithPath: $0).lastPathComponent } == "haproxy",
            "the stats page reports pid \(haproxyPID), which runs \(executable ?? "nothing")")
    }

    /// The PID HAProxy's stats page reports (`Statistics Report for pid N`).
    func reportedPID() throws -> Int32 {
        let page = try https("stats", user: "admin:\(statsPassword)")
        guard page.status == 200, let match = page.body.firstMatch(of: #/Statistics Report for pid (\d+)/#),
            let pid = Int32(match.output.1)
        else {
            throw SandboxError("no PID on the stats page: \(page)")
        }
        return pid
    }

    /// Starts `http_backend.py` with one listener per task (`web.1` at its address, the app's
    /// port) and waits until they all listen.
    func startBackends(_ tasks: [String]) throws {
        let ready = folder.appendingPathComponent("backends-\(helpers.count).ready")
        let process = try SandboxProcess(
            name: "tasks \(tasks.joined(separator: " "))", executable: try SupportTool.require("python3"),
            arguments: [
                try SupportTool.script("http_backend.py").path, "--ready-file", ready.path, "--log", requestLog.path,
            ]
                + tasks.flatMap { ["--listen", "\($0)=\(taskAddresses[$0] ?? ""):\(Self.appPort)"] },
            log: folder.appendingPathComponent("backends-\(helpers.count).log"))
        helpers.append(process)
        try Waiting.until("the tasks \(tasks) to listen", timeout: Self.timeout, context: { process.logTail() }) {
            guard process.isRunning else { throw SandboxError("the tasks stopped:\n\(process.logTail())") }
            return FileManager.default.fileExists(atPath: ready.path)
        }
    }

    /// Starts the DNS stand-in on 127.0.0.11, at a port it picks; returns the port.
    func startDNS() throws -> Int {
        let portFile = folder.appendingPathComponent("dns.port")
        let process = try SandboxProcess(
            name: "DNS stand-in", executable: try SupportTool.require("python3"),
            arguments: [
                try SupportTool.script("swarm_dns_standin.py").path, "--address", "127.0.0.11", "--records",
                recordsFile.path,
                "--port-file", portFile.path,
            ],
            log: folder.appendingPathComponent("dns.log"))
        helpers.append(process)
        var port: Int?
        try Waiting.until("the DNS stand-in to listen", timeout: Self.timeout, context: { process.logTail() }) {
            guard process.isRunning else { throw SandboxError("the DNS stand-in stopped:\n\(process.logTail())") }
            port = (try? String(contentsOf: portFile, encoding: .utf8)).flatMap {
                Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            return port != nil
        }
        return port ?? 0
    }

    /// Replaces the DNS answers at once (rename), so the stand-in never reads half a file.
    func writeRecords() throws {
        let temporary = folder.appendingPathComponent("dns-records.json.tmp")
        try JSONSerialization.data(withJSONObject: records, options: [.sortedKeys]).write(to: temporary)
        guard rename(temporary.path, recordsFile.path) == 0 else {
            throw SandboxError("cannot replace \(recordsFile.path): errno \(errno)")
        }
    }

    /// Waits until each backend has `expected[backend]` servers UP whose last health check
    /// passed: HTTP for `web` and `vault` (the Nextcloud preset), which have a health path, a TCP
    /// connect for the others.
    func waitForServers(_ expected: [String: Int]) throws {
        var last: [ServerStatus] = []
        try Waiting.until(
            "every task to be UP in HAProxy's stats", timeout: Self.timeout,
            context: {
                "servers as last reported: \(last.filter { $0.status != "MAINT (resolution)" })\n" + self.diagnostics
            }
        ) {
            guard let haproxy = self.haproxy, haproxy.isRunning else {
                throw SandboxError("HAProxy stopped:\n\(self.diagnostics)")
            }
            last = (try? self.serverStatuses()) ?? []
            return expected.allSatisfy { backend, count in
                last.filter {
                    $0.backend == backend && $0.status == "UP"
                        && $0.check == (["web", "vault"].contains(backend) ? "L7OK" : "L4OK")
                }.count == count
            }
        }
    }

    /// Ends HAProxy, then the tasks and the DNS stand-in, and removes the folder.
    func stop() {
        haproxy?.stop()
        for process in helpers.reversed() { process.stop() }
        helpers = []
        try? FileManager.default.removeItem(at: folder)
    }

    /// HAProxy's output and the helpers' logs, for failure messages.
    var diagnostics: String {
        ([haproxy].compactMap { $0 } + helpers).map { "--- \($0.name) (tail)\n\($0.logTail(20))" }.joined(
            separator: "\n")
    }

    // MARK: Requests

    /// A GET over HTTPS to `host` (a name under the domain), trusting only the test certificate.
    func https(_ host: String, _ path: String = "/", user: String? = nil, cookie: String? = nil) throws -> HTTPExchange
    {
        let name = "\(host).\(Self.domain)"
        return try Curl.get(
            "https://\(name):\(httpsPort)\(path)", host: name, port: httpsPort,
            extra: ["--cacert", certificate.path] + Self.options(user: user, cookie: cookie))
    }

    /// A GET over HTTP with `Host: <host>` and no port, as a browser sends it to port 80.
    func http(_ host: String, _ path: String = "/", cookie: String? = nil) throws -> HTTPExchange {
        let name = host.contains(".") ? host : "\(host).\(Self.domain)"
        return try Curl.get(
            "http://\(name):\(httpPort)\(path)", host: name, port: httpPort,
            extra: ["--header", "Host: \(name)"] + Self.options(user: nil, cookie: cookie))
    }

    static func options(user: String?, cookie: String?) -> [String] {
        (user.map { ["--user", $0] } ?? []) + (cookie.map { ["--cookie", $0] } ?? [])
    }

    /// The task that answered, from http_backend.py's JSON body; nil when HAProxy answered.
    static func task(_ exchange: HTTPExchange) -> String? { TraefikSandbox.reply(exchange)?.backend }

    /// The stats page as CSV: one row per server slot.
    func serverStatuses() throws -> [ServerStatus] {
        let page = try https("stats", "/;csv", user: "admin:\(statsPassword)")
        guard page.status == 200 else { throw SandboxError("the stats page answered \(page.status)") }
        return Self.serverStatuses(csv: page.body)
    }

    // MARK: Behaviours

    func servesHTTPSWithTheCertificate() throws {
        let response = try https("www", "/hello?x=1")
        #expect(response.status == 200 && ["web.1", "web.2"].contains(Self.task(response)), "\(response)")
        #expect(TraefikSandbox.reply(response)?.path == "/hello?x=1", "\(response)")
        #expect(response.value("strict-transport-security")?.hasPrefix("max-age=") == true, "\(response)")
        // The longer path of the same host goes to its own app.
        let api = try https("www", "/api/items")
        #expect(api.status == 200 && Self.task(api) == "api.1", "\(api)")
        // The health path reached the tasks of `web` with the route's host.
        let requests = (try? String(contentsOf: requestLog, encoding: .utf8)) ?? ""
        let probes = requests.split(separator: "\n").compactMap {
            try? JSONDecoder().decode(TraefikSandbox.BackendReply.self, from: Data($0.utf8))
        }
        .filter { $0.path == "/healthz" }
        #expect(
            Set(probes.map(\.backend)) == ["web.1", "web.2"]
                && probes.allSatisfy { $0.host == "www.edge.test" && $0.method == "GET" },
            "health probes: \(probes)")
    }

    func redirectsHTTPToHTTPS() throws {
        for (host, path) in [
            ("www", "/hello?x=1"), ("www", "/api/items"), ("shop", "/"), ("admin", "/"), ("stats", "/"),
        ] {
            let response = try http(host, path)
            #expect(
                response.status == 301 && response.values("location") == ["https://\(host).\(Self.domain)\(path)"],
                "\(response)")
        }
    }

    func spreadsRequestsWithoutStickiness() throws {
        var seen = Set<String>()
        for _ in 0..<10 where seen.count < 2 {
            let response = try https("www", "/")
            #expect(response.status == 200 && response.values("set-cookie").isEmpty, "\(response)")
            seen.insert(Self.task(response) ?? "HAProxy")
        }
        #expect(seen == ["web.1", "web.2"])
    }

    /// Without a cookie, requests spread and each response offers its server's cookie (Secure,
    /// HttpOnly); sending one back pins that server.
    func pinsWithTheStickyCookie() throws {
        var cookies: [String: String] = [:]  // task → cookie
        for _ in 0..<10 where cookies.count < 2 {
            let response = try https("shop", "/")
            let attributes = try Self.cookieAttributes(response, name: "edge_shop_affinity")
            #expect(attributes.contains("Secure") && attributes.contains("HttpOnly"), "\(response)")
            cookies[Self.task(response) ?? "HAProxy"] = attributes.first
        }
        #expect(cookies.keys.sorted() == ["shop.1", "shop.2"])
        #expect(Set(cookies.values).count == cookies.count, "both servers offer the same cookie: \(cookies)")
        for (task, cookie) in cookies {
            for _ in 0..<4 {
                let response = try https("shop", "/cart", cookie: cookie)
                #expect(
                    Self.task(response) == task && response.values("set-cookie").isEmpty, "sent \(cookie): \(response)")
            }
        }
    }

    func servesPlainHTTPRoutes() throws {
        var cookies: [String: String] = [:]
        for _ in 0..<10 where cookies.count < 2 {
            let response = try http("plain", "/page")
            #expect(response.status == 200 && TraefikSandbox.reply(response)?.path == "/page", "\(response)")
            let attributes = try Self.cookieAttributes(response, name: "edge_plain_affinity")
            #expect(attributes.contains("HttpOnly"), "\(response)")
            #expect(!attributes.contains("Secure"), "a Secure cookie never comes back over plain HTTP: \(response)")
            cookies[Self.task(response) ?? "HAProxy"] = attributes.first
        }
        #expect(cookies.keys.sorted() == ["plain.1", "plain.2"])
        for (task, cookie) in cookies {
            #expect(Self.task(try http("plain", "/page", cookie: cookie)) == task)
        }
        // An `https: false` path under an HTTPS host is served, not redirected.
        let feed = try http("www", "/feed/rss")
        #expect(feed.status == 200 && Self.task(feed) == "feed.1", "\(feed)")
        // And the plain-HTTP host is not served over HTTPS.
        #expect(try https("plain").status == 404)
    }

    func asksForBasicAuth() throws {
        let anonymous = try https("admin")
        #expect(
            anonymous.status == 401 && anonymous.value("www-authenticate")?.hasPrefix("Basic realm=") == true,
            "\(anonymous)")
        #expect(try https("admin", user: "admin:wrong").status == 401)
        #expect(try https("admin", user: "admin:\(statsPassword)").status == 401, "the stats password opens an app")
        let admin = try https("admin", "/settings", user: "admin:\(adminPassword)")
        #expect(admin.status == 200 && Self.task(admin) == "admin.1", "\(admin)")
    }

    /// `auth: oidc` on an app that signs in itself (the Nextcloud preset, through `user_oidc`):
    /// HAProxy routes it like any app, and the app does its own login. (An app that would need
    /// an authenticating proxy is refused by the check with HAProxy, E225.)
    func routesAnAppThatSignsInItself() throws {
        for path in ["/", "/index.php/login"] {
            let response = try https("vault", path)
            #expect(response.status == 200 && Self.task(response) == "vault.1", "\(response)")
        }
    }

    func protectsTheStatsPage() throws {
        let anonymous = try https("stats")
        #expect(
            anonymous.status == 401 && anonymous.value("www-authenticate")?.contains("edge proxy") == true,
            "\(anonymous)")
        #expect(try https("stats", user: "admin:wrong").status == 401)
        #expect(
            try https("stats", user: "admin:\(adminPassword)").status == 401, "an app's password opens the stats page")
        let page = try https("stats", user: "admin:\(statsPassword)")
        #expect(page.status == 200 && page.body.contains("Statistics Report for pid \(haproxyPID)"), "\(page)")
    }

    func answers404ForUnknownHosts() throws {
        #expect(try https("nowhere").status == 404)
        #expect(try http("nowhere").status == 404)
        #expect(try http("www.example.org").status == 404)
    }

    /// The port the service's health check probes answers `monitor-uri`.
    func answersOnTheMonitorPort() throws {
        let monitor = try Curl.get("http://127.0.0.1:\(monitorPort)/healthz", host: "127.0.0.1", port: monitorPort)
        #expect(monitor.status == 200, "\(monitor)")
    }

    /// A third task of `web` in the DNS answers receives requests within the deadline, and
    /// HAProxy is the same process throughout.
    func followsScalingWithoutRestart() throws {
        let haproxy = try #require(haproxy)
        taskAddresses["web.3"] = block.address(200)
        try startBackends(["web.3"])
        records["tasks.edge_web", default: []].append(block.address(200))
        try writeRecords()
        var requests = 0
        try Waiting.until(
            "the new task web.3 to receive requests", timeout: Self.timeout,
            context: { "after \(requests) requests\n\(self.diagnostics)" }
        ) {
            guard haproxy.isRunning else { throw SandboxError("HAProxy stopped:\n\(self.diagnostics)") }
            requests += 1
            return Self.task(try https("www")) == "web.3"
        }
        #expect(haproxy.isRunning && kill(haproxyPID, 0) == 0, "HAProxy (pid \(haproxyPID)) ended")
        #expect(try reportedPID() == haproxyPID, "HAProxy was restarted")
        try waitForServers(["web": 3])
    }

    /// The attributes of the one Set-Cookie header, the first being `name=value`.
    static func cookieAttributes(_ response: HTTPExchange, name: String) throws -> [String] {
        let header = try #require(response.value("set-cookie"), "no Set-Cookie from a sticky route: \(response)")
        let attributes = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(attributes.first?.hasPrefix("\(name)=") == true, "\(header)")
        return attributes
    }
}

// MARK: - Rewrites, certificates, hashes, stats

extension HAProxySandbox {
    /// The configuration with only what a sandbox must change: the certificate's folder
    /// (`/run/secrets` is not ours); and for a run, the resolver's port (127.0.0.11 stays) and
    /// the listening addresses (free ports on 127.0.0.1 instead of every address's 80, 443 and
    /// 8404). Each rewritten text must be there, so a changed generator cannot slip past.
    static func rewrite(
        _ config: String, certificateFolder: URL, nameserverPort: Int? = nil,
        ports: (http: Int, https: Int, monitor: Int)? = nil,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> String {
        var replacements: [(String, String)] = []
        if config.contains(" crt \(HAProxyRenderer.certificatePath) ") {
            replacements.append(
                (
                    " crt \(HAProxyRenderer.certificatePath) ",
                    " crt \(certificateFolder.appendingPathComponent("tls.pem").path) "
                ))
        }
        if let nameserverPort {
            replacements.append(
                ("    nameserver swarm 127.0.0.11:53\n", "    nameserver swarm 127.0.0.11:\(nameserverPort)\n"))
        }
        if let ports {
            replacements += [
                ("    bind :80\n", "    bind 127.0.0.1:\(ports.http)\n"),
                ("    bind :443 ", "    bind 127.0.0.1:\(ports.https) "),
                ("    bind :\(HAProxyRenderer.monitorPort)\n", "    bind 127.0.0.1:\(ports.monitor)\n"),
            ]
        }
        return GeneratedScript.rewrite(config, replacements, sourceLocation: sourceLocation)
    }

    /// The environment variables the configuration reads (`"${NAME}"`), sorted.
    static func environmentVariables(_ config: String) -> [String] {
        Set(config.matches(of: #/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/#).map { String($0.output.1) }).sorted()
    }

    /// `acl` names declared more than once within one section.
    static func duplicateACLs(_ config: String) -> [String] {
        var duplicates: [String] = []
        var seen = Set<String>()
        for line in config.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") { seen = [] }
            let words = line.split(separator: " ")
            guard words.count > 1, words[0] == "acl" else { continue }
            if !seen.insert(String(words[1])).inserted { duplicates.append(String(words[1])) }
        }
        return duplicates
    }

    /// A self-signed certificate for `*.<domain>` and `<domain>` as `tls.pem` and its key as
    /// `tls.pem.key`: the names the service mounts them under.
    static func makeCertificate(domain: String, in folder: URL) throws {
        let run = try Tools.run(
            try SupportTool.require("openssl"),
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=\(domain)", "-addext", "subjectAltName=DNS:*.\(domain),DNS:\(domain)",
                "-keyout", "tls.pem.key", "-out", "tls.pem",
            ], in: folder)
        guard run.status == 0 else { throw SandboxError("openssl could not make a test certificate: \(run.summary)") }
    }

    /// A bcrypt hash of `password`, taken from an `htpasswd -nbB` line as the service's command
    /// takes it from the secret deploy.sh writes (`cut -d: -f2-`).
    static func bcryptHash(password: String) throws -> String {
        let run = try Tools.run(try SupportTool.require("htpasswd"), ["-nbB", "admin", password])
        let line = run.stdout.split(separator: "\n").first.map(String.init) ?? ""
        guard run.status == 0, line.hasPrefix("admin:$2") else {
            throw SandboxError("htpasswd made no bcrypt line: \(run.summary)")
        }
        return String(line.dropFirst("admin:".count))
    }

    /// One server slot of a backend, from the stats CSV.
    struct ServerStatus: CustomStringConvertible {
        var backend: String
        var server: String
        var status: String
        var address: String
        /// `L7OK`, `L4OK`, or another check result.
        var check: String

        var description: String { "\(backend)/\(server) \(address) \(status) \(check)" }
    }

    /// The server rows of HAProxy's stats CSV (`# pxname,svname,…`, then one row per line).
    static func serverStatuses(csv: String) -> [ServerStatus] {
        let lines = csv.split(separator: "\n").map(String.init)
        guard let header = lines.first, header.hasPrefix("# ") else { return [] }
        let names = fields(String(header.dropFirst(2)))
        guard let px = names.firstIndex(of: "pxname"), let sv = names.firstIndex(of: "svname"),
            let status = names.firstIndex(of: "status"), let address = names.firstIndex(of: "addr"),
            let check = names.firstIndex(of: "check_status")
        else { return [] }
        return lines.dropFirst().compactMap { line in
            let row = fields(line)
            guard row.count > max(px, sv, status, address, check), row[sv] != "FRONTEND", row[sv] != "BACKEND" else {
                return nil
            }
            return ServerStatus(
                backend: row[px], server: row[sv], status: row[status], address: row[address], check: row[check])
        }
    }

    /// The fields of one CSV line, double-quoted fields unquoted.
    static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        for character in line {
            switch character {
            case "\"" where quoted: quoted = false
            case "\"" where current.isEmpty: quoted = true
            case "," where !quoted:
                fields.append(current)
                current = ""
            default: current.append(character)
            }
        }
        return fields + [current]
    }
}
