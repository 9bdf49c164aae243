/// Reads the finished plan's routes and the edge settings, when the proxy is HAProxy; renders
/// the HAProxy service and `haproxy/haproxy.cfg`. Each route's tasks are found through Swarm's DNS
/// (`tasks.<stack>_<service>` on the resolver 127.0.0.11) with `server-template`, so scaling a
/// service needs no configuration change and no restart.
enum HAProxyRenderer: EdgeProxyRenderer {
    static let image = "haproxy:2.8"
    static let configPath = "/usr/local/etc/haproxy/haproxy.cfg"
    /// The certificate is mounted as `tls.pem` and its key as `tls.pem.key`, the name HAProxy
    /// looks for when the PEM file holds no key.
    static let certificatePath = "/run/secrets/tls.pem"
    static let monitorPort = 8404
    /// The configuration's own backends and the stats page's route. Their names hold `_`, which
    /// app names (DNS labels) and so route names cannot: HAProxy rejects two backends of one
    /// name, and merges two ACLs of one name, so an app called `stats` would otherwise take
    /// the stats page's host too.
    static let noRouteBackend = "no_route"
    static let redirectBackend = "to_https"
    static let statsService = "proxy_stats"

    static func render(_ plan: FinishedPlan, _ edge: EdgePlan) -> RenderedEdge {
        var own = BuildPlan(context: plan.context)
        own.begin(pass: "HAProxyRenderer", keys: plan.origins.edge?.keys ?? ["name"])
        let certificate = EdgeCertificate.require(edge, hosts: edge.hosts(plan.routes), &own)
        var service = EdgeDeployment.service(image: Self.image, edge, in: &own)
        if let certificate {
            service.secrets = [(certificate.certificateSecret, "tls.pem"), (certificate.keySecret, "tls.pem.key")]
        }
        // Password hashes reach HAProxy as environment variables read from secrets at start, so
        // the configuration itself holds none.
        var exports: [String] = []
        for (variable, secret) in passwordSources(plan, edge, &own) {
            service.mountSecret(secret, at: secret)
            exports.append("\(variable)=\"$(cut -d: -f2- /run/secrets/\(secret) | head -n 1)\"; export \(variable)")
        }
        let config = configuration(edge, routes: plan.routes, hasCertificate: certificate != nil)
        let key = own.addConfigFile(
            key: "haproxy", path: "haproxy/haproxy.cfg", contents: config.render(header: plan.context.headerLines))
        service.files = [(key, Self.configPath, 0o444)]
        service.command = .words(
            ["/bin/sh", "-c", (exports + ["exec haproxy -W -db -f \(Self.configPath)"]).joined(separator: "; ")])
        service.health = EdgeDeployment.healthCheck(
            .shell("bash -c 'exec 3<>/dev/tcp/127.0.0.1/\(Self.monitorPort)' || exit 1"))
        own.addService(PlatformService.haproxy.name, service)
        EdgeCertificate.addTrust(certificate, edge, &own)
        return RenderedEdge(plan: own.finish(), labels: [])
    }

    /// Environment variable → secret, for every password hash the configuration reads.
    static func passwordSources(_ plan: FinishedPlan, _ edge: EdgePlan, _ own: inout BuildPlan) -> [(String, String)] {
        var sources: [(String, String)] = []
        if edge.dashboardHost != nil {
            sources.append(
                (
                    "STATS_PASSWORD_HASH",
                    own.requireSecret(PlatformNames.proxyDashboardSecret, recipe: .htpasswd(users: ["admin"]))
                ))
        }
        for route in plan.routes {
            if let secret = route.basicAuthSecret { sources.append((Self.passwordVariable(route), secret)) }
        }
        return sources
    }

    /// `AUTH_<NAME>_HASH`: `-` becomes `_` and `_` becomes `__`, so distinct routes keep
    /// distinct variables.
    static func passwordVariable(_ route: ProxyRoute) -> String {
        "AUTH_"
            + route.name.uppercased().map { $0 == "_" ? "__" : $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
            + "_HASH"
    }

    static func configuration(_ edge: EdgePlan, routes appRoutes: [ProxyRoute], hasCertificate: Bool) -> HAProxyConfig {
        let stats =
            edge.dashboardHost.map {
                [
                    ProxyRoute(
                        service: Self.statsService, host: $0, path: "/", port: 0, https: true, sticky: false,
                        auth: .none, expectedTasks: 1)
                ]
            } ?? []
        // Longer paths first, so that /api wins over / on the same host.
        let ordered = (stats + appRoutes).sorted {
            ($0.host, -$0.path.count, $0.name) < ($1.host, -$1.path.count, $1.name)
        }
        var config = HAProxyConfig()
        config.sections.append(
            .init(
                header: "global",
                lines: [
                    "log stdout format raw local0",
                    "maxconn 4096",
                    "ssl-default-bind-options ssl-min-ver TLSv1.2",
                ]))
        config.sections.append(
            .init(
                header: "defaults",
                lines: [
                    "mode http", "log global", "option httplog", "option forwardfor",
                    "timeout connect 5s", "timeout client 60s", "timeout server 60s", "timeout http-request 10s",
                    "default-server init-addr last,libc,none resolvers docker",
                ]))
        config.sections.append(
            .init(
                header: "resolvers docker",
                lines: [
                    "nameserver swarm 127.0.0.11:53", "resolve_retries 3", "timeout resolve 1s", "timeout retry 1s",
                    "hold other 10s", "hold refused 10s", "hold nx 5s", "hold timeout 10s", "hold valid 5s",
                    "hold obsolete 5s",
                    "accepted_payload_size 8192",
                ]))
        config.sections.append(
            .init(header: "frontend monitor", lines: ["bind :\(Self.monitorPort)", "monitor-uri /healthz"]))
        config.sections.append(httpFrontend(ordered))
        if hasCertificate || ordered.contains(where: \.https) {
            config.sections.append(httpsFrontend(ordered.filter(\.https)))
        }
        config.sections.append(
            .init(header: "backend \(Self.noRouteBackend)", lines: ["http-request deny deny_status 404"]))
        if ordered.contains(where: \.https) {
            config.sections.append(
                .init(header: "backend \(Self.redirectBackend)", lines: ["http-request redirect scheme https code 301"])
            )
        }
        for route in ordered {
            config.sections += backend(route, edge)
        }
        return config
    }

    static func acl(_ route: ProxyRoute) -> (names: [String], lines: [String]) {
        let name = route.name
        var lines = ["acl host_\(name) hdr(host),field(1,:) -i \(route.host)"]
        var names = ["host_\(name)"]
        if route.path != "/" {
            lines.append("acl path_\(name) path_beg \(route.path)")
            names.append("path_\(name)")
        }
        return (names, lines)
    }

    static func httpFrontend(_ routes: [ProxyRoute]) -> HAProxyConfig.Section {
        var lines = ["bind :80", "http-request set-header X-Forwarded-Proto http"]
        for route in routes {
            let (names, aclLines) = acl(route)
            lines += aclLines
            // Redirected by a backend, not by an `http-request redirect` here: HAProxy runs every
            // http-request rule before any use_backend, so redirecting `/` of a host would take
            // the requests of an `https: false` route at a longer path of that host.
            lines.append(
                "use_backend \(route.https ? Self.redirectBackend : route.name) if \(names.joined(separator: " "))")
        }
        lines.append("default_backend \(Self.noRouteBackend)")
        return .init(header: "frontend http", lines: lines)
    }

    static func httpsFrontend(_ routes: [ProxyRoute]) -> HAProxyConfig.Section {
        var lines = [
            "bind :443 ssl crt \(Self.certificatePath) alpn h2,http/1.1",
            "http-request set-header X-Forwarded-Proto https",
            "http-response set-header Strict-Transport-Security \"max-age=31536000; includeSubDomains\"",
            "http-response set-header X-Content-Type-Options nosniff",
            "http-response set-header X-Frame-Options DENY",
        ]
        for route in routes {
            let (names, aclLines) = acl(route)
            lines += aclLines
            lines.append("use_backend \(route.name) if \(names.joined(separator: " "))")
        }
        lines.append("default_backend \(Self.noRouteBackend)")
        return .init(header: "frontend https", lines: lines)
    }

    /// Why a route that needs a sign-in proxy is closed with HAProxy.
    static let signInRefused = "this app signs in through an authenticating proxy, which stackc wires into Traefik only"

    static func backend(_ route: ProxyRoute, _ edge: EdgePlan) -> [HAProxyConfig.Section] {
        if route.service == Self.statsService && route.port == 0 {
            return [
                .init(header: "userlist stats_users", lines: ["user admin password \"${STATS_PASSWORD_HASH}\""]),
                .init(
                    header: "backend \(Self.statsService)",
                    lines: [
                        "http-request auth realm \(HAProxyConfig.quote("\(edge.stackName) proxy")) unless { http_auth(stats_users) }",
                        "stats enable", "stats uri /", "stats refresh 10s", "stats show-legends",
                    ]),
            ]
        }
        var sections: [HAProxyConfig.Section] = []
        var lines = ["balance roundrobin"]
        if route.signIn != nil {
            // The check refuses `auth: oidc` through an authenticating proxy with HAProxy (E225);
            // should such a route reach this renderer anyway, it is closed, never open.
            lines.append(
                "http-request return status 403 content-type text/plain string \(HAProxyConfig.quote(Self.signInRefused))"
            )
        }
        if let ranges = route.allowedNetworks {
            lines.append("http-request deny deny_status 403 unless { src \(ranges.joined(separator: " ")) }")
        }
        if route.basicAuthSecret != nil {
            sections.append(
                .init(
                    header: "userlist users_\(route.name)",
                    lines: ["user admin password \"${\(Self.passwordVariable(route))}\""]))
            lines.append("http-request auth realm \(route.name) unless { http_auth(users_\(route.name)) }")
        }
        if let path = route.healthPath {
            lines += [
                "option httpchk", "http-check send meth GET uri \(path) hdr Host \(route.host)",
                "http-check expect status 200-399",
            ]
        }
        if route.sticky {
            lines.append(
                "cookie \(edge.stackName)_\(route.name)_affinity insert indirect nocache httponly\(route.https ? " secure" : "") dynamic"
            )
            // Not a secret: it only keeps cookie values stable across HAProxy restarts.
            lines.append("dynamic-cookie-key \(edge.stackName)-\(route.name)")
        }
        let slots = max(10, route.expectedTasks * 2)
        let check = route.healthPath != nil ? " check inter 5s" : " check"
        lines.append(
            "server-template \(route.name)- \(slots) tasks.\(edge.stackName)_\(route.service):\(route.port)\(check) resolvers docker init-addr none"
        )
        sections.append(.init(header: "backend \(route.name)", lines: lines))
        return sections
    }
}
