import StackDiagnostics
import Testing

@testable import StackCompiler

/// Every shorthand of the spec means exactly its long form: both resolve to the same stack.
@Suite struct CheckShorthandTests {
    /// A shorthand and its long form, each a fragment of the same manifest.
    struct Pair: Sendable, CustomTestStringConvertible {
        let name: String
        let short: String
        let long: String
        var testDescription: String { name }
    }

    static let pairs: [Pair] = [
        Pair(
            name: "health path",
            short: """
                apps:
                  web: {image: nginx:1.27, port: 80, health: /status.php}
                """,
            long: """
                apps:
                  web: {image: nginx:1.27, port: 80, health: {path: /status.php}}
                """),
        Pair(
            // The form a stack.swift's `health: .off` reaches the checker in (JSON quotes strings).
            name: "health none quoted",
            short: """
                apps:
                  web: {image: nginx:1.27, port: 80, health: none}
                """,
            long: """
                apps:
                  web: {image: nginx:1.27, port: 80, health: "none"}
                """),
        Pair(
            name: "metrics port",
            short: """
                monitoring: {metrics: true}
                apps:
                  web: {image: nginx:1.27, metrics: 9100}
                """,
            long: """
                monitoring: {metrics: true}
                apps:
                  web: {image: nginx:1.27, metrics: {port: 9100}}
                """),
        Pair(
            name: "metrics path default",
            short: """
                monitoring: {metrics: true}
                apps:
                  web: {image: nginx:1.27, metrics: 9100}
                """,
            long: """
                monitoring: {metrics: true}
                apps:
                  web: {image: nginx:1.27, metrics: {port: 9100, path: /metrics}}
                """),
        Pair(
            name: "proxy replicas global is the default",
            short: """
                apps: {}
                """,
            long: """
                proxy: {replicas: global}
                apps: {}
                """),
        Pair(
            name: "dashboard true",
            short: """
                proxy: {dashboard: true}
                apps: {}
                """,
            long: """
                proxy: {dashboard: proxy}
                apps: {}
                """),
        Pair(
            name: "dashboard full host",
            short: """
                proxy: {dashboard: true}
                apps: {}
                """,
            long: """
                proxy: {dashboard: proxy.example.org}
                apps: {}
                """),
        Pair(
            name: "registry mirror true",
            short: """
                registry: {mirror: true}
                apps: {}
                """,
            long: """
                registry: {mirror: mirror}
                apps: {}
                """),
        Pair(
            name: "alerts true",
            short: """
                monitoring: {metrics: true, alerts: true}
                apps: {}
                """,
            long: """
                monitoring: {metrics: true, alerts: {}}
                apps: {}
                """),
        Pair(
            name: "grafana true",
            short: """
                monitoring: {logs: true, grafana: true}
                apps: {}
                """,
            long: """
                monitoring: {logs: true, grafana: {}}
                apps: {}
                """),
        Pair(
            name: "grafana on by default with metrics",
            short: """
                monitoring: {metrics: true}
                apps: {}
                """,
            long: """
                monitoring: {metrics: true, grafana: {host: grafana}}
                apps: {}
                """),
        Pair(
            name: "host label and full name",
            short: """
                apps:
                  web: {image: nginx:1.27, port: 80, host: web}
                """,
            long: """
                apps:
                  web: {image: nginx:1.27, port: 80, host: web.example.org}
                """),
        Pair(
            name: "schedule daily",
            short: """
                databases: {pg: {backup: daily}}
                apps: {}
                """,
            long: """
                databases: {pg: {backup: "0 3 * * *"}}
                apps: {}
                """),
        Pair(
            name: "empty database is postgres",
            short: """
                databases: {pg: }
                apps: {}
                """,
            long: """
                databases: {pg: {engine: postgres}}
                apps: {}
                """),
    ]

    @Test(arguments: pairs)
    func shorthandResolvesLikeItsLongForm(pair: Pair) throws {
        let header = "stackc: 1\nname: shop\ndomain: example.org\n"
        let short = try #require(resolved(header + pair.short))
        let long = try #require(resolved(header + pair.long))
        // Where a value is written is the same for both; how long it is written is not meaning.
        let meaning = { (text: String) in
            text.replacing(#/length: \d+\)/#, with: ")").split(separator: "\n").filter { !$0.contains("- length: ") }
        }
        #expect(meaning(structure(short)) == meaning(structure(long)))
    }

    @Test func shorthandsAreNotEmptyComparisons() throws {
        // Guards the test above: different manifests do resolve differently.
        let header = "stackc: 1\nname: shop\ndomain: example.org\n"
        let one = try #require(resolved(header + "apps:\n  web: {image: nginx:1.27, port: 80, health: /a}\n"))
        let other = try #require(resolved(header + "apps:\n  web: {image: nginx:1.27, port: 80, health: /b}\n"))
        #expect(structure(one) != structure(other))
    }

    @Test func replicasGlobalIsOneTaskOnEveryNode() throws {
        let stack = try #require(
            resolved(
                """
                stackc: 1
                name: shop
                cluster: {managers: 3, workers: 4}
                apps:
                  agent: {image: nginx:1.27, replicas: global}
                """))
        #expect(stack.apps.first?.replicas == .global)
        // Seven tasks with a volume need shared storage, as seven replicas would.
        let global = MarkedManifest(
            """
            stackc: 1
            name: shop
            cluster: {managers: 3, workers: 4}
            apps:
              agent:
                image: nginx:1.27
                replicas: global
                volumes: {1️⃣state: /state}
            """)
        let diagnostic = try #require(global.check().diagnostics.first)
        #expect(diagnostic.code == Codes.volumeNeedsSharedStorage)
        #expect(diagnostic.message.contains("runs 7 tasks"))
    }
}
