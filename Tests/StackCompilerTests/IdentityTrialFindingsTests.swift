import StackDiagnostics
import Testing

@testable import StackCompiler

/// What a new-user trial of identity found: ways around a login, a sign-in that cannot work,
/// and settings a real deployment needs. Each is a located diagnostic, or a setting of the
/// generated files checked here.
@Suite struct IdentityTrialFindingsTests {
    static let head = """
        stackc: 1
        name: sso
        domain: sso.test
        databases:
          pg: {}

        """

    /// A port published on the nodes reaches the app without the proxy, so without its login.
    @Test(arguments: ["oidc", "basic"])
    func aProtectedAppMayNotPublishItsPort(auth: String) {
        let diagnostic = expectOnly(
            Codes.loginBypassed,
            in: Self.head + """
                identity: {users: [{name: ann, email: ann@sso.test}]}
                apps:
                  web:
                    image: nginx:1.27-alpine
                    port: 8080
                    host: www
                    auth: \(auth)
                    ports: [1️⃣"8080:8080"]
                """)
        #expect(diagnostic?.message.contains("publishes its port 8080") == true, "\(String(describing: diagnostic))")
    }

    /// Another port of the app (not the one the proxy routes) may be published.
    @Test func aProtectedAppMayPublishAnotherPort() {
        expectDiagnostics(
            Self.head + """
                identity: {users: [{name: ann, email: ann@sso.test}]}
                apps:
                  web:
                    image: nginx:1.27-alpine
                    port: 8080
                    host: www
                    auth: oidc
                    ports: ["9443:9443"]
                """, [])
    }

    /// A route deeper inside the sign-in flow would win over it and receive the codes.
    @Test func aRouteInsideTheSignInFlowIsAnError() {
        let diagnostics = expectDiagnostics(
            Self.head + """
                identity: {users: [{name: ann, email: ann@sso.test}]}
                apps:
                  web:
                    image: nginx:1.27-alpine
                    port: 8080
                    host: www
                    path: /app
                    auth: 2️⃣oidc
                  steal:
                    image: nginx:1.27-alpine
                    port: 8080
                    host: 1️⃣www
                    path: /app/oauth2/callback
                """, [ExpectedDiagnostic(Codes.duplicateRoute, "1️⃣")])
        #expect(diagnostics.first?.message.contains("inside the sign-in of app 'web'") == true)
        #expect(diagnostics.first?.notes.count == 1)
    }

    /// The Nextcloud preset serves at the root of its host.
    @Test func nextcloudUnderAPathIsAnError() {
        expectOnly(
            Codes.presetNeedsOwnHost,
            in: Self.head + """
                apps:
                  cloud:
                    preset: nextcloud
                    host: www
                    path: 1️⃣/cloud
                """)
    }

    /// oauth2-proxy refuses a user without a verified e-mail: a warning at each such user when
    /// an app signs in through it, none when only Nextcloud signs in.
    @Test func aUserWithoutEmailIsWarnedAboutWhenASignInProxyExists() {
        let diagnostic = expectOnly(
            Codes.userWithoutEmail,
            in: Self.head + """
                identity:
                  users:
                    - name: ann
                      email: ann@sso.test
                    - name: 1️⃣bob
                apps:
                  web: {image: nginx:1.27-alpine, port: 8080, host: www, auth: oidc}
                """)
        #expect(diagnostic?.message.contains("user 'bob'") == true)
        expectDiagnostics(
            Self.head + """
                identity:
                  users: [{name: bob}]
                apps:
                  cloud: {preset: nextcloud, host: cloud, auth: oidc}
                """, [])
    }

    /// Grafana (generic OAuth: no sign-up without an e-mail since 11.2) and the monitoring
    /// services behind sign-in proxies need e-mails too: W313 names whoever would refuse the
    /// user, even when no app signs in through the realm.
    @Test(arguments: [
        ("{metrics: true}", "so Prometheus and Grafana will refuse them"),
        ("{logs: true}", "so Grafana will refuse them"),
        ("{metrics: true, grafana: {auth: basic}}", "so Prometheus will refuse them"),
    ])
    func aUserWithoutEmailIsWarnedAboutForMonitoringSignIns(monitoring: String, refusing: String) {
        let diagnostic = expectOnly(
            Codes.userWithoutEmail,
            in: Self.head + """
                identity:
                  users:
                    - name: ann
                      email: ann@sso.test
                    - name: 1️⃣bob
                monitoring: \(monitoring)
                apps:
                  web: {image: nginx:1.27-alpine, port: 8080, host: www}
                """)
        #expect(diagnostic?.message.hasPrefix("user 'bob' has no 'email', ") == true)
        #expect(diagnostic?.message.hasSuffix(refusing) == true, "\(String(describing: diagnostic?.message))")
    }

    /// Apps come first, by name (three, then how many more), then the monitoring services.
    @Test func aUserWithoutEmailNamesTheAppsThenTheMonitoring() {
        let apps = (1...5).map { "  app\($0): {image: nginx:1.27-alpine, port: 8080, host: app\($0), auth: oidc}" }
        let diagnostic = expectOnly(
            Codes.userWithoutEmail,
            in: Self.head + """
                identity:
                  users: [{name: 1️⃣bob}]
                monitoring: {metrics: true}
                apps:
                \(apps.joined(separator: "\n"))
                """)
        #expect(
            diagnostic?.message
                == "user 'bob' has no 'email', so apps 'app1', 'app2', 'app3' and 2 more, Prometheus and Grafana will refuse them"
        )
        #expect(diagnostic?.help?.contains("Grafana signs up no user without one") == true)
    }

    /// Without Traefik a password guards Prometheus, and Grafana may sign in by itself: nobody
    /// asks the realm for the user's e-mail, so no warning.
    @Test func aUserWithoutEmailIsNotWarnedAboutWithoutRealmSignIns() {
        expectDiagnostics(
            Self.head + """
                proxy: {kind: haproxy}
                identity:
                  users: [{name: bob}]
                monitoring: {metrics: true, grafana: {auth: basic}}
                apps:
                  web: {image: nginx:1.27-alpine, port: 8080, host: www}
                """, [])
    }

    static func built(_ apps: String) throws -> BuildSupport.Built {
        try #require(
            BuildSupport.build(
                path: "trial.yml",
                text: Self.head + """
                    identity: {users: [{name: ann, email: ann@sso.test}]}
                    apps:
                    \(apps)
                    """))
    }

    /// A session is checked with Keycloak again within minutes (a disabled user, a lost role),
    /// and lasts a working day at most.
    @Test func signInSessionsAreRefreshed() throws {
        let built = try Self.built("  web: {image: nginx:1.27-alpine, port: 8080, host: www, auth: oidc}")
        let files = try SignInFiles(built)
        let environment = SignInFiles.environment(try files.service("web-sso"))
        #expect(environment["OAUTH2_PROXY_COOKIE_REFRESH"] == "5m")
        #expect(environment["OAUTH2_PROXY_COOKIE_EXPIRE"] == "12h")
    }

    /// An app that is not routed but waits for Keycloak reaches it: Keycloak is on the apps'
    /// network.
    @Test func anUnroutedAppReachesKeycloak() throws {
        let built = try Self.built(
            """
              worker: {image: nginx:1.27-alpine, depends_on: [identity]}
            """)
        let files = try SignInFiles(built)
        let keycloak = try files.service("keycloak")
        let worker = try files.service("worker")
        let shared = Set((keycloak["networks"]?.items ?? []).compactMap(\.string)).intersection(
            (worker["networks"]?.items ?? []).compactMap(\.string))
        #expect(!shared.isEmpty, "keycloak and worker share no network")
        let wrapper = try #require(built.tree.file("entrypoints/worker.sh"))
        #expect(wrapper.contents.contains("wait_for_tcp keycloak 8080"))
    }

    /// A realm user never takes over Nextcloud's local account of the same name.
    @Test func nextcloudTurnsOffSoftAutoProvisioning() throws {
        let built = try Self.built("  cloud: {preset: nextcloud, host: cloud, auth: oidc}")
        let hook = try #require(built.tree.file("nextcloud/cloud-oidc.sh"))
        #expect(
            hook.contents.contains("occ config:system:set user_oidc soft_auto_provision --value=false --type=boolean"))
    }
}
