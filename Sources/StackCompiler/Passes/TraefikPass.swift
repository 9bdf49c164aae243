import YAML

/// Reads `proxy` (when Traefik), `tls` and the routes other passes contributed; adds the
/// Traefik service (global on managers, Swarm provider, ports 80 and 443 in host mode), its
/// static configuration and a dynamic file (default certificate, TLS options, the redirect and
/// security-header middlewares, the dashboard), and the `deploy.labels` of each routed service.
struct TraefikPass: BuildPass {
    static let image = "traefik:v3.6"
    static let certificateResolver = "le"
    /// Paths inside the Traefik container.
    static let staticPath = "/etc/traefik/traefik.yml"
    static let dynamicPath = "/etc/traefik/dynamic/stackc.yml"

    func run(_ stack: ResolvedStack, _ output: inout BuildOutput) {
        guard stack.proxy.kind == .traefik, !output.routes.isEmpty || stack.proxy.dashboardHost != nil else { return }
        let certificate = EdgeCertificate.require(stack, &output)
        let network = "\(stack.name)_\(AppServicesPass.publicNetwork)"
        output.swarm.addNetwork(AppServicesPass.publicNetwork, SwarmNetwork())
        var service = SwarmService(image: Self.image)
        service.command = .list(["--configFile=\(Self.staticPath)"])
        service.networks = [AppServicesPass.publicNetwork]
        service.ports = [SwarmPort(target: 80, published: 80, mode: "host"), SwarmPort(target: 443, published: 443, mode: "host")]
        service.binds = [("/var/run/docker.sock", "/var/run/docker.sock", true)]
        let staticKey = output.addConfigFile(key: "traefik-static", path: "traefik/traefik.yml",
                                             contents: YAMLEmitter.emit(staticConfiguration(stack, network: network), header: output.headerLines))
        let dynamicKey = output.addConfigFile(key: "traefik-dynamic", path: "traefik/dynamic.yml",
                                              contents: YAMLEmitter.emit(dynamicConfiguration(stack, certificate), header: output.headerLines))
        service.configs = [(staticKey, Self.staticPath, 0o444), (dynamicKey, Self.dynamicPath, 0o444)]
        if let certificate {
            service.secrets = [(certificate.certificateSecret, certificate.certificateSecret), (certificate.keySecret, certificate.keySecret)]
        }
        if stack.proxy.dashboardHost != nil {
            let secret = output.requireSecret("proxy-dashboard-htpasswd", recipe: .htpasswd(users: ["admin"]))
            service.secrets.append((secret, secret))
        }
        for route in output.routes {
            if let secret = route.basicAuthSecret, !service.secrets.contains(where: { $0.source == secret }) {
                // Traefik reads a usersFile itself, so the secret is mounted on Traefik, not on the app.
                service.secrets.append((secret, secret))
            }
            output.swarm.updateService(route.service) { $0.deploy.labels += Self.labels(route, network: network, stack: stack) }
        }
        if stack.tls.mode == .acme {
            output.swarm.addVolume("traefik-acme", SwarmVolume())
            service.volumes = [("traefik-acme", "/letsencrypt")]
        }
        service.healthcheck = SwarmHealthcheck(test: ["CMD", "traefik", "healthcheck", "--configFile=\(Self.staticPath)"],
                                               interval: TimeSpan(seconds: 10), timeout: TimeSpan(seconds: 5), retries: 3,
                                               startPeriod: TimeSpan(seconds: 10))
        service.deploy = Self.deploy(stack)
        output.swarm.setService("traefik", service)
    }

    /// Global on the managers (the Swarm API is only there), or the replicas asked for; one
    /// replica with ACME, whose account and certificates live in one file.
    static func deploy(_ stack: ResolvedStack) -> SwarmDeploy {
        var deploy = SwarmDeploy()
        switch (stack.proxy.replicas, stack.tls.mode) {
        case (.count(let count), _):
            deploy.replicas = count
            deploy.maxReplicasPerNode = 1
        case (.global, .acme):
            deploy.replicas = 1
        case (.global, _):
            deploy.mode = "global"
            deploy.replicas = nil
        }
        deploy.constraints = ["node.role == manager"]
        // Host-mode ports: a new task cannot start beside the old one on the same node.
        deploy.updateConfig = SwarmUpdateConfig(parallelism: 1, delay: TimeSpan(seconds: 10), failureAction: "rollback", monitor: TimeSpan(seconds: 30), order: "stop-first")
        deploy.rollbackConfig = SwarmUpdateConfig(parallelism: 1, delay: nil, failureAction: "pause", monitor: nil, order: "stop-first")
        return deploy
    }

    func staticConfiguration(_ stack: ResolvedStack, network: String) -> YAMLValue {
        var top: [(key: String, value: YAMLValue)] = [
            ("global", .mapping([("checkNewVersion", .bool(false)), ("sendAnonymousUsage", .bool(false))])),
            ("entryPoints", .mapping([
                ("web", .mapping([("address", .string(":80"))])),
                ("websecure", .mapping([("address", .string(":443"))])),
                ("ping", .mapping([("address", .string(":8082"))])),
            ])),
            ("ping", .mapping([("entryPoint", .string("ping"))])),
            ("providers", .mapping([
                ("swarm", .mapping([
                    ("endpoint", .string("unix:///var/run/docker.sock")),
                    ("exposedByDefault", .bool(false)),
                    ("network", .string(network)),
                    ("refreshSeconds", .string("10s")),
                ])),
                ("file", .mapping([("directory", .string("/etc/traefik/dynamic")), ("watch", .bool(true))])),
            ])),
            ("log", .mapping([("level", .string("INFO"))])),
            ("accessLog", .mapping([])),
        ]
        if stack.proxy.dashboardHost != nil {
            top.append(("api", .mapping([("dashboard", .bool(true))])))
        }
        if stack.tls.mode == .acme, let email = stack.tls.email {
            top.append(("certificatesResolvers", .mapping([(Self.certificateResolver, .mapping([("acme", .mapping([
                ("email", .string(email)),
                ("storage", .string("/letsencrypt/acme.json")),
                ("httpChallenge", .mapping([("entryPoint", .string("web"))])),
            ]))]))])))
        }
        return .mapping(top)
    }

    func dynamicConfiguration(_ stack: ResolvedStack, _ certificate: EdgeCertificate?) -> YAMLValue {
        var middlewares: [(key: String, value: YAMLValue)] = [
            ("redirect-to-https", .mapping([("redirectScheme", .mapping([("scheme", .string("https")), ("permanent", .bool(true))]))])),
            ("security-headers", .mapping([("headers", .mapping([
                ("stsSeconds", .int(31_536_000)),
                ("stsIncludeSubdomains", .bool(true)),
                ("frameDeny", .bool(true)),
                ("contentTypeNosniff", .bool(true)),
                ("referrerPolicy", .string("strict-origin-when-cross-origin")),
            ]))])),
        ]
        var http: [(key: String, value: YAMLValue)] = []
        if let host = stack.proxy.dashboardHost {
            middlewares.append(("dashboard-auth", .mapping([("basicAuth", .mapping([
                ("usersFile", .string("/run/secrets/proxy-dashboard-htpasswd")), ("realm", .string("\(stack.name) proxy")),
            ]))])))
            let rule = "Host(`\(host)`)"
            var routers: [(key: String, value: YAMLValue)] = [
                ("dashboard", .mapping([
                    ("rule", .string(rule)), ("entryPoints", .sequence([.string("websecure")])),
                    ("service", .string("api@internal")),
                    ("middlewares", .sequence([.string("dashboard-auth"), .string("security-headers")])),
                    ("tls", tlsValue(stack)),
                ])),
            ]
            routers.append(("dashboard-http", .mapping([
                ("rule", .string(rule)), ("entryPoints", .sequence([.string("web")])), ("service", .string("api@internal")),
                ("middlewares", .sequence([.string("redirect-to-https")])),
            ])))
            http.append(("routers", .mapping(routers)))
        }
        http.append(("middlewares", .mapping(middlewares)))
        var top: [(key: String, value: YAMLValue)] = [("http", .mapping(http))]
        var tls: [(key: String, value: YAMLValue)] = [
            ("options", .mapping([("default", .mapping([("minVersion", .string("VersionTLS12")), ("sniStrict", .bool(false))]))])),
        ]
        if let certificate {
            tls.append(("stores", .mapping([("default", .mapping([("defaultCertificate", .mapping([
                ("certFile", .string("/run/secrets/\(certificate.certificateSecret)")),
                ("keyFile", .string("/run/secrets/\(certificate.keySecret)")),
            ]))]))])))
        }
        top.append(("tls", .mapping(tls)))
        return .mapping(top)
    }

    /// `{}` (the default certificate) or the ACME resolver.
    func tlsValue(_ stack: ResolvedStack) -> YAMLValue {
        stack.tls.mode == .acme ? .mapping([("certResolver", .string(Self.certificateResolver))]) : .mapping([])
    }

    /// The `deploy.labels` that route `route` to its service's tasks.
    static func labels(_ route: ProxyRoute, network: String, stack: ResolvedStack) -> [(key: String, value: String)] {
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
        if route.https {
            labels += [
                ("\(router).rule", rule), ("\(router).entrypoints", "websecure"), ("\(router).service", name),
                ("\(router).tls", "true"),
                ("\(router).middlewares", (["security-headers@file"] + middlewares).joined(separator: ",")),
                ("\(router)-http.rule", rule), ("\(router)-http.entrypoints", "web"), ("\(router)-http.service", name),
                ("\(router)-http.middlewares", "redirect-to-https@file"),
            ]
            if stack.tls.mode == .acme { labels.append(("\(router).tls.certresolver", certificateResolver)) }
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
                ("\(service).sticky.cookie.name", "\(stack.name)_\(name)_affinity"),
                ("\(service).sticky.cookie.secure", route.https ? "true" : "false"),
                ("\(service).sticky.cookie.httponly", "true"),
                ("\(service).sticky.cookie.samesite", "lax"),
            ]
        }
        return labels
    }
}
