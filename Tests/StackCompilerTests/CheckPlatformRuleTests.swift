import StackDiagnostics
import Testing

@testable import StackCompiler

/// Manifests that read well but would fail on a real cluster: Swarm, Docker or Keycloak would
/// refuse them at deploy time, so the check refuses them first.
@Suite struct CheckPlatformRuleTests {
    @Test func moreProxyReplicasThanManagers() {
        let diagnostic = expectOnly(
            Codes.unplaceableReplicas,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                proxy: {replicas: 1️⃣3}
                cluster: {managers: 1, workers: 2}
                apps: {}
                """)
        #expect(diagnostic?.help == "lower 'proxy.replicas' to 1, or leave it out for one on every manager")
    }

    @Test func asManyProxyReplicasAsManagersIsFine() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: example.org
            proxy: {replicas: 3}
            cluster: {managers: 3}
            apps: {}
            """, [])
    }

    @Test func noProxyForRoutedApps() {
        expectOnly(
            Codes.invalidValue,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                proxy: {replicas: 1️⃣0}
                apps:
                  web: {image: nginx:1.27, port: 80, host: www}
                """)
    }

    @Test func nextcloudOnRedis() {
        expectOnly(
            Codes.wrongDatabaseEngine,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                databases:
                  cache: {engine: redis}
                apps:
                  cloud: {preset: nextcloud, image: "nextcloud:29", host: cloud, database: 1️⃣cache}
                  api: {image: nginx:1.27, database: cache}
                """)
    }

    @Test func reservationsAboveLimitsAndTooLittleMemory() {
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            apps:
              web: {image: nginx:1.27, resources: {cpus: 0.5, memory: 256M, reserve: {cpus: 1️⃣2, memory: 2️⃣1G}}}
              tiny: {image: nginx:1.27, resources: {memory: 3️⃣1M}}
              fine: {image: nginx:1.27, resources: {cpus: 2, memory: 6M, reserve: {cpus: 2, memory: 6M}}}
            """,
            [
                ExpectedDiagnostic(Codes.invalidValue, "1️⃣"), ExpectedDiagnostic(Codes.invalidValue, "2️⃣"),
                ExpectedDiagnostic(Codes.invalidValue, "3️⃣"),
            ])
        #expect(
            diagnostics.map(\.message) == [
                "the CPU reservation of 'resources' of app 'web' is above its limit 0.5",
                "the memory reservation of 'resources' of app 'web' is above its limit 256M",
                "'memory' of 'resources' of app 'tiny' is below Docker's minimum of 6M",
            ])
    }

    @Test func twoVolumesOnOnePathAndOneOnTheRoot() {
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            apps:
              web: {image: nginx:1.27, volumes: {data: /data, cache: 1️⃣/data/}}
              api: {image: nginx:1.27, volumes: {data: 2️⃣/}}
            """, [ExpectedDiagnostic(Codes.duplicateEntry, "1️⃣"), ExpectedDiagnostic(Codes.invalidFormat, "2️⃣")])
        #expect(
            diagnostics.first?.message
                == "volumes 'data' and 'cache' of 'volumes' of app 'web' are both mounted at '/data'")
    }

    @Test func keycloaksOwnRealm() {
        expectOnly(
            Codes.invalidValue,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                identity: {realm: 1️⃣master}
                databases: {pg: {}}
                apps: {}
                """)
        expectOnly(
            Codes.invalidValue,
            in: """
                stackc: 1
                name: 1️⃣master
                domain: example.org
                identity: {}
                databases: {pg: {}}
                apps: {}
                """)
        expectDiagnostics(
            """
            stackc: 1
            name: master
            domain: example.org
            identity: {realm: corp}
            databases: {pg: {}}
            apps: {}
            """, [])
    }

    @Test func oneUserPerEmailInAnyCase() {
        expectOnly(
            Codes.duplicateEntry,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                identity:
                  users:
                    - {name: alice, email: alice@example.org}
                    - {name: alice2, email: 1️⃣Alice@Example.org}
                databases: {pg: {}}
                apps: {}
                """)
    }

    @Test(arguments: [
        ("192.168.056.010", "write it without leading zeros: '192.168.56.10'"),
        (
            "192.168.56.101/24",
            "give the address alone, without the prefix length: '192.168.56.101' (the nodes share its /24)"
        ),
    ])
    func addressesThatToolsReadDifferently(address: String, help: String) {
        let diagnostic = expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                cluster: {address: 1️⃣\(address)}
                apps: {}
                """)
        #expect(diagnostic?.help == help)
    }

    @Test(arguments: [
        ("127.0.0.1", "a loopback address"), ("224.0.0.5", "a multicast address"),
        ("0.0.0.1", "in 0.0.0.0/8, which no host may use"),
        ("250.1.1.1", "a reserved address"),
    ])
    func addressesNoNodeCanHave(address: String, what: String) {
        let diagnostic = expectOnly(
            Codes.invalidValue,
            in: """
                stackc: 1
                name: shop
                cluster: {address: 1️⃣\(address)}
                apps: {}
                """)
        #expect(diagnostic?.message == "'address' of 'cluster' \(address) is \(what)")
    }

    @Test func yesWhereAHostOrBooleanGoes() {
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: example.org
            proxy: {dashboard: 1️⃣yes}
            registry: {mirror: 2️⃣On}
            apps: {}
            """, [ExpectedDiagnostic(Codes.wrongType, "1️⃣"), ExpectedDiagnostic(Codes.wrongType, "2️⃣")])
        #expect(
            diagnostics.first?.help
                == "YAML 1.2 reads 'yes' as a string, which would be the host 'yes'; write true or false")
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: example.org
            proxy: {dashboard: "yes"}
            apps: {}
            """, [])
    }

    @Test func backupOffAndADatabaseBackupOfFalse() {
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            databases:
              pg: {backup: 1️⃣false}
            apps:
              web: {image: nginx:1.27, volumes: {data: /data}, backup: 2️⃣off}
            """, [ExpectedDiagnostic(Codes.invalidValue, "1️⃣"), ExpectedDiagnostic(Codes.invalidValue, "2️⃣")])
        #expect(
            diagnostics.map(\.help) == [
                "leave 'backup' out: a database is backed up only on a schedule", "write 'backup: false'",
            ])
    }
}
