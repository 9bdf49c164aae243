import StackDiagnostics
import Testing

@testable import StackCompiler

/// What a new-user trial of the issue-12 work found: each a located error, once, where the
/// build would otherwise have written something a swarm cannot run.
@Suite struct CheckTrialFindingsTests {
    /// Traefik's ACME account and certificates are one file for one instance.
    @Test func severalProxiesWithACMEAreAnError() {
        let diagnostic = expectOnly(
            Codes.invalidValue,
            in: """
                stackc: 1
                name: shop
                domain: shop.example.org
                tls: {mode: acme, email: ops@example.org}
                proxy: {replicas: 1️⃣3}
                cluster: {managers: 3}
                apps: {web: {image: "nginx:1.27", port: 80, host: www}}
                """)
        #expect(diagnostic?.message.hasPrefix("'proxy.replicas: 3' with 'tls.mode: acme'") == true)
        #expect(diagnostic?.help?.contains("'proxy.replicas: 1'") == true)
    }

    /// Compose's `test: [CMD, …]`: stackc writes CMD itself; Docker would run a program `CMD`.
    @Test func aHealthCommandStartingWithCMDIsAnError() {
        let list = expectOnly(
            Codes.invalidValue,
            in: """
                stackc: 1
                name: shop
                apps:
                  n: {image: "nginx:1.27", health: {command: [1️⃣CMD, curl, -f, "http://localhost/"]}}
                """)
        #expect(list?.help == "write 'command: [curl, -f, http://localhost/]'")
        let shell = expectOnly(
            Codes.invalidValue,
            in: """
                stackc: 1
                name: shop
                apps:
                  n: {image: "nginx:1.27", health: {command: [1️⃣CMD-SHELL, "curl -f http://localhost/ || exit 1"]}}
                """)
        #expect(shell?.help == "write 'command: \"curl -f http://localhost/ || exit 1\"'")
    }

    /// `None`: meant `none`; and a broken health check is one error, not also "no port".
    @Test func aBrokenHealthCheckIsOneError() {
        let none = expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                apps:
                  n: {image: "nginx:1.27", health: 1️⃣None}
                """)
        #expect(none?.help == "write 'health: none' (lower case) for no health check")
        _ = expectOnly(
            Codes.invalidFormat,
            in: """
                stackc: 1
                name: shop
                apps:
                  n: {image: "nginx:1.27", health: {command: 1️⃣[]}}
                """)
    }

    /// A label value Swarm's constraint parser cannot match is refused at the label.
    @Test(arguments: ["\"a == b\"", "\"\"", "\"two words\"", "\"x!=y\""])
    func anUnmatchableLabelValueIsAnError(value: String) {
        let diagnostic = expectOnly(
            Codes.invalidValue,
            in: """
                stackc: 1
                name: shop
                cluster: {managers: 1, workers: 1}
                databases:
                  pg: {placement: {labels: {1️⃣zone: \(value)}}}
                apps: {}
                """)
        #expect(diagnostic?.message.contains("cannot be matched by a Swarm constraint") == true)
    }

    /// A `$` in a label value reaches Swarm as written: the stack file doubles it.
    @Test func aDollarInALabelValueSurvivesInterpolation() throws {
        let text = """
            stackc: 1
            name: shop
            cluster: {managers: 1, workers: 1}
            databases:
              pg: {placement: {labels: {cost: "$(id)"}}}
            apps: {}
            """
        let stack = try #require(StackCompiler.check(SourceFile(path: "shop.yml", bytes: Array(text.utf8))).stack)
        let stackFile = try #require(BuildPipeline.build(stack).tree.file("stack.yml")).contents
        #expect(stackFile.contains("- node.labels.cost == $$(id)"), "\(stackFile)")
    }

    /// With ACME the proxy is one pinned task; the VIP follows it because keepalived on every
    /// manager checks the proxy on its own node (W312 retired): no warning, and each manager's
    /// keepalived tracks port 80 there.
    @Test func aVIPWithOneACMEProxyFollowsIt() throws {
        let built = try #require(
            BuildSupport.build(
                path: "shop.yml",
                text: """
                    stackc: 1
                    name: shop
                    domain: shop.example.org
                    tls: {mode: acme, email: ops@example.org}
                    cluster: {managers: 3, vip: 192.168.56.100}
                    apps: {web: {image: "nginx:1.27", port: 80, host: www}}
                    """))
        let diagnostics = BuildPipeline.build(built.stack).diagnostics
        #expect(!diagnostics.contains { $0.code.rawValue == "W312" }, "\(diagnostics)")
        for manager in 1...3 {
            let config = try #require(built.tree.file("nodes/keepalived/manager-\(manager).conf")).contents
            #expect(config.contains("http://127.0.0.1:80/"), "\(config)")
            #expect(config.contains("track_script {\n        edge_proxy\n    }"), "\(config)")
        }
    }
}
