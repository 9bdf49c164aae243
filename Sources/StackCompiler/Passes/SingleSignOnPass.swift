/// Reads the apps with `auth: oidc`; contributes each one's sign-in, with the client
/// `SingleSignOn` describes (the same the identity pass writes into the realm):
/// - an app that speaks OIDC itself (the Nextcloud preset) registers the realm as its provider
///   in a start-up hook (`nextcloud/<app>-oidc.sh`, through `user_oidc`), with its client
///   secret mounted;
/// - any other app gets an authenticating proxy (oauth2-proxy, `<app>-sso`, `SignInProxyService`), which the edge
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
            plan.reading(["apps.\(app.name).auth", "identity"])
            let secret = plan.requireSecret(client.secret, recipe: .randomPassword)
            switch mechanism {
            case .native:
                addNextcloudProvider(app, identity, client: client, secret: secret, &plan)
            case .signInProxy:
                guard let proxy = SingleSignOn.signInProxy(app) else { continue }
                let target = SignInProxyService.Target(
                    name: app.name, route: route, port: app.port ?? 0, roles: app.roles,
                    tasks: stack.taskCount(app.replicas) > 1 ? 2 : 1)
                SignInProxyService.add(
                    for: target, stack, identity, proxy: proxy, client: client, secret: secret, &plan)
            }
        }
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
