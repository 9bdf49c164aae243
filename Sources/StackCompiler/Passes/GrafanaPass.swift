import YAML

/// Reads `monitoring.grafana` (with `metrics`, `logs`, `alerts`, the apps' `metrics` and
/// `identity`); contributes Grafana: its service (one task, SQLite on the volume `grafana-data`,
/// on the monitoring network with Prometheus, Loki and Alertmanager, settings as `GF_*`
/// variables), its route at `monitoring.grafana.host` (Grafana does its own logins), the local
/// administrator's password and the key Grafana encrypts with as Docker secrets, sign-in through
/// the realm's `grafana` client with `auth: oidc`, and the files it provisions itself from:
/// the data sources with fixed uids (`grafana/provisioning/datasources/stackc.yml`), a dashboard
/// provider (`grafana/provisioning/dashboards/stackc.yml`) and the dashboards
/// (`grafana/dashboards/*.json`, `GrafanaDashboards`).
struct GrafanaPass: BuildPass {
    /// Grafana 12.3 (the current minor of the 12 line, December 2025); the Alpine-based image,
    /// which has `curl` for the health check and reads `GF_*__FILE` variables in its `run.sh`.
    static let image = "grafana/grafana:12.3.1"
    /// Where the image reads its provisioning (`GF_PATHS_PROVISIONING`) and keeps its data
    /// (`GF_PATHS_DATA`).
    static let provisioningFolder = "/etc/grafana/provisioning"
    static let dataFolder = "/var/lib/grafana"
    /// Where the dashboards are mounted, which the provider reads.
    static let dashboardsFolder = "/etc/grafana/dashboards"
    static let healthPath = "/api/health"

    /// Files and a service nothing waits for: `lint` does not need it.
    var affectsDiagnostics: Bool { false }

    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        guard let grafana = stack.monitoring.grafana else { return }
        let port = PlatformService.grafana.port ?? 3000
        let header = plan.context.headerLines
        let admin = plan.requireSecret(
            PlatformNames.grafanaAdminSecret, recipe: .loginPassword(user: PlatformNames.grafanaAdminUser))
        let key = plan.requireSecret(PlatformNames.grafanaSecretKeySecret, recipe: .randomPassword)

        var service = PlannedService(image: Self.image)
        service.port = port
        service.readinessPath = Self.healthPath
        service.environment = Self.settings(grafana, admin: admin, key: key)
        service.secrets = [(admin, admin), (key, key)]
        if let identity = stack.identity, grafana.auth == .oidc {
            let client = plan.requireSecret(
                PlatformNames.oidcClientSecret(client: PlatformNames.grafanaClient), recipe: .randomPassword)
            service.environment += Self.signIn(grafana, identity, secret: client)
            service.secrets.append((client, client))
        }
        // The proxy's network (its route; Keycloak is there too, for tokens and user info) and
        // the monitoring one (Prometheus, Loki, Alertmanager).
        service.networks = [PlatformNames.publicNetwork, PlatformNames.monitoringNetwork]
        plan.addNetwork(PlatformNames.publicNetwork, .edge(stack: stack.name))
        plan.addNetwork(PlatformNames.monitoringNetwork)
        let volume = PlatformNames.grafanaDataVolume
        // Never on the shared storage, even when the cluster has one: SQLite's locks do not hold
        // on NFS and the like. On a node's own disk the plan pins Grafana to that node; Docker
        // fills the new volume from the image, owned by Grafana's own user.
        plan.addVolume(volume, PlannedVolume(sharedFolder: nil))
        service.volumes = [(volume, Self.dataFolder)]
        service.files = Self.addFiles(stack, header: header, &plan)
        service.health = .monitoringProbe(.exec(Self.healthCheck), startPeriod: TimeSpan(seconds: 60))
        // One writer on one SQLite database.
        service.writesItsDataAlone(grace: TimeSpan(seconds: 30))
        plan.addService(PlatformService.grafana.name, service)

        plan.addRoute(
            ProxyRoute(
                service: PlatformService.grafana.name, host: grafana.host, path: "/", port: port, https: true,
                sticky: false, auth: .none, healthPath: Self.healthPath, healthInterval: TimeSpan(seconds: 30),
                expectedTasks: 1))
    }

    /// `GET /api/health` on Grafana's own port, with the image's `curl`: 200 once its database is up.
    static var healthCheck: [String] {
        ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:\(PlatformService.grafana.port ?? 3000)\(healthPath)"]
    }

    /// The public URL, with its final `/` (Grafana's `root_url`, from which it makes its links
    /// and its OAuth callback).
    static func rootURL(_ grafana: MonitoringSettings.Grafana) -> String { "https://\(grafana.host)/" }

    /// The settings of both sign-in modes: the public URL, nothing sent home, no sign-up, no
    /// anonymous access, the local administrator and the encryption key from secrets.
    static func settings(_ grafana: MonitoringSettings.Grafana, admin: String, key: String)
        -> [(key: String, value: String)]
    {
        [
            ("GF_SERVER_ROOT_URL", rootURL(grafana)),
            ("GF_SERVER_DOMAIN", grafana.host),
            ("GF_SERVER_HTTP_PORT", String(PlatformService.grafana.port ?? 3000)),
            ("GF_PATHS_PROVISIONING", provisioningFolder),
            ("GF_PATHS_DATA", dataFolder),
            ("GF_ANALYTICS_REPORTING_ENABLED", "false"),
            ("GF_ANALYTICS_CHECK_FOR_UPDATES", "false"),
            ("GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES", "false"),
            ("GF_NEWS_NEWS_FEED_ENABLED", "false"),
            ("GF_USERS_ALLOW_SIGN_UP", "false"),
            ("GF_USERS_ALLOW_ORG_CREATE", "false"),
            ("GF_USERS_AUTO_ASSIGN_ORG_ROLE", "Viewer"),
            ("GF_AUTH_ANONYMOUS_ENABLED", "false"),
            ("GF_SECURITY_COOKIE_SECURE", "true"),
            ("GF_SECURITY_DISABLE_GRAVATAR", "true"),
            // Grafana's own /metrics answers without a login by default, and the route serves the
            // whole host; nothing scrapes it.
            ("GF_METRICS_ENABLED", "false"),
            ("GF_SECURITY_ADMIN_USER", PlatformNames.grafanaAdminUser),
            ("GF_SECURITY_ADMIN_PASSWORD__FILE", "/run/secrets/\(admin)"),
            ("GF_SECURITY_SECRET_KEY__FILE", "/run/secrets/\(key)"),
        ]
    }

    /// Generic OAuth with the realm's `grafana` client: the browser signs in at the public
    /// issuer; Grafana redeems the code and reads the user inside the stack; realm roles become
    /// Grafana roles (`roleAttributePath`); signing out of Grafana signs out of the realm.
    static func signIn(_ grafana: MonitoringSettings.Grafana, _ identity: IdentitySettings, secret: String)
        -> [(key: String, value: String)]
    {
        let issuer = SingleSignOn.issuer(identity)
        let inside = SingleSignOn.internalRealmURL(identity) + "/protocol/openid-connect"
        var settings: [(key: String, value: String)] = [
            ("GF_AUTH_GENERIC_OAUTH_ENABLED", "true"),
            ("GF_AUTH_GENERIC_OAUTH_NAME", "\(identity.realm) (Keycloak)"),
            ("GF_AUTH_GENERIC_OAUTH_CLIENT_ID", PlatformNames.grafanaClient),
            ("GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET__FILE", "/run/secrets/\(secret)"),
            ("GF_AUTH_GENERIC_OAUTH_SCOPES", "openid email profile"),
            ("GF_AUTH_GENERIC_OAUTH_AUTH_URL", issuer + "/protocol/openid-connect/auth"),
            ("GF_AUTH_GENERIC_OAUTH_TOKEN_URL", inside + "/token"),
            ("GF_AUTH_GENERIC_OAUTH_API_URL", inside + "/userinfo"),
            ("GF_AUTH_GENERIC_OAUTH_USE_PKCE", "true"),
            ("GF_AUTH_GENERIC_OAUTH_ALLOW_SIGN_UP", "true"),
            ("GF_AUTH_GENERIC_OAUTH_LOGIN_ATTRIBUTE_PATH", "preferred_username"),
            ("GF_AUTH_GENERIC_OAUTH_EMAIL_ATTRIBUTE_PATH", "email"),
            ("GF_AUTH_GENERIC_OAUTH_NAME_ATTRIBUTE_PATH", "name"),
        ]
        if let path = roleAttributePath(grafana) {
            settings += [
                ("GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_PATH", path),
                ("GF_AUTH_GENERIC_OAUTH_ALLOW_ASSIGN_GRAFANA_ADMIN", grafana.adminRole != nil ? "true" : "false"),
            ]
        }
        settings.append(("GF_AUTH_GENERIC_OAUTH_SIGNOUT_REDIRECT_URL", signOutURL(grafana, identity)))
        return settings
    }

    /// A JMESPath over the token's `roles` claim (the realm's roles, `KeycloakRealm.rolesMapper`):
    /// `admin_role` makes a Grafana server administrator (`GrafanaAdmin`, also Admin of the one
    /// organisation), `editor_role` an Editor, anyone else a Viewer. Nil without either role.
    static func roleAttributePath(_ grafana: MonitoringSettings.Grafana) -> String? {
        var branches: [String] = []
        if let admin = grafana.adminRole { branches.append("contains(roles[*], '\(admin)') && 'GrafanaAdmin'") }
        if let editor = grafana.editorRole { branches.append("contains(roles[*], '\(editor)') && 'Editor'") }
        guard !branches.isEmpty else { return nil }
        return (branches + ["'Viewer'"]).joined(separator: " || ")
    }

    /// The realm's end-session endpoint, which sends the browser back to Grafana's login page
    /// (the client's post-logout redirect URI).
    static func signOutURL(_ grafana: MonitoringSettings.Grafana, _ identity: IdentitySettings) -> String {
        let back = "https://\(grafana.host)/login"
        return SingleSignOn.issuer(identity) + "/protocol/openid-connect/logout?client_id="
            + PlatformNames.grafanaClient + "&post_logout_redirect_uri=" + percentEncoded(back)
    }

    /// A query value: everything but unreserved characters percent-encoded.
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let character = Character(Unicode.Scalar(byte))
            if character.isASCII, character.isLetter || character.isNumber || "-._~".contains(character) {
                out.append(character)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    // MARK: Provisioning

    /// Adds the provisioning files and the dashboards; returns the mounts.
    static func addFiles(_ stack: ResolvedStack, header: [String], _ plan: inout BuildPlan)
        -> [(source: String, target: String, mode: Int)]
    {
        let datasources = plan.addConfigFile(
            key: PlatformNames.grafanaDatasourcesConfig, path: PlatformNames.grafanaDatasourcesFile,
            contents: YAMLEmitter.emit(Self.datasources(stack), header: header))
        var files = [(datasources, "\(provisioningFolder)/datasources/stackc.yml", 0o444)]
        guard stack.monitoring.metrics else { return files }
        let providers = plan.addConfigFile(
            key: PlatformNames.grafanaDashboardProvidersConfig, path: PlatformNames.grafanaDashboardProvidersFile,
            contents: YAMLEmitter.emit(Self.dashboardProviders(stack), header: header))
        files.append((providers, "\(provisioningFolder)/dashboards/stackc.yml", 0o444))
        let cluster = plan.addConfigFile(
            key: PlatformNames.grafanaClusterDashboardConfig, path: PlatformNames.grafanaClusterDashboardFile,
            contents: JSONWriter.write(GrafanaDashboards.cluster(stack)))
        files.append((cluster, "\(dashboardsFolder)/cluster.json", 0o444))
        let keys = plan.origin.keys
        defer { plan.reading(keys) }
        for app in stack.apps where app.metrics != nil {
            plan.reading(["apps.\(app.name).metrics"])
            let config = plan.addConfigFile(
                key: PlatformNames.grafanaAppDashboardConfig(app: app.name),
                path: PlatformNames.grafanaAppDashboardFile(app: app.name),
                contents: JSONWriter.write(GrafanaDashboards.app(app, stack)))
            files.append((config, "\(dashboardsFolder)/app-\(app.name).json", 0o444))
        }
        return files
    }

    /// The data sources, each at its service inside the stack, with the uid the dashboards name:
    /// Prometheus with metrics (the default), Loki with logs, Alertmanager with alerts. `prune`
    /// removes one the manifest no longer asks for.
    static func datasources(_ stack: ResolvedStack) -> YAMLValue {
        let monitoring = stack.monitoring
        var sources: [YAMLValue] = []
        if monitoring.metrics {
            sources.append(
                datasource(
                    name: "Prometheus", type: "prometheus", uid: PlatformNames.GrafanaDatasource.prometheus,
                    service: .prometheus, isDefault: true,
                    jsonData: [("httpMethod", .string("POST")), ("timeInterval", .string("30s"))]))
        }
        if monitoring.logs {
            sources.append(
                datasource(
                    name: "Loki", type: "loki", uid: PlatformNames.GrafanaDatasource.loki, service: .loki,
                    isDefault: !monitoring.metrics, jsonData: [("maxLines", .int(1000))]))
        }
        if monitoring.runningAlerts != nil {
            sources.append(
                datasource(
                    name: "Alertmanager", type: "alertmanager", uid: PlatformNames.GrafanaDatasource.alertmanager,
                    service: .alertmanager, isDefault: false,
                    jsonData: [("implementation", .string("prometheus")), ("handleGrafanaManagedAlerts", .bool(false))])
            )
        }
        return .mapping([("apiVersion", .int(1)), ("prune", .bool(true)), ("datasources", .sequence(sources))])
    }

    static func datasource(
        name: String, type: String, uid: String, service: PlatformService, isDefault: Bool,
        jsonData: [(key: String, value: YAMLValue)]
    ) -> YAMLValue {
        .mapping([
            ("name", .string(name)),
            ("type", .string(type)),
            ("uid", .string(uid)),
            ("orgId", .int(1)),
            ("access", .string("proxy")),
            ("url", .string(service.internalURL ?? "")),
            ("isDefault", .bool(isDefault)),
            ("editable", .bool(false)),
            ("jsonData", .mapping(jsonData)),
        ])
    }

    /// One provider reading the mounted dashboards into a folder named after the stack; they
    /// cannot be changed or deleted in the UI (the manifest is where they come from).
    static func dashboardProviders(_ stack: ResolvedStack) -> YAMLValue {
        .mapping([
            ("apiVersion", .int(1)),
            (
                "providers",
                .sequence([
                    .mapping([
                        ("name", .string("stackc")),
                        ("orgId", .int(1)),
                        ("type", .string("file")),
                        ("folder", .string(stack.name)),
                        // A dashboard whose file is gone (its app left the manifest, or lost its
                        // `metrics`) is deleted, not left behind unprovisioned and stale; the UI
                        // cannot delete a provisioned dashboard either way.
                        ("disableDeletion", .bool(false)),
                        ("allowUiUpdates", .bool(false)),
                        ("updateIntervalSeconds", .int(60)),
                        ("options", .mapping([("path", .string(dashboardsFolder))])),
                    ])
                ])
            ),
        ])
    }
}

extension String {
    /// The text with `0` in front up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}
