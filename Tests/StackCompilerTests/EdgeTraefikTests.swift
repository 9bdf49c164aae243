import Foundation
import Testing

@testable import StackCompiler

/// The generated Traefik configuration at work: a real Traefik on loopback reads the generated
/// static and dynamic files and discovers the generated `deploy.labels` through a stand-in
/// Docker API, in front of stand-in tasks (see `TraefikSandbox`). Each test starts its own
/// sandbox; every process ends with the test.
@Suite(.serialized) struct EdgeTraefikTests {
    /// Two replicas wherever spreading or pinning is checked; high ports, so no root is needed.
    static let manifest = """
        stackc: 1
        name: edge
        domain: edge.test
        tls:
          mode: selfsigned
        proxy:
          dashboard: true
        cluster:
          managers: 1
        apps:
          web:
            image: example/web:1
            replicas: 2
            port: 8080
            host: www
            sticky: true
            health:
              path: /healthz
              interval: 1s
          api:
            image: example/api:1
            replicas: 2
            port: 9090
            host: www
            path: /api
          spread:
            image: example/spread:1
            replicas: 2
            port: 8081
            host: spread
          plain:
            image: example/plain:1
            replicas: 2
            port: 8082
            host: plain
            https: false
          admin:
            image: example/admin:1
            port: 8083
            host: admin
            auth: basic

        """

    /// Builds `text` and runs `body` against a started sandbox, stopped afterwards.
    func withSandbox(_ text: String = manifest, path: String = "edge.yml", _ body: (TraefikSandbox) throws -> Void)
        throws
    {
        let built = try #require(BuildSupport.build(path: path, text: text))
        let sandbox = try TraefikSandbox.start(built)
        defer { sandbox.stop() }
        try body(sandbox)
    }

    /// HTTPS answers from the app's tasks with the certificate of the generated dynamic file's
    /// default store (curl trusts that certificate and nothing else), and with the security
    /// headers: HSTS for a year including subdomains, no framing, no sniffing.
    @Test func httpsServesTheDefaultCertificateAndSecurityHeaders() throws {
        try withSandbox { sandbox in
            for (host, service) in [
                ("www.edge.test", "web"), ("spread.edge.test", "spread"), ("admin.edge.test", "admin"),
            ] {
                let response = try sandbox.get("https", host, "/hello", credentials: sandbox.credentials)
                #expect(response.status == 200, "\(response)\n\(sandbox.diagnostics)")
                let reply = TraefikSandbox.reply(response)
                #expect(sandbox.backends[service]?.contains(reply?.backend ?? "") == true, "\(response)")
                #expect(reply?.path == "/hello")
                let hsts = response.value("strict-transport-security") ?? ""
                #expect(hsts.contains("max-age=31536000") && hsts.contains("includeSubDomains"), "\(response)")
                #expect(response.value("x-frame-options") == "DENY", "\(response)")
                #expect(response.value("x-content-type-options") == "nosniff", "\(response)")
            }
        }
    }

    /// Plain HTTP to an HTTPS app is redirected permanently to the same host, path and query
    /// over HTTPS, before any backend sees it (and before authentication).
    @Test func httpRedirectsToHttps() throws {
        try withSandbox { sandbox in
            for (host, path) in [
                ("www.edge.test", "/docs?page=2"), ("www.edge.test", "/api/items"),
                ("spread.edge.test", "/"), ("admin.edge.test", "/settings"), ("proxy.edge.test", "/dashboard/"),
            ] {
                let response = try sandbox.get("http", host, path)
                #expect([301, 308].contains(response.status), "\(response)\n\(sandbox.diagnostics)")
                #expect(response.value("location") == "https://\(host)\(path)", "\(response)")
            }
            let reached = sandbox.backendRequests().filter {
                ["/docs?page=2", "/api/items", "/settings"].contains($0.path)
            }
            #expect(reached.isEmpty, "backends received redirected requests: \(reached)")
        }
    }

    /// The sticky cookie carries the generated name with Secure, HttpOnly and SameSite=Lax, and
    /// pins: each backend's cookie brings 20 requests out of 20 back to that backend.
    @Test func stickyCookiePinsRequestsToOneBackend() throws {
        try withSandbox { sandbox in
            let labels = sandbox.labels["web"] ?? [:]
            let name = try #require(
                labels.first { $0.key.hasSuffix(".sticky.cookie.name") }?.value, "no cookie name in \(labels)")
            var cookies: [String: String] = [:]  // backend → "name=value"
            for _ in 0..<10 where cookies.count < 2 {
                let response = try sandbox.get("https", "www.edge.test", "/")
                let reply = try #require(TraefikSandbox.reply(response), "\(response)\n\(sandbox.diagnostics)")
                let cookie = try #require(
                    response.values("set-cookie").first { $0.hasPrefix(name + "=") }, "no \(name) cookie: \(response)")
                let attributes = cookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                let flags = Set(attributes.dropFirst().map { $0.lowercased() })
                #expect(flags.isSuperset(of: ["secure", "httponly", "samesite=lax"]), "\(cookie)")
                cookies[reply.backend] = attributes[0]
            }
            #expect(
                Set(cookies.keys) == Set(sandbox.backends["web"] ?? []), "cookies for \(cookies.keys.sorted()) only")
            for (backend, cookie) in cookies.sorted(by: { $0.key < $1.key }) {
                var answered: [String] = []
                for _ in 0..<20 {
                    answered.append(
                        TraefikSandbox.reply(try sandbox.get("https", "www.edge.test", "/", cookie: cookie))?.backend
                            ?? "none")
                }
                #expect(answered.allSatisfy { $0 == backend }, "with \(cookie): \(answered)")
            }
        }
    }

    /// Without `sticky`, no affinity cookie is set and 20 requests reach both backends.
    @Test func withoutStickyRequestsSpreadOverBothBackends() throws {
        try withSandbox { sandbox in
            #expect(!(sandbox.labels["spread"] ?? [:]).keys.contains { $0.contains(".sticky.") })
            var answered: Set<String> = []
            for _ in 0..<20 {
                let response = try sandbox.get("https", "spread.edge.test", "/")
                #expect(response.status == 200, "\(response)\n\(sandbox.diagnostics)")
                #expect(response.values("set-cookie").isEmpty, "\(response)")
                answered.insert(TraefikSandbox.reply(response)?.backend ?? "none")
            }
            #expect(answered == Set(sandbox.backends["spread"] ?? []), "answered by \(answered.sorted())")
        }
    }

    /// `https: false`: served on HTTP by its tasks, without redirect or HSTS, and not on HTTPS.
    @Test func plainHttpAppIsServedWithoutRedirect() throws {
        try withSandbox { sandbox in
            let response = try sandbox.get("http", "plain.edge.test", "/page")
            #expect(response.status == 200, "\(response)\n\(sandbox.diagnostics)")
            #expect(
                sandbox.backends["plain"]?.contains(TraefikSandbox.reply(response)?.backend ?? "") == true,
                "\(response)")
            #expect(response.value("location") == nil)
            #expect(response.value("strict-transport-security") == nil)
            #expect(try sandbox.get("https", "plain.edge.test", "/page").status == 404)
        }
    }

    /// `auth: basic`: 401 with a Basic challenge without credentials or with a wrong password,
    /// 200 from the app with the user of the htpasswd file the labels name; the app never sees
    /// a request without credentials.
    @Test func basicAuthAppDemandsCredentials() throws {
        try withSandbox { sandbox in
            let anonymous = try sandbox.get("https", "admin.edge.test", "/")
            #expect(anonymous.status == 401, "\(anonymous)\n\(sandbox.diagnostics)")
            #expect(anonymous.value("www-authenticate")?.hasPrefix("Basic ") == true, "\(anonymous)")
            let wrong = try sandbox.get(
                "https", "admin.edge.test", "/", credentials: (sandbox.user, "not-the-password"))
            #expect(wrong.status == 401, "\(wrong)")
            let admitted = try sandbox.get("https", "admin.edge.test", "/", credentials: sandbox.credentials)
            #expect(admitted.status == 200, "\(admitted)\n\(sandbox.diagnostics)")
            #expect(TraefikSandbox.reply(admitted)?.backend == "admin.1", "\(admitted)")
            let seen = sandbox.backendRequests().filter { $0.backend.hasPrefix("admin.") }
            #expect(!seen.isEmpty && seen.allSatisfy(\.authorization), "\(seen)")
        }
    }

    /// `path: /api` on a host another app serves: requests under /api go to the path's app with
    /// the path intact, all others to the host's app, and the path's app sees nothing else.
    @Test func pathRouteGetsOnlyItsPrefix() throws {
        try withSandbox { sandbox in
            for path in ["/api", "/api/items", "/api/items?id=7"] {
                let response = try sandbox.get("https", "www.edge.test", path)
                let reply = TraefikSandbox.reply(response)
                #expect(
                    sandbox.backends["api"]?.contains(reply?.backend ?? "") == true,
                    "\(response)\n\(sandbox.diagnostics)")
                #expect(reply?.path == path, "\(response)")
            }
            for path in ["/", "/about", "/v1/api"] {
                let response = try sandbox.get("https", "www.edge.test", path)
                #expect(
                    sandbox.backends["web"]?.contains(TraefikSandbox.reply(response)?.backend ?? "") == true,
                    "\(response)")
            }
            let strays = sandbox.backendRequests().filter { $0.backend.hasPrefix("api.") && !$0.path.hasPrefix("/api") }
            #expect(strays.isEmpty, "\(strays)")
        }
    }

    /// The dashboard host (`proxy.dashboard`) demands the htpasswd user for the dashboard and
    /// its API, and serves both to that user.
    @Test func dashboardDemandsAuthentication() throws {
        try withSandbox { sandbox in
            for path in ["/dashboard/", "/api/overview"] {
                let anonymous = try sandbox.get("https", "proxy.edge.test", path)
                #expect(anonymous.status == 401, "\(anonymous)\n\(sandbox.diagnostics)")
                let admitted = try sandbox.get("https", "proxy.edge.test", path, credentials: sandbox.credentials)
                #expect(admitted.status == 200, "\(admitted)\n\(sandbox.diagnostics)")
                #expect(admitted.value("strict-transport-security") != nil, "\(admitted)")
            }
        }
    }

    /// The health-check labels reach Traefik: it probes every task at the health path.
    @Test func healthChecksProbeEveryTask() throws {
        try withSandbox { sandbox in
            let expected = Set(sandbox.backends["web"] ?? [])
            try Waiting.until("health probes of \(expected.sorted())", timeout: 20, context: { sandbox.diagnostics }) {
                let probed = Set(sandbox.backendRequests().filter { $0.path == "/healthz" }.map(\.backend))
                return probed == expected
            }
            let probedElsewhere = sandbox.backendRequests().filter {
                $0.path == "/healthz" && !$0.backend.hasPrefix("web.")
            }
            #expect(probedElsewhere.isEmpty, "\(probedElsewhere)")
        }
    }

    /// The campus manifest as committed: Nextcloud signs in itself (`user_oidc`), so its route is
    /// open at the proxy (no forward-auth, no auth proxy) and its tasks answer without a session;
    /// Keycloak's host reaches the Keycloak task; HTTP is still redirected.
    @Test(.enabled(if: Loopback.mayListen(on: 80), "the Nextcloud preset listens on port 80"))
    func campusServesNextcloudAndKeycloak() throws {
        let path = "manifests/campus.yml"
        let text = try String(contentsOf: BuildSupport.repoRoot.appendingPathComponent(path), encoding: .utf8)
        try withSandbox(text, path: path) { sandbox in
            let response = try sandbox.get("https", "cloud.campus.test", "/status.php")
            #expect(response.status == 200, "\(response)\n\(sandbox.diagnostics)")
            let reply = TraefikSandbox.reply(response)
            #expect(sandbox.backends["nextcloud"]?.contains(reply?.backend ?? "") == true, "\(response)")
            #expect(reply?.path == "/status.php", "\(response)")
            #expect(response.value("strict-transport-security") != nil, "\(response)")
            let nextcloudLabels = sandbox.labels["nextcloud"] ?? [:]
            #expect(!nextcloudLabels.keys.contains { $0.contains(".forwardauth.") }, "\(nextcloudLabels)")
            // Nextcloud signs in itself: the only sign-in proxy is Prometheus's.
            #expect(
                sandbox.labels.keys.filter { $0.hasSuffix("-sso") } == ["prometheus-sso"],
                "\(sandbox.labels.keys.sorted())")
            let discovery = "/realms/campus/.well-known/openid-configuration"
            let keycloak = try sandbox.get("https", "auth.campus.test", discovery)
            #expect(keycloak.status == 200, "\(keycloak)\n\(sandbox.diagnostics)")
            let keycloakReply = TraefikSandbox.reply(keycloak)
            #expect(sandbox.backends["keycloak"]?.contains(keycloakReply?.backend ?? "") == true, "\(keycloak)")
            #expect(keycloakReply?.path == discovery, "\(keycloak)")
            let redirect = try sandbox.get("http", "cloud.campus.test", "/index.php/login")
            #expect(
                [301, 308].contains(redirect.status)
                    && redirect.value("location") == "https://cloud.campus.test/index.php/login", "\(redirect)")
        }
    }
}
