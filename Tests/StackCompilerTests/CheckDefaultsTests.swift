import StackDiagnostics
import Testing

@testable import StackCompiler

/// The defaults the spec gives, and the ones stackc chose where it is silent (see
/// docs/manifest.md), as the resolved stack carries them.
@Suite struct CheckDefaultsTests {
    @Test func smallestManifest() throws {
        let stack = try #require(resolved("stackc: 1\nname: shop\napps: {}\n"))
        #expect(stack.name == "shop")
        #expect(stack.domain == nil)
        #expect(stack.tls.mode == .selfsigned)
        #expect(stack.tls.email == nil)
        #expect(stack.proxy.kind == .traefik)
        #expect(stack.proxy.replicas == .global)
        #expect(stack.proxy.dashboardHost == nil)
        #expect(stack.registry == nil)
        #expect(stack.identity == nil)
        #expect(stack.monitoring.metrics == false)
        #expect(stack.monitoring.logs == false)
        #expect(stack.monitoring.alerts == nil)
        #expect(stack.monitoring.grafana == nil)
        #expect(stack.monitoring.retention == TimeSpan(seconds: 15 * 86_400))
        #expect(stack.databases.isEmpty)
        #expect(stack.apps.isEmpty)
        #expect(stack.backup.target == "/backups")
        #expect(stack.backup.keep == 7)
    }

    @Test func clusterDefaults() throws {
        let cluster = try #require(resolved("stackc: 1\nname: shop\napps: {}\n")).cluster
        #expect(cluster.managers == 1)
        #expect(cluster.workers == 0)
        #expect(cluster.nodes == [Node(name: "manager-1", role: .manager, address: "192.168.56.101")])
        #expect(cluster.provision == .none)
        #expect(cluster.vip == nil)
        #expect(cluster.box == "bento/debian-12")
        #expect(cluster.cpus == 2)
        #expect(cluster.memory == ByteSize(bytes: 2 << 30))
        #expect(cluster.disk == nil)
        #expect(cluster.storageDriver == .overlay2)
        #expect(cluster.sharedStorage == SharedStorage.none)
        #expect(cluster.sshKeys.isEmpty)
        #expect(cluster.dockerMetrics == false)
        #expect(cluster.dockerMirror == false)
    }

    @Test func nodeNamesAndAddressesFollowOnManagersFirst() throws {
        let cluster = try #require(
            resolved(
                """
                stackc: 1
                name: shop
                cluster: {managers: 3, workers: 2, address: 10.0.7.20}
                apps: {}
                """)
        ).cluster
        #expect(cluster.nodes.map(\.name) == ["manager-1", "manager-2", "manager-3", "worker-1", "worker-2"])
        #expect(cluster.nodes.map(\.address) == ["10.0.7.20", "10.0.7.21", "10.0.7.22", "10.0.7.23", "10.0.7.24"])
        #expect(cluster.nodes.map(\.role) == [.manager, .manager, .manager, .worker, .worker])
    }

    @Test func ignitionBoxDefaultsToTheStableStream() throws {
        let cluster = try #require(
            resolved(
                "stackc: 1\nname: shop\ncluster: {provision: ignition, ssh_keys: [\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIShopKeyForTestsOnly ops@shop\"]}\napps: {}\n"
            )
        )
        .cluster
        #expect(cluster.box == "stable")
    }

    @Test func dockerDaemonSettingsFollowMonitoringAndMirror() throws {
        let stack = try #require(
            resolved(
                """
                stackc: 1
                name: shop
                domain: example.org
                registry: {mirror: true}
                monitoring: {metrics: true}
                apps: {}
                """))
        #expect(stack.cluster.dockerMetrics)
        #expect(stack.cluster.dockerMirror)
    }

    @Test func hostsAreExpandedWithTheDomain() throws {
        let stack = try #require(
            resolved(
                """
                stackc: 1
                name: shop
                domain: example.org
                proxy: {dashboard: true}
                registry: {mirror: true}
                identity: {}
                monitoring: {logs: true}
                databases: {pg: {}}
                apps:
                  web: {image: nginx:1.27, port: 80, host: www}
                  blog: {image: nginx:1.27, port: 80, host: Blog.Example.NET}
                """))
        #expect(stack.proxy.dashboardHost == "proxy.example.org")
        #expect(stack.registry?.host == "registry.example.org")
        #expect(stack.registry?.mirrorHost == "mirror.example.org")
        #expect(stack.identity?.host == "auth.example.org")
        #expect(stack.monitoring.grafana?.host == "grafana.example.org")
        #expect(stack.apps.map { $0.route?.host } == ["www.example.org", "blog.example.net"])
        #expect(stack.apps.map { $0.route?.path } == ["/", "/"])
        #expect(stack.apps.map { $0.route?.https } == [true, true])
        #expect(stack.apps.map { $0.route?.sticky } == [false, false])
    }

    @Test func identityDefaultsToTheStackNameAndTheOnlyPostgresDatabase() throws {
        let stack = try #require(
            resolved(
                """
                stackc: 1
                name: campus
                domain: example.org
                identity: {}
                databases:
                  cache: {engine: redis}
                  main: {}
                  shop: {engine: mariadb}
                apps: {}
                """))
        let identity = try #require(stack.identity)
        #expect(identity.realm == "campus")
        #expect(identity.database == "main")
        #expect(identity.replicas == 1)
        #expect(identity.roles.isEmpty && identity.groups.isEmpty && identity.users.isEmpty)
        #expect(stack.database("main")?.consumers == ["keycloak"])
    }

    @Test func grafanaAuthIsOIDCWithIdentityAndBasicWithout() throws {
        let withIdentity = try #require(
            resolved(
                """
                stackc: 1
                name: shop
                domain: example.org
                identity: {}
                databases: {pg: {}}
                monitoring: {metrics: true}
                apps: {}
                """))
        #expect(withIdentity.monitoring.grafana?.auth == .oidc)
        let without = try #require(
            resolved(
                """
                stackc: 1
                name: shop
                domain: example.org
                monitoring: {metrics: true}
                apps: {}
                """))
        #expect(without.monitoring.grafana?.auth == .basic)
    }

    @Test func grafanaIsOffWithoutMetricsOrLogs() throws {
        let stack = try #require(
            resolved("stackc: 1\nname: shop\nmonitoring: {alerts: true}\napps: {}\n", allowWarnings: true))
        #expect(stack.monitoring.grafana == nil)
        #expect(stack.monitoring.alerts != nil)
    }

    @Test func nextcloudPresetBringsPortAndHealthCheck() throws {
        let stack = try #require(
            resolved(
                """
                stackc: 1
                name: shop
                domain: example.org
                apps:
                  cloud: {preset: nextcloud, image: "nextcloud:29-apache", host: cloud}
                """))
        let app = try #require(stack.apps.first)
        #expect(app.preset == .nextcloud)
        #expect(app.port == 80)
        #expect(app.health?.path == "/status.php")
    }

    @Test func genericAppHasNoPortAndNoHealthCheck() throws {
        let app = try #require(resolved("stackc: 1\nname: shop\napps:\n  worker: {image: nginx:1.27}\n")?.apps.first)
        #expect(app.preset == .generic)
        #expect(app.port == nil)
        #expect(app.health == nil)
        #expect(app.replicas == .count(1))
        #expect(app.auth == .none)
        #expect(app.backup == nil)
        #expect(app.metrics == nil)
        #expect(app.resources == nil)
        #expect(app.command == nil)
        #expect(app.placement.role == nil && app.placement.labels.isEmpty && app.placement.maxPerNode == nil)
    }

    @Test func healthCheckTimings() throws {
        let health = try #require(
            resolved("stackc: 1\nname: shop\napps:\n  web: {image: nginx:1.27, port: 80, health: /up}\n")?
                .apps.first?.health)
        #expect(health.interval == TimeSpan(seconds: 30))
        #expect(health.timeout == TimeSpan(seconds: 5))
        #expect(health.retries == 3)
        #expect(health.startPeriod == TimeSpan(seconds: 60))
    }

    @Test func updateDefaults() throws {
        let update = try #require(
            resolved("stackc: 1\nname: shop\napps:\n  web: {image: nginx:1.27}\n")?.apps.first?.update)
        #expect(update.order.rawValue == "start-first")
        #expect(update.parallelism == 1)
        #expect(update.failureAction.rawValue == "rollback")
        #expect(update.delay == nil)
        #expect(update.monitor == nil)
    }

    @Test func updateKeysBeyondTheSpecAndCombinedDurations() throws {
        let update = try #require(
            resolved(
                """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    update: {order: stop-first, parallelism: 2, failure_action: pause, delay: 1m30s, monitor: 1h}
                """)?.apps.first?.update)
        #expect(update.order.rawValue == "stop-first")
        #expect(update.parallelism == 2)
        #expect(update.failureAction.rawValue == "pause")
        #expect(update.delay == TimeSpan(seconds: 90))
        #expect(update.monitor == TimeSpan(seconds: 3600))
    }

    @Test func entrypointBeyondTheSpec() throws {
        let stack = try #require(
            resolved(
                """
                stackc: 1
                name: shop
                apps:
                  a: {image: "example/a:1", entrypoint: /init.sh, command: [serve]}
                  b: {image: "example/b:1", entrypoint: [tini, --], command: "serve --fast"}
                  c: {image: "example/c:1", entrypoint: []}
                  d: {image: "example/d:1"}
                """))
        #expect(stack.apps.map(\.entrypoint) == [["/init.sh"], ["tini", "--"], [], nil])
        #expect(stack.apps.map(\.command) == [["serve"], ["serve --fast"], nil, nil])
        #expect(stack.apps.map(\.commandIsShell) == [false, true, false, false])
    }

    @Test func resourcesReserveUnderResources() throws {
        let resources = try #require(
            resolved(
                """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    resources: {cpus: 1.5, memory: 1G, reserve: {cpus: 0.25, memory: 256M}}
                """)?.apps.first?.resources)
        #expect(resources.cpus == 1.5)
        #expect(resources.memory == ByteSize(bytes: 1 << 30))
        #expect(resources.reserveCPUs == 0.25)
        #expect(resources.reserveMemory == ByteSize(bytes: 256 << 20))
    }

    @Test func databaseVersionsDefaultToACurrentMajor() throws {
        let stack = try #require(
            resolved(
                """
                stackc: 1
                name: shop
                databases:
                  pg: {}
                  maria: {engine: mariadb}
                  cache: {engine: redis}
                  pinned: {version: "16"}
                apps: {}
                """))
        #expect(stack.databases.map(\.engine) == [.postgres, .mariadb, .redis, .postgres])
        #expect(stack.databases.map(\.version) == ["17", "11.4", "7.4", "16"])
    }

    @Test func namedSchedules() throws {
        let stack = try #require(
            resolved(
                """
                stackc: 1
                name: shop
                databases:
                  a: {backup: hourly}
                  b: {backup: daily}
                  c: {backup: weekly}
                  d: {backup: "15 4 * * 1-5"}
                apps: {}
                """))
        #expect(stack.databases.map { $0.backup?.cron } == ["0 * * * *", "0 3 * * *", "0 3 * * 0", "15 4 * * 1-5"])
    }

    @Test func builtImageIsTaggedInTheStacksRegistry() throws {
        let stack = try #require(
            resolved(
                """
                stackc: 1
                name: lab
                domain: b3.swarm
                registry: {host: hub}
                apps:
                  api: {build: ./api}
                """))
        // Tagged with what deploy.sh sets, the content tag of the image it built.
        #expect(
            stack.apps.first?.image == "hub.b3.swarm/lab/api:${STACKC_TAG_API:?deploy.sh builds the image and sets it}")
        #expect(stack.apps.first?.build == "./api")
    }

    @Test func databaseConsumersInManifestOrder() throws {
        let stack = try #require(
            resolved(
                """
                stackc: 1
                name: shop
                domain: example.org
                identity: {}
                databases: {pg: {}, other: {engine: mariadb}}
                apps:
                  web: {image: nginx:1.27, database: pg}
                  blog: {image: nginx:1.27, database: other}
                  api: {image: nginx:1.27, database: pg}
                """))
        #expect(stack.database("pg")?.consumers == ["keycloak", "web", "api"])
        #expect(stack.database("other")?.consumers == ["blog"])
    }

    @Test func dependenciesAreBoundToWhatTheyName() throws {
        let stack = try #require(
            resolved(
                """
                stackc: 1
                name: shop
                domain: example.org
                identity: {}
                registry: {}
                databases: {pg: {}}
                apps:
                  web: {image: nginx:1.27, depends_on: [api, pg, identity, registry]}
                  api: {image: nginx:1.27}
                """))
        #expect(
            stack.apps.first?.dependsOn == [
                Dependency(kind: .app, name: "api"), Dependency(kind: .database, name: "pg"),
                Dependency(kind: .identity, name: "identity"), Dependency(kind: .registry, name: "registry"),
            ])
    }
}
