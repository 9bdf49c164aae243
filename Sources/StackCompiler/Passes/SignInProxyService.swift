/// The authenticating proxy (oauth2-proxy, `<name>-sso`) in front of what signs in through the
/// realm without speaking OIDC itself: an app with `auth: oidc` (SingleSignOnPass), or a
/// monitoring service without a login of its own (MonitoringRoutesPass). One builder, so both
/// get the same settings, cookie, flow route and client wiring.
enum SignInProxyService {
    /// What a sign-in proxy guards: an app, or a platform service without a login of its own.
    struct Target {
        /// The service guarded (the sign-in proxy is `<name>-sso`).
        var name: String
        var route: Route
        /// The port the guarded service serves.
        var port: Int
        /// The realm roles that may pass (any user of the realm: empty).
        var roles: [String]
        /// The sign-in proxy's tasks: two when what it guards has several, for availability.
        var tasks: Int
    }

    /// oauth2-proxy for `target`, and the route of its sign-in flow. The route to the target
    /// itself, asking the sign-in proxy, is the caller's.
    static func add(
        for target: Target, _ stack: ResolvedStack, _ identity: IdentitySettings,
        proxy: ProxyRoute.SignInProxy, client: RealmClient, secret: String, _ plan: inout BuildPlan
    ) {
        let route = target.route
        let cookie = plan.requireSecret(PlatformNames.signInCookieSecret(app: target.name), recipe: .cookieKey)
        let (origin, path) = SingleSignOn.base(route)
        let issuer = SingleSignOn.issuer(identity)
        let inside = SingleSignOn.internalRealmURL(identity) + "/protocol/openid-connect"
        var service = PlannedService(image: SingleSignOn.signInProxyImage)
        service.port = proxy.port
        service.environment = [
            ("OAUTH2_PROXY_PROVIDER", "keycloak-oidc"),
            ("OAUTH2_PROXY_PROVIDER_DISPLAY_NAME", "\(identity.realm) (Keycloak)"),
            ("OAUTH2_PROXY_CLIENT_ID", client.id),
            ("OAUTH2_PROXY_CLIENT_SECRET_FILE", "/run/secrets/\(secret)"),
            ("OAUTH2_PROXY_COOKIE_SECRET_FILE", "/run/secrets/\(cookie)"),
            ("OAUTH2_PROXY_OIDC_ISSUER_URL", issuer),
            // Browsers sign in at the public URL; tokens and keys come from Keycloak inside the
            // stack, whose answers still name the public issuer.
            ("OAUTH2_PROXY_SKIP_OIDC_DISCOVERY", "true"),
            ("OAUTH2_PROXY_LOGIN_URL", issuer + "/protocol/openid-connect/auth"),
            ("OAUTH2_PROXY_REDEEM_URL", inside + "/token"),
            ("OAUTH2_PROXY_OIDC_JWKS_URL", inside + "/certs"),
            ("OAUTH2_PROXY_PROFILE_URL", inside + "/userinfo"),
            ("OAUTH2_PROXY_VALIDATE_URL", inside + "/userinfo"),
            ("OAUTH2_PROXY_REDIRECT_URL", client.redirectURIs.first ?? origin + path + "/oauth2/callback"),
            ("OAUTH2_PROXY_PROXY_PREFIX", proxy.prefix),
            ("OAUTH2_PROXY_HTTP_ADDRESS", "0.0.0.0:\(proxy.port)"),
            ("OAUTH2_PROXY_REVERSE_PROXY", "true"),
            ("OAUTH2_PROXY_UPSTREAMS", "static://202"),
            ("OAUTH2_PROXY_SET_XAUTHREQUEST", "true"),
            // Without a session: straight to the realm's sign-in page (a 302), no page of its own.
            ("OAUTH2_PROXY_SKIP_PROVIDER_BUTTON", "true"),
            ("OAUTH2_PROXY_CODE_CHALLENGE_METHOD", "S256"),
            ("OAUTH2_PROXY_EMAIL_DOMAINS", "*"),
            ("OAUTH2_PROXY_SCOPE", "openid email profile"),
            ("OAUTH2_PROXY_COOKIE_NAME", "_\(stack.name)_\(target.name)_sso"),
            ("OAUTH2_PROXY_COOKIE_SECURE", "true"),
            // A session is checked with Keycloak again (its token refreshed) every 5 minutes, so a
            // user disabled there, or one who lost a role, is out within minutes, not days.
            ("OAUTH2_PROXY_COOKIE_REFRESH", "5m"),
            ("OAUTH2_PROXY_COOKIE_EXPIRE", "12h"),
            ("OAUTH2_PROXY_COOKIE_PATH", path.isEmpty ? "/" : path),
            ("OAUTH2_PROXY_WHITELIST_DOMAINS", "\(route.host),\(identity.host)"),
        ]
        if !target.roles.isEmpty {
            service.environment.append(("OAUTH2_PROXY_ALLOWED_ROLES", target.roles.joined(separator: ",")))
        }
        service.networks = [PlatformNames.publicNetwork]
        service.secrets = [(secret, secret), (cookie, cookie)]
        let tasks = target.tasks
        service.kind = .replicated(tasks)
        // Sessions live in the sealed cookie: any replica serves any request.
        service.update = PlannedService.UpdatePolicy(
            parallelism: 1, delay: TimeSpan(seconds: 5), failureAction: .rollback, monitor: TimeSpan(seconds: 20),
            order: .startFirst)
        plan.addService(proxy.service, service)
        let protected = ProxyRoute(
            service: target.name, host: route.host, path: route.path, port: target.port, https: route.https,
            sticky: false, auth: .signIn(proxy), healthPath: nil, healthInterval: nil, expectedTasks: tasks)
        var flow = proxy.flowRoute(for: protected)
        flow.expectedTasks = tasks
        plan.addRoute(flow)
    }
}
