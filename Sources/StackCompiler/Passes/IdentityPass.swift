/// Reads `identity` (and every OIDC client `SingleSignOn` derives from the apps); contributes
/// Keycloak in production mode behind the edge proxy: its service (database on the named
/// server, proxy headers from the proxy's network only, the public URL as hostname, health and
/// metrics on the management port, the bootstrap administrator and the clients' secrets read
/// from Docker secrets by its start-up wrapper, `--import-realm` of the realm file), its route,
/// the realm file (`keycloak/<realm>-realm.json`), and the one-shot job that brings a running
/// Keycloak's realm in line with that file on every deploy (`keycloak/realm-sync.sh`).
///
/// Several replicas form one cluster: Keycloak 26's default `jdbc-ping` stack finds the peers
/// through the shared database, and each replica binds its cluster transport to its address on
/// a network of their own, whose range is fixed so that it can be named.
struct IdentityPass: BuildPass {
    static let image = "quay.io/keycloak/keycloak:26.4"
    /// Where Keycloak serves health and metrics (never routed).
    static let managementPort = 9000
    /// Keycloak's own start, which the wrapper runs after reading the secrets.
    static let start = KnownImages.Start(
        entrypoint: ["/opt/keycloak/bin/kc.sh"], command: ["start", "--import-realm"])
    static let importFolder = "/opt/keycloak/data/import"
    static let adminUser = "admin"

    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        guard let identity = stack.identity, let database = stack.database(identity.database) else { return }
        let keycloak = PlatformService.keycloak.name
        // `lint` keeps only the service and its start-up: the clients only matter for files.
        let clients = plan.context.renders ? SingleSignOn.clients(stack) : []
        let header = plan.context.headerLines

        let origins = KeycloakRealm.origins(identity, clients: clients, origin: plan.origin)
        let root = plan.origin
        let realm = plan.addConfigFile(
            key: PlatformNames.realmConfig, path: PlatformNames.realmFile(identity.realm),
            annotated: {
                OriginText(
                    json: KeycloakRealm.realm(identity, clients: clients), map: origins, root: root)
            })
        let admin = plan.requireSecret(
            PlatformNames.keycloakAdminSecret, recipe: .loginPassword(user: Self.adminUser))
        let databasePassword = plan.requireSecret(
            PlatformNames.databasePasswordSecret(database: database.name, consumer: keycloak), recipe: .randomPassword)
        let keys = plan.origin.keys
        let clientSecrets = clients.map { client in
            plan.reading(client.manifestKeys)
            return plan.requireSecret(client.secret, recipe: .randomPassword)
        }
        plan.reading(keys)

        var service = PlannedService(image: Self.image)
        service.port = PlatformService.keycloak.port
        service.environment = Self.environment(stack, identity, database)
        let network = PlatformNames.databaseNetwork(database.name)
        // The proxy's network (its route), the database's, and the apps' (apps that wait for it
        // or speak OIDC to it from inside the stack).
        service.networks = [PlatformNames.publicNetwork, network]
        if !stack.apps.isEmpty { service.networks.append(PlatformNames.appsNetwork) }
        if identity.replicas > 1 {
            plan.addNetwork(
                PlatformNames.identityClusterNetwork,
                PlannedNetwork(
                    internal: true, encrypted: true,
                    subnet: PlatformNames.identityClusterSubnet(stack: stack.name)))
            service.networks.append(PlatformNames.identityClusterNetwork)
        }
        plan.addNetwork(PlatformNames.publicNetwork, .edge(stack: stack.name))
        service.secrets = ([admin, databasePassword] + clientSecrets).map { ($0, $0) }
        service.files = [(realm, "\(Self.importFolder)/\(PlatformNames.realmFileName(identity.realm))", 0o444)]
        service.kind = .replicated(identity.replicas)
        service.health = PlannedService.HealthCheck(
            test: .exec(["bash", "-c", Self.readinessProbe]), interval: TimeSpan(seconds: 15),
            timeout: TimeSpan(seconds: 5), retries: 10, startPeriod: TimeSpan(seconds: 120))
        // Replicas start one after the other, the new one ready before the old one stops, so that
        // sign-ins go on during an update.
        service.update = PlannedService.UpdatePolicy(
            parallelism: 1, delay: TimeSpan(seconds: 10), failureAction: .rollback, monitor: TimeSpan(seconds: 60),
            order: .startFirst)
        service.rollback = PlannedService.UpdatePolicy(
            parallelism: 1, delay: nil, failureAction: .pause, monitor: nil, order: .startFirst)
        service.stopGracePeriod = TimeSpan(seconds: 30)
        plan.addService(keycloak, service)

        var steps: [StartupPlan.Step] = [
            .exportSecret(variable: "KC_BOOTSTRAP_ADMIN_PASSWORD", file: "/run/secrets/\(admin)"),
            .exportSecret(variable: "KC_DB_PASSWORD", file: "/run/secrets/\(databasePassword)"),
        ]
        steps += zip(clients, clientSecrets).map { client, secret in
            .exportSecret(variable: client.secretVariable, file: "/run/secrets/\(secret)")
        }
        steps.append(.waitFor(.database(database.name, port: PlatformNames.port(of: database.engine))))
        plan.addStartup(StartupPlan(service: keycloak, steps: steps, start: Self.start, image: Self.image))

        plan.addRoute(
            ProxyRoute(
                service: keycloak, host: identity.host, path: "/", port: PlatformService.keycloak.port ?? 8080,
                https: true, sticky: identity.replicas > 1, auth: .none, healthPath: nil, healthInterval: nil,
                expectedTasks: identity.replicas))

        addRealmSync(identity, clients: clients, realmConfig: realm, admin: admin, header: header, &plan)
    }

    /// Keycloak's settings: production mode behind the proxy, HTTP inside the overlay.
    static func environment(_ stack: ResolvedStack, _ identity: IdentitySettings, _ database: Database)
        -> [(key: String, value: String)]
    {
        var environment: [(key: String, value: String)] = [
            ("KC_DB", "postgres"),
            (
                "KC_DB_URL",
                "jdbc:postgresql://\(database.name):\(PlatformNames.port(of: database.engine))/\(PlatformService.keycloak.name)"
            ),
            ("KC_DB_USERNAME", PlatformService.keycloak.name),
            ("KC_HOSTNAME", "https://\(identity.host)"),
            // Services inside the stack reach Keycloak at its own address (tokens, keys).
            ("KC_HOSTNAME_BACKCHANNEL_DYNAMIC", "true"),
            ("KC_HTTP_ENABLED", "true"),
            ("KC_HTTP_PORT", String(PlatformService.keycloak.port ?? 8080)),
            ("KC_PROXY_HEADERS", "xforwarded"),
            // Only the edge proxy's network may say who the client is.
            ("KC_PROXY_TRUSTED_ADDRESSES", PlatformNames.publicSubnet(stack: stack.name)),
            ("KC_HEALTH_ENABLED", "true"),
            ("KC_METRICS_ENABLED", "true"),
            ("KC_HTTP_MANAGEMENT_PORT", String(managementPort)),
            ("KC_BOOTSTRAP_ADMIN_USERNAME", adminUser),
        ]
        if identity.replicas > 1 {
            environment += [
                ("KC_CACHE", "ispn"),
                ("KC_CACHE_STACK", "jdbc-ping"),
                (
                    "KC_CACHE_EMBEDDED_NETWORK_BIND_ADDRESS",
                    "match-address:\(clusterAddressPattern(PlatformNames.identityClusterSubnet(stack: stack.name)))"
                ),
            ]
        }
        return environment
    }

    /// A JGroups address pattern for every address of a /24 (`10\.231\.7\..*`).
    static func clusterAddressPattern(_ subnet: String) -> String {
        let prefix = subnet.split(separator: ".").prefix(3).joined(separator: "\\.")
        return prefix + "\\..*"
    }

    /// Readiness on the management port, with bash alone (the image has no curl or wget): the
    /// status line of `GET /health/ready` must be 200.
    static let readinessProbe =
        "exec 3<>/dev/tcp/127.0.0.1/\(managementPort) && printf 'GET /health/ready HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200'"

    /// The job that reconciles the running realm with the file on every deploy: it runs
    /// `kcadm.sh` from the Keycloak image against Keycloak inside the stack.
    func addRealmSync(
        _ identity: IdentitySettings, clients: [RealmClient], realmConfig: String, admin: String, header: [String],
        _ plan: inout BuildPlan
    ) {
        let script = plan.addConfigFile(
            key: PlatformNames.realmSyncConfig, path: PlatformNames.realmSyncFile,
            contents: RealmSyncScript.render(identity, clients: clients, header: header), executable: true)
        let origins = KeycloakRealm.origins(identity, clients: clients, origin: plan.origin)
        let root = plan.origin
        let additions = plan.addConfigFile(
            key: PlatformNames.realmAdditionsConfig, path: PlatformNames.realmAdditionsFile(identity.realm),
            annotated: {
                OriginText(json: KeycloakRealm.additionsDocument(identity), map: origins, root: root)
            })
        let clientUpdate = plan.addConfigFile(
            key: PlatformNames.realmClientsConfig, path: PlatformNames.realmClientsFile(identity.realm),
            annotated: {
                OriginText(json: KeycloakRealm.clientUpdateDocument(clients), map: origins, root: root)
            })
        var job = PlannedService(image: Self.image)
        job.kind = .job
        job.entrypoint = ["bash", RealmSyncScript.Paths.script]
        job.networks = [PlatformNames.publicNetwork]
        job.files = [
            (script, RealmSyncScript.Paths.script, 0o555),
            (realmConfig, RealmSyncScript.Paths.realm, 0o444),
            (additions, RealmSyncScript.Paths.additions, 0o444),
            (clientUpdate, RealmSyncScript.Paths.clients, 0o444),
        ]
        job.secrets = ([admin] + clients.map(\.secret)).map { ($0, $0) }
        job.environment = [
            ("KEYCLOAK_HOST", PlatformService.keycloak.name),
            ("KEYCLOAK_PORT", String(PlatformService.keycloak.port ?? 8080)),
            ("KEYCLOAK_MANAGEMENT_PORT", String(Self.managementPort)),
            ("KEYCLOAK_ADMIN_USER", Self.adminUser),
            ("KEYCLOAK_ADMIN_PASSWORD_FILE", "/run/secrets/\(admin)"),
        ]
        job.restart = PlannedService.RestartPolicy(
            condition: .onFailure, delay: TimeSpan(seconds: 15), maxAttempts: 20, window: nil)
        plan.addService(PlatformNames.realmSyncService, job)
    }
}
