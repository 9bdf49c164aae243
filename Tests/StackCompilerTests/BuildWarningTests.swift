import StackDiagnostics
import Testing

@testable import StackCompiler

/// The warnings `stackc build` gives (W307, W308): located in the manifest like every other
/// diagnostic, at the first place that asks for what they are about.
@Suite struct BuildWarningTests {
    /// The build warnings of `manifest`, which must check clean.
    static func warnings(_ manifest: MarkedManifest, sourceLocation: Testing.SourceLocation = #_sourceLocation)
        -> [Diagnostic]
    {
        guard let stack = manifest.check().stack else {
            Issue.record("the manifest does not check", sourceLocation: sourceLocation)
            return []
        }
        return BuildPipeline.build(stack).diagnostics
    }

    /// One W307 per key that asks for a family not generated yet, at that key.
    @Test func notGeneratedYetPointsAtEachAskingKey() throws {
        let manifest = MarkedManifest(
            """
            stackc: 1
            name: shop
            domain: shop.test
            cluster:
              managers: 1
              provision: vagrant
              vip: 192.168.56.100
            monitoring:
              metrics: true
              alerts: true
            identity:
              roles: [staff]
            registry:
              users: [ci]
              backup: 1️⃣weekly
            databases:
              pg: {backup: 2️⃣daily}
            apps:
              web:
                image: nginx:1.27-alpine
                port: 8080
                host: www
                auth: oidc
              api:
                build: ./api
                volumes: {data: /data}
                backup: 3️⃣hourly
            """)
        // In file order, as the command line prints them.
        let warnings = Self.warnings(manifest).filter { $0.code == Codes.notGeneratedYet }
            .sorted {
                ($0.span?.start.line ?? 0, $0.span?.start.column ?? 0) < (
                    $1.span?.start.line ?? 0, $1.span?.start.column ?? 0
                )
            }
        // Identity, OIDC sign-in, monitoring, the registry and the nodes are generated: no
        // warning at 'identity', 'auth: oidc', 'monitoring', 'registry', 'build', 'provision'
        // or 'vip'.
        #expect(
            summary(warnings) == ("1️⃣2️⃣3️⃣" as String).map { "W307@\(manifest[$0])" })
        let messages = warnings.map(\.message)
        guard messages.count == 3 else { return }
        // The registry and the apps built into it are generated; its backup job is not yet.
        // The alert on a backup's age comes with the backup jobs: their warnings say so.
        #expect(messages[0].hasPrefix("the registry's backup job and its alert on the backup's age"), "\(messages[0])")
        #expect(messages[1].hasPrefix("the backup job of 'pg' and its alert on the backup's age"), "\(messages[1])")
        #expect(messages[2].hasPrefix("the backup job of 'api' and its alert on the backup's age"))
    }

    /// Monitoring with alerts but no backup asks for nothing missing: no W307 at 'monitoring'.
    @Test func monitoringWithoutBackupsIsComplete() throws {
        let manifest = MarkedManifest(
            """
            stackc: 1
            name: shop
            domain: shop.test
            monitoring: {metrics: true, logs: true, alerts: {email: ops@shop.test}}
            apps:
              web: {image: "nginx:1.27-alpine", port: 8080, host: www}
            """)
        #expect(Self.warnings(manifest).filter { $0.code == Codes.notGeneratedYet }.isEmpty)
    }

    /// A stack that asks for nothing missing gets no W307: the runbook, which every stack will
    /// get, is in the README's status table, not a warning on every manifest.
    @Test func aPlainStackHasNoNotGeneratedWarning() {
        let manifest = MarkedManifest(
            """
            stackc: 1
            name: shop
            databases:
              pg: {}
            apps:
              web:
                image: nginx:1.27-alpine
                database: pg
            """)
        #expect(Self.warnings(manifest).filter { $0.code == Codes.notGeneratedYet }.isEmpty)
    }

    /// Redis consumers get users of their own (RedisUsersTests): nothing is missing.
    @Test func redisConsumersAreComplete() {
        let manifest = MarkedManifest(
            """
            stackc: 1
            name: shop
            databases:
              cache: {engine: redis}
            apps:
              web:
                image: nginx:1.27-alpine
                database: cache
            """)
        #expect(Self.warnings(manifest).filter { $0.code == Codes.notGeneratedYet }.isEmpty)
    }

    @Test func unknownImageStartPointsAtTheApp() {
        let manifest = MarkedManifest(
            """
            stackc: 1
            name: shop
            apps:
              api:
                image: nginx:1.27-alpine
                port: 8080
              1️⃣worker:
                image: ghcr.io/acme/worker:2.1
                depends_on: [api]
            """)
        let warnings = Self.warnings(manifest).filter { $0.code == Codes.unknownImageStart }
        #expect(summary(warnings) == ["W308@\(manifest["1️⃣"])"])
        #expect(warnings.first?.message.contains("app 'worker' needs a start-up wrapper") == true)
    }
}
