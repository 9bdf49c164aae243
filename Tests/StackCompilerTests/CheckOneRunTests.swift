import StackDiagnostics
import Testing

@testable import StackCompiler

/// Every problem of a manifest in one run: errors before warnings, each group in file order,
/// and the features of YAML a manifest may use (`x-` keys, anchors, aliases, merge keys).
@Suite struct CheckOneRunTests {
    @Test func allProblemsComeInOneRunErrorsFirstEachInFileOrder() {
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            domain: example.org
            cluster:
              managers: 1️⃣2
              storage_driver: 2️⃣zfs
            tls:
              mode: 3️⃣acmee
            apps:
              web:
                image: nginx:1.27
                4️⃣replica: 2
                port: 80
                host: web
                sticky: 5️⃣true
                database: 6️⃣pgg
              api:
                build: 7️⃣./api
                depends_on: [8️⃣wbe]
              db:
                image: postgres:17
                depends_on: [9️⃣db]
            """,
            [
                .init(Codes.storageDriverNeedsDisk, "2️⃣"), .init(Codes.invalidValue, "3️⃣"),
                .init(Codes.unknownKey, "4️⃣"), .init(Codes.unknownReference, "6️⃣"),
                .init(Codes.buildWithoutRegistry, "7️⃣"), .init(Codes.unknownReference, "8️⃣"),
                .init(Codes.dependencyCycle, "9️⃣"),
                .init(Codes.managerCount, "1️⃣"), .init(Codes.stickySingleReplica, "5️⃣"),
            ])
        #expect(diagnostics.prefix(7).allSatisfy { $0.severity == .error })
        #expect(diagnostics.suffix(2).allSatisfy { $0.severity == .warning })
        #expect(diagnostics.allSatisfy { $0.path == "test.yml" })
    }

    @Test func aProblemReportedTwiceAtOnePlaceIsShownOnce() {
        // Both apps merge the same misspelt key: one place, but two different messages.
        let diagnostics = expectDiagnostics(
            """
            stackc: 1
            name: shop
            x-defaults: &d {1️⃣replica: 2}
            apps:
              web: {<<: *d, image: nginx:1.27}
              api: {<<: *d, image: nginx:1.27}
            """, [.init(Codes.unknownKey, "1️⃣"), .init(Codes.unknownKey, "1️⃣")])
        #expect(Set(diagnostics.map(\.message)).count == 2)
    }

    // MARK: x- keys

    @Test func xKeysAreIgnoredAnywhere() {
        let stack = resolved(
            """
            stackc: 1
            name: shop
            x-top: {anything: [1, 2, {deep: true}]}
            domain: example.org
            x-MixedCase_Key: 3
            tls: {mode: selfsigned, x-note: later acme}
            proxy: {kind: traefik, x-why: labels}
            cluster:
              x-note: two racks
              managers: 1
              docker: {metrics: true, x-extra: 1}
            registry: {x-old: true}
            identity:
              x-todo: roles
              roles: [staff]
              groups:
                x-group: [nope]
                staff: [staff]
              users:
                - {name: alice, email: alice@example.org, x-phone: 123}
            monitoring: {metrics: true, x-later: logs, alerts: {x-pager: yes}, grafana: {x-theme: dark}}
            databases:
              x-unused: {engine: oracle}
              pg: {x-comment: hi, engine: postgres}
            backup: {x-where: offsite, keep: 3}
            apps:
              x-template:
                image: NOT A VALID IMAGE
              web:
                x-owner: team-a
                image: nginx:1.27
                port: 80
                host: web
                update: {x-why: because, order: stop-first}
                health: {path: /, x-extra: 1}
                metrics: {port: 9100, x-note: exporter}
                resources: {cpus: 1, x-burst: 2, reserve: {x-min: 1}}
                placement: {x-rack: a, role: manager}
                env:
                  x-ignored: 1
                  MODE: prod
                volumes:
                  x-tmp: /tmp
                  data: /data
            """)
        #expect(stack?.apps.map(\.name) == ["web"])
        #expect(stack?.databases.map(\.name) == ["pg"])
        #expect(stack?.identity?.groups.map(\.name) == ["staff"])
        #expect(stack?.apps.first?.env.map(\.key) == ["MODE"])
        #expect(stack?.apps.first?.volumes.map(\.name) == ["data"])
        #expect(stack?.backup.keep == 3)
    }

    @Test func aKeyThatMerelyContainsXIsNotIgnored() {
        expectOnly(
            Codes.unknownKey,
            in: """
                stackc: 1
                name: shop
                1️⃣my-x-key: 1
                apps: {}
                """)
    }

    // MARK: Anchors, aliases and merge keys

    @Test func mergeKeysShareDefaultsAndExplicitKeysWin() {
        let stack = resolved(
            """
            stackc: 1
            name: shop
            cluster: {shared_storage: nfs}
            x-defaults: &d {replicas: 2, port: 8080}
            x-image: &image nginx:1.27
            apps:
              web:
                <<: *d
                image: *image
              api:
                <<: *d
                image: *image
                replicas: 3
            """)
        #expect(stack?.apps.map(\.replicas) == [.count(2), .count(3)])
        #expect(stack?.apps.map(\.port) == [8080, 8080])
        #expect(stack?.apps.map(\.image) == ["nginx:1.27", "nginx:1.27"])
    }

    @Test func mergeOfSeveralMappingsTakesTheFirstOne() {
        let stack = resolved(
            """
            stackc: 1
            name: shop
            x-small: &small {replicas: 1, port: 80}
            x-big: &big {replicas: 4, port: 8080, image: "nginx:1.27"}
            cluster: {shared_storage: nfs}
            apps:
              web:
                <<: [*small, *big]
            """)
        #expect(stack?.apps.first?.replicas == .count(1))
        #expect(stack?.apps.first?.port == 80)
        #expect(stack?.apps.first?.image == "nginx:1.27")
    }

    @Test func aliasOfAWholeApp() {
        let stack = resolved(
            """
            stackc: 1
            name: shop
            apps:
              blue: &app {image: "nginx:1.27", port: 80}
              green: *app
            """)
        #expect(stack?.apps.map(\.name) == ["blue", "green"])
        #expect(stack?.apps.map(\.port) == [80, 80])
    }

    @Test func problemsInAMergedMappingPointAtWhereTheyAreWritten() {
        expectOnly(
            Codes.invalidValue,
            in: """
                stackc: 1
                name: shop
                x-defaults: &d
                  replicas: 1️⃣-2
                apps:
                  web:
                    <<: *d
                    image: nginx:1.27
                """)
    }
}
