import YAML

/// Reads the finished plan's routes and the edge settings, when the proxy is Traefik; renders
/// the Traefik service (global on managers, Swarm provider, ports 80 and 443 on each node), its
/// static configuration and a dynamic file (default certificate, TLS options, the redirect and
/// security-header middlewares, the dashboard), and the service labels of each routed service.
enum TraefikRenderer: EdgeProxyRenderer {
    static let image = "traefik:v3.7.15"
    static let certificateResolver = "le"
    /// Paths inside the Traefik container.
    static let staticPath = "/etc/traefik/traefik.yml"
    static let dynamicPath = "/etc/traefik/dynamic/stackc.yml"
    /// The entry point Prometheus scrapes, with `monitoring.metrics`: on the monitoring
    /// network only (no route and no published port lead to it).
    static let metricsEntryPoint = "metrics"
    static let metricsPort = 8083

    static func render(_ plan: FinishedPlan, _ edge: EdgePlan) -> RenderedEdge {
        var own = BuildPlan(context: plan.context)
        own.begin(pass: "TraefikRenderer", keys: plan.origins.edge?.keys ?? ["name"])
        let certificate = EdgeCertificate.require(edge, hosts: edge.hosts(plan.routes), &own)
        let network = "\(edge.stackName)_\(PlatformNames.publicNetwork)"
        var service = EdgeDeployment.service(image: Self.image, edge, in: &own)
        service.command = .words(["--configFile=\(Self.staticPath)"])
        service.hostPaths = [("/var/run/docker.sock", "/var/run/docker.sock", true)]
        // The network is the main plan's (declared with metrics).
        if edge.metrics { service.networks.append(PlatformNames.monitoringNetwork) }
        let header = plan.context.headerLines
        let staticKey = own.addConfigFile(
            key: "traefik-static", path: "traefik/traefik.yml",
            contents: YAMLEmitter.emit(staticConfiguration(edge, network: network), header: header))
        let dynamicKey = own.addConfigFile(
            key: "traefik-dynamic", path: "traefik/dynamic.yml",
            contents: YAMLEmitter.emit(dynamicConfiguration(edge, certificate), header: header))
        service.files = [(staticKey, Self.staticPath, 0o444), (dynamicKey, Self.dynamicPath, 0o444)]
        if let certificate {
            service.secrets = [
                (certificate.certificateSecret, certificate.certificateSecret),
                (certificate.keySecret, certificate.keySecret),
            ]
        }
        if edge.dashboardHost != nil {
            let secret = own.requireSecret(PlatformNames.proxyDashboardSecret, recipe: .htpasswd(users: ["admin"]))
            service.secrets.append((secret, secret))
        }
        var labels: [(service: String, labels: [(key: String, value: String)])] = []
        var labelOrigins: [(service: String, origin: OutputOrigin)] = []
        var stickyOrigins: [String: OutputOrigin] = [:]
        for route in plan.routes {
            if let secret = route.basicAuthSecret {
                // Traefik reads a usersFile itself, so the secret is mounted on Traefik, not on the app.
                service.mountSecret(secret, at: secret)
            }
            labels.append((route.service, Self.labels(route, network: network, edge: edge)))
            labelOrigins.append((route.service, route.origin ?? .structure("TraefikRenderer")))
            if let sticky = route.stickyOrigin { stickyOrigins[route.service] = sticky }
        }
        if edge.tls.mode == .acme {
            own.addVolume(PlatformNames.acmeVolume, PlannedVolume(sharedFolder: edge.sharedFolder))
            service.volumes = [(PlatformNames.acmeVolume, "/letsencrypt")]
        }
        service.health = EdgeDeployment.healthCheck(
            .exec(["traefik", "healthcheck", "--configFile=\(Self.staticPath)"]))
        own.addService(PlatformService.traefik.name, service)
        EdgeCertificate.addTrust(certificate, edge, &own)
        var rendered = RenderedEdge(plan: own.finish(), labels: labels, labelOrigins: labelOrigins)
        rendered.stickyOrigins = stickyOrigins
        return rendered
    }

    /// Request headers whose names alias another's (`X_Auth_Request_User` for
    /// `X-Auth-Request-User`) are dropped before routing: PHP, WSGI and CGI apps read them as the
    /// same variable, so a client could otherwise claim to be another user past forward-auth.
    static let aliasHeaders = YAMLValue.mapping([("aliasHeadersStrategy", .string("delete"))])

    static func staticConfiguration(_ edge: EdgePlan, network: String) -> YAMLValue {
        var top: [(key: String, value: YAMLValue)] = [
            ("global", .mapping([("checkNewVersion", .bool(false)), ("sendAnonymousUsage", .bool(false))])),
            (
                "entryPoints",
                .mapping(
                    [
                        ("web", .mapping([("address", .string(":80")), ("http", aliasHeaders)])),
                        (
                            "websecure",
                            .mapping([("address", .string(":443")), ("http", aliasHeaders)] + uploads(edge))
                        ),
                        ("ping", .mapping([("address", .string(":8082"))])),
                    ] + metricsEntryPoints(edge))
            ),
            ("ping", .mapping([("entryPoint", .string("ping"))])),
            (
                "providers",
                .mapping([
                    (
                        "swarm",
                        .mapping([
                            ("endpoint", .string("unix:///var/run/docker.sock")),
                            ("exposedByDefault", .bool(false)),
                            ("network", .string(network)),
                            ("refreshSeconds", .string("10s")),
                        ])
                    ),
                    ("file", .mapping([("directory", .string("/etc/traefik/dynamic")), ("watch", .bool(true))])),
                ])
            ),
            ("log", .mapping([("level", .string("INFO"))])),
            ("accessLog", .mapping([])),
        ]
        if edge.dashboardHost != nil {
            top.append(("api", .mapping([("dashboard", .bool(true))])))
        }
        if edge.metrics {
            // Certificates' expiry (`traefik_tls_certs_not_after`) and the entry points' traffic.
            top.append(("metrics", .mapping([("prometheus", .mapping([("entryPoint", .string(metricsEntryPoint))]))])))
        }
        if edge.tls.mode == .acme, let email = edge.tls.email {
            top.append(
                (
                    "certificatesResolvers",
                    .mapping([
                        (
                            Self.certificateResolver,
                            .mapping([
                                (
                                    "acme",
                                    .mapping([
                                        ("email", .string(email)),
                                        ("storage", .string("/letsencrypt/acme.json")),
                                        ("httpChallenge", .mapping([("entryPoint", .string("web"))])),
                                    ])
                                )
                            ])
                        )
                    ])
                ))
        }
        return .mapping(top)
    }

    /// With a registry behind it, an image layer's upload may take longer than Traefik 3's
    /// default read timeout of 60 s: the HTTPS entry point waits up to 30 minutes for a request.
    static func uploads(_ edge: EdgePlan) -> [(key: String, value: YAMLValue)] {
        guard !edge.registryHosts.isEmpty else { return [] }
        return [
            (
                "transport",
                .mapping([("respondingTimeouts", .mapping([("readTimeout", .string(registryReadTimeout))]))])
            )
        ]
    }
    static let registryReadTimeout = "30m"

    static func metricsEntryPoints(_ edge: EdgePlan) -> [(key: String, value: YAMLValue)] {
        edge.metrics ? [(metricsEntryPoint, .mapping([("address", .string(":\(metricsPort)"))]))] : []
    }

    static func dynamicConfiguration(_ edge: EdgePlan, _ certificate: EdgeCertificate?) -> YAMLValue {
        var middlewares: [(key: String, value: YAMLValue)] = [
            (
                "redirect-to-https",
                .mapping([("redirectScheme", .mapping([("scheme", .string("https")), ("permanent", .bool(true))]))])
            ),
            (
                "security-headers",
                .mapping([
                    (
                        "headers",
                        .mapping([
                            ("stsSeconds", .int(31_536_000)),
                            ("stsIncludeSubdomains", .bool(true)),
                            ("frameDeny", .bool(true)),
                            ("contentTypeNosniff", .bool(true)),
                            ("referrerPolicy", .string("strict-origin-when-cross-origin")),
                        ])
                    )
                ])
            ),
        ]
        var http: [(key: String, value: YAMLValue)] = []
        if let host = edge.dashboardHost {
            middlewares.append(
                (
                    "dashboard-auth",
                    .mapping([
                        (
                            "basicAuth",
                            .mapping([
                                ("usersFile", .string("/run/secrets/\(PlatformNames.proxyDashboardSecret)")),
                                ("realm", .string("\(edge.stackName) proxy")),
                            ])
                        )
                    ])
                ))
            let rule = "Host(`\(host)`)"
            var routers: [(key: String, value: YAMLValue)] = [
                (
                    "dashboard",
                    .mapping([
                        ("rule", .string(rule)), ("entryPoints", .sequence([.string("websecure")])),
                        ("service", .string("api@internal")),
                        ("middlewares", .sequence([.string("dashboard-auth"), .string("security-headers")])),
                        ("tls", tlsValue(edge)),
                    ])
                )
            ]
            routers.append(
                (
                    "dashboard-http",
                    .mapping([
                        ("rule", .string(rule)), ("entryPoints", .sequence([.string("web")])),
                        ("service", .string("api@internal")),
                        ("middlewares", .sequence([.string("redirect-to-https")])),
                    ])
                ))
            http.append(("routers", .mapping(routers)))
        }
        http.append(("middlewares", .mapping(middlewares)))
        var top: [(key: String, value: YAMLValue)] = [("http", .mapping(http))]
        var tls: [(key: String, value: YAMLValue)] = [
            (
                "options",
                .mapping([
                    ("default", .mapping([("minVersion", .string("VersionTLS12")), ("sniStrict", .bool(false))]))
                ])
            )
        ]
        if let certificate {
            tls.append(
                (
                    "stores",
                    .mapping([
                        (
                            "default",
                            .mapping([
                                (
                                    "defaultCertificate",
                                    .mapping([
                                        ("certFile", .string("/run/secrets/\(certificate.certificateSecret)")),
                                        ("keyFile", .string("/run/secrets/\(certificate.keySecret)")),
                                    ])
                                )
                            ])
                        )
                    ])
                ))
        }
        top.append(("tls", .mapping(tls)))
        return .mapping(top)
    }

    /// `{}` (the default certificate) or the ACME resolver.
    static func tlsValue(_ edge: EdgePlan) -> YAMLValue {
        edge.tls.mode == .acme ? .mapping([("certResolver", .string(Self.certificateResolver))]) : .mapping([])
    }

    /// The headers the sign-in proxy answers with, handed to the app: who signed in.
    static let signedInHeaders = [
        "X-Auth-Request-User", "X-Auth-Request-Email", "X-Auth-Request-Preferred-Username", "X-Auth-Request-Groups",
    ]

    /// The `deploy.labels` that route `route` to its service's tasks.
    static func labels(_ route: ProxyRoute, network: String, edge: EdgePlan) -> [(key: String, value: String)] {
        let name = route.name
        let router = "traefik.http.routers.\(name)"
        let service = "traefik.http.services.\(name).loadbalancer"
        var rule = "Host(`\(route.host)`)"
        if route.path != "/" { rule += " && PathPrefix(`\(route.path)`)" }
        var labels: [(key: String, value: String)] = [
            ("traefik.enable", "true"),
            ("traefik.swarm.network", network),
            ("\(service).server.port", String(route.port)),
        ]
        var middlewares: [String] = []
        if let secret = route.basicAuthSecret {
            labels.append(("traefik.http.middlewares.\(name)-auth.basicauth.usersfile", "/run/secrets/\(secret)"))
            labels.append(("traefik.http.middlewares.\(name)-auth.basicauth.realm", name))
            middlewares.append("\(name)-auth")
        }
        if let ranges = route.allowedNetworks {
            labels.append(
                ("traefik.http.middlewares.\(name)-allow.ipallowlist.sourcerange", ranges.joined(separator: ",")))
            middlewares.append("\(name)-allow")
        }
        if let proxy = route.signIn {
            // Every request asks the sign-in proxy first: 2xx passes (with who signed in), any
            // other answer goes back to the client (the redirect to the sign-in page).
            let auth = "traefik.http.middlewares.\(name)-sso.forwardauth"
            labels += [
                ("\(auth).address", proxy.checkAddress),
                ("\(auth).trustForwardHeader", "false"),
                ("\(auth).authResponseHeaders", Self.signedInHeaders.joined(separator: ",")),
                // The proxy's answers are short; a longer one is refused rather than buffered.
                ("\(auth).maxResponseBodySize", "65536"),
            ]
            middlewares.append("\(name)-sso")
        }
        if route.https {
            labels += [
                ("\(router).rule", rule), ("\(router).entrypoints", "websecure"), ("\(router).service", name),
                ("\(router).tls", "true"),
                ("\(router).middlewares", (["security-headers@file"] + middlewares).joined(separator: ",")),
                ("\(router)-http.rule", rule), ("\(router)-http.entrypoints", "web"), ("\(router)-http.service", name),
                ("\(router)-http.middlewares", "redirect-to-https@file"),
            ]
            if edge.tls.mode == .acme { labels.append(("\(router).tls.certresolver", certificateResolver)) }
        } else {
            labels += [("\(router).rule", rule), ("\(router).entrypoints", "web"), ("\(router).service", name)]
            if !middlewares.isEmpty { labels.append(("\(router).middlewares", middlewares.joined(separator: ","))) }
        }
        if let path = route.healthPath {
            labels.append(("\(service).healthcheck.path", path))
            labels.append(("\(service).healthcheck.interval", (route.healthInterval ?? TimeSpan(seconds: 30)).goString))
        }
        if route.sticky {
            labels += [
                ("\(service).sticky.cookie", "true"),
                ("\(service).sticky.cookie.name", "\(edge.stackName)_\(name)_affinity"),
                ("\(service).sticky.cookie.secure", route.https ? "true" : "false"),
                ("\(service).sticky.cookie.httponly", "true"),
                ("\(service).sticky.cookie.samesite", "lax"),
            ]
        }
        return labels
    }
}
