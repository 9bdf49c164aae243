import StackDiagnostics
import Testing

@testable import StackCompiler

/// The warnings `stackc build` gives (W308, W322): located in the manifest like every other
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

    /// Every family the language asks for is generated (W307, which warned at each key asking
    /// for one that was not, is retired): a manifest asking for all of them, backups of every
    /// kind of source included, builds without a warning beyond the build context's, and each
    /// backup has its job.
    @Test func everyFamilyIsGeneratedWithoutWarnings() throws {
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
              backup: weekly
            databases:
              pg: {backup: daily}
              maria: {engine: mariadb, backup: daily}
              cache: {engine: redis, backup: hourly}
            apps:
              web:
                image: nginx:1.27-alpine
                port: 8080
                host: www
                auth: oidc
                database: cache
              api:
                build: ./api
                volumes: {data: /data}
                backup: hourly
                database: pg
            """)
        let stack = try #require(manifest.check().stack)
        let result = BuildPipeline.build(stack)
        // The build context is not at hand here: only what it says about that.
        let unrelated = result.diagnostics.filter {
            ![Codes.unknownImageStart, Codes.unreadableDockerfile].contains($0.code)
        }
        #expect(unrelated.isEmpty, "\(unrelated.map { "\($0.code.rawValue): \($0.message)" })")
        for source in ["registry", "pg", "maria", "cache", "api"] {
            #expect(result.tree.file("backup/\(source).sh") != nil, "no backup job for \(source)")
        }
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
