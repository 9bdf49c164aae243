/// Single sign-on as the passes share it: the realm's issuer, its OIDC clients (one per
/// `auth: oidc` app, and Grafana's), and how each app signs in. The identity pass writes the
/// clients into the realm and hands Keycloak their secrets; the sign-in pass wires the same
/// clients into the apps. Both read this one description, so the strings they write (client
/// ids, redirect URIs, secret names) cannot drift apart.
enum SingleSignOn {
    /// The port the authenticating proxy (oauth2-proxy) serves on.
    static let signInProxyPort = 4180
    /// The image of the authenticating proxy (distroless: no shell, no HTTP client).
    static let signInProxyImage = "quay.io/oauth2-proxy/oauth2-proxy:v7.15.3"
    /// The identifier Nextcloud's `user_oidc` knows the realm by (its login button says it).
    static let nextcloudProvider = "keycloak"

    /// How an app with `auth: oidc` signs in.
    enum Mechanism: Equatable {
        /// The app speaks OIDC itself (the Nextcloud preset, through `user_oidc`).
        case native
        /// An authenticating proxy in front of it, asked by the edge proxy for every request.
        case signInProxy
    }

    /// The mechanism for `app`, when it signs in with OIDC.
    static func mechanism(_ app: App) -> Mechanism? {
        guard app.auth == .oidc else { return nil }
        return app.preset == .nextcloud ? .native : .signInProxy
    }

    /// The public URL of the realm: the issuer of every token, and where browsers sign in.
    static func issuer(_ identity: IdentitySettings) -> String {
        "https://\(identity.host)/realms/\(identity.realm)"
    }

    /// The realm as services inside the stack reach it (Keycloak answers back-channel requests
    /// there with its own URL: `hostname-backchannel-dynamic`).
    static func internalRealmURL(_ identity: IdentitySettings) -> String {
        "http://\(PlatformService.keycloak.name):\(PlatformService.keycloak.port ?? 8080)/realms/\(identity.realm)"
    }

    /// `https://host` and the path without a final `/` (empty for `/`).
    static func base(_ route: Route) -> (origin: String, path: String) {
        var path = route.path
        while path.hasSuffix("/") { path.removeLast() }
        return ("https://\(route.host)", path)
    }

    /// Where the sign-in flow of an app routed at `path` is: `/oauth2`, or `<path>/oauth2`.
    static func flowPrefix(routePath path: String) -> String {
        var base = path
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/oauth2"
    }

    /// The sign-in proxy of an app that signs in through one.
    static func signInProxy(_ app: App) -> ProxyRoute.SignInProxy? {
        guard mechanism(app) == .signInProxy, let route = app.route else { return nil }
        return ProxyRoute.SignInProxy(
            service: PlatformNames.signInProxy(app: app.name), port: signInProxyPort,
            prefix: flowPrefix(routePath: route.path))
    }

    /// A platform service with a web interface of its own and no login of its own (Prometheus,
    /// Alertmanager), which stackc routes at a host of its own and never without a login.
    struct GuardedService: Equatable {
        var service: String
        /// Its name for people (the realm's client list).
        var title: String
        var host: String
        var port: Int
        /// The realm roles that may pass, when the login is single sign-on (any user: empty).
        var roles: [String]

        /// The route, at the whole host, over HTTPS.
        var route: Route { Route(host: host, path: "/", https: true, sticky: false) }
    }

    /// Prometheus (with metrics) and Alertmanager (with alerts), in that order. Grafana signs
    /// its users in itself.
    static func guardedServices(_ stack: ResolvedStack) -> [GuardedService] {
        // Those who administer Grafana administer the monitoring: with `admin_role`, only they pass.
        let roles = stack.monitoring.grafana?.adminRole.map { [$0] } ?? []
        var services: [GuardedService] = []
        if let host = stack.monitoring.prometheusHost {
            services.append(
                GuardedService(
                    service: PlatformService.prometheus.name, title: "Prometheus", host: host,
                    port: PlatformService.prometheus.port ?? 9090,
                    roles: roles))
        }
        if let host = stack.monitoring.alertmanagerHost {
            services.append(
                GuardedService(
                    service: PlatformService.alertmanager.name, title: "Alertmanager", host: host,
                    port: PlatformService.alertmanager.port ?? 9093, roles: roles))
        }
        return services
    }

    /// Whether the guarded services sign in through the realm (each with a sign-in proxy and a
    /// client of its own): with an identity and Traefik, whose forward-auth asks the sign-in
    /// proxy. Otherwise (no identity, or HAProxy, which cannot ask) a password guards them.
    static func guardsWithSignIn(_ stack: ResolvedStack) -> Bool {
        stack.identity != nil && stack.proxy.kind == .traefik
    }

    /// The sign-in proxy of a guarded service (its flow at `/oauth2` on the service's host).
    static func signInProxy(_ guarded: GuardedService) -> ProxyRoute.SignInProxy {
        ProxyRoute.SignInProxy(
            service: PlatformNames.signInProxy(app: guarded.service), port: signInProxyPort,
            prefix: flowPrefix(routePath: "/"))
    }

    /// Every client of the realm, in manifest order: the apps', then Grafana's, then the
    /// guarded services'.
    static func clients(_ stack: ResolvedStack) -> [RealmClient] {
        var clients: [RealmClient] = []
        for app in stack.apps {
            guard let mechanism = mechanism(app), let route = app.route else { continue }
            let (origin, path) = base(route)
            var client = RealmClient(
                id: app.name, name: app.name, rootURL: origin + path, redirectURIs: [], webOrigins: [origin],
                postLogoutRedirectURIs: [origin + path + "/"], backchannelLogoutURL: nil,
                manifestKeys: ["apps.\(app.name).auth", "identity"])
            switch mechanism {
            case .native:
                client.redirectURIs = [
                    origin + path + "/apps/user_oidc/code", origin + path + "/index.php/apps/user_oidc/code",
                ]
                client.backchannelLogoutURL =
                    origin + path + "/index.php/apps/user_oidc/backchannel-logout/" + nextcloudProvider
            case .signInProxy:
                client.redirectURIs = [origin + path + "/oauth2/callback"]
            }
            clients.append(client)
        }
        if let grafana = stack.monitoring.grafana, grafana.auth == .oidc, stack.identity != nil {
            let origin = "https://\(grafana.host)"
            clients.append(
                RealmClient(
                    id: PlatformNames.grafanaClient, name: "Grafana", rootURL: origin,
                    redirectURIs: [origin + "/login/generic_oauth"], webOrigins: [origin],
                    postLogoutRedirectURIs: [origin + "/login"], backchannelLogoutURL: nil,
                    manifestKeys: ["monitoring.grafana.auth", "identity"]))
        }
        if stack.identity != nil, guardsWithSignIn(stack) {
            for guarded in guardedServices(stack) {
                let origin = "https://\(guarded.host)"
                clients.append(
                    RealmClient(
                        id: guarded.service, name: guarded.title, rootURL: origin,
                        redirectURIs: [origin + "/oauth2/callback"], webOrigins: [origin],
                        postLogoutRedirectURIs: [origin + "/"], backchannelLogoutURL: nil,
                        manifestKeys: ["monitoring", "identity"]))
            }
        }
        return clients
    }
}

extension SingleSignOn {
    /// The same clients by their id, for the passes that wire one into what signs in with it.
    static func clientsByID(_ stack: ResolvedStack) -> [String: RealmClient] {
        Dictionary(clients(stack).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// A confidential OIDC client of the realm.
struct RealmClient: Equatable {
    /// The client id: the app's name.
    var id: String
    var name: String
    var rootURL: String
    /// Exact URIs: Keycloak sends a browser back to no other.
    var redirectURIs: [String]
    var webOrigins: [String]
    var postLogoutRedirectURIs: [String]
    var backchannelLogoutURL: String?
    /// The manifest keys that ask for the client (an app's `auth`, Grafana's), and `identity`.
    var manifestKeys: [ManifestKeyPath] = ["identity"]

    /// The secret's key in the plan (Keycloak and the client mount it).
    var secret: String { PlatformNames.oidcClientSecret(client: id) }
    /// The variable of Keycloak's process the realm file reads the secret from.
    var secretVariable: String { PlatformNames.oidcClientSecretVariable(client: id) }
}
