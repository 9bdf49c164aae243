import StackDiagnostics
import Testing

@testable import StackCompiler

/// The rules over the whole manifest (E201–E219), one small manifest per rejected case of the
/// spec's "What must be rejected".
@Suite struct CheckStackRuleTests {
    // MARK: E201 unknown-reference

    @Test func misspelledDatabaseSuggestsTheDefinedOne() {
        let diagnostic = expectOnly(
            Codes.unknownReference,
            in: """
                stackc: 1
                name: shop
                databases:
                  pg: {}
                apps:
                  web:
                    image: nginx:1.27
                    database: 1️⃣pgg
                """)
        #expect(diagnostic?.help == "did you mean 'pg'?")
        #expect(diagnostic?.expected == "one of pg")
    }

    @Test func databaseWhenNoneIsDefined() {
        let diagnostic = expectOnly(
            Codes.unknownReference,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    database: 1️⃣pg
                """)
        #expect(diagnostic?.help == "add it under 'databases:'")
    }

    @Test func dependencyOnAnAppThatDoesNotExist() {
        let diagnostic = expectOnly(
            Codes.unknownReference,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                  api:
                    image: nginx:1.27
                    depends_on: [1️⃣wbe]
                """)
        #expect(diagnostic?.help == "did you mean 'web'?")
    }

    @Test func dependencyOnIdentityWithoutIdentity() {
        let diagnostic = expectOnly(
            Codes.unknownReference,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    depends_on: [1️⃣identity]
                """)
        #expect(diagnostic?.message == "app 'web' depends on 'identity', but the manifest has no 'identity' section")
        #expect(diagnostic?.help == "add an 'identity:' section, or remove 'identity' from 'depends_on'")
    }

    @Test func roleThatDoesNotExist() {
        let diagnostic = expectOnly(
            Codes.unknownReference,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                identity:
                  roles: [staff]
                databases: {pg: {}}
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: web
                    auth: oidc
                    roles: [1️⃣stafff]
                """)
        #expect(diagnostic?.help == "did you mean 'staff'?")
    }

    @Test func groupAndRoleOfAUserThatDoNotExist() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: example.org
            identity:
              roles: [staff]
              groups:
                teachers: [staff, 1️⃣teacher]
              users:
                - name: alice
                  roles: [2️⃣admin]
                  groups: [3️⃣teacher]
            databases: {pg: {}}
            apps: {}
            """,
            [
                .init(Codes.unknownReference, "1️⃣"), .init(Codes.unknownReference, "2️⃣"),
                .init(Codes.unknownReference, "3️⃣"),
            ])
    }

    @Test func grafanaRoleThatDoesNotExist() {
        expectOnly(
            Codes.unknownReference,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                identity:
                  roles: [admin]
                databases: {pg: {}}
                monitoring:
                  metrics: true
                  grafana:
                    admin_role: 1️⃣admins
                apps: {}
                """)
    }

    @Test func identityDatabaseThatDoesNotExist() {
        expectOnly(
            Codes.unknownReference,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                identity:
                  database: 1️⃣kc
                databases: {pg: {}}
                apps: {}
                """)
    }

    // MARK: E202 dependency-cycle

    @Test func cycleBetweenTwoApps() {
        let diagnostic = expectOnly(
            Codes.dependencyCycle,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    depends_on: [api]
                  api:
                    image: nginx:1.27
                    depends_on: [1️⃣web]
                """)
        #expect(diagnostic?.message == "'depends_on' forms a cycle: 'web' → 'api' → 'web'")
    }

    @Test func appThatDependsOnItself() {
        expectOnly(
            Codes.dependencyCycle,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    depends_on: [1️⃣web]
                """)
    }

    @Test func longCycleIsReportedOnce() {
        expectOnly(
            Codes.dependencyCycle,
            in: """
                stackc: 1
                name: shop
                apps:
                  a: {image: nginx:1.27, depends_on: [b]}
                  b: {image: nginx:1.27, depends_on: [c]}
                  c: {image: nginx:1.27, depends_on: [d]}
                  d: {image: nginx:1.27, depends_on: [1️⃣a]}
                  e: {image: nginx:1.27, depends_on: [a, b]}
                """)
    }

    @Test func diamondIsNotACycle() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            apps:
              a: {image: nginx:1.27, depends_on: [b, c]}
              b: {image: nginx:1.27, depends_on: [d]}
              c: {image: nginx:1.27, depends_on: [d]}
              d: {image: nginx:1.27}
            """, [])
    }

    // MARK: E203 duplicate-route

    @Test func twoAppsOnTheSameHost() {
        let manifest = """
            stackc: 1
            name: shop
            domain: example.org
            apps:
              web:
                image: nginx:1.27
                port: 80
                host: 2️⃣www
              blog:
                image: nginx:1.27
                port: 80
                host: 1️⃣www.example.org
            """
        let diagnostic = expectOnly(Codes.duplicateRoute, in: manifest)
        expectNote(diagnostic, "the route of app 'web' is here", at: "2️⃣", in: manifest)
        #expect(diagnostic?.help == "give one of them another host or a different 'path'")
    }

    /// Neither the registry nor its mirror takes a path: the help says only "another host".
    @Test func theRegistryAndItsMirrorOnOneHost() {
        let manifest = """
            stackc: 1
            name: hub
            domain: example.org
            registry: {host: 2️⃣images, mirror: 1️⃣images}
            apps: {}
            """
        let diagnostic = expectOnly(Codes.duplicateRoute, in: manifest)
        expectNote(diagnostic, "the route of 'registry' is here", at: "2️⃣", in: manifest)
        #expect(diagnostic?.help == "give one of them another host")
    }

    /// A platform service takes its whole host: another path would be refused too, so the
    /// help says only to move the app.
    @Test func anAppOnGrafanasHost() {
        let manifest = """
            stackc: 1
            name: shop
            domain: example.org
            monitoring: {metrics: true, grafana: {host: dash, auth: basic}}
            apps:
              web: {image: nginx:1.27, port: 80, host: 1️⃣dash}
            """
        let diagnostic = expectOnly(Codes.duplicateRoute, in: manifest)
        #expect(diagnostic?.help == "give app 'web' another host: Grafana takes the whole host")
    }

    @Test func twoAppsOnTheSameHostAndPath() {
        expectOnly(
            Codes.duplicateRoute,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: www
                    path: /api
                  api:
                    image: nginx:1.27
                    port: 80
                    host: 1️⃣WWW
                    path: /api
                """)
    }

    @Test func sameHostOnDifferentPathsIsFine() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: example.org
            apps:
              web:
                image: nginx:1.27
                port: 80
                host: www
              api:
                image: nginx:1.27
                port: 80
                host: www
                path: /api
            """, [])
    }

    @Test func appOnThePlatformsIdentityHost() {
        expectOnly(
            Codes.duplicateRoute,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                identity: {}
                databases: {pg: {}}
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: 1️⃣auth
                """)
    }

    @Test func registryMirrorOnTheDashboardHostIsReportedWhereItComesSecondInTheFile() {
        let manifest = """
            stackc: 1
            name: shop
            domain: example.org
            proxy:
              dashboard: 2️⃣ops
            registry:
              mirror: 1️⃣ops
            apps: {}
            """
        let diagnostic = expectOnly(Codes.duplicateRoute, in: manifest)
        expectNote(diagnostic, "the route of the proxy dashboard is here", at: "2️⃣", in: manifest)
    }

    // MARK: E204 oidc-without-identity, E205 oidc-without-https

    @Test func oidcWithoutIdentity() {
        expectOnly(
            Codes.oidcWithoutIdentity,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: web
                    auth: 1️⃣oidc
                """)
    }

    @Test func grafanaOIDCWithoutIdentity() {
        expectOnly(
            Codes.oidcWithoutIdentity,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                monitoring:
                  metrics: true
                  grafana: {auth: 1️⃣oidc}
                apps: {}
                """)
    }

    @Test func oidcOverPlainHTTP() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: example.org
            identity: {}
            databases: {pg: {}}
            apps:
              web:
                image: nginx:1.27
                port: 80
                host: web
                auth: oidc
                https: 1️⃣false
            """, [.init(Codes.oidcWithoutHTTPS, "1️⃣")])  // not also W303: the error says it
    }

    // MARK: E206 missing-port

    @Test func routedAppWithoutPort() {
        expectOnly(
            Codes.missingPort,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                apps:
                  web:
                    image: nginx:1.27
                    host: 1️⃣web
                """)
    }

    @Test func presetSuppliesThePort() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: example.org
            apps:
              cloud:
                preset: nextcloud
                image: nextcloud:29-apache
                host: cloud
            """, [])
    }

    @Test func healthCheckWithoutAPort() {
        expectOnly(
            Codes.missingPort,
            in: """
                stackc: 1
                name: shop
                apps:
                  worker:
                    image: nginx:1.27
                    health: 1️⃣/health
                """)
    }

    // MARK: E207 build-without-registry

    @Test func buildWithoutRegistry() {
        expectOnly(
            Codes.buildWithoutRegistry,
            in: """
                stackc: 1
                name: shop
                apps:
                  api:
                    build: 1️⃣./api
                """)
    }

    // MARK: E208 storage-driver-needs-disk

    @Test(arguments: ["zfs", "btrfs"])
    func storageDriverWithoutDisk(driver: String) {
        expectOnly(
            Codes.storageDriverNeedsDisk,
            in: """
                stackc: 1
                name: shop
                cluster:
                  storage_driver: 1️⃣\(driver)
                apps: {}
                """)
    }

    // MARK: E209 vip-outside-network, E210 vip-is-node-address

    @Test func vipOutsideTheNodesNetwork() {
        let diagnostic = expectOnly(
            Codes.vipOutsideNetwork,
            in: """
                stackc: 1
                name: shop
                cluster:
                  managers: 3
                  vip: 1️⃣192.168.57.100
                apps: {}
                """)
        #expect(diagnostic?.help == "for example 192.168.56.100")
    }

    @Test func vipOnTheNetworksBroadcastAddress() {
        expectOnly(
            Codes.vipOutsideNetwork,
            in: """
                stackc: 1
                name: shop
                cluster:
                  address: 10.1.2.11
                  vip: 1️⃣10.1.2.255
                apps: {}
                """)
    }

    @Test func vipEqualToANodeAddress() {
        let diagnostic = expectOnly(
            Codes.vipIsNodeAddress,
            in: """
                stackc: 1
                name: shop
                cluster:
                  managers: 3
                  workers: 2
                  address: 10.1.2.11
                  vip: 1️⃣10.1.2.15
                apps: {}
                """)
        #expect(diagnostic?.message == "the virtual IP 10.1.2.15 is the address of worker-2")
    }

    // MARK: E211 no-workers, E212 unplaceable-replicas, E213 volume-needs-shared-storage

    @Test func placedOnWorkersThatDoNotExist() {
        expectOnly(
            Codes.noWorkers,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    placement:
                      role: 1️⃣worker
                """)
    }

    @Test func databasePlacedOnWorkersThatDoNotExist() {
        expectOnly(
            Codes.noWorkers,
            in: """
                stackc: 1
                name: shop
                databases:
                  pg:
                    placement: {role: 1️⃣worker}
                apps: {}
                """)
    }

    @Test func moreReplicasThanMaxPerNodeAllows() {
        let diagnostic = expectOnly(
            Codes.unplaceableReplicas,
            in: """
                stackc: 1
                name: shop
                cluster:
                  managers: 1
                  workers: 1
                apps:
                  web:
                    image: nginx:1.27
                    replicas: 1️⃣3
                    placement:
                      max_per_node: 1
                """)
        #expect(diagnostic?.help == "lower 'replicas' to 2, raise 'max_per_node', or add nodes")
    }

    @Test func maxPerNodeOnWorkersOnly() {
        expectOnly(
            Codes.unplaceableReplicas,
            in: """
                stackc: 1
                name: shop
                cluster:
                  managers: 3
                  workers: 2
                apps:
                  web:
                    image: nginx:1.27
                    replicas: 1️⃣5
                    placement: {role: worker, max_per_node: 2}
                """)
    }

    @Test func replicasThatFitExactly() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            cluster:
              managers: 3
              workers: 2
            apps:
              web:
                image: nginx:1.27
                replicas: 4
                placement: {role: worker, max_per_node: 2}
            """, [])
    }

    @Test func replicatedVolumeWithoutSharedStorage() {
        expectOnly(
            Codes.volumeNeedsSharedStorage,
            in: """
                stackc: 1
                name: shop
                cluster: {managers: 3}
                apps:
                  web:
                    image: nginx:1.27
                    replicas: 2
                    volumes:
                      1️⃣data: /var/lib/web
                """)
    }

    @Test func globalVolumeOnSeveralNodesWithoutSharedStorage() {
        expectOnly(
            Codes.volumeNeedsSharedStorage,
            in: """
                stackc: 1
                name: shop
                cluster:
                  workers: 1
                apps:
                  agent:
                    image: nginx:1.27
                    replicas: global
                    volumes:
                      1️⃣state: /state
                """)
    }

    @Test func replicatedVolumeWithSharedStorageIsFine() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            cluster:
              shared_storage: nfs
            apps:
              web:
                image: nginx:1.27
                replicas: 2
                volumes:
                  data: /var/lib/web
            """, [])
    }

    // MARK: E214 acme-without-email, E215 domain-required

    @Test func acmeWithoutEmail() {
        expectOnly(
            Codes.acmeWithoutEmail,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                tls:
                  mode: 1️⃣acme
                apps: {}
                """)
    }

    @Test func acmeWithHAProxy() {
        expectOnly(
            Codes.acmeNeedsTraefik,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                proxy: {kind: haproxy}
                tls:
                  mode: 1️⃣acme
                  email: ops@example.org
                apps: {}
                """)
    }

    @Test func routedAppWithoutDomain() {
        expectOnly(
            Codes.domainRequired,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: 1️⃣web
                """)
    }

    @Test func platformServiceWithoutDomain() {
        expectOnly(
            Codes.domainRequired,
            in: """
                stackc: 1
                name: shop
                registry:
                  host: 1️⃣hub
                apps: {}
                """)
    }

    // MARK: E216 address-overflow, E217 wrong-database-engine, E218 mirror-without-registry

    @Test func nodesBeyondTheEndOfTheNetwork() {
        expectOnly(
            Codes.addressOverflow,
            in: """
                stackc: 1
                name: shop
                cluster:
                  managers: 1
                  workers: 10
                  address: 1️⃣192.168.56.250
                apps: {}
                """)
    }

    @Test func hugeNodeCountsAreRejectedNotOverflowed() {
        expectOnly(
            Codes.invalidValue,
            in: """
                stackc: 1
                name: shop
                cluster:
                  managers: 1️⃣9223372036854775807
                  workers: 1
                apps: {}
                """)
    }

    @Test func keycloakOnARedisDatabase() {
        expectOnly(
            Codes.wrongDatabaseEngine,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                identity:
                  database: 1️⃣cache
                databases:
                  cache: {engine: redis}
                apps: {}
                """)
    }

    @Test func daemonMirrorWithoutARegistryMirror() {
        expectOnly(
            Codes.mirrorWithoutRegistry,
            in: """
                stackc: 1
                name: shop
                cluster:
                  docker:
                    mirror: 1️⃣true
                apps: {}
                """)
    }

    // MARK: E219 image-or-build

    @Test func appWithNeitherImageNorBuild() {
        expectOnly(
            Codes.imageOrBuild,
            in: """
                stackc: 1
                name: shop
                apps:
                  1️⃣web:
                    replicas: 2
                """)
    }

    @Test func aMisspeltImageIsReportedOnceAsTheUnknownKey() {
        let diagnostic = expectOnly(
            Codes.unknownKey,
            in: """
                stackc: 1
                name: shop
                apps:
                  web:
                    1️⃣imgae: nginx:1.27
                """)
        #expect(diagnostic?.help == "did you mean 'image'?")
    }

    @Test func appWithBothImageAndBuild() {
        expectOnly(
            Codes.imageOrBuild,
            in: """
                stackc: 1
                name: shop
                registry: {}
                domain: example.org
                apps:
                  web:
                    image: nginx:1.27
                    build: 1️⃣./web
                """)
    }

    // MARK: E220 name-conflict

    @Test func appNamedLikeADatabase() {
        expectOnly(
            Codes.nameConflict,
            in: """
                stackc: 1
                name: shop
                databases:
                  db: {}
                apps:
                  1️⃣db:
                    image: nginx:1.27
                """)
    }

    @Test func appNamedLikeAPlatformService() {
        expectOnly(
            Codes.nameConflict,
            in: """
                stackc: 1
                name: shop
                apps:
                  1️⃣traefik:
                    image: traefik:v3.1
                """)
    }

    /// A consumer's password secret is `<database>-<app>-password`: `admin` would be the
    /// server administrator's; on a Redis server, where secrets are named alike, it is fine.
    @Test func appNamedAdminUsingADatabase() {
        expectOnly(
            Codes.nameConflict,
            in: """
                stackc: 1
                name: shop
                databases:
                  pg: {}
                apps:
                  1️⃣admin:
                    image: nginx:1.27
                    database: pg
                """)
        expectOnly(
            Codes.nameConflict,
            in: """
                stackc: 1
                name: shop
                databases:
                  maria: {engine: mariadb}
                apps:
                  1️⃣admin:
                    image: nginx:1.27
                    database: maria
                """)
    }

    /// A backup job's service name is taken like any other stackc adds.
    @Test func appNamedLikeABackupJob() {
        expectOnly(
            Codes.nameConflict,
            in: """
                stackc: 1
                name: shop
                databases:
                  pg: {backup: daily}
                apps:
                  1️⃣backup-pg:
                    image: nginx:1.27
                """)
    }

    @Test func appNamedLikeADatabasesInitJob() {
        expectOnly(
            Codes.nameConflict,
            in: """
                stackc: 1
                name: shop
                databases:
                  pg: {}
                apps:
                  1️⃣pg-init:
                    image: nginx:1.27
                """)
    }

    @Test func appNamedLikeANextcloudCompanion() {
        expectOnly(
            Codes.nameConflict,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                apps:
                  cloud: {preset: nextcloud, image: "nextcloud:29-apache", host: cloud}
                  1️⃣cloud-cron: {image: nginx:1.27}
                """)
    }

    @Test func databaseNamedLikeAReservedDependency() {
        expectOnly(
            Codes.nameConflict,
            in: """
                stackc: 1
                name: shop
                databases:
                  1️⃣registry: {}
                apps: {}
                """)
    }
}
