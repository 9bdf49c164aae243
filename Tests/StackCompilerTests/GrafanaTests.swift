import Foundation
import Testing

@testable import StackCompiler

/// Grafana (GrafanaPass, GrafanaDashboards): every provisioning file and dashboard of every
/// manifest with Grafana passes the Grafana schemas of the shared folder (check-jsonschema);
/// every PromQL query of the dashboards passes `promtool check rules`; and the files agree
/// with each other: the dashboards name only provisioned data sources, each at a platform
/// service of the stack; the dashboards are mounted where the provider reads; the sign-in
/// speaks to the realm's `grafana` client with its redirect URI, its post-logout URI and the
/// secret Keycloak reads and deploy.sh creates; the route's host is the root URL; no password
/// or secret is written into a setting, only a file that holds it.
@Suite(.serialized) struct GrafanaTests {
    /// Several apps with metrics (one with a name that makes the dashboard uid too long), logs
    /// and alerts, sign-in with both roles.
    static let full = """
        stackc: 1
        name: graf
        domain: graf.test
        identity:
          roles: [ops, dev]
          users:
            - {name: alice, email: alice@graf.test, roles: [ops]}
        monitoring:
          metrics: true
          logs: true
          alerts: {email: ops@graf.test}
          grafana:
            host: dashboards
            admin_role: ops
            editor_role: dev
        databases:
          pg: {}
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
            metrics: {port: 9102, path: /internal/prom, interval: 15s}
          a-rather-long-application-name-for-the-uid:
            image: example/long:1
            metrics: 9300
          plain:
            image: example/plain:1
            port: 8081
            host: plain

        """

    /// Sign-in with only an editor role, HAProxy, no logs.
    static let editorOnly = """
        stackc: 1
        name: edit
        domain: edit.test
        proxy: {kind: haproxy}
        identity:
          roles: [writers]
        monitoring:
          metrics: true
          grafana: {editor_role: writers}
        databases:
          pg: {}
        apps:
          site:
            image: example/site:1
            port: 8080
            host: site
            metrics: 9100

        """

    /// Logs only: Grafana with Loki and no dashboards.
    static let logsOnly = """
        stackc: 1
        name: logsonly
        domain: logs.test
        monitoring:
          logs: true
        apps:
          web:
            image: example/web:1
            port: 8080
            host: www

        """

    /// Every manifest the Prometheus tests read, and the above.
    static let manifests: [(name: String, text: String)] =
        PrometheusTests.manifests + [
            ("grafana/full.yml", full), ("grafana/editor-only.yml", editorOnly), ("grafana/logs-only.yml", logsOnly),
        ]

    static let grafanaManifests: [String] = manifests.filter { manifest in
        BuildSupport.build(path: manifest.name, text: manifest.text)?.stack.monitoring.grafana != nil
    }.map(\.name)

    static func build(_ name: String) throws -> BuildSupport.Built? {
        let text = try #require(manifests.first { $0.name == name }?.text, "no manifest \(name)")
        return BuildSupport.build(path: name, text: text)
    }

    static func schema(_ name: String) -> URL {
        BuildSupport.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/schemas/derived/\(name)")
    }

    static let datasourcesSchema = schema("grafana-datasources.schema.json")
    static let providersSchema = schema("grafana-dashboard-providers.schema.json")
    static let dashboardSchema = schema("grafana-dashboard.schema.json")

    /// The Grafana files of a build, by kind.
    static func grafanaFiles(_ built: BuildSupport.Built) -> (
        datasources: [OutputTree.File], providers: [OutputTree.File], dashboards: [OutputTree.File]
    ) {
        let files = built.tree.files.filter { $0.path.hasPrefix("grafana/") }
        return (
            files.filter { $0.path.hasPrefix("grafana/provisioning/datasources/") },
            files.filter { $0.path.hasPrefix("grafana/provisioning/dashboards/") },
            files.filter { $0.path.hasPrefix("grafana/dashboards/") }
        )
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    // MARK: - 1. The schemas

    /// The manifests reach every case: both sign-in modes, logs and alerts, logs alone, several
    /// apps with metrics.
    @Test func theManifestsReachEveryCase() throws {
        var oidc = 0
        var basic = 0
        var logs = 0
        var alerts = 0
        var noMetrics = 0
        var appDashboards = 0
        for name in Self.grafanaManifests {
            let built = try #require(try Self.build(name))
            let grafana = try #require(built.stack.monitoring.grafana)
            if grafana.auth == .oidc { oidc += 1 } else { basic += 1 }
            if built.stack.monitoring.logs { logs += 1 }
            if built.stack.monitoring.alerts != nil { alerts += 1 }
            if !built.stack.monitoring.metrics { noMetrics += 1 }
            appDashboards += Self.grafanaFiles(built).dashboards.count(where: { $0.path.contains("/app-") })
        }
        #expect(oidc >= 3 && basic >= 2 && logs >= 2 && alerts >= 2 && noMetrics >= 1 && appDashboards >= 8)
    }

    /// Every data source file, dashboard provider file and dashboard of every manifest passes
    /// its schema; a manifest without Grafana has no Grafana file.
    @Test func everyProvisioningFileAndDashboardPassesItsSchema() throws {
        for schema in [Self.datasourcesSchema, Self.providersSchema, Self.dashboardSchema] {
            try #require(
                FileManager.default.fileExists(atPath: schema.path),
                "no schema at \(schema.path): the shared folder must be beside the repository")
        }
        let folder = try BuildSupport.makeTemporaryFolder("grafana-schemas")
        defer { try? FileManager.default.removeItem(at: folder) }
        var instances: [URL: [String]] = [:]
        for (index, manifest) in Self.manifests.enumerated() {
            let built = try #require(BuildSupport.build(path: manifest.name, text: manifest.text))
            let files = Self.grafanaFiles(built)
            guard built.stack.monitoring.grafana != nil else {
                #expect(
                    built.tree.files.allSatisfy { !$0.path.hasPrefix("grafana/") }, "\(manifest.name): Grafana files")
                continue
            }
            #expect(files.datasources.count == 1, "\(manifest.name)")
            #expect(files.providers.count == (built.stack.monitoring.metrics ? 1 : 0), "\(manifest.name)")
            for (schema, group) in [
                (Self.datasourcesSchema, files.datasources), (Self.providersSchema, files.providers),
                (Self.dashboardSchema, files.dashboards),
            ] {
                for file in group {
                    let name = "\(index)-" + file.path.replacingOccurrences(of: "/", with: "-")
                    try Data(file.contents.utf8).write(to: folder.appendingPathComponent(name))
                    instances[schema, default: []].append(name)
                }
            }
        }
        for (schema, files) in instances {
            let run = try #require(
                try Tools.run("check-jsonschema", ["--schemafile", schema.path] + files, in: folder))
            #expect(run.status == 0, "\(schema.lastPathComponent): \(run.summary)")
        }
        #expect(instances.count == 3)
    }

    /// The same check refuses what Grafana would drop or refuse: a misspelt data source key, a
    /// provider's interval as a word, a dashboard uid over 40 characters, a panel wider than the
    /// grid. (So the test above passes because the files are right.)
    @Test func theSchemaCheckRefusesBrokenFiles() throws {
        let built = try #require(try Self.build("grafana/full.yml"))
        let datasources = try #require(built.tree.file("grafana/provisioning/datasources/stackc.yml")?.contents)
        let providers = try #require(built.tree.file("grafana/provisioning/dashboards/stackc.yml")?.contents)
        let dashboard = try #require(built.tree.file("grafana/dashboards/app-web.json")?.contents)
        let broken: [(String, URL, String, String, String)] = [
            ("datasources.yml", Self.datasourcesSchema, datasources, "isDefault:", "isDefualt:"),
            (
                "providers.yml", Self.providersSchema, providers, "updateIntervalSeconds: 60",
                "updateIntervalSeconds: soon"
            ),
            (
                "uid.json", Self.dashboardSchema, dashboard, "\"uid\": \"graf-app-web\"",
                "\"uid\": \"\(String(repeating: "x", count: 41))\""
            ),
            ("grid.json", Self.dashboardSchema, dashboard, "\"w\": 12", "\"w\": 25"),
        ]
        let folder = try BuildSupport.makeTemporaryFolder("grafana-schema-bites")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (file, schema, text, old, new) in broken {
            #expect(text.contains(old), "\(file): no '\(old)' to change")
            try Data(text.replacingOccurrences(of: old, with: new).utf8).write(to: folder.appendingPathComponent(file))
            let run = try #require(try Tools.run("check-jsonschema", ["--schemafile", schema.path, file], in: folder))
            #expect(run.status != 0, "\(file) passed: \(run.summary)")
        }
    }

    // MARK: - 2. The queries

    /// Every Prometheus query of every dashboard, Grafana's `$__rate_interval` replaced by a
    /// duration, is a valid PromQL expression: each becomes a recording rule of one file that
    /// `promtool check rules` must accept. A broken query in the same file is refused.
    @Test func everyDashboardQueryIsValidPromQL() throws {
        var expressions: [String] = []
        for name in Self.grafanaManifests {
            let built = try #require(try Self.build(name))
            for file in Self.grafanaFiles(built).dashboards {
                let dashboard = try Self.object(file.contents)
                for panel in dashboard["panels"] as? [[String: Any]] ?? [] {
                    let type = (panel["datasource"] as? [String: Any])?["type"] as? String
                    guard type == "prometheus" else { continue }
                    for target in panel["targets"] as? [[String: Any]] ?? [] {
                        let expression = try #require(target["expr"] as? String, "\(name): \(file.path)")
                        expressions.append(expression.replacingOccurrences(of: "$__rate_interval", with: "5m"))
                    }
                }
            }
        }
        #expect(expressions.count >= 50, "\(expressions.count)")
        #expect(expressions.allSatisfy { !$0.contains("$") }, "a Grafana variable is left")
        let folder = try BuildSupport.makeTemporaryFolder("grafana-promql")
        defer { try? FileManager.default.removeItem(at: folder) }
        // A JSON string is a YAML double-quoted scalar, once `/` is left unescaped.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        func check(_ expressions: [String]) throws -> ToolRun? {
            var text = "groups:\n  - name: dashboards\n    rules:\n"
            for (index, expression) in expressions.enumerated() {
                text += "      - record: stackc:dashboard_query_\(index)\n"
                text += "        expr: \(String(decoding: try encoder.encode(expression), as: UTF8.self))\n"
            }
            let file = folder.appendingPathComponent("queries-\(expressions.count).yml")
            try Data(text.utf8).write(to: file)
            return try Tools.run("promtool", ["check", "rules", file.path])
        }
        let run = try #require(try check(expressions))
        #expect(run.status == 0, "\(run.summary)")
        let bite = try #require(try check(expressions + ["sum by (node (up)"]))
        #expect(bite.status != 0, "promtool took a broken query: \(bite.summary)")
    }

    // MARK: - 3. The files agree

    /// Each dashboard names only data sources the provisioning file has (uid and type), and the
    /// data sources are the stack's own services; uids are unique and at most 40 characters; the
    /// provider reads the folder the dashboards are mounted in; one dashboard per app with metrics.
    @Test(arguments: grafanaManifests)
    func dashboardsNameProvisionedDataSources(name: String) throws {
        let built = try #require(try Self.build(name))
        let stack = built.stack
        let files = try SignInFiles(built)
        let grafana = try files.service("grafana")
        let grafanaFiles = Self.grafanaFiles(built)
        let datasourcesText = try #require(grafanaFiles.datasources.first?.contents)
        let datasources = try #require(try PyYAMLValue.read(datasourcesText))["datasources"]?.items ?? []
        var provisioned: [String: String] = [:]
        for source in datasources {
            let uid = try #require(source["uid"]?.string)
            provisioned[uid] = source["type"]?.string
            // At a service of the stack, on a network Grafana shares with it.
            let url = try #require(source["url"]?.string)
            let host = try #require(URL(string: url)?.host, "\(name): \(url)")
            let target = try #require(PlatformService(rawValue: host), "\(name): \(url) is no platform service")
            #expect(url == "http://\(host):\(target.port ?? 0)", "\(name)")
        }
        var expected: [String: String] = [:]
        if stack.monitoring.metrics { expected["prometheus"] = "prometheus" }
        if stack.monitoring.logs { expected["loki"] = "loki" }
        if stack.monitoring.alerts != nil { expected["alertmanager"] = "alertmanager" }
        #expect(provisioned == expected, "\(name)")
        #expect(datasources.count(where: { $0["isDefault"]?.bool == true }) == 1, "\(name): one default")
        #expect(
            try files.configFile(of: grafana, at: "/etc/grafana/provisioning/datasources/stackc.yml")
                == "grafana/provisioning/datasources/stackc.yml")
        #expect(files.services["prometheus"] != nil || !stack.monitoring.metrics, "\(name)")
        #expect(grafana["networks"]?.items?.contains { $0.string == "monitoring" } == true, "\(name)")

        var uids: Set<String> = []
        for file in grafanaFiles.dashboards {
            let dashboard = try Self.object(file.contents)
            let uid = try #require(dashboard["uid"] as? String)
            #expect(uid.count <= 40 && uids.insert(uid).inserted, "\(name): \(uid)")
            #expect(dashboard["id"] == nil, "\(name): a provisioned dashboard has no id")
            for reference in Self.datasourceReferences(dashboard) {
                let uid = try #require(reference["uid"] as? String, "\(name): \(file.path): \(reference)")
                #expect(provisioned[uid] != nil, "\(name): \(file.path) names '\(uid)', which is not provisioned")
                #expect(provisioned[uid] == reference["type"] as? String, "\(name): \(file.path): \(uid)")
            }
            let mounted = "/etc/grafana/dashboards/" + (file.path.split(separator: "/").last.map(String.init) ?? "")
            #expect(try files.configFile(of: grafana, at: mounted) == file.path, "\(name): \(file.path)")
        }
        let metered = stack.apps.filter { $0.metrics != nil }
        #expect(
            Set(grafanaFiles.dashboards.map(\.path))
                == (stack.monitoring.metrics
                    ? Set(
                        ["grafana/dashboards/cluster.json"] + metered.map { "grafana/dashboards/app-\($0.name).json" })
                    : []),
            "\(name)")
        if let providers = grafanaFiles.providers.first {
            let document = try #require(try PyYAMLValue.read(providers.contents))
            let provider = try #require(document["providers"]?.items?.first)
            #expect(provider["options"]?["path"]?.string == "/etc/grafana/dashboards", "\(name)")
            #expect(
                try files.configFile(of: grafana, at: "/etc/grafana/provisioning/dashboards/stackc.yml")
                    == providers.path)
        }
    }

    /// Every `datasource` object anywhere in a dashboard.
    static func datasourceReferences(_ value: Any) -> [[String: Any]] {
        if let object = value as? [String: Any] {
            var found: [[String: Any]] = []
            if let reference = object["datasource"] as? [String: Any] { found.append(reference) }
            for (_, member) in object { found += datasourceReferences(member) }
            return found
        }
        if let array = value as? [Any] { return array.flatMap(datasourceReferences) }
        return []
    }

    /// Sign-in with `auth: oidc`: Grafana is the realm's `grafana` client, its callback and its
    /// sign-out's way back are the client's URIs, it reads the client secret Keycloak reads
    /// (created by deploy.sh), signs in at the public issuer and redeems inside the stack; roles
    /// follow `admin_role` and `editor_role`. With `auth: basic`, no OAuth setting at all.
    @Test(arguments: grafanaManifests)
    func signInAgreesWithTheRealm(name: String) throws {
        let built = try #require(try Self.build(name))
        let files = try SignInFiles(built)
        let grafana = try files.service("grafana")
        let environment = SignInFiles.environment(grafana)
        let settings = try #require(built.stack.monitoring.grafana)
        guard let identity = built.stack.identity, settings.auth == .oidc else {
            #expect(environment.keys.allSatisfy { !$0.hasPrefix("GF_AUTH_GENERIC_OAUTH_") }, "\(name)")
            return
        }
        let realm = try Self.object(try files.text("keycloak/\(identity.realm)-realm.json"))
        let clients = try #require(realm["clients"] as? [[String: Any]])
        let clientID = try #require(environment["GF_AUTH_GENERIC_OAUTH_CLIENT_ID"])
        let client = try #require(clients.first { $0["clientId"] as? String == clientID }, "\(name): \(clientID)")
        #expect(clientID == "grafana")
        let root = try #require(environment["GF_SERVER_ROOT_URL"])
        #expect((client["redirectUris"] as? [String]) == [root + "login/generic_oauth"], "\(name)")

        // The secret: the file Grafana reads is the secret Keycloak exports for the client.
        let placeholder = try #require(client["secret"] as? String)
        let variable = String(placeholder.dropFirst(2).dropLast())
        let keycloak = try files.service("keycloak")
        let wrapper = try files.text(try files.configFile(of: keycloak, at: "/stackc/entrypoint.sh"))
        let keycloakFile = try #require(SignInFiles.pairs(wrapper, command: "export_file")[variable])
        let keycloakSecret = try #require(files.secretSource(of: keycloak, file: keycloakFile))
        let grafanaFile = try #require(environment["GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET__FILE"])
        #expect(files.secretSource(of: grafana, file: grafanaFile) == keycloakSecret, "\(name)")
        try files.expectCreated(keycloakSecret, by: "ensure_random_secret")

        let issuer = "https://\(identity.host)/realms/\(identity.realm)"
        let inside =
            "http://keycloak:\(SignInFiles.environment(keycloak)["KC_HTTP_PORT"] ?? "")/realms/\(identity.realm)"
        #expect(environment["GF_AUTH_GENERIC_OAUTH_AUTH_URL"] == issuer + "/protocol/openid-connect/auth")
        #expect(environment["GF_AUTH_GENERIC_OAUTH_TOKEN_URL"] == inside + "/protocol/openid-connect/token")
        #expect(environment["GF_AUTH_GENERIC_OAUTH_API_URL"] == inside + "/protocol/openid-connect/userinfo")
        #expect(environment["GF_AUTH_GENERIC_OAUTH_USE_PKCE"] == "true")
        // Keycloak on a network Grafana is on.
        let keycloakNetworks = Set((keycloak["networks"]?.items ?? []).compactMap(\.string))
        let grafanaNetworks = Set((grafana["networks"]?.items ?? []).compactMap(\.string))
        #expect(!keycloakNetworks.isDisjoint(with: grafanaNetworks), "\(name)")

        // Signing out comes back to an allowed post-logout URI of the client.
        let signOut = try #require(
            URLComponents(string: environment["GF_AUTH_GENERIC_OAUTH_SIGNOUT_REDIRECT_URL"] ?? ""))
        #expect(signOut.string?.hasPrefix(issuer + "/protocol/openid-connect/logout?") == true)
        let back = try #require(signOut.queryItems?.first { $0.name == "post_logout_redirect_uri" }?.value)
        let attributes = client["attributes"] as? [String: Any]
        let allowed = ((attributes?["post.logout.redirect.uris"] as? String) ?? "").components(separatedBy: "##")
        #expect(allowed.contains(back), "\(name): \(back) not in \(allowed)")
        #expect(signOut.queryItems?.first { $0.name == "client_id" }?.value == clientID)

        // Roles: the realm's role names, in a JMESPath over the `roles` claim.
        let path = environment["GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_PATH"]
        if let admin = settings.adminRole {
            #expect(path?.contains("contains(roles[*], '\(admin)') && 'GrafanaAdmin'") == true, "\(name)")
            #expect(environment["GF_AUTH_GENERIC_OAUTH_ALLOW_ASSIGN_GRAFANA_ADMIN"] == "true")
        }
        if let editor = settings.editorRole {
            #expect(path?.contains("contains(roles[*], '\(editor)') && 'Editor'") == true, "\(name)")
        }
        #expect(path == nil || path?.hasSuffix(" || 'Viewer'") == true, "\(name)")
        for role in [settings.adminRole, settings.editorRole].compactMap({ $0 }) {
            #expect(identity.roles.contains(role), "\(name): \(role) is not a realm role")
        }
    }

    /// The route: Grafana's root URL is its host, routed to its port with no authentication of
    /// the proxy's (Grafana does its own).
    @Test(arguments: grafanaManifests)
    func theRouteIsTheRootURL(name: String) throws {
        let built = try #require(try Self.build(name))
        let settings = try #require(built.stack.monitoring.grafana)
        let files = try SignInFiles(built)
        let environment = SignInFiles.environment(try files.service("grafana"))
        #expect(environment["GF_SERVER_ROOT_URL"] == "https://\(settings.host)/", "\(name)")
        #expect(environment["GF_SERVER_DOMAIN"] == settings.host)
        let port = try #require(environment["GF_SERVER_HTTP_PORT"])
        if built.stack.proxy.kind == .traefik {
            let routers = files.routers.values.filter { files.serviceOwner[$0.service] == "grafana" }
            let secure = try #require(routers.first { $0.entrypoints == "websecure" }, "\(name): no route to Grafana")
            #expect(secure.rule == "Host(`\(settings.host)`)", "\(name)")
            #expect(files.servicePort[secure.service] == port)
            #expect(secure.middlewares.allSatisfy { !$0.contains("auth") && !$0.contains("sso") }, "\(name)")
        } else {
            let config = try files.text("haproxy/haproxy.cfg")
            #expect(config.contains("hdr(host),field(1,:) -i \(settings.host)\n"), "\(name): no ACL for Grafana")
            #expect(config.contains("tasks.\(built.stack.name)_grafana:\(port) "), "\(name): no backend for Grafana")
        }
    }

    /// The local administrator's password and the encryption key are secrets deploy.sh creates,
    /// read from files; every setting that holds a password, secret or key is a `__FILE`
    /// naming a mounted secret, and no Grafana file holds a secret's value.
    @Test(arguments: grafanaManifests)
    func secretsAreReadFromFiles(name: String) throws {
        let built = try #require(try Self.build(name))
        let files = try SignInFiles(built)
        let grafana = try files.service("grafana")
        let environment = SignInFiles.environment(grafana)
        let admin = try #require(
            files.secretSource(of: grafana, file: environment["GF_SECURITY_ADMIN_PASSWORD__FILE"] ?? ""), "\(name)")
        try files.expectCreated(admin, by: "ensure_login_secret")
        let key = try #require(
            files.secretSource(of: grafana, file: environment["GF_SECURITY_SECRET_KEY__FILE"] ?? ""), "\(name)")
        try files.expectCreated(key, by: "ensure_random_secret")
        for (variable, value) in environment
        where ["PASSWORD", "SECRET", "KEY"].contains(where: { variable.contains($0) }) {
            #expect(variable.hasSuffix("__FILE"), "\(name): \(variable) holds a value")
            #expect(files.secretSource(of: grafana, file: value) != nil, "\(name): \(variable) reads no secret")
        }
        for file in built.tree.files where file.path.hasPrefix("grafana/") {
            for word in ["password", "secret", "secureJsonData", "basicAuth"] {
                #expect(!file.contents.lowercased().contains(word.lowercased()), "\(name): \(file.path) says \(word)")
            }
        }
    }

    /// The health check asks Grafana's own health endpoint with the image's curl.
    @Test func theHealthCheckAsksGrafana() throws {
        let built = try #require(try Self.build("grafana/full.yml"))
        let grafana = try SignInFiles(built).service("grafana")
        let test = (grafana["healthcheck"]?["test"]?.items ?? []).compactMap(\.string)
        #expect(test == ["CMD", "curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:3000/api/health"], "\(test)")
    }

    /// Long names make uids of 40 characters that stay distinct; the same names the same uid.
    @Test func dashboardUIDsFitAndStayDistinct() {
        let long = String(repeating: "s", count: 63)
        let first = PlatformNames.grafanaDashboardUID(stack: long, name: "app-one")
        let second = PlatformNames.grafanaDashboardUID(stack: long, name: "app-two")
        #expect(first.count == 40 && second.count == 40 && first != second)
        #expect(first == PlatformNames.grafanaDashboardUID(stack: long, name: "app-one"))
        #expect(PlatformNames.grafanaDashboardUID(stack: "s", name: "cluster") == "s-cluster")
    }
}
