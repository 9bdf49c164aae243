import StackDiagnostics

/// Turns the manifest's syntax into the resolved model: applies every default, expands hosts
/// with the domain and computes the nodes. It never fails: values that did not decode fall back
/// to defaults, and the checks (`CheckRule`s) report what is wrong.
struct StackResolver {
    let syntax: ManifestSyntax
    let path: String
    /// The names of the apps and of the databases, for `dependency(_:)` to look up in constant time.
    private let appNames: Set<String>
    private let databaseNames: Set<String>

    init(syntax: ManifestSyntax, path: String) {
        self.syntax = syntax
        self.path = path
        appNames = Set(syntax.apps.map(\.name.value))
        databaseNames = Set(syntax.databases.map(\.name.value))
    }

    func resolve() -> ResolvedStack {
        let name = syntax.name?.value ?? "stack"
        let cluster = resolveCluster()
        let monitoringSyntax = syntax.monitoring
        let metrics = monitoringSyntax?.metrics?.value ?? false
        let logs = monitoringSyntax?.logs?.value ?? false
        var stack = ResolvedStack(
            sourcePath: path,
            manifestPath: path,
            name: name,
            domain: syntax.domain?.value,
            tls: TLSSettings(
                mode: syntax.tls?.mode?.value ?? .selfsigned,
                email: syntax.tls?.email?.value),
            proxy: ProxySettings(
                kind: syntax.proxy?.kind?.value ?? .traefik,
                dashboardHost: syntax.proxy?.dashboard.flatMap {
                    hostToggle($0.value, defaultLabel: PlatformNames.DefaultHost.proxyDashboard)
                },
                replicas: syntax.proxy?.replicas?.value ?? .global),
            cluster: cluster,
            registry: syntax.registry.map { registry in
                RegistrySettings(
                    host: expand(registry.host?.value ?? PlatformNames.DefaultHost.registry),
                    users: registry.users.isEmpty
                        ? [PlatformNames.defaultRegistryUser] : registry.users.map(\.value),
                    mirrorHost: registry.mirror.flatMap {
                        hostToggle($0.value, defaultLabel: PlatformNames.DefaultHost.mirror)
                    },
                    backup: registry.backup?.value)
            },
            identity: syntax.identity.map(resolveIdentity),
            monitoring: MonitoringSettings(
                metrics: metrics, logs: logs,
                alerts: monitoringSyntax?.alerts.flatMap(resolveAlerts),
                grafana: resolveGrafana(enabledByDefault: metrics || logs),
                retention: monitoringSyntax?.retention?.value ?? TimeSpan(seconds: 15 * 86_400),
                logRetention: monitoringSyntax?.logRetention?.value ?? TimeSpan(seconds: 15 * 86_400)),
            databases: syntax.databases.map(resolveDatabase),
            backup: BackupDefaults(
                target: syntax.backup?.target?.value ?? "/backups", keep: syntax.backup?.keep?.value ?? 7),
            apps: syntax.apps.map(resolveApp))
        // Without a domain, nothing of monitoring that has no login of its own is routed: it
        // stays inside the stack (`docker exec`, a tunnel).
        if metrics, syntax.domain?.value != nil {
            stack.monitoring.prometheusHost = expand(PlatformNames.DefaultHost.prometheus)
            if stack.monitoring.runningAlerts != nil {
                stack.monitoring.alertmanagerHost = expand(PlatformNames.DefaultHost.alertmanager)
            }
        }
        stack.cluster.dockerMetrics = syntax.cluster?.dockerMetrics?.value ?? metrics
        stack.cluster.dockerMirror = syntax.cluster?.dockerMirror?.value ?? (stack.registry?.mirrorHost != nil)
        let keys = syntax.topKeySpans
        stack.sectionSpans = SectionSpans(
            manifest: syntax.rootSpan, cluster: keys["cluster"], registry: keys["registry"],
            identity: keys["identity"], monitoring: keys["monitoring"], tls: keys["tls"], domain: keys["domain"])
        stack.indexApps()
        bindConsumers(&stack)
        return stack
    }

    /// `monitoring.alerts` when on; the mail relay's defaults follow the domain (the checker
    /// refuses `email` with neither a relay nor a domain to default it to).
    func resolveAlerts(_ alerts: AlertsSyntax) -> MonitoringSettings.Alerts? {
        guard alerts.enabled else { return nil }
        let domain = syntax.domain?.value
        var mail: MonitoringSettings.Mail?
        if alerts.email != nil,
            let relay = alerts.smtp?.value
                ?? domain.map({ SMTPRelay(host: "smtp.\($0)", port: SMTPRelay.defaultPort) }),
            let from = alerts.from?.value ?? domain.map({ "alertmanager@\($0)" })
        {
            mail = MonitoringSettings.Mail(relay: relay, from: from, user: alerts.user?.value)
        }
        return MonitoringSettings.Alerts(email: alerts.email?.value, webhook: alerts.webhook?.value, mail: mail)
    }

    /// `label` → `label.<domain>`; full names stay as written.
    func expand(_ host: String) -> String {
        // A byte, not a Character: searching Characters breaks graphemes, for every app.
        guard !host.utf8.contains(0x2E), let domain = syntax.domain?.value else { return host }
        return "\(host).\(domain)"
    }

    func hostToggle(_ toggle: HostToggle, defaultLabel: String) -> String? {
        switch toggle {
        case .off: return nil
        case .defaultHost: return expand(defaultLabel)
        case .host(let host): return expand(host)
        }
    }

    func resolveCluster() -> Cluster {
        let c = syntax.cluster
        let managers = c?.managers?.value ?? 1
        let workers = c?.workers?.value ?? 0
        let provision = c?.provision?.value ?? Cluster.Provision.none
        let base = c?.address?.value ?? [192, 168, 56, 101]
        var nodes: [Node] = []
        // Addresses past .254 are reported by ClusterRules; cap the node list so a huge count costs nothing.
        for index in 0..<min(managers + workers, 256) {
            let isManager = index < managers
            let octet = base[3] + index
            nodes.append(
                Node(
                    name: isManager ? "manager-\(index + 1)" : "worker-\(index - managers + 1)",
                    role: isManager ? .manager : .worker,
                    address: "\(base[0]).\(base[1]).\(base[2]).\(octet)"))
        }
        let defaultBox = provision == .ignition ? "stable" : "bento/debian-12"
        return Cluster(
            managers: managers, workers: workers, nodes: nodes, provision: provision,
            vip: c?.vip.map { $0.value.map(String.init).joined(separator: ".") },
            box: c?.box?.value ?? defaultBox, cpus: c?.cpus?.value ?? 2,
            memory: c?.memory?.value ?? ByteSize(bytes: 2 << 30), disk: c?.disk?.value,
            storageDriver: c?.storageDriver?.value ?? .overlay2,
            sharedStorage: c?.sharedStorage?.value ?? SharedStorage.none,
            sshKeys: c?.sshKeys.map(\.value) ?? [], dockerMetrics: false, dockerMirror: false, isDescribed: c != nil)
    }

    func resolveIdentity(_ identity: IdentitySyntax) -> IdentitySettings {
        IdentitySettings(
            host: expand(identity.host?.value ?? PlatformNames.DefaultHost.identity),
            realm: identity.realm?.value ?? syntax.name?.value ?? "stack",
            database: identity.database?.value ?? Self.onlyPostgres(syntax.databases) ?? "",
            roles: identity.roles.map(\.value),
            groups: identity.groups.map { ($0.name.value, $0.roles.map(\.value)) },
            users: identity.users.compactMap { user in
                user.name.map { name in
                    IdentityUser(
                        name: name.value, email: user.email?.value, firstName: user.firstName?.value,
                        lastName: user.lastName?.value, roles: user.roles.map(\.value), groups: user.groups.map(\.value)
                    )
                }
            },
            replicas: identity.replicas?.value ?? 1)
    }

    /// The name of the only postgres database, if there is exactly one.
    static func onlyPostgres(_ databases: [DatabaseSyntax]) -> String? {
        let postgres = databases.filter { ($0.engine?.value ?? .postgres) == .postgres }
        return postgres.count == 1 ? postgres[0].name.value : nil
    }

    func resolveGrafana(enabledByDefault: Bool) -> MonitoringSettings.Grafana? {
        let g = syntax.monitoring?.grafana
        guard g?.enabled ?? enabledByDefault else { return nil }
        let auth =
            g?.auth?.value
            ?? (syntax.identity != nil ? .oidc : .basic)
        return MonitoringSettings.Grafana(
            host: expand(g?.host?.value ?? PlatformNames.DefaultHost.grafana), auth: auth,
            adminRole: g?.adminRole?.value, editorRole: g?.editorRole?.value)
    }

    func resolveDatabase(_ database: DatabaseSyntax) -> Database {
        let engine = database.engine?.value ?? .postgres
        let version: String
        switch engine {
        case .postgres: version = "17"
        case .mariadb: version = "11.4"
        case .redis: version = "7.4"
        }
        return Database(
            name: database.name.value, engine: engine, version: database.version?.value ?? version,
            backup: database.backup?.value, placement: resolvePlacement(database.placement), consumers: [],
            span: database.name.span, backupSpan: database.backup?.span)
    }

    func resolvePlacement(_ placement: PlacementSyntax?) -> Placement {
        guard let placement else { return .anywhere }
        return Placement(
            role: placement.role?.value,
            labels: placement.labels.map { ($0.key.value, $0.value) }, maxPerNode: placement.maxPerNode?.value,
            node: placement.node?.value)
    }

    func resolveApp(_ app: AppSyntax) -> App {
        let preset = app.preset?.value ?? .generic
        let defaults = PresetDefaults.of(preset)
        let replicas = app.replicas?.value ?? .count(1)
        let stackName = syntax.name?.value ?? "stack"
        let image =
            app.image?.value ?? (app.build == nil ? defaults.image : nil)
            ?? PlatformNames.builtImage(
                registryHost: expand(syntax.registry?.host?.value ?? PlatformNames.DefaultHost.registry),
                stack: stackName, app: app.name.value)
        var resolved = App(
            name: app.name.value, image: image, build: app.build?.value, preset: preset, replicas: replicas,
            port: app.port?.value ?? defaults.port,
            route: app.host.map { host in
                Route(
                    host: expand(host.value), path: app.path?.value ?? "/", https: app.https?.value ?? true,
                    sticky: app.sticky?.value ?? false)
            },
            auth: app.auth?.value ?? App.Auth.none,
            roles: app.roles.map(\.value), database: app.database?.value, env: app.env.map { ($0.key.value, $0.value) },
            secrets: app.secrets.map(\.value), volumes: app.volumes.map { ($0.name.value, $0.path.value) },
            backup: app.backup?.value ?? nil,
            dependsOn: app.dependsOn.map { dependency($0.value) },
            health: resolveHealth(app.health, defaultPath: defaults.healthPath),
            metrics: app.metrics.flatMap { m in
                m.port.map { Metrics(port: $0.value, path: m.path?.value ?? "/metrics", interval: m.interval?.value) }
            },
            placement: resolvePlacement(app.placement),
            ports: app.ports.map(\.port),
            files: app.files.map {
                DeliveredFile(containerPath: $0.path.value, source: $0.source.value, span: $0.source.span)
            },
            extraHosts: app.extraHosts.map { entry in
                switch entry.address.value {
                case .ipv4(let address): return ExtraHost(host: entry.host.value, address: address)
                case .vip:
                    return ExtraHost(
                        host: entry.host.value,
                        address: syntax.cluster?.vip?.value.map(String.init).joined(separator: ".") ?? "")
                }
            },
            resources: app.resources.map { r in
                Resources(
                    cpus: r.cpus?.value, memory: r.memory?.value, reserveCPUs: r.reserveCPUs?.value,
                    reserveMemory: r.reserveMemory?.value)
            },
            update: UpdatePolicy(
                order: app.update?.order?.value ?? .startFirst,
                parallelism: app.update?.parallelism?.value ?? 1,
                failureAction: app.update?.failureAction?.value ?? .rollback,
                delay: app.update?.delay?.value, monitor: app.update?.monitor?.value),
            command: app.command?.value, commandIsShell: app.commandIsShell, entrypoint: app.entrypoint?.value,
            span: app.name.span)
        resolved.keySpans = AppKeySpans(auth: app.auth?.span, build: app.build?.span, backup: app.backup?.span)
        let written: [(String, Bool)] = [
            ("health", app.health != nil), ("resources", app.resources != nil), ("update", app.update != nil),
            ("placement", app.placement != nil), ("ports", !app.ports.isEmpty), ("env", !app.env.isEmpty),
            ("command", app.command != nil), ("entrypoint", app.entrypoint != nil),
            ("depends_on", !app.dependsOn.isEmpty), ("sticky", app.sticky != nil),
        ]
        resolved.keySpans.written = Set(written.filter(\.1).map(\.0))
        return resolved
    }

    /// The manifest's check, else the preset's; nil for `health: none` or when neither gives one.
    func resolveHealth(_ health: HealthSyntax?, defaultPath: String?) -> Health? {
        if health?.isNone == true { return nil }
        let command = health?.command?.value
        let path = command == nil ? health?.path?.value ?? defaultPath : nil
        guard command != nil || path != nil else { return nil }
        return Health(
            path: path, command: command, interval: health?.interval?.value ?? TimeSpan(seconds: 30),
            timeout: health?.timeout?.value ?? TimeSpan(seconds: 5), retries: health?.retries?.value ?? 3,
            startPeriod: health?.startPeriod?.value ?? TimeSpan(seconds: 60))
    }

    /// What a `depends_on` entry names: an app first, then a database, then a platform service.
    func dependency(_ name: String) -> Dependency {
        if appNames.contains(name) { return Dependency(kind: .app, name: name) }
        if databaseNames.contains(name) { return Dependency(kind: .database, name: name) }
        if let section = PlatformNames.dependencySection(name) { return Dependency(kind: section, name: name) }
        return Dependency(kind: .app, name: name)
    }

    /// Records on each database who gets their own database there.
    func bindConsumers(_ stack: inout ResolvedStack) {
        // Grouped in one pass over the apps, in manifest order, rather than one pass per database.
        var appsByDatabase: [String: [String]] = [:]
        for app in stack.apps {
            if let database = app.database { appsByDatabase[database, default: []].append(app.name) }
        }
        for index in stack.databases.indices {
            let name = stack.databases[index].name
            var consumers: [String] = []
            if stack.identity?.database == name { consumers.append(PlatformService.keycloak.name) }
            consumers += appsByDatabase[name] ?? []
            stack.databases[index].consumers = consumers
        }
    }
}
