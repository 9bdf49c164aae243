import Foundation
import StackDiagnostics
import Testing

@testable import StackCompiler

/// Single sign-on as the build writes it, read back from the generated files: the realm file and
/// the reconciler's partial imports pass the strict Keycloak realm schema (the real
/// check-jsonschema); every `auth: oidc` app, and Grafana with `auth: oidc`, has exactly one
/// confidential client with exact redirect URIs for its mechanism; the realm, the stack file
/// (PyYAML), deploy.sh, the Keycloak wrapper, the reconciler and the Nextcloud hook name the same
/// issuer, client ids, redirect URIs, secrets and ports; no Traefik router reaches an app behind
/// a sign-in proxy without asking it; and the check's rules around sign-in (E225, the Nextcloud
/// image default, E219).
@Suite struct IdentityTests {
    /// Identity with everything the manifest can say about it, and every kind of sign-in: a
    /// generic app at `/`, a generic app at `/api` on a host it shares with an open app, the
    /// Nextcloud preset (without `image:`), and Grafana.
    static let synthetic = """
        stackc: 1
        name: sso
        domain: sso.test
        cluster:
          managers: 1
          workers: 2
          shared_storage: nfs
        identity:
          host: login
          realm: people
          database: pg
          replicas: 2
          roles: [admin, staff, viewer]
          groups:
            ops: [admin, staff]
            readers: [viewer]
            empty: []
          users:
            - name: alice
              email: alice@sso.test
              first_name: Alice
              last_name: Liddell
              roles: [admin]
              groups: [ops]
            - name: bob
              email: bob@sso.test
              first_name: Bob
              last_name: Builder
              roles: [staff, viewer]
              groups: [readers]
            - name: carol
        monitoring:
          metrics: true
          grafana:
            host: dash
            auth: oidc
            admin_role: admin
        databases:
          pg: {}
        apps:
          web:
            image: nginx:1.27-alpine
            replicas: 2
            port: 80
            host: www
            auth: oidc
          api:
            image: ghcr.io/example/api:1.2
            port: 9000
            host: portal
            path: /api
            auth: oidc
            roles: [staff]
          portal:
            image: nginx:1.27-alpine
            port: 80
            host: portal
          my-files:
            preset: nextcloud
            host: files
            auth: oidc
            roles: [staff, admin]
            database: pg
            volumes:
              html: /var/www/html
        """

    /// HAProxy with the only sign-in it supports: Nextcloud's own.
    static let haproxyNextcloud = """
        stackc: 1
        name: office
        domain: office.test
        proxy: {kind: haproxy}
        identity:
          roles: [staff]
        databases:
          pg: {}
        apps:
          cloud:
            preset: nextcloud
            host: files
            auth: oidc
            roles: [staff]
            database: pg
        """

    /// Every manifest the tests read: committed, acceptance, synthetic, and those above.
    static let manifests: [(name: String, text: String)] =
        committed("manifests") + committed("Tests/Acceptance/manifests") + SyntheticManifests.all + [
            ("identity/sso.yml", synthetic), ("identity/office-haproxy.yml", haproxyNextcloud),
            ("identity/generated.yml", GeneratedManifests.apps(3, name: "generated")),
        ]

    /// The names of those that have `identity`.
    static let identityManifests: [String] = manifests.filter { $0.text.contains("\nidentity:") }.map(\.name)

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

    static func text(_ name: String) throws -> String {
        try #require(manifests.first { $0.name == name }?.text, "no manifest \(name)")
    }

    /// The strict realm schema in the shared folder beside the repository.
    static var realmSchema: URL {
        BuildSupport.repoRoot.deletingLastPathComponent()
            .appendingPathComponent("shared/schemas/derived/keycloak-realm.schema.json")
    }

    // MARK: - 1. The realm files against the schema

    /// The manifests reach every kind of sign-in (so that the tests below see them all).
    @Test func theManifestsReachEveryKindOfSignIn() throws {
        #expect(Self.identityManifests.count >= 5, "\(Self.identityManifests)")
        var generic = 0
        var genericAtPath = 0
        var nextcloud = 0
        var grafana = 0
        var haproxy = 0
        for name in Self.identityManifests {
            let built = try #require(BuildSupport.build(path: name, text: try Self.text(name)))
            for app in built.stack.apps where app.auth == .oidc {
                if app.preset == .nextcloud {
                    nextcloud += 1
                    if built.stack.proxy.kind == .haproxy { haproxy += 1 }
                } else {
                    generic += 1
                    if app.route?.path != "/" { genericAtPath += 1 }
                }
            }
            if built.stack.monitoring.grafana?.auth == .oidc { grafana += 1 }
        }
        #expect(generic >= 3 && genericAtPath >= 1 && nextcloud >= 2 && grafana >= 2 && haproxy >= 1)
    }

    /// Every realm file, and every partial import made a realm (without `ifResourceExists`, which
    /// only the partial import knows, and with a `realm`), passes the strict schema: every key one
    /// Keycloak 26 knows, every value of its type.
    @Test func everyRealmFileAndPartialImportPassesTheStrictSchema() throws {
        let schema = Self.realmSchema
        try #require(
            FileManager.default.fileExists(atPath: schema.path),
            "no realm schema at \(schema.path): the shared folder must be beside the repository")
        let folder = try BuildSupport.makeTemporaryFolder("realm-schema")
        defer { try? FileManager.default.removeItem(at: folder) }
        var instances: [String] = []
        for (name, text) in Self.manifests {
            let built = try #require(BuildSupport.build(path: name, text: text))
            let keycloakFiles = built.tree.files.filter { $0.path.hasPrefix("keycloak/") }.map(\.path)
            guard let identity = built.stack.identity else {
                #expect(keycloakFiles.isEmpty, "\(name) has no identity but builds \(keycloakFiles)")
                continue
            }
            let realm = "keycloak/\(identity.realm)-realm.json"
            let additions = "keycloak/\(identity.realm)-additions.json"
            let clients = "keycloak/\(identity.realm)-clients.json"
            #expect(
                Set(keycloakFiles) == [realm, additions, clients, "keycloak/realm-sync.sh"], "\(name): \(keycloakFiles)"
            )
            // Numbered: two manifests may name the same stack.
            let stem = "\(instances.count / 3 + 1)-\(built.stack.name)"
            let realmText = try #require(GeneratedScript.text(built, realm))
            try Data(realmText.utf8).write(to: folder.appendingPathComponent("\(stem)-realm.json"))
            instances.append("\(stem)-realm.json")
            for (path, mode) in [(additions, "SKIP"), (clients, "OVERWRITE")] {
                var partial = try Self.object(try #require(GeneratedScript.text(built, path)))
                #expect(partial["ifResourceExists"] as? String == mode, "\(name): \(path)")
                partial["ifResourceExists"] = nil
                partial["realm"] = "x"
                let file = "\(stem)-\(path.split(separator: "/").last ?? "")"
                try JSONSerialization.data(withJSONObject: partial, options: [.prettyPrinted, .sortedKeys]).write(
                    to: folder.appendingPathComponent(file))
                instances.append(file)
            }
        }
        #expect(instances.count == 3 * Self.identityManifests.count, "\(instances)")
        let run = try #require(
            try Tools.run("check-jsonschema", ["--schemafile", schema.path] + instances, in: folder))
        #expect(run.status == 0, "\(run.summary)")
    }

    /// The same check refuses what Keycloak's import refuses: a misspelt client key, a boolean
    /// as a string, an unknown key of the realm, and a partial import with its
    /// `ifResourceExists` left in. (So the test above passes because the files are right.)
    @Test func theSchemaCheckRefusesWhatKeycloakRefuses() throws {
        let built = try #require(BuildSupport.build(path: "sso.yml", text: Self.synthetic))
        let realm = try #require(GeneratedScript.text(built, "keycloak/people-realm.json"))
        let clients = try #require(GeneratedScript.text(built, "keycloak/people-clients.json"))
        let broken: [(String, String)] = [
            ("misspelt-key.json", realm.replacingOccurrences(of: "\"redirectUris\"", with: "\"redirectUri\"")),
            (
                "string-boolean.json",
                realm.replacingOccurrences(of: "\"publicClient\": false", with: "\"publicClient\": \"false\"")
            ),
            (
                "unknown-realm-key.json",
                realm.replacingOccurrences(
                    of: "\"enabled\": true,", with: "\"enabled\": true, \"sslRequierd\": \"all\",")
            ),
            (
                "partial-as-is.json",
                clients.replacingOccurrences(of: "{\n", with: "{\n  \"realm\": \"x\",\n", options: [.anchored])
            ),
        ]
        let folder = try BuildSupport.makeTemporaryFolder("realm-schema-bites")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (file, text) in broken {
            #expect(text != realm && text != clients, "\(file): the change did not apply")
            try Data(text.utf8).write(to: folder.appendingPathComponent(file))
            let run = try #require(
                try Tools.run("check-jsonschema", ["--schemafile", Self.realmSchema.path, file], in: folder))
            #expect(run.status != 0, "\(file) passed: \(run.summary)")
        }
    }

    /// The partial imports say what the realm file says: the additions its roles, groups and
    /// users (and no client), the client update its clients, each exactly.
    @Test(arguments: identityManifests)
    func partialImportsCarryTheRealmsOwnContents(name: String) throws {
        let built = try #require(BuildSupport.build(path: name, text: try Self.text(name)))
        let identity = try #require(built.stack.identity)
        let realm = try Self.object(try #require(GeneratedScript.text(built, "keycloak/\(identity.realm)-realm.json")))
        let additions = try Self.object(
            try #require(GeneratedScript.text(built, "keycloak/\(identity.realm)-additions.json")))
        let clients = try Self.object(
            try #require(GeneratedScript.text(built, "keycloak/\(identity.realm)-clients.json")))
        #expect(Set(additions.keys) == ["ifResourceExists", "roles", "groups", "users"], "\(additions.keys)")
        #expect(Set(clients.keys) == ["ifResourceExists", "clients"], "\(clients.keys)")
        for key in ["roles", "groups", "users"] {
            #expect(Self.same(additions[key], realm[key]), "\(name): \(key) differs from the realm file's")
        }
        #expect(Self.same(clients["clients"], realm["clients"]), "\(name): the clients differ from the realm file's")
        // The realm as the manifest says it.
        #expect(realm["realm"] as? String == identity.realm)
        #expect(realm["enabled"] as? Bool == true)
        #expect(realm["registrationAllowed"] as? Bool == false)
        let roles = ((realm["roles"] as? [String: Any])?["realm"] as? [[String: Any]])?.compactMap {
            $0["name"] as? String
        }
        #expect(roles == identity.roles)
        let groups = (realm["groups"] as? [[String: Any]]) ?? []
        #expect(groups.count == identity.groups.count)
        for (group, expected) in zip(groups, identity.groups) {
            #expect(group["name"] as? String == expected.name)
            #expect(group["path"] as? String == "/\(expected.name)")
            #expect(group["realmRoles"] as? [String] == expected.roles)
        }
        let users = (realm["users"] as? [[String: Any]]) ?? []
        #expect(users.count == identity.users.count)
        for (user, expected) in zip(users, identity.users) {
            #expect(user["username"] as? String == expected.name)
            #expect(user["email"] as? String == expected.email)
            #expect(user["firstName"] as? String == expected.firstName)
            #expect(user["lastName"] as? String == expected.lastName)
            #expect(user["realmRoles"] as? [String] == expected.roles)
            #expect(user["groups"] as? [String] == expected.groups.map { "/\($0)" })
            #expect(user["requiredActions"] as? [String] == ["UPDATE_PASSWORD"], "no password: one to set")
            #expect(user["credentials"] == nil)
        }
    }

    // MARK: - 2. One client per app that signs in

    @Test(arguments: identityManifests)
    func everyOIDCAppHasExactlyItsClient(name: String) throws {
        let built = try #require(BuildSupport.build(path: name, text: try Self.text(name)))
        let identity = try #require(built.stack.identity)
        let realm = try Self.object(try #require(GeneratedScript.text(built, "keycloak/\(identity.realm)-realm.json")))
        let clients = try #require(realm["clients"] as? [[String: Any]], "\(name): no clients")
        let ids = clients.map { $0["clientId"] as? String ?? "?" }
        var expected = built.stack.apps.filter { $0.auth == .oidc }.map(\.name)
        if let grafana = built.stack.monitoring.grafana, grafana.auth == .oidc { expected.append("grafana") }
        if SingleSignOn.guardsWithSignIn(built.stack) {
            expected += SingleSignOn.guardedServices(built.stack).map(\.service)
        }
        #expect(
            ids == expected,
            "\(name): one client per app with auth: oidc, then Grafana's, then the monitoring services' behind a sign-in proxy"
        )
        for app in built.stack.apps {
            let matching = clients.filter { $0["clientId"] as? String == app.name }
            guard app.auth == .oidc else {
                #expect(matching.isEmpty, "\(name): \(app.name) does not sign in with OIDC but has a client")
                continue
            }
            try #require(matching.count == 1, "\(name): \(matching.count) clients for \(app.name)")
            let route = try #require(app.route, "\(name): \(app.name) signs in but is not routed")
            let origin = "https://\(route.host)"
            var path = route.path
            while path.hasSuffix("/") { path.removeLast() }
            let redirects =
                app.preset == .nextcloud
                ? [origin + path + "/apps/user_oidc/code", origin + path + "/index.php/apps/user_oidc/code"]
                : [origin + path + "/oauth2/callback"]
            Self.expectClient(
                matching[0], id: app.name, in: name, rootURL: origin + path, redirects: redirects, origin: origin,
                postLogout: origin + path + "/")
            if app.preset == .nextcloud {
                let attributes = matching[0]["attributes"] as? [String: Any]
                #expect(
                    attributes?["backchannel.logout.url"] as? String
                        == origin + path + "/index.php/apps/user_oidc/backchannel-logout/keycloak")
            }
        }
        if let grafana = built.stack.monitoring.grafana, grafana.auth == .oidc {
            let client = try #require(clients.first { $0["clientId"] as? String == "grafana" })
            let origin = "https://\(grafana.host)"
            Self.expectClient(
                client, id: "grafana", in: name, rootURL: origin, redirects: [origin + "/login/generic_oauth"],
                origin: origin, postLogout: origin + "/login")
        }
    }

    /// A confidential client of the standard flow with PKCE, its redirect URIs exact, its secret
    /// the placeholder Keycloak fills from its environment, roles and groups in every token.
    static func expectClient(
        _ client: [String: Any], id: String, in manifest: String, rootURL: String, redirects: [String],
        origin: String, postLogout: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let context = "\(manifest): client \(id)"
        func expectValue(_ key: String, _ value: Bool) {
            #expect(client[key] as? Bool == value, "\(context): \(key)", sourceLocation: sourceLocation)
        }
        #expect(client["clientId"] as? String == id, sourceLocation: sourceLocation)
        #expect(client["protocol"] as? String == "openid-connect", "\(context)", sourceLocation: sourceLocation)
        expectValue("enabled", true)
        expectValue("publicClient", false)
        expectValue("standardFlowEnabled", true)
        expectValue("implicitFlowEnabled", false)
        expectValue("directAccessGrantsEnabled", false)
        expectValue("serviceAccountsEnabled", false)
        #expect(
            client["clientAuthenticatorType"] as? String == "client-secret", "\(context)",
            sourceLocation: sourceLocation)
        let variable = "STACKC_OIDC_SECRET_" + id.uppercased().replacingOccurrences(of: "-", with: "_")
        #expect(client["secret"] as? String == "${\(variable)}", "\(context)", sourceLocation: sourceLocation)
        #expect(client["rootUrl"] as? String == rootURL, "\(context)", sourceLocation: sourceLocation)
        let uris = client["redirectUris"] as? [String] ?? []
        #expect(uris == redirects, "\(context): \(uris)", sourceLocation: sourceLocation)
        #expect(!uris.contains { $0.contains("*") }, "\(context): a wildcard", sourceLocation: sourceLocation)
        #expect(client["webOrigins"] as? [String] == [origin], "\(context)", sourceLocation: sourceLocation)
        let attributes = client["attributes"] as? [String: Any] ?? [:]
        #expect(
            attributes["pkce.code.challenge.method"] as? String == "S256", "\(context)",
            sourceLocation: sourceLocation)
        #expect(
            attributes["post.logout.redirect.uris"] as? String == postLogout, "\(context)",
            sourceLocation: sourceLocation)
        let mappers = client["protocolMappers"] as? [[String: Any]] ?? []
        for (kind, claim) in [
            ("oidc-usermodel-realm-role-mapper", "roles"), ("oidc-group-membership-mapper", "groups"),
        ] {
            let found = mappers.filter { $0["protocolMapper"] as? String == kind }
            #expect(found.count == 1, "\(context): \(found.count) \(kind)", sourceLocation: sourceLocation)
            let config = found.first?["config"] as? [String: Any] ?? [:]
            #expect(config["claim.name"] as? String == claim, "\(context): \(kind)", sourceLocation: sourceLocation)
            for token in ["id.token.claim", "access.token.claim", "userinfo.token.claim"] {
                #expect(
                    config[token] as? String == "true", "\(context): \(kind) \(token)", sourceLocation: sourceLocation)
            }
            if claim == "roles" {
                #expect(config["multivalued"] as? String == "true", "\(context)", sourceLocation: sourceLocation)
            } else {
                #expect(config["full.path"] as? String == "false", "\(context)", sourceLocation: sourceLocation)
            }
        }
    }

    // MARK: - 3. Every file names the same issuer, clients, secrets and ports

    @Test(arguments: identityManifests)
    func everyFileAgreesOnTheRealmItsClientsAndTheirSecrets(name: String) throws {
        let built = try #require(BuildSupport.build(path: name, text: try Self.text(name)))
        let stack = built.stack
        let identity = try #require(stack.identity)
        let files = try SignInFiles(built)
        let realm = try Self.object(try files.text("keycloak/\(identity.realm)-realm.json"))
        let clients = try #require(realm["clients"] as? [[String: Any]])
        let clientIDs = clients.compactMap { $0["clientId"] as? String }
        let issuer = "https://\(identity.host)/realms/\(identity.realm)"

        // Keycloak: its public URL, its route, and the port the stack reaches it on.
        let keycloak = try files.service("keycloak")
        let keycloakEnvironment = SignInFiles.environment(keycloak)
        #expect(keycloakEnvironment["KC_HOSTNAME"] == "https://\(identity.host)")
        let port = try #require(keycloakEnvironment["KC_HTTP_PORT"])
        let inside = "http://keycloak:\(port)/realms/\(identity.realm)"
        #expect(
            try files.configFile(of: keycloak, at: "/opt/keycloak/data/import/\(identity.realm)-realm.json")
                == "keycloak/\(identity.realm)-realm.json")
        if stack.proxy.kind == .traefik {
            let routers = files.routers.values.filter { $0.rule == "Host(`\(identity.host)`)" }
            let secure = try #require(routers.first { $0.entrypoints == "websecure" }, "\(name): no route to Keycloak")
            #expect(files.serviceOwner[secure.service] == "keycloak")
            #expect(files.servicePort[secure.service] == port)
            #expect(routers.allSatisfy { $0.service.isEmpty || files.serviceOwner[$0.service] == "keycloak" })
        } else {
            let config = try files.text("haproxy/haproxy.cfg")
            #expect(config.contains("hdr(host),field(1,:) -i \(identity.host)\n"), "\(name): no ACL for Keycloak")
            #expect(config.contains("tasks.\(stack.name)_keycloak:\(port) "), "\(name): no backend for Keycloak")
        }

        // The Keycloak wrapper exports each client's variable from a secret Keycloak mounts, one
        // that deploy.sh creates; the reconciler reads the same secret for the same variable.
        let wrapper = try files.text(try files.configFile(of: keycloak, at: "/stackc/entrypoint.sh"))
        let exported = SignInFiles.pairs(wrapper, command: "export_file")
        let job = try files.service("keycloak-realm")
        let sync = try files.text(try files.configFile(of: job, at: "/stackc/realm-sync.sh"))
        let placeholders = SignInFiles.pairs(sync, command: "placeholder")
        #expect(try files.configFile(of: job, at: "/stackc/realm.json") == "keycloak/\(identity.realm)-realm.json")
        #expect(
            try files.configFile(of: job, at: "/stackc/additions.json") == "keycloak/\(identity.realm)-additions.json")
        #expect(try files.configFile(of: job, at: "/stackc/clients.json") == "keycloak/\(identity.realm)-clients.json")
        var clientSecrets: [String: String] = [:]
        for client in clients {
            let id = try #require(client["clientId"] as? String)
            let placeholder = try #require(client["secret"] as? String)
            try #require(placeholder.hasPrefix("${") && placeholder.hasSuffix("}"), "\(name): \(id): \(placeholder)")
            let variable = String(placeholder.dropFirst(2).dropLast())
            let file = try #require(exported[variable], "\(name): the wrapper does not export \(variable)")
            let secret = try #require(files.secretSource(of: keycloak, file: file), "\(name): \(file) is not mounted")
            try files.expectCreated(secret, by: "ensure_random_secret")
            let jobFile = try #require(placeholders[variable], "\(name): the reconciler does not fill \(variable)")
            #expect(files.secretSource(of: job, file: jobFile) == secret, "\(name): \(variable)")
            clientSecrets[id] = secret
        }
        #expect(Set(exported.keys).isSuperset(of: placeholders.keys))
        #expect(placeholders.count == clients.count)

        // The reconciler's settings are Keycloak's.
        let jobEnvironment = SignInFiles.environment(job)
        #expect(files.services[jobEnvironment["KEYCLOAK_HOST"] ?? ""] != nil)
        #expect(jobEnvironment["KEYCLOAK_HOST"] == "keycloak")
        #expect(jobEnvironment["KEYCLOAK_PORT"] == port)
        #expect(jobEnvironment["KEYCLOAK_MANAGEMENT_PORT"] == keycloakEnvironment["KC_HTTP_MANAGEMENT_PORT"])
        #expect(jobEnvironment["KEYCLOAK_ADMIN_USER"] == keycloakEnvironment["KC_BOOTSTRAP_ADMIN_USERNAME"])
        let adminFile = try #require(exported["KC_BOOTSTRAP_ADMIN_PASSWORD"])
        let adminSecret = try #require(files.secretSource(of: keycloak, file: adminFile))
        #expect(files.secretSource(of: job, file: jobEnvironment["KEYCLOAK_ADMIN_PASSWORD_FILE"] ?? "") == adminSecret)
        try files.expectCreated(adminSecret, by: "ensure_login_secret")

        // Each app behind a sign-in proxy: oauth2-proxy speaks to the realm as its client.
        let signInApps = stack.apps.filter { $0.auth == .oidc && $0.preset == .generic }
        let guarded = SingleSignOn.guardsWithSignIn(stack) ? SingleSignOn.guardedServices(stack).map(\.service) : []
        #expect(
            Set(files.services.keys.filter { $0.hasSuffix("-sso") })
                == Set((signInApps.map(\.name) + guarded).map { "\($0)-sso" }),
            "\(name): a sign-in proxy for each app and monitoring service behind one, and no other")
        for app in signInApps {
            let route = try #require(app.route)
            var path = route.path
            while path.hasSuffix("/") { path.removeLast() }
            let sso = try files.service("\(app.name)-sso")
            let environment = SignInFiles.environment(sso)
            let context = "\(name): \(app.name)-sso"
            #expect(environment["OAUTH2_PROXY_OIDC_ISSUER_URL"] == issuer, "\(context)")
            let login = environment["OAUTH2_PROXY_LOGIN_URL"] ?? ""
            #expect(login.hasPrefix(issuer + "/") && login == issuer + "/protocol/openid-connect/auth", "\(context)")
            for key in ["REDEEM_URL", "OIDC_JWKS_URL", "PROFILE_URL", "VALIDATE_URL"] {
                let url = environment["OAUTH2_PROXY_\(key)"] ?? ""
                #expect(url.hasPrefix(inside + "/protocol/openid-connect/"), "\(context): \(key) \(url)")
            }
            let clientID = try #require(environment["OAUTH2_PROXY_CLIENT_ID"])
            #expect(clientIDs.contains(clientID) && clientID == app.name, "\(context): \(clientID)")
            let client = try #require(clients.first { $0["clientId"] as? String == clientID })
            let redirect = try #require(environment["OAUTH2_PROXY_REDIRECT_URL"])
            #expect((client["redirectUris"] as? [String])?.contains(redirect) == true, "\(context): \(redirect)")
            let prefix = try #require(environment["OAUTH2_PROXY_PROXY_PREFIX"])
            #expect(prefix == path + "/oauth2")
            #expect(redirect == "https://\(route.host)\(prefix)/callback", "\(context)")
            // The client secret: the same stack secret Keycloak reads, created by deploy.sh.
            let secretFile = try #require(environment["OAUTH2_PROXY_CLIENT_SECRET_FILE"])
            let secret = files.secretSource(of: sso, file: secretFile)
            #expect(secret != nil && secret == clientSecrets[clientID], "\(context): \(secretFile)")
            #expect(secret == "oidc-\(app.name)-client-secret", "\(context)")
            let cookie = try #require(
                files.secretSource(of: sso, file: environment["OAUTH2_PROXY_COOKIE_SECRET_FILE"] ?? ""), "\(context)")
            try files.expectCreated(cookie, by: "ensure_cookie_key_secret")
            #expect(
                environment["OAUTH2_PROXY_WHITELIST_DOMAINS"]?.split(separator: ",").map(String.init)
                    == [route.host, identity.host])
            #expect(
                environment["OAUTH2_PROXY_ALLOWED_ROLES"]
                    == (app.roles.isEmpty ? nil : app.roles.joined(separator: ",")))
            #expect(environment["OAUTH2_PROXY_CODE_CHALLENGE_METHOD"] == "S256")
            #expect(environment["OAUTH2_PROXY_COOKIE_SECURE"] == "true")
            let address = environment["OAUTH2_PROXY_HTTP_ADDRESS"] ?? ""
            let ssoPort = try #require(address.split(separator: ":").last.map(String.init), "\(context): \(address)")

            // Traefik asks it about every request to the app, and routes the sign-in flow to it.
            let protected = files.routers.values.filter {
                files.serviceOwner[$0.service] == app.name && !$0.redirectsToHTTPS
            }
            #expect(!protected.isEmpty, "\(context): no router to the app")
            for router in protected {
                #expect(router.rule == Self.rule(host: route.host, path: route.path), "\(context): \(router.name)")
                let middleware = "\(router.name)-sso"
                #expect(router.middlewares.contains(middleware), "\(context): \(router.name) \(router.middlewares)")
                #expect(
                    files.middlewares[middleware]?["forwardauth.address"] == "http://\(app.name)-sso:\(ssoPort)/",
                    "\(context): \(String(describing: files.middlewares[middleware]))")
            }
            let flow = files.routers.values.filter {
                $0.rule == "Host(`\(route.host)`) && PathPrefix(`\(path)/oauth2`)" && !$0.redirectsToHTTPS
            }
            #expect(flow.count == 1, "\(context): \(flow.map(\.name)) route the sign-in flow")
            for router in flow {
                #expect(files.serviceOwner[router.service] == "\(app.name)-sso", "\(context): \(router.name)")
                #expect(files.servicePort[router.service] == ssoPort, "\(context): \(router.name)")
                #expect(router.entrypoints == "websecure")
            }
        }

        // Each Nextcloud registers the realm, reached inside the stack, with its own client.
        for app in stack.apps where app.auth == .oidc && app.preset == .nextcloud {
            let context = "\(name): \(app.name)"
            let service = try files.service(app.name)
            let hookPath = try files.configFile(
                of: service, at: "/docker-entrypoint-hooks.d/before-starting/20-stackc-oidc.sh")
            #expect(hookPath == "nextcloud/\(app.name)-oidc.sh")
            let hook = try files.text(hookPath)
            let clientID = Self.option("--clientid", in: hook)
            #expect(clientID == app.name && clientIDs.contains(app.name), "\(context): \(clientID ?? "none")")
            #expect(
                Self.option("--discoveryuri", in: hook) == inside + "/.well-known/openid-configuration", "\(context)")
            let secretFile = try #require(
                hook.firstMatch(of: /secret=\$\(cat ([^)]+)\)/).map { String($0.1) }, "\(context): no secret read")
            #expect(files.secretSource(of: service, file: secretFile) == clientSecrets[app.name], "\(context)")
            let client = try #require(clients.first { $0["clientId"] as? String == app.name })
            let host = SignInFiles.environment(service)["OVERWRITEHOST"] ?? ""
            #expect(
                (client["redirectUris"] as? [String] ?? []).allSatisfy { $0.hasPrefix("https://\(host)/") },
                "\(context): the redirect URIs are not on Nextcloud's own host \(host)")
        }
    }

    /// The Traefik rule of a route.
    static func rule(host: String, path: String) -> String {
        path == "/" ? "Host(`\(host)`)" : "Host(`\(host)`) && PathPrefix(`\(path)`)"
    }

    /// The value of `--name=value` in a script, unquoted.
    static func option(_ name: String, in script: String) -> String? {
        for line in script.split(separator: "\n") {
            var word = line.trimmingCharacters(in: .whitespaces)
            if word.hasSuffix("\\") { word = String(word.dropLast()).trimmingCharacters(in: .whitespaces) }
            if word.hasPrefix("'") && word.hasSuffix("'") && word.count > 1 {
                word = String(word.dropFirst().dropLast())
            }
            if word.hasPrefix(name + "=") { return String(word.dropFirst(name.count + 1)) }
        }
        return nil
    }

    // MARK: - 4. Every route to an app behind a sign-in proxy asks it

    /// Every Traefik router that reaches an app behind a sign-in proxy carries the forward-auth
    /// middleware; besides the sign-in flow's own router and the http→https redirects, nothing
    /// else is routed on the app's host under its path (except other apps of the manifest routed
    /// deeper). The redirect middleware is a redirect to HTTPS.
    @Test(arguments: manifests.map(\.name))
    func noRouterReachesASignInAppWithoutItsProxy(name: String) throws {
        let built = try #require(BuildSupport.build(path: name, text: try Self.text(name)))
        let signInApps = built.stack.apps.filter { $0.auth == .oidc && $0.preset == .generic }
        guard !signInApps.isEmpty else { return }
        try #require(built.stack.proxy.kind == .traefik, "\(name): a sign-in proxy without Traefik")
        let files = try SignInFiles(built)
        let dynamic = try #require(try PyYAMLValue.read(try files.text("traefik/dynamic.yml")))
        #expect(
            dynamic["http"]?["middlewares"]?["redirect-to-https"]?["redirectScheme"]?["scheme"]?.string == "https")
        let routes = built.stack.apps.compactMap { app in app.route.map { (app.name, $0) } }
        for app in signInApps {
            let route = try #require(app.route)
            var checked = 0
            for router in files.routers.values {
                guard let (host, path) = router.hostAndPath else {
                    Issue.record("\(name): router \(router.name) has a rule of unknown shape: \(router.rule)")
                    continue
                }
                guard host == route.host, Self.path(path, isWithin: route.path) else { continue }
                if router.redirectsToHTTPS { continue }
                let owner = files.serviceOwner[router.service] ?? "?"
                if owner == "\(app.name)-sso" {
                    #expect(
                        Self.path(path, isWithin: route.path) && path.hasSuffix("/oauth2"), "\(name): \(router.name)")
                    continue
                }
                if owner != app.name,
                    let other = routes.first(where: { $0.0 == owner }),
                    other.1.host == host, other.1.path != route.path, Self.path(other.1.path, isWithin: route.path)
                {
                    continue
                }
                checked += 1
                let middleware = "\(router.name)-sso"
                #expect(
                    owner == app.name && router.middlewares.contains(middleware)
                        && files.middlewares[middleware]?["forwardauth.address"]?.hasPrefix("http://\(app.name)-sso:")
                            == true,
                    "\(name): router \(router.name) (to \(owner)) reaches \(app.name) without its sign-in proxy: \(router.middlewares)"
                )
            }
            #expect(checked >= 1, "\(name): no router to \(app.name)")
        }
    }

    /// Whether `path` is `base` or under it.
    static func path(_ path: String, isWithin base: String) -> Bool {
        var prefix = base
        while prefix.hasSuffix("/") { prefix.removeLast() }
        return path == base || path == prefix || path.hasPrefix(prefix + "/")
    }

    // MARK: - 4. The check

    /// A sign-in proxy is wired into Traefik only: with HAProxy, `auth: oidc` on a generic app
    /// is an error at its value, and the build stops (exit 1).
    @Test func signInThroughAProxyNeedsTraefik() throws {
        let manifest = """
            stackc: 1
            name: shop
            domain: example.org
            proxy: {kind: haproxy}
            identity: {database: pg}
            databases: {pg: {}}
            apps:
              web: {image: nginx:1.27, port: 80, host: www, auth: 1️⃣oidc}
            """
        let diagnostic = try #require(expectOnly(Codes.signInNeedsTraefik, in: manifest))
        #expect(diagnostic.code.rawValue == "E225" && diagnostic.code.name == "sign-in-needs-traefik")
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.message.contains("app 'web'") && diagnostic.message.contains("HAProxy"))
        #expect(diagnostic.help?.contains("auth: basic") == true)
        let marked = MarkedManifest(manifest)
        let rendered = DiagnosticRenderer().render(diagnostic, source: marked.source())
        let location = marked["1️⃣"]
        #expect(rendered.hasPrefix("test.yml:\(location.line):\(location.column): error[E225]: "), "\(rendered)")
        #expect(marked.check().stack == nil, "no stack is resolved, so nothing is built")
    }

    /// Each app that would need a sign-in proxy is reported, at its own value; the block form
    /// and the explicit `preset: generic` too.
    @Test func everyGenericSignInAppUnderHAProxyIsReported() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: example.org
            proxy:
              kind: haproxy
            identity: {database: pg}
            databases: {pg: {}}
            apps:
              web:
                image: nginx:1.27
                port: 80
                host: www
                auth: 1️⃣oidc
              api:
                preset: generic
                image: nginx:1.27
                port: 80
                host: api
                auth: 2️⃣oidc
              open:
                image: nginx:1.27
                port: 80
                host: open
            """,
            [ExpectedDiagnostic(Codes.signInNeedsTraefik, "1️⃣"), ExpectedDiagnostic(Codes.signInNeedsTraefik, "2️⃣")])
    }

    /// Nextcloud signs in by itself, so HAProxy is fine: no diagnostic, the hook and the client
    /// are built, and HAProxy refuses no request of it.
    @Test func nextcloudSignsInBehindHAProxy() throws {
        _ = try #require(resolved(Self.haproxyNextcloud))
        let built = try #require(BuildSupport.build(path: "office.yml", text: Self.haproxyNextcloud))
        #expect(built.tree.file("nextcloud/cloud-oidc.sh") != nil)
        #expect(!built.tree.files.contains { $0.path.contains("-sso") })
        let config = try #require(GeneratedScript.text(built, "haproxy/haproxy.cfg"))
        #expect(!config.contains("http-request return status 403"), "\(config)")
        let realm = try Self.object(try #require(GeneratedScript.text(built, "keycloak/office-realm.json")))
        #expect((realm["clients"] as? [[String: Any]])?.compactMap { $0["clientId"] as? String } == ["cloud"])
    }

    /// `preset: nextcloud` brings its image (nextcloud:30-apache, for the app and its cron);
    /// any other app still needs `image:` or `build:` (E219 at its name).
    @Test func nextcloudTakesItsImageAndOtherAppsStillNeedOne() throws {
        let manifest = """
            stackc: 1
            name: home
            domain: home.test
            databases: {pg: {}}
            apps:
              cloud: {preset: nextcloud, host: cloud, database: pg}
            """
        let built = try #require(BuildSupport.build(path: "home.yml", text: manifest))
        #expect(built.stack.apps.first?.image == "nextcloud:30-apache")
        let stackFile = try #require(GeneratedScript.text(built, "stack.yml"))
        let document = try #require(try PyYAMLValue.read(stackFile))
        #expect(document["services"]?["cloud"]?["image"]?.string == "nextcloud:30-apache")
        #expect(document["services"]?["cloud-cron"]?["image"]?.string == "nextcloud:30-apache")
        for app in ["web: {port: 80, host: www}", "web: {preset: generic, port: 80, host: www}"] {
            expectOnly(
                Codes.imageOrBuild,
                in: """
                    stackc: 1
                    name: home
                    domain: home.test
                    apps:
                      1️⃣\(app)
                    """)
        }
        expectOnly(
            Codes.imageOrBuild,
            in: """
                stackc: 1
                name: home
                domain: home.test
                identity: {database: pg}
                databases: {pg: {}}
                apps:
                  1️⃣web:
                    port: 80
                    host: www
                    auth: oidc
                """)
    }

    // MARK: - Helpers

    /// A JSON object's text as a dictionary.
    static func object(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> [String:
        Any]
    {
        try #require(
            try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object",
            sourceLocation: sourceLocation)
    }

    /// Whether two parsed JSON values are the same.
    static func same(_ a: Any?, _ b: Any?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        guard JSONSerialization.isValidJSONObject([a]), JSONSerialization.isValidJSONObject([b]),
            let left = try? JSONSerialization.data(withJSONObject: [a], options: [.sortedKeys]),
            let right = try? JSONSerialization.data(withJSONObject: [b], options: [.sortedKeys])
        else { return false }
        return left == right
    }
}

/// A build's files as a deployment reads them: the stack file through PyYAML, its services'
/// environments, secrets and configs, and the Traefik routers, services and middlewares of every
/// service's labels.
struct SignInFiles {
    struct Router {
        var name: String
        var rule: String = ""
        var entrypoints: String = ""
        var service: String = ""
        var middlewares: [String] = []

        var redirectsToHTTPS: Bool { middlewares.first == "redirect-to-https@file" }

        /// The host and path prefix (`/` without one) of a rule `Host(`h`)` or
        /// `Host(`h`) && PathPrefix(`p`)`; nil for any other shape.
        var hostAndPath: (String, String)? {
            guard let match = rule.wholeMatch(of: /Host\(`([^`]+)`\)(?: && PathPrefix\(`([^`]+)`\))?/) else {
                return nil
            }
            return (String(match.1), match.2.map(String.init) ?? "/")
        }
    }

    let built: BuildSupport.Built
    let document: PyYAMLValue
    let services: [String: PyYAMLValue]
    var routers: [String: Router] = [:]
    /// Traefik service → the Swarm service whose labels define it.
    var serviceOwner: [String: String] = [:]
    var servicePort: [String: String] = [:]
    /// Middleware → its settings (`forwardauth.address`, …).
    var middlewares: [String: [String: String]] = [:]

    init(_ built: BuildSupport.Built, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        self.built = built
        let text = try #require(built.tree.file("stack.yml")?.contents, sourceLocation: sourceLocation)
        document = try #require(
            try PyYAMLValue.read(text, sourceLocation: sourceLocation), sourceLocation: sourceLocation)
        services = try #require(document["services"]?.pairs, sourceLocation: sourceLocation)
        for (owner, service) in services {
            for (key, value) in (service["deploy"]?["labels"]?.pairs ?? [:]).compactMapValues(\.string) {
                let parts = key.split(separator: ".", maxSplits: 4).map(String.init)
                guard parts.count == 5, parts[0] == "traefik", parts[1] == "http" else { continue }
                let (kind, name, setting) = (parts[2], parts[3], parts[4])
                switch kind {
                case "routers":
                    var router = routers[name] ?? Router(name: name)
                    switch setting {
                    case "rule": router.rule = value
                    case "entrypoints": router.entrypoints = value
                    case "service": router.service = value
                    case "middlewares": router.middlewares = value.split(separator: ",").map(String.init)
                    default: break
                    }
                    routers[name] = router
                case "services":
                    serviceOwner[name] = owner
                    if setting == "loadbalancer.server.port" { servicePort[name] = value }
                case "middlewares":
                    middlewares[name, default: [:]][setting] = value
                default: break
                }
            }
        }
    }

    /// The text of a generated file.
    func text(_ path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> String {
        try #require(
            built.tree.file(path)?.contents, "the build made no \(path)", sourceLocation: sourceLocation)
    }

    func service(_ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> PyYAMLValue {
        try #require(services[name], "no service \(name)", sourceLocation: sourceLocation)
    }

    static func environment(_ service: PyYAMLValue) -> [String: String] {
        (service["environment"]?.pairs ?? [:]).compactMapValues(\.string)
    }

    /// The generated file (`./path` in the stack file) of the config `service` mounts at `target`.
    func configFile(
        of service: PyYAMLValue, at target: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> String {
        let mount = try #require(
            service["configs"]?.items?.first { $0["target"]?.string == target }, "no config at \(target)",
            sourceLocation: sourceLocation)
        let source = try #require(mount["source"]?.string, sourceLocation: sourceLocation)
        let file = try #require(
            document["configs"]?[source]?["file"]?.string, "no config \(source)", sourceLocation: sourceLocation)
        try #require(file.hasPrefix("./"), sourceLocation: sourceLocation)
        return String(file.dropFirst(2))
    }

    /// The secret (its key in the stack file) `service` mounts where `file` (`/run/secrets/…`)
    /// reads it; nil when none does.
    func secretSource(of service: PyYAMLValue, file: String) -> String? {
        guard file.hasPrefix("/run/secrets/") else { return nil }
        let target = String(file.dropFirst("/run/secrets/".count))
        return service["secrets"]?.items?.first { $0["target"]?.string == target }?["source"]?.string
    }

    /// `secret` is an external secret of the stack named `<stack>_<secret>`, and deploy.sh
    /// creates it with `function`.
    func expectCreated(
        _ secret: String, by function: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let stack = built.stack.name
        let declared = document["secrets"]?[secret]
        #expect(declared?["external"]?.bool == true, "\(secret) is not external", sourceLocation: sourceLocation)
        #expect(declared?["name"]?.string == "\(stack)_\(secret)", sourceLocation: sourceLocation)
        let deploy = try text("deploy.sh", sourceLocation: sourceLocation)
        #expect(
            deploy.split(separator: "\n").contains { $0.hasPrefix("\(function) \(stack)_\(secret)") },
            "deploy.sh does not create \(stack)_\(secret) with \(function)", sourceLocation: sourceLocation)
    }

    /// `command FIRST SECOND` lines of a generated script, as FIRST → SECOND.
    static func pairs(_ script: String, command: String) -> [String: String] {
        var pairs: [String: String] = [:]
        for line in script.split(separator: "\n") where line.hasPrefix(command + " ") {
            let words = line.split(separator: " ").map(String.init)
            if words.count == 3 { pairs[words[1]] = words[2] }
        }
        return pairs
    }
}
