import StackDiagnostics

/// Routing through the proxy: a domain for short hosts, a port for every routed app, one owner
/// per host and path, OIDC only over HTTPS and with an identity provider.
enum RouteRules: CheckRule {
    static func check(_ syntax: ManifestSyntax, _ stack: ResolvedStack, _ report: inout DiagnosticSink) {
        var routes: [RouteKey: (owner: RouteOwner, span: SourceSpan)] = [:]
        var placed: [WrittenRoute] = []
        // In file order, so that the route written second is the one reported.
        let all = (platformRoutes(syntax) + appRoutes(syntax)).sorted { $0.span.start < $1.span.start }
        for (host, path, owner, span) in all {
            guard let domain = syntax.domain?.value else {
                // A domain that did not decode has its own error.
                if syntax.topKeySpans["domain"] != nil { break }
                var help =
                    "every routed stack needs a domain: short hosts expand under it and the certificate covers it"
                // Grafana comes with metrics or logs unless turned off: say how.
                if case .platform("Grafana") = owner {
                    help += "; or, to run without Grafana, 'grafana: false' under 'monitoring'"
                }
                report.error(
                    Codes.domainRequired, "\(owner) is routed at '\(host)', but the manifest has no 'domain'",
                    at: span, expected: "a top-level 'domain: example.org'", help: help)
                continue
            }
            let full = host.utf8.contains(0x2E) ? host : "\(host).\(domain)"
            // Each is a DNS name on its own; together they may be too long for one.
            guard full.utf8.count <= 253 else {
                report.error(
                    Codes.invalidValue,
                    "\(owner) is routed at a name of \(full.utf8.count) characters, '\(host)' under the domain '\(domain)'",
                    at: span, expected: "a full host name of at most 253 characters (DNS's limit)",
                    help: "shorten the host or the domain")
                continue
            }
            placed.append((full, path, owner, span))
            let key = RouteKey(host: full, path: path)
            if let first = routes[key] {
                report.error(
                    Codes.duplicateRoute,
                    "\(owner) and \(first.owner) are both routed at '\(full)\(path == "/" ? "" : path)'",
                    at: span,
                    help: duplicateRouteHelp(owner, first.owner),
                    notes: [Diagnostic.Note("the route of \(first.owner) is here", at: first.span)])
            } else {
                routes[key] = (owner, span)
            }
        }
        checkSignInFlows(placed, &report)
        checkPlatformHosts(placed, &report)
        for (app, resolved) in zip(syntax.apps, stack.apps) {
            checkApp(app, resolved, syntax, &report)
        }
        checkSignInEmails(syntax, stack, &report)
        if let grafana = syntax.monitoring?.grafana, let auth = grafana.auth, auth.value == .oidc,
            syntax.identity == nil
        {
            report.error(
                Codes.oidcWithoutIdentity, "Grafana's 'auth: oidc' needs an 'identity' section", at: auth.span,
                help: "add 'identity:' (Keycloak) or use 'auth: basic'")
        }
    }

    /// A platform service takes its whole host: an app at a path there would receive what the
    /// browser keeps for that host (the monitoring password, the sign-in cookie, Grafana's
    /// session) and could take a page of the service or its sign-in callback. The same host and
    /// path is reported above already.
    static func checkPlatformHosts(_ placed: [WrittenRoute], _ report: inout DiagnosticSink) {
        var platformHosts: [String: (owner: RouteOwner, span: SourceSpan)] = [:]
        for route in placed {
            if case .platform = route.owner, platformHosts[route.host] == nil {
                platformHosts[route.host] = (route.owner, route.span)
            }
        }
        for route in placed where route.path != "/" {
            // An app's own sign-in flow is reported with the app's route.
            if case .platform = route.owner { continue }
            if case .signIn = route.owner { continue }
            guard let platform = platformHosts[route.host] else { continue }
            report.error(
                Codes.duplicateRoute,
                "\(route.owner) is routed at '\(route.host)\(route.path)', but \(platform.owner) takes the whole host '\(route.host)'",
                at: route.span,
                help:
                    "give the app a host of its own: on a platform service's host it would receive that service's passwords and cookies",
                notes: [Diagnostic.Note("the route of \(platform.owner) is here", at: platform.span)])
        }
    }

    static func checkApp(_ app: AppSyntax, _ resolved: App, _ syntax: ManifestSyntax, _ report: inout DiagnosticSink) {
        let name = app.name.value
        if let host = app.host, resolved.port == nil, !app.portWritten {
            report.error(
                Codes.missingPort, "app '\(name)' is routed at '\(host.value)' but has no 'port'", at: host.span,
                expected: "'port:' with the port the container serves", help: "add for example 'port: 8080'")
        }
        // Only for a path that decoded: a broken health check has its own error already.
        if let health = app.health, health.path != nil, health.command == nil, resolved.port == nil,
            !app.portWritten, app.host == nil
        {
            report.error(
                Codes.missingPort, "app '\(name)' has a health check but no 'port' to send it to", at: health.span,
                expected: "'port:' with the port the container serves", help: "add for example 'port: 8080'")
        }
        if let auth = app.auth, auth.value == .oidc {
            if syntax.identity == nil {
                report.error(
                    Codes.oidcWithoutIdentity, "app '\(name)' uses 'auth: oidc' but the manifest has no 'identity'",
                    at: auth.span, help: "add an 'identity:' section (Keycloak), or use 'auth: basic'")
            }
            if app.signsInThroughProxy, syntax.proxy?.kind?.value == .haproxy {
                report.error(
                    Codes.signInNeedsTraefik,
                    "app '\(name)' signs in with 'auth: oidc' through an authenticating proxy, which stackc wires into Traefik only, but the proxy is HAProxy",
                    at: auth.span, expected: "'proxy: {kind: traefik}' (the default)",
                    help:
                        "use Traefik, or 'auth: basic'; only an app that speaks OIDC itself ('preset: nextcloud') signs in with HAProxy"
                )
            }
            if let https = app.https, !https.value {
                report.error(
                    Codes.oidcWithoutHTTPS,
                    "app '\(name)' uses 'auth: oidc', which needs HTTPS, but sets 'https: false'",
                    at: https.span, help: "remove 'https: false'; OIDC tokens must not travel over plain HTTP")
            }
        }
        if app.host == nil {
            // Routing keys on an app the proxy does not route.
            let unrouted: [(String, SourceSpan?)] = [
                ("path", app.path?.span), ("https", app.https?.span), ("sticky", app.sticky?.span),
            ]
            for case (let key, let span?) in unrouted {
                report.warning(
                    Codes.noEffect,
                    "app '\(name)' sets '\(key)' but has no 'host', so the proxy does not route it and '\(key)' does nothing",
                    at: span, help: "add 'host:' to route the app, or remove '\(key)'")
            }
        }
        if let roles = app.roles.first, app.auth?.value != .oidc {
            report.warning(
                Codes.noEffect, "app '\(name)' lists 'roles', which apply only with 'auth: oidc'", at: roles.span,
                help: "add 'auth: oidc' to let only these roles in, or remove 'roles'")
        }
        if let https = app.https, !https.value, app.host != nil, app.auth?.value != .oidc {  // with OIDC it is E205
            report.warning(
                Codes.plainHTTP, "app '\(name)' is served over plain HTTP", at: https.span,
                help: "remove 'https: false' unless something in front of the proxy terminates TLS")
        }
        if let auth = app.auth, auth.value != App.Auth.none, app.host != nil, let port = resolved.port,
            let published = app.ports.first(where: { $0.port.target == port })
        {
            report.error(
                Codes.loginBypassed,
                "app '\(name)' is protected by 'auth: \(auth.value.rawValue)' at the proxy, but publishes its port \(port) on the nodes, where no login is asked",
                at: published.span,
                help: "remove this entry of 'ports'; the proxy routes the app at its 'host' with the login in front")
        }
        if (app.preset?.value ?? .generic) == .nextcloud, let path = app.path, path.value != "/" {
            report.error(
                Codes.presetNeedsOwnHost,
                "app '\(name)' uses the nextcloud preset, which serves at the root of its host, but is routed at '\(path.value)'",
                at: path.span, help: "remove 'path' and give the app a 'host' of its own")
        }
        if let auth = app.auth, auth.value != App.Auth.none, app.host == nil {
            report.error(
                Codes.invalidValue,
                "app '\(name)' sets 'auth: \(auth.value.rawValue)' but has no 'host', so nothing would enforce it",
                at: auth.span, help: "add 'host:' to route the app through the proxy")
        }
        if let sticky = app.sticky, sticky.value, app.host != nil, case .count(let count) = resolved.replicas,
            count <= 1
        {
            report.warning(
                Codes.stickySingleReplica,
                "'sticky' on app '\(name)' has no effect with \(count) replica\(count == 1 ? "" : "s")",
                at: sticky.span, help: "remove 'sticky', or raise 'replicas'")
        }
    }

    /// What to change when two owners share a route: a platform service takes its whole host,
    /// so another path beside it would be refused too (and then the app must move).
    static func duplicateRouteHelp(_ owner: RouteOwner, _ other: RouteOwner) -> String {
        switch (owner, other) {
        case (.platform, .platform):
            return "give one of them another host"
        case (.platform(let platform), let moved), (let moved, .platform(let platform)):
            return "give \(moved) another host: \(platform) takes the whole host"
        default:
            return owner.takesPath || other.takesPath
                ? "give one of them another host or a different 'path'" : "give one of them another host"
        }
    }

    /// A route deeper inside a sign-in flow (`/oauth2/callback` beside an app's `/oauth2`) would
    /// win over it (the longer rule), and receive the sign-in's authorization codes.
    static func checkSignInFlows(_ placed: [WrittenRoute], _ report: inout DiagnosticSink) {
        let flows = placed.filter {
            if case .signIn = $0.owner { return true } else { return false }
        }
        guard !flows.isEmpty else { return }
        // By host: a stack with thousands of protected apps has as many flows, each on few hosts.
        let byHost = Dictionary(grouping: placed, by: \.host)
        for flow in flows {
            for route in byHost[flow.host] ?? [] where route.path.hasPrefix(flow.path + "/") {
                report.error(
                    Codes.duplicateRoute,
                    "\(route.owner) is routed at '\(route.host)\(route.path)', inside \(flow.owner) at '\(flow.host)\(flow.path)'",
                    at: route.span, help: "give it another host or a path outside '\(flow.path)'",
                    notes: [Diagnostic.Note("\(flow.owner) is here", at: flow.span)])
            }
        }
    }

    /// oauth2-proxy admits only users with a verified e-mail address, and Grafana (since 11.2)
    /// refuses to sign up a user without one: a user the manifest gives none could sign in to
    /// Keycloak but to none of the apps behind a sign-in proxy, the monitoring services behind
    /// theirs, or Grafana.
    static func checkSignInEmails(_ syntax: ManifestSyntax, _ stack: ResolvedStack, _ report: inout DiagnosticSink) {
        guard let identity = syntax.identity else { return }
        let apps = syntax.apps.filter { $0.signsInThroughProxy && $0.host != nil }.map(\.name.value)
        let guarded = SingleSignOn.guardsWithSignIn(stack) ? SingleSignOn.guardedServices(stack).map(\.title) : []
        let grafana = stack.identity != nil && stack.monitoring.grafana?.auth == .oidc
        var refusing = guarded + (grafana ? ["Grafana"] : [])
        if !apps.isEmpty { refusing.insert(Self.appList(apps), at: 0) }
        guard !refusing.isEmpty else { return }
        var reasons: [String] = []
        if !apps.isEmpty || !guarded.isEmpty {
            reasons.append("a sign-in proxy admits only users with a verified e-mail address")
        }
        if grafana { reasons.append("Grafana signs up no user without one") }
        for user in identity.users where user.email == nil {
            guard let name = user.name else { continue }
            report.warning(
                Codes.userWithoutEmail,
                "user '\(name.value)' has no 'email', so \(Self.sentenceList(refusing)) will refuse them",
                at: name.span, help: "add 'email:' to the user; \(reasons.joined(separator: ", and "))")
        }
    }

    /// `app 'web'`, `apps 'web' and 'api'`, or the first three and how many more.
    static func appList(_ names: [String]) -> String {
        let shown = names.prefix(3).map { "'\($0)'" }
        let more = names.count - shown.count
        let list = more > 0 ? shown.joined(separator: ", ") + " and \(more) more" : sentenceList(shown)
        return (names.count == 1 ? "app " : "apps ") + list
    }

    /// `a`, `a and b`, `a, b and c`.
    static func sentenceList(_ items: [String]) -> String {
        guard let last = items.last else { return "" }
        return items.count == 1 ? last : items.dropLast().joined(separator: ", ") + " and " + last
    }

    /// A route: the full host and the path prefix.
    struct RouteKey: Hashable {
        var host: String
        var path: String
    }

    /// What a route leads to, named for messages only when one is needed.
    enum RouteOwner: CustomStringConvertible {
        case app(String)
        case platform(String)
        /// The sign-in flow of an app behind a sign-in proxy (`<path>/oauth2`).
        case signIn(app: String)

        var description: String {
            switch self {
            case .app(let name): return "app '\(name)'"
            case .platform(let description): return description
            case .signIn(let app): return "the sign-in of app '\(app)'"
            }
        }

        /// Whether the manifest gives it a `path` (an app's); a platform service takes a host.
        var takesPath: Bool {
            if case .app = self { return true }
            return false
        }
    }

    /// A route as written: host (short or full), path, owner, and where.
    typealias WrittenRoute = (host: String, path: String, owner: RouteOwner, span: SourceSpan)

    /// Hosts the platform services take.
    static func platformRoutes(_ syntax: ManifestSyntax) -> [WrittenRoute] {
        var routes: [WrittenRoute] = []
        if let identity = syntax.identity {
            routes.append(
                (
                    identity.host?.value ?? PlatformNames.DefaultHost.identity, "/", .platform("'identity'"),
                    identity.host?.span ?? syntax.topKeySpans["identity"] ?? identity.span
                ))
        }
        if let registry = syntax.registry {
            routes.append(
                (
                    registry.host?.value ?? PlatformNames.DefaultHost.registry, "/", .platform("'registry'"),
                    registry.host?.span ?? syntax.topKeySpans["registry"] ?? registry.span
                ))
            if let mirror = registry.mirror {
                routes += toggleRoute(mirror, label: PlatformNames.DefaultHost.mirror, owner: "the registry mirror")
            }
        }
        if let dashboard = syntax.proxy?.dashboard {
            routes += toggleRoute(
                dashboard, label: PlatformNames.DefaultHost.proxyDashboard, owner: "the proxy dashboard")
        }
        if let monitoring = syntax.monitoring {
            let enabled =
                monitoring.grafana?.enabled
                ?? ((monitoring.metrics?.value ?? false) || (monitoring.logs?.value ?? false))
            if enabled {
                routes.append(
                    (
                        monitoring.grafana?.host?.value ?? PlatformNames.DefaultHost.grafana, "/", .platform("Grafana"),
                        monitoring.grafana?.host?.span ?? syntax.topKeySpans["monitoring"] ?? monitoring.span
                    ))
            }
            // Prometheus's and Alertmanager's own interfaces, at fixed hosts; without a domain
            // they stay inside the stack.
            if let metrics = monitoring.metrics, metrics.value, syntax.domain != nil {
                routes.append((PlatformNames.DefaultHost.prometheus, "/", .platform("Prometheus"), metrics.span))
                if let alerts = monitoring.alerts, alerts.enabled {
                    routes.append(
                        (PlatformNames.DefaultHost.alertmanager, "/", .platform("Alertmanager"), alerts.span))
                }
            }
        }
        return routes
    }

    static func toggleRoute(_ toggle: Located<HostToggle>, label: String, owner: String) -> [WrittenRoute] {
        switch toggle.value {
        case .off: return []
        case .defaultHost: return [(label, "/", .platform(owner), toggle.span)]
        case .host(let host): return [(host, "/", .platform(owner), toggle.span)]
        }
    }

    static func appRoutes(_ syntax: ManifestSyntax) -> [WrittenRoute] {
        var routes: [WrittenRoute] = []
        for app in syntax.apps {
            guard let host = app.host else { continue }
            let path = app.path?.value ?? "/"
            routes.append((host.value, path, .app(app.name.value), host.span))
            // An app behind a sign-in proxy also takes `<path>/oauth2` on its host, for the
            // sign-in flow.
            if let auth = app.auth, app.signsInThroughProxy {
                routes.append(
                    (host.value, SingleSignOn.flowPrefix(routePath: path), .signIn(app: app.name.value), auth.span))
            }
        }
        return routes
    }
}
