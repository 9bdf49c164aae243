import Foundation
import StackDiagnostics
import Testing

@testable import StackCompiler

/// Prometheus's and Alertmanager's own interfaces are is routed at a host of its own and never
/// without a login: single sign-on through a sign-in proxy and a realm client of its own when
/// the stack has an identity and Traefik, basic auth otherwise. The files that must agree (the
/// route, the sign-in proxy's environment, the realm's client, the secrets deploy.sh makes) are
/// read back from the generated output, and a real Traefik on loopback (`TraefikSandbox`)
/// shows that a request without a login never reaches Prometheus.
@Suite(.serialized) struct MonitoringRoutesTests {
    static func manifest(identity: Bool, proxy: String = "traefik", adminRole: Bool = true) -> String {
        var text = """
            stackc: 1
            name: watch
            domain: watch.test
            proxy:
              kind: \(proxy)

            """
        if identity {
            text += """
                identity:
                  database: pg
                  roles: [ops, staff]
                  users:
                    - name: alice
                      email: alice@watch.test
                      roles: [ops]
                databases:
                  pg: {}

                """
        }
        text += """
            monitoring:
              metrics: true
              alerts:
                webhook: https://hooks.watch.test/alerts
              grafana:
                auth: \(identity ? "oidc" : "basic")

            """
        if identity && adminRole { text += "    admin_role: ops\n" }
        text += """
            apps:
              web:
                image: example/web:1
                port: 8080
                host: www
                metrics: {port: 9100}

            """
        return text
    }

    static func services(_ built: BuildSupport.Built) throws -> [String: PyYAMLValue] {
        let stackFile = try #require(built.tree.file("stack.yml"))
        let document = try #require(try PyYAMLValue.read(stackFile.contents))
        return try #require(document["services"]?.pairs)
    }

    static func labels(_ service: PyYAMLValue?) -> [String: String] {
        (service?["deploy"]?["labels"]?.pairs ?? [:]).compactMapValues(\.string)
    }

    static func environment(_ service: PyYAMLValue?) -> [String: String] {
        (service?["environment"]?.pairs ?? [:]).compactMapValues(\.string)
    }

    static func secretTargets(_ service: PyYAMLValue?) -> [String] {
        (service?["secrets"]?.items ?? []).compactMap { $0["target"]?.string }
    }

    /// The model: with an identity and Traefik, Prometheus's route asks its sign-in proxy; the
    /// proxy admits `admin_role` only; without `admin_role`, any user of the realm.
    @Test(arguments: [true, false])
    func withAnIdentityPrometheusSignsInThroughTheRealm(adminRole: Bool) throws {
        let built = try #require(
            BuildSupport.build(path: "watch.yml", text: Self.manifest(identity: true, adminRole: adminRole)))
        let plan = BuildPipeline.contribute(
            built.stack, sourceDirectory: ".", files: FilesRead(), passes: BuildPipeline.passes)
        let services = try Self.services(built)
        for service in ["prometheus", "alertmanager"] {
            let routes = plan.routes.filter { $0.service == service }
            #expect(routes.count == 1, "\(routes)")
            let route = try #require(routes.first)
            #expect(route.host == "\(service).watch.test")
            #expect(route.signIn?.service == "\(service)-sso", "\(route.auth)")
            let proxy = Self.environment(services["\(service)-sso"])
            #expect(proxy["OAUTH2_PROXY_CLIENT_ID"] == service)
            #expect(proxy["OAUTH2_PROXY_ALLOWED_ROLES"] == (adminRole ? "ops" : nil), "\(proxy)")
            #expect(proxy["OAUTH2_PROXY_PROXY_PREFIX"] == "/oauth2")
            let command = (services[service]?["command"]?.items ?? []).compactMap(\.string)
            #expect(command.contains("--web.external-url=https://\(service).watch.test/"), "\(command)")
        }
    }

    /// The realm's `prometheus` client sends browsers back exactly where the sign-in proxy
    /// listens for them, and Keycloak and the sign-in proxy read the same secret, which
    /// deploy.sh makes.
    @Test func theRealmClientTheSignInProxyAndDeployAgree() throws {
        let built = try #require(BuildSupport.build(path: "watch.yml", text: Self.manifest(identity: true)))
        let realmText = try #require(GeneratedScript.text(built, "keycloak/watch-realm.json"))
        let realm = try IdentityTests.object(realmText)
        let clients = try #require(realm["clients"] as? [[String: Any]])
        let services = try Self.services(built)
        let deploy = try #require(GeneratedScript.text(built, "deploy.sh"))
        for service in ["prometheus", "alertmanager"] {
            let client = try #require(clients.first { $0["clientId"] as? String == service }, "\(clients)")
            let proxy = Self.environment(services["\(service)-sso"])
            let redirect = try #require(proxy["OAUTH2_PROXY_REDIRECT_URL"])
            #expect(client["redirectUris"] as? [String] == [redirect], "\(client)")
            #expect(redirect == "https://\(service).watch.test/oauth2/callback")
            let secretFile = try #require(proxy["OAUTH2_PROXY_CLIENT_SECRET_FILE"])
            let secret = String(secretFile.dropFirst("/run/secrets/".count))
            #expect(secretFile.hasPrefix("/run/secrets/") && secret == "oidc-\(service)-client-secret")
            #expect(Self.secretTargets(services["\(service)-sso"]).contains(secret))
            #expect(Self.secretTargets(services["keycloak"]).contains(secret), "Keycloak does not read \(secret)")
            #expect(deploy.contains("watch_\(secret)"), "deploy.sh never makes \(secret)")
        }
    }

    /// No identity, or HAProxy (which cannot ask a sign-in proxy): basic auth with the
    /// monitoring password, which deploy.sh makes; no sign-in proxy, no realm client.
    @Test(arguments: [(false, "traefik"), (true, "haproxy"), (false, "haproxy")])
    func otherwisePrometheusDemandsAPassword(identity: Bool, proxy: String) throws {
        let built = try #require(
            BuildSupport.build(path: "watch.yml", text: Self.manifest(identity: identity, proxy: proxy)))
        let plan = BuildPipeline.contribute(
            built.stack, sourceDirectory: ".", files: FilesRead(), passes: BuildPipeline.passes)
        let services = try Self.services(built)
        for service in ["prometheus", "alertmanager"] {
            let route = try #require(plan.routes.first { $0.service == service })
            #expect(route.basicAuthSecret == PlatformNames.monitoringHtpasswdSecret, "\(route.auth)")
            #expect(services["\(service)-sso"] == nil)
        }
        let deploy = try #require(GeneratedScript.text(built, "deploy.sh"))
        let secret = PlatformNames.secretName(
            stack: "watch", key: PlatformNames.monitoringHtpasswdSecret, recipe: .htpasswd(users: ["admin"]))
        #expect(
            deploy.contains(
                "ensure_htpasswd_secret \(secret) watch_\(PlatformNames.monitoringHtpasswdSecret) admin"))
        if identity {
            let realm = try #require(GeneratedScript.text(built, "keycloak/watch-realm.json"))
            #expect(!realm.contains("\"prometheus\"") && !realm.contains("\"alertmanager\""), "a client nobody uses")
        }
    }

    /// A manifest that routes an app at Prometheus's host is told so, at the app's host.
    @Test func anAppAtPrometheusHostIsAnError() throws {
        let text = Self.manifest(identity: false).replacingOccurrences(of: "host: www", with: "host: prometheus")
        let checked = StackCompiler.check(SourceFile(path: "watch.yml", bytes: Array(text.utf8)))
        let clash = checked.diagnostics.filter { $0.code == Codes.duplicateRoute }
        #expect(clash.count == 1, "\(checked.diagnostics.map(\.message))")
        #expect(clash.first?.message.contains("Prometheus") == true, "\(clash.map(\.message))")
    }

    /// Real Traefik, single sign-on: without a session the Prometheus host is a redirect to the
    /// realm's sign-in page and Prometheus sees nothing; with one, Prometheus answers.
    @Test func traefikSendsSignedOutRequestsToTheRealm() throws {
        let built = try #require(BuildSupport.build(path: "watch.yml", text: Self.manifest(identity: true)))
        let sandbox = try TraefikSandbox.start(built)
        defer { sandbox.stop() }
        for service in ["prometheus", "alertmanager"] {
            let host = "\(service).watch.test"
            let anonymous = try sandbox.get("https", host, "/graph")
            #expect(anonymous.status == 302, "\(anonymous)\n\(sandbox.diagnostics)")
            #expect(
                anonymous.value("location")?.hasPrefix(
                    "https://auth.watch.test/realms/watch/protocol/openid-connect/auth") == true, "\(anonymous)")
            let reached = sandbox.backendRequests().filter {
                $0.backend.hasPrefix("\(service).") && $0.path != "/-/ready"
            }
            #expect(reached.isEmpty, "\(reached)")
            let signedIn = try sandbox.get("https", host, "/graph", cookie: EdgeSignInTests.session)
            #expect(signedIn.status == 200, "\(signedIn)\n\(sandbox.diagnostics)")
            #expect(TraefikSandbox.reply(signedIn)?.backend == "\(service).1", "\(signedIn)")
        }
    }

    /// Real Traefik, no identity: 401 without the password or with a wrong one, Prometheus with it.
    @Test func traefikDemandsTheMonitoringPassword() throws {
        let built = try #require(BuildSupport.build(path: "watch.yml", text: Self.manifest(identity: false)))
        let sandbox = try TraefikSandbox.start(built)
        defer { sandbox.stop() }
        for service in ["prometheus", "alertmanager"] {
            let host = "\(service).watch.test"
            let anonymous = try sandbox.get("https", host, "/graph")
            #expect(anonymous.status == 401, "\(anonymous)\n\(sandbox.diagnostics)")
            let wrong = try sandbox.get("https", host, "/graph", credentials: (sandbox.user, "not-the-password"))
            #expect(wrong.status == 401, "\(wrong)")
            let admitted = try sandbox.get("https", host, "/graph", credentials: sandbox.credentials)
            #expect(admitted.status == 200, "\(admitted)\n\(sandbox.diagnostics)")
            #expect(TraefikSandbox.reply(admitted)?.backend == "\(service).1", "\(admitted)")
            let seen = sandbox.backendRequests().filter {
                $0.backend.hasPrefix("\(service).") && $0.path != "/-/ready"
            }
            #expect(!seen.isEmpty && seen.allSatisfy(\.authorization), "\(seen)")
        }
    }
}
