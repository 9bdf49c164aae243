/// Reads `monitoring` (`SingleSignOn.guardedServices`: Prometheus with metrics, Alertmanager
/// with alerts, neither with a login of its own); contributes their routes at their hosts
/// (`prometheus.<domain>`, `alertmanager.<domain>`), never without a login:
/// - with an identity and Traefik, a sign-in proxy per service (`prometheus-sso`, ...) with a
///   client of its own in the realm, the same as an app with `auth: oidc` gets; with
///   `monitoring.grafana.admin_role`, only users with that role pass;
/// - otherwise (no identity, or HAProxy, which cannot ask a sign-in proxy) basic auth, the user
///   `admin` with a password `deploy.sh` generates (`monitoring-htpasswd`).
/// Grafana routes itself: it signs its users in.
struct MonitoringRoutesPass: BuildPass {
    /// Routes and services nothing waits for: `lint` does not need it.
    var affectsDiagnostics: Bool { false }

    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        let guarded = SingleSignOn.guardedServices(stack)
        guard !guarded.isEmpty else { return }
        guard SingleSignOn.guardsWithSignIn(stack), let identity = stack.identity else {
            let secret = plan.requireSecret(
                PlatformNames.monitoringHtpasswdSecret, recipe: .htpasswd(users: ["admin"]))
            for service in guarded { addRoute(service, auth: .basic(secret: secret), &plan) }
            return
        }
        let clients = SingleSignOn.clientsByID(stack)
        for service in guarded {
            guard let client = clients[service.service] else { continue }
            let secret = plan.requireSecret(client.secret, recipe: .randomPassword)
            let proxy = SingleSignOn.signInProxy(service)
            let target = SignInProxyService.Target(
                name: service.service, route: service.route, port: service.port, roles: service.roles, tasks: 1)
            SignInProxyService.add(
                for: target, stack, identity, proxy: proxy, client: client, secret: secret, &plan)
            addRoute(service, auth: .signIn(proxy), &plan)
        }
    }

    /// The route to the service itself, and the proxy's network for it.
    func addRoute(_ service: SingleSignOn.GuardedService, auth: ProxyRoute.Auth, _ plan: inout BuildPlan) {
        plan.addRoute(
            ProxyRoute(
                service: service.service, host: service.host, path: "/", port: service.port, https: true,
                sticky: false, auth: auth, healthPath: "/-/ready", healthInterval: nil, expectedTasks: 1))
        plan.amend(service.service, .joinNetwork(PlatformNames.publicNetwork))
    }
}
