import StackDiagnostics
import Testing

@testable import StackCompiler

/// The warnings (W301–W306, W309): the manifest still resolves, and the warning points at the key
/// that causes it.
@Suite struct CheckWarningTests {
    @Test func stickyWithOneReplica() {
        expectOnly(
            Codes.stickySingleReplica,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: web
                    sticky: 1️⃣true
                """)
    }

    @Test func stickyWithTwoReplicasIsFine() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: example.org
            apps:
              web:
                image: nginx:1.27
                replicas: 2
                port: 80
                host: web
                sticky: true
            """, [])
    }

    @Test(arguments: [2, 4, 9])
    func managerCountsThatDoNotHelpRaft(managers: Int) {
        expectOnly(
            Codes.managerCount,
            in: """
                stackc: 1
                name: shop
                cluster:
                  managers: 1️⃣\(managers)
                apps: {}
                """)
    }

    @Test(arguments: [1, 3, 5, 7])
    func oddManagerCountsUpToSeven(managers: Int) {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            cluster:
              managers: \(managers)
            apps: {}
            """, [])
    }

    @Test func plainHTTP() {
        expectOnly(
            Codes.plainHTTP,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: web
                    https: 1️⃣false
                """)
    }

    @Test(arguments: ["lab.test", "lab.local", "corp.internal", "localhost", "b3.swarm.test"])
    func acmeForADomainThatCannotBePublic(domain: String) {
        expectOnly(
            Codes.acmePrivateDomain,
            in: """
                stackc: 1
                name: shop
                domain: 1️⃣\(domain)
                tls:
                  mode: acme
                  email: ops@example.org
                apps: {}
                """)
    }

    @Test func acmeForAPublicDomainIsFine() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: shop.example.org
            tls:
              mode: acme
              email: ops@example.org
            apps: {}
            """, [])
    }

    @Test func metricsWithoutMonitoring() {
        expectOnly(
            Codes.metricsWithoutMonitoring,
            in: """
                stackc: 1
                name: shop
                apps:
                  api:
                    image: nginx:1.27
                    metrics: 1️⃣9100
                """)
    }

    @Test func metricsWithMonitoringOffExplicitly() {
        expectOnly(
            Codes.metricsWithoutMonitoring,
            in: """
                stackc: 1
                name: shop
                monitoring:
                  logs: false
                  metrics: false
                apps:
                  api:
                    image: nginx:1.27
                    metrics: 1️⃣{port: 9100, path: /stats}
                """)
    }

    @Test func backupWithoutVolumes() {
        expectOnly(
            Codes.backupWithoutVolumes,
            in: """
                stackc: 1
                name: shop
                apps:
                  api:
                    image: nginx:1.27
                    backup: 1️⃣daily
                """)
    }

    @Test func backupFalseWithoutVolumesIsFine() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            apps:
              api:
                image: nginx:1.27
                backup: false
            """, [])
    }

    @Test func routingKeysOnAnUnroutedApp() {
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            apps:
              worker: {image: nginx:1.27, replicas: 2, path: 1️⃣/api, https: 2️⃣false, sticky: 3️⃣true}
            """,
            [
                ExpectedDiagnostic(Codes.noEffect, "1️⃣"), ExpectedDiagnostic(Codes.noEffect, "2️⃣"),
                ExpectedDiagnostic(Codes.noEffect, "3️⃣"),
            ])
        #expect(
            diagnostics.first?.message
                == "app 'worker' sets 'path' but has no 'host', so the proxy does not route it and 'path' does nothing")
        #expect(!diagnostics.contains { $0.code == Codes.plainHTTP }, "an unrouted app is not served over plain HTTP")
    }

    @Test func rolesWithoutOIDC() {
        let diagnostic = expectOnly(
            Codes.noEffect,
            in: """
                stackc: 1
                name: shop
                domain: example.org
                identity: {roles: [admin]}
                databases: {pg: {}}
                apps:
                  web: {image: nginx:1.27, port: 80, host: www, auth: basic, roles: [1️⃣admin]}
                """)
        #expect(diagnostic?.help == "add 'auth: oidc' to let only these roles in, or remove 'roles'")
    }

    @Test func rolesWithOIDCAreFine() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: example.org
            identity: {roles: [admin]}
            databases: {pg: {}}
            apps:
              web: {image: nginx:1.27, port: 80, host: www, auth: oidc, roles: [admin]}
            """, [])
    }

    @Test func monitoringPartsWithoutWhatTheyWatch() {
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: example.org
            monitoring:
              alerts: 1️⃣{email: ops@example.org}
              grafana: 2️⃣{auth: basic, admin_role: 3️⃣admin}
              retention: 4️⃣30d
            identity: {roles: [admin]}
            databases: {pg: {}}
            apps: {}
            """,
            [
                ExpectedDiagnostic(Codes.noEffect, "1️⃣"), ExpectedDiagnostic(Codes.noEffect, "2️⃣"),
                ExpectedDiagnostic(Codes.noEffect, "3️⃣"), ExpectedDiagnostic(Codes.noEffect, "4️⃣"),
            ])
        #expect(
            diagnostics.first?.message
                == "'monitoring.alerts' are rules on Prometheus's metrics, but 'monitoring.metrics' is off, so none would fire"
        )
    }

    @Test func monitoringWithMetricsIsQuiet() {
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: example.org
            monitoring: {metrics: true, alerts: true, retention: 30d, grafana: {auth: oidc, admin_role: admin}}
            identity: {roles: [admin]}
            databases: {pg: {}}
            apps: {}
            """, [])
    }

    @Test func clusterAndDatabaseKeysThatDoNothing() {
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            cluster: {box: 1️⃣debian/bookworm64, cpus: 2️⃣4, memory: 3️⃣8G}
            databases:
              pg: {placement: {role: manager, max_per_node: 4️⃣1}}
            apps: {}
            """,
            [
                ExpectedDiagnostic(Codes.noEffect, "1️⃣"), ExpectedDiagnostic(Codes.noEffect, "2️⃣"),
                ExpectedDiagnostic(Codes.noEffect, "3️⃣"), ExpectedDiagnostic(Codes.noEffect, "4️⃣"),
            ])
        #expect(diagnostics.first?.message == "'cluster.box' does nothing with 'provision: none'")
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            cluster: {provision: ignition, box: stable, ssh_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIShopKeyForTestsOnly ops@shop"]}
            apps: {}
            """, [])
        expectDiagnostics(
            """
            stackc: 1
            name: shop
            cluster: {provision: vagrant, box: debian/bookworm64, cpus: 4, memory: 8G}
            apps: {}
            """, [])
    }

    @Test func warningsStillResolveTheStack() {
        let result = MarkedManifest(
            """
            stackc: 1
            name: shop
            cluster: {managers: 2}
            apps:
              api: {image: nginx:1.27, backup: weekly}
            """
        ).check()
        #expect(summary(result.diagnostics).count == 2)
        #expect(result.diagnostics.allSatisfy { $0.severity == .warning })
        #expect(result.stack?.apps.first?.backup?.cron == "0 3 * * 0")
    }
}
