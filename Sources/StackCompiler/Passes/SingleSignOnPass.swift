/// Reads the apps with `auth: oidc`; contributes each one's sign-in, with the client
/// `SingleSignOn` describes (the same the identity pass writes into the realm):
/// - an app that speaks OIDC itself (the Nextcloud preset) registers the realm as its provider
///   in a start-up hook (`nextcloud/<app>-oidc.sh`, through `user_oidc`), with its client
///   secret mounted;
/// - any other app gets an authenticating proxy (oauth2-proxy, `<app>-sso`), which the edge
///   proxy asks about every request to the app (`ProxyRoute.Auth.signIn`), and which serves the
///   sign-in flow under `<path>/oauth2/` on the app's host. It admits only users with one of
///   the app's `roles` (any user of the realm without `roles`), and reaches Keycloak inside the
///   stack for tokens and keys, so it needs neither the public DNS name nor the certificate.
struct SingleSignOnPass: BuildPass {
    static let nextcloudHookPath = "/docker-entrypoint-hooks.d/before-starting/20-stackc-oidc.sh"

    /// Services and files nothing waits for or names: `lint` does not need it.
    var affectsDiagnostics: Bool { false }

    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        guard let identity = stack.identity else { return }
        let clients = SingleSignOn.clientsByID(stack)
        for app in stack.apps {
            guard let mechanism = SingleSignOn.mechanism(app), let client = clients[app.name], let route = app.route
            else { continue }
            let secret = plan.requireSecret(client.secret, recipe: .randomPassword)
            switch mechanism {
            case .native:
                addNextcloudProvider(app, identity, client: client, secret: secret, &plan)
            case .signInProxy:
                guard let proxy = SingleSignOn.signInProxy(app) else { continue }
                let target = SignInTarget(
                    name: app.name, route: route, port: app.port ?? 0, roles: app.roles,
                    tasks: stack.taskCount(app.replicas) > 1 ? 2 : 1)
                Self.addSignInProxy(
                    for: target, stack, identity, proxy: proxy, client: client, secret: secret, &plan)
            }
        }
    }

    /// What a sign-in proxy guards: an app, or a platform service without a login of its own.
    struct SignInTarget {
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
    static func addSignInProxy(
        for target: SignInTarget, _ stack: ResolvedStack, _ identity: IdentitySettings,
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

    /// Nextcloud's provider, registered by a hook before Apache starts.
    func addNextcloudProvider(
        _ app: App, _ identity: IdentitySettings, client: RealmClient, secret: String, _ plan: inout BuildPlan
    ) {
        let header = plan.context.headerLines
        let hook = plan.addConfigFile(
            key: PlatformNames.nextcloudOIDCHook(app: app.name), path: "nextcloud/\(app.name)-oidc.sh",
            contents: Self.nextcloudHook(app, identity, client: client, secret: secret, header: header),
            executable: true)
        plan.amend(app.name, .mountFile(source: hook, target: Self.nextcloudHookPath, mode: 0o555))
        plan.amend(app.name, .mountSecret(source: secret, target: secret))
        plan.amend(app.name, .environment([("STACKC_TASK_SLOT", "{{.Task.Slot}}")]))
    }

    /// The hook: in the first task only (the others share its database; in every task of a
    /// global service, which has no numbered slots), enables `user_oidc`
    /// (installing it from the app store when the image lacks it) and creates or updates the
    /// provider. Roles become Nextcloud groups; with `roles`, only those may sign in.
    static func nextcloudHook(
        _ app: App, _ identity: IdentitySettings, client: RealmClient, secret: String, header: [String]
    ) -> String {
        var options = [
            "--clientid=\(client.id)",
            "--discoveryuri=\(SingleSignOn.internalRealmURL(identity))/.well-known/openid-configuration",
            "--scope=openid email profile",
            "--unique-uid=0",
            "--mapping-uid=preferred_username",
            "--mapping-display-name=name",
            "--mapping-email=email",
            "--mapping-groups=roles",
            "--group-provisioning=1",
        ]
        if !app.roles.isEmpty {
            options += [
                "--group-whitelist-regex=^(\(app.roles.joined(separator: "|")))$",
                "--group-restrict-login-to-whitelist=1",
            ]
        }
        var lines =
            ["#!/bin/sh"] + header.map { "# \($0)" } + [
                "#",
                "# Nextcloud hook (before-starting): signs in through the realm '\(identity.realm)' (user_oidc).",
                "set -eu",
                "# Only the task in slot 1; a global service's tasks have no slot (Swarm gives the node ID): all.",
                "case ${STACKC_TASK_SLOT:-1} in 1 | *[!0-9]*) ;; *) exit 0 ;; esac",
                "occ() { php /var/www/html/occ \"$@\"; }",
                "secret=$(cat \(ShellQuoting.quote("/run/secrets/\(secret)")))",
                "[ -n \"$secret\" ] || { echo \"stackc: the OIDC client secret is empty\" >&2; exit 1; }",
                "occ app:enable user_oidc >/dev/null 2>&1 || occ app:install user_oidc",
                "# Keycloak is reached inside the stack, at a private address.",
                "occ config:system:set allow_local_remote_servers --value=true --type=boolean",
                "# A realm user never signs in as an existing local account of the same name (admin).",
                "occ config:system:set user_oidc soft_auto_provision --value=false --type=boolean",
                "# user_oidc 8.4 and later read the secret from the environment, off the process list.",
                "if occ user_oidc:provider --help 2>/dev/null | grep -q -- --clientsecret-env; then",
                "  STACKC_OIDC_CLIENT_SECRET=$secret",
                "  export STACKC_OIDC_CLIENT_SECRET",
                "  secret_option=--clientsecret-env=STACKC_OIDC_CLIENT_SECRET",
                "else",
                "  secret_option=--clientsecret=$secret",
                "fi",
                "occ user_oidc:provider \(ShellQuoting.quote(SingleSignOn.nextcloudProvider)) \\",
                "  \"$secret_option\" \\",
            ]
        lines += options.map { "  \(ShellQuoting.quote($0)) \\" }
        lines[lines.count - 1].removeLast(2)
        lines.append("echo \"stackc: OIDC sign-in through \(SingleSignOn.issuer(identity)) is set up\" >&2")
        return lines.joined(separator: "\n") + "\n"
    }
}
