/// The one table of the names and ports stackc gives to what it adds to a stack: platform
/// services, the objects each database and app gets (networks, volumes, secrets, configs), and
/// the ports the waits and connections use. The checker reads it to keep manifest names clear
/// of these, the passes to create them; nothing else spells them.
enum PlatformNames {
    // MARK: Networks

    /// The network every app joins, so apps reach each other by name.
    static let appsNetwork = "apps"
    /// The network the edge proxy shares with routed services.
    static let publicNetwork = "public"
    /// The network Prometheus shares with what it scrapes.
    static let monitoringNetwork = "monitoring"

    /// The address range of the public network: fixed, so that apps behind the proxy can trust
    /// it alone (Nextcloud's `TRUSTED_PROXIES`). One of 4096 /24s in 10.240.0.0/12, chosen by
    /// the stack's name, above where Swarm's default pool (10.0.0.0/8, from the bottom) assigns.
    static func publicSubnet(stack: String) -> String {
        // The first 12 bits of the name's SHA-256: 4 for the second octet, 8 for the third.
        let digest = SHA256.digest(Array(stack.utf8))
        return "10.\(240 + Int(digest[0] >> 4)).\(Int(digest[0] & 0x0F) << 4 | Int(digest[1] >> 4)).0/24"
    }

    /// The network a database server shares with its consumers only.
    static func databaseNetwork(_ database: String) -> String { "db-\(database)" }

    /// The folder on the shared storage that holds a volume of the stack, when the cluster has
    /// shared storage (else the volume stays on the node's own disk).
    static func sharedFolder(_ stack: ResolvedStack, volume: String) -> String? {
        stack.cluster.hasSharedStorage ? "/data/\(stack.name)/\(volume)" : nil
    }

    // MARK: Databases

    /// The server's data volume.
    static func databaseVolume(_ database: String) -> String { "\(database)-data" }
    /// The secret holding the server's administrator password.
    static func databaseAdminSecret(_ database: String) -> String { "\(database)-admin-password" }
    /// The one-shot job (and its script's config) that creates consumers' databases and users.
    static func databaseInitService(_ database: String) -> String { "\(database)-init" }
    /// The secret holding `consumer`'s password on `database`.
    static func databasePasswordSecret(database: String, consumer: String) -> String {
        "\(database)-\(consumer)-password"
    }

    /// The users stackc adds on a Redis server beside one per consumer (named after the app):
    /// with an underscore, which no app's name (a DNS label) has, so no app becomes one of them.
    /// Each user's password is the secret `databasePasswordSecret(database:consumer:)` of its name.
    static let redisAdminUser = "stackc_admin"
    /// Runs only `PING`: the server's health check.
    static let redisHealthUser = "stackc_health"
    /// Runs only what `redis-cli --rdb` needs (`SYNC`, `REPLCONF`): the backup job's snapshot.
    static let redisBackupUser = "stackc_backup"
    /// The secret holding the password of the backup user on the Redis server `database`.
    static func redisBackupSecret(_ database: String) -> String {
        databasePasswordSecret(database: database, consumer: redisBackupUser)
    }
    /// The config holding a Redis server's start script, which writes its users.
    static func redisStartConfig(_ database: String) -> String { "\(database)-start" }

    /// The port each engine serves.
    static func port(of engine: Database.Engine) -> Int {
        switch engine {
        case .postgres: return 5432
        case .mariadb: return 3306
        case .redis: return 6379
        }
    }

    // MARK: Apps

    /// A named volume of an app.
    static func appVolume(app: String, volume: String) -> String { "\(app)-\(volume)" }
    /// The htpasswd secret of an app with `auth: basic`.
    static func basicAuthSecret(app: String) -> String { "\(app)-htpasswd" }
    /// The config holding an app's start-up wrapper.
    static func entrypointConfig(app: String) -> String { "\(app)-entrypoint" }

    // MARK: Nextcloud preset

    /// The administrator's login password.
    static func nextcloudAdminSecret(app: String) -> String { "\(app)-admin-password" }
    /// The companion that runs background jobs.
    static func nextcloudCron(app: String) -> String { "\(app)-cron" }
    /// The app's own Redis server, and the network only the two share.
    static func nextcloudRedis(app: String) -> String { "\(app)-redis" }
    static func nextcloudCacheNetwork(app: String) -> String { "\(app)-cache" }
    /// The config holding the hook that tells waiting replicas the install is done.
    static func nextcloudInstalledHook(app: String) -> String { "\(app)-installed-hook" }

    // MARK: Edge proxy

    /// The wildcard (or provided) certificate and its key.
    static let tlsCertificateSecret = "tls-certificate"
    static let tlsKeySecret = "tls-key"
    /// The htpasswd secret of the proxy's dashboard or stats page.
    static let proxyDashboardSecret = "proxy-dashboard-htpasswd"
    /// Where Traefik keeps its ACME account and certificates.
    static let acmeVolume = "traefik-acme"

    // MARK: Identity

    /// The bootstrap administrator's password in Keycloak's `master` realm (user `admin`).
    static let keycloakAdminSecret = "keycloak-admin-password"
    /// The one-shot job that brings the running Keycloak's realm in line with the realm file.
    static let realmSyncService = "keycloak-realm"
    /// The realm file, in the output folder, and the config that delivers it.
    static func realmFile(_ realm: String) -> String { "keycloak/\(realmFileName(realm))" }
    /// The name Keycloak's directory import requires (`<realm>-realm.json`).
    static func realmFileName(_ realm: String) -> String { "\(realm)-realm.json" }
    static let realmConfig = "keycloak-realm"
    /// The partial imports the reconciler sends: what may be new, and the clients.
    static func realmAdditionsFile(_ realm: String) -> String { "keycloak/\(realm)-additions.json" }
    static let realmAdditionsConfig = "keycloak-realm-additions"
    static func realmClientsFile(_ realm: String) -> String { "keycloak/\(realm)-clients.json" }
    static let realmClientsConfig = "keycloak-realm-clients"
    /// The reconciler's script and its config.
    static let realmSyncFile = "keycloak/realm-sync.sh"
    static let realmSyncConfig = "keycloak-realm-sync"
    /// The network Keycloak's replicas share with each other only (their cluster traffic).
    static let identityClusterNetwork = "identity-cluster"

    /// The address range of the cluster network: fixed, so that Keycloak's replicas bind their
    /// cluster transport to it and not to another network they are on. One of 4096 /24s in
    /// 10.224.0.0/12 (below the public network's range), chosen by the stack's name.
    static func identityClusterSubnet(stack: String) -> String {
        let digest = SHA256.digest(Array("identity:\(stack)".utf8))
        return "10.\(224 + Int(digest[0] >> 4)).\(Int(digest[0] & 0x0F) << 4 | Int(digest[1] >> 4)).0/24"
    }

    /// The secret of an OIDC client of the realm, which Keycloak and the client both read.
    static func oidcClientSecret(client: String) -> String { "oidc-\(client)-client-secret" }
    /// The variable Keycloak's realm file reads that secret from (`${...}` in the file).
    static func oidcClientSecretVariable(client: String) -> String {
        "STACKC_OIDC_SECRET_" + client.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
    }
    /// The authenticating proxy in front of an app with `auth: oidc` that has no native sign-in.
    static func signInProxy(app: String) -> String { "\(app)-sso" }
    /// The htpasswd secret of the monitoring services' routes (Prometheus, Alertmanager) when
    /// they are guarded by a password (user `admin`), not by single sign-on.
    static let monitoringHtpasswdSecret = "monitoring-htpasswd"
    /// Prometheus's and Alertmanager's flag naming their public URL, when they are routed there.
    static func externalURLFlag(host: String?) -> [String] {
        host.map { ["--web.external-url=https://\($0)/"] } ?? []
    }
    /// The key that sealed the sign-in proxy's cookies.
    static func signInCookieSecret(app: String) -> String { "\(app)-sso-cookie" }
    /// The Nextcloud hook that registers the realm as its OIDC provider.
    static func nextcloudOIDCHook(app: String) -> String { "\(app)-oidc-hook" }
    /// The OIDC client of Grafana in the realm.
    static let grafanaClient = "grafana"

    // MARK: Alerts

    /// The password Alertmanager signs in to the mail relay with (the operator provides it).
    static let alertmanagerSMTPPasswordSecret = "alertmanager-smtp-password"

    // MARK: Grafana

    /// The local administrator's password (user `grafanaAdminUser`), in both sign-in modes.
    static let grafanaAdminSecret = "grafana-admin-password"
    /// The local administrator's login: with an underscore, which no realm user name (a DNS
    /// label) has, so no user signing in through the realm becomes this account.
    static let grafanaAdminUser = "grafana_admin"
    /// The key Grafana encrypts what it stores (OAuth tokens) with, instead of its public default.
    static let grafanaSecretKeySecret = "grafana-secret-key"
    /// Grafana's SQLite database, sessions and plugins.
    static let grafanaDataVolume = "grafana-data"
    /// The provisioning files and the dashboards, in the output folder, and their configs.
    static let grafanaDatasourcesFile = "grafana/provisioning/datasources/stackc.yml"
    static let grafanaDatasourcesConfig = "grafana-datasources"
    static let grafanaDashboardProvidersFile = "grafana/provisioning/dashboards/stackc.yml"
    static let grafanaDashboardProvidersConfig = "grafana-dashboard-providers"
    static let grafanaClusterDashboardFile = "grafana/dashboards/cluster.json"
    static let grafanaClusterDashboardConfig = "grafana-dashboard-cluster"
    static func grafanaAppDashboardFile(app: String) -> String { "grafana/dashboards/app-\(app).json" }
    static func grafanaAppDashboardConfig(app: String) -> String { "grafana-dashboard-app-\(app)" }
    /// The fixed uids of the data sources, which the dashboards name.
    enum GrafanaDatasource {
        static let prometheus = "prometheus"
        static let loki = "loki"
        static let alertmanager = "alertmanager"
    }

    /// A dashboard's uid (Grafana takes at most 40 characters): `<stack>-<name>`, or, when that
    /// is longer, cut and ended with `-` and 8 hex digits of the whole, so that it stays
    /// distinct and the same for the same names.
    static func grafanaDashboardUID(stack: String, name: String) -> String {
        let whole = "\(stack)-\(name)"
        guard whole.utf8.count > 40 else { return whole }
        return String(whole.prefix(31)) + "-" + String(SHA256.hex(whole).prefix(8))
    }

    // MARK: Logs

    /// Loki's chunks, index and compactor state.
    static let lokiVolume = "loki-data"
    /// The log shipper's read positions, on each node's own disk.
    static let logShipperStateVolume = "fluent-bit-state"

    // MARK: Registry

    /// The htpasswd secret of the stack's registry, whose users `deploy.sh` logs in with.
    static let registryPasswordSecret = "registry-htpasswd"
    /// The registry's account when the manifest names none: the one `deploy.sh` pushes with.
    static let defaultRegistryUser = "deploy"
    /// The registry's image store, and the mirror's cache.
    static let registryVolume = "registry-data"
    static let registryMirrorVolume = "registry-mirror-data"
    /// The service that makes every node's engine trust the edge proxy's self-signed
    /// certificate for the registry's and the mirror's hosts.
    static let registryTrustService = "registry-trust"

    /// The environment variable `deploy.sh` sets to the content tag of the image it built for
    /// `app` (`STACKC_TAG_API` for `api`); app names have no `_`, so each has its own.
    static func builtImageTagVariable(app: String) -> String {
        "STACKC_TAG_" + app.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
    }

    /// The repository a built app is pushed to: `<registry host>/<stack>/<app>`.
    static func builtImageRepository(registryHost: String, stack: String, app: String) -> String {
        "\(registryHost)/\(stack)/\(app)"
    }

    /// The image of a built app in `stack.yml`: its repository, tagged with the variable
    /// `deploy.sh` sets, which `docker stack deploy` interpolates (and refuses to do without).
    static func builtImage(registryHost: String, stack: String, app: String) -> String {
        builtImageRepository(registryHost: registryHost, stack: stack, app: app)
            + ":${\(builtImageTagVariable(app: app)):?deploy.sh builds the image and sets it}"
    }

    // MARK: Host names

    /// The host labels platform services get under the domain when the manifest names none.
    enum DefaultHost {
        static let identity = "auth"
        static let registry = "registry"
        static let mirror = "mirror"
        static let grafana = "grafana"
        static let prometheus = "prometheus"
        static let alertmanager = "alertmanager"
        static let proxyDashboard = "proxy"
    }

    // MARK: Backups

    /// The scheduler that starts the backup jobs (swarm-cronjob), on a manager.
    static let backupScheduler = "backup-scheduler"
    /// The service that puts restic on every node (`backupToolsVolume`) for the jobs.
    static let backupTools = "backup-tools"
    /// restic's binary, on each node.
    static let backupToolsVolume = "backup-tools"
    /// The files each node's jobs record their last runs in, which node-exporter reads.
    static let backupMetricsVolume = "backup-metrics"
    /// The password of the stack's restic repositories.
    static let backupPasswordSecret = "backup-password"
    /// The operator's S3 credentials, for an `s3://` target.
    static let backupS3AccessKeySecret = "backup-s3-access-key-id"
    static let backupS3SecretKeySecret = "backup-s3-secret-access-key"
    // The Redis user the backup job copies a server's data as, and its password's secret, are
    // with the server's users above (`redisBackupUser`, `redisBackupSecret`).
    /// The label of a volume each node has its own of, which pins nothing (the backup tools,
    /// the backups' records).
    static let perNodeVolumeLabel = "stackc.volume.per-node"
    /// The job that backs up one source (an app, a database, `registry`).
    static func backupJob(_ source: String) -> String { "backup-\(source)" }

    // MARK: Names in the swarm

    /// A secret's name in the swarm: `<stack>_<key>`; for htpasswd lines, followed by 8 hex
    /// digits of the users' names, so that a changed list of users is a new secret (Swarm's
    /// cannot change), which `deploy.sh` makes keeping the passwords of users already there.
    /// The same for a self-signed certificate that names hosts besides its domain's: a
    /// changed list of hosts is a new certificate.
    static func secretName(stack: String, key: String, recipe: DeploySecret.Recipe?) -> String {
        let versionedBy: [String]
        switch recipe {
        case .htpasswd(let users)?: versionedBy = users
        case .selfSignedCertificate(_, let names, _)? where !names.isEmpty: versionedBy = names
        default: return fitted("\(stack)_\(key)")
        }
        return fitted("\(stack)_\(key)-\(SHA256.hex(versionedBy.joined(separator: "\n")).prefix(8))")
    }

    /// Swarm refuses secret and config names longer than this.
    static let objectNameLimit = 64

    /// A derived secret or config name as Swarm will take it: unchanged when it fits, else cut
    /// and ended with `-` and 8 hex digits of the whole name's SHA-256, so that two long names
    /// stay distinct and the same name always gives the same result.
    static func fitted(_ name: String) -> String {
        guard name.utf8.count > objectNameLimit else { return name }
        let digest = String(SHA256.hex(name).prefix(8))
        return String(name.prefix(objectNameLimit - 9)) + "-" + digest
    }

    // MARK: Node labels

    /// The label that names a node of the cluster model (`manager-1`, ...) on the real node:
    /// node provisioning sets it, and `deploy.sh` sets it on a node of that host name.
    static let nodeNameLabel = "stackc.node"

    /// The label that pins a group of services keeping state on one node's disk; `deploy.sh`
    /// puts it on one eligible node the first time, and the group stays there.
    static func pinLabel(stack: String, group: String) -> String { "stackc.pin.\(stack).\(group)" }

    // MARK: Names the manifest may not take

    /// Names that `depends_on` reads as platform sections rather than as apps or databases.
    static let dependencySections = ["identity", "registry"]

    /// What `depends_on` reads `name` as when it is one of `dependencySections`.
    static func dependencySection(_ name: String) -> Dependency.Kind? {
        dependencySections.contains(name) ? Dependency.Kind(rawValue: name) : nil
    }
}

/// A service stackc adds for a platform feature, with the port other services reach it on.
enum PlatformService: String, CaseIterable {
    case traefik, haproxy
    case keycloak
    case registry
    case registryMirror = "registry-mirror"
    case grafana, prometheus
    case nodeExporter = "node-exporter"
    case cadvisor, alertmanager, loki
    case fluentBit = "fluent-bit"

    /// The service's key in the stack (`<stack>_<name>` in the swarm).
    var name: String { rawValue }

    /// The port other services connect to, for services others wait for or read from.
    var port: Int? {
        switch self {
        case .keycloak: return 8080
        case .registry, .registryMirror: return 5000
        case .grafana: return 3000
        case .prometheus: return 9090
        case .nodeExporter: return 9100
        case .cadvisor: return 8080
        case .alertmanager: return 9093
        case .loki: return 3100
        case .traefik, .haproxy, .fluentBit: return nil
        }
    }

    /// Where services of the stack reach it over a network they share: `http://<name>:<port>`
    /// (Grafana's data sources, the log shipper's Loki).
    var internalURL: String? { port.map { "http://\(name):\($0)" } }

    /// The platform service a `depends_on` section name stands for.
    static func forDependency(_ kind: Dependency.Kind) -> PlatformService? {
        switch kind {
        case .identity: return .keycloak
        case .registry: return .registry
        case .app, .database: return nil
        }
    }
}

extension ResolvedStack {
    /// Every service name stackc adds to this stack besides the apps and database servers:
    /// platform services and the companions of databases and presets. The checker keeps the
    /// manifest's names clear of them and within Swarm's length.
    var platformServiceNames: [String] {
        var names = [proxy.kind == .traefik ? PlatformService.traefik.name : PlatformService.haproxy.name]
        if identity != nil { names += [PlatformService.keycloak.name, PlatformNames.realmSyncService] }
        if let registry {
            names += [PlatformService.registry.name, PlatformNames.registryTrustService]
            if registry.mirrorHost != nil { names.append(PlatformService.registryMirror.name) }
        }
        if monitoring.grafana != nil { names.append(PlatformService.grafana.name) }
        for app in apps where app.preset == .nextcloud {
            names += [PlatformNames.nextcloudCron(app: app.name), PlatformNames.nextcloudRedis(app: app.name)]
        }
        for app in apps where SingleSignOn.mechanism(app) == .signInProxy {
            names.append(PlatformNames.signInProxy(app: app.name))
        }
        if SingleSignOn.guardsWithSignIn(self) {
            names += SingleSignOn.guardedServices(self).map { PlatformNames.signInProxy(app: $0.service) }
        }
        for database in databases where database.engine != .redis {
            names.append(PlatformNames.databaseInitService(database.name))
        }
        if monitoring.metrics {
            names += [PlatformService.prometheus, .nodeExporter, .cadvisor].map(\.name)
        }
        if monitoring.runningAlerts != nil { names.append(PlatformService.alertmanager.name) }
        if monitoring.logs { names += [PlatformService.loki.name, PlatformService.fluentBit.name] }
        let sources = BackupPass.sourceNames(self)
        if !sources.isEmpty {
            names += [PlatformNames.backupScheduler, PlatformNames.backupTools]
            names += sources.map(PlatformNames.backupJob)
        }
        return names
    }

    /// Whether every node's engine is made to trust the edge certificate for the registry's and
    /// the mirror's hosts (`registry-trust`): a registry behind a certificate `deploy.sh` makes.
    var trustsRegistryCertificate: Bool { registry != nil && tls.mode == .selfsigned }

    /// How many tasks `replicas` means on this cluster: the count, or one per node for
    /// `global`.
    func taskCount(_ replicas: Replicas) -> Int {
        switch replicas {
        case .count(let count): return count
        case .global: return cluster.managers + cluster.workers
        }
    }
}
