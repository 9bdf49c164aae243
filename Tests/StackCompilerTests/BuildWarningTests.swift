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

    @Test func notGeneratedYetPointsAtTheFirstSectionThatAsksForIt() throws {
        let manifest = MarkedManifest(
            """
            stackc: 1
            name: shop
            domain: shop.test
            1️⃣monitoring:
              metrics: true
            identity:
              roles: [staff]
            databases:
              pg: {}
            apps:
              web:
                image: nginx:1.27-alpine
                port: 8080
            """)
        let warnings = Self.warnings(manifest)
        #expect(summary(warnings) == ["W307@\(manifest["1️⃣"])"])
        let message = try #require(warnings.first?.message)
        #expect(message.contains("identity (Keycloak service and realm)"))
        #expect(message.contains("monitoring (Prometheus"))
        #expect(!message.contains("backup jobs"))
    }

    @Test func notGeneratedYetForABackupPointsAtTheApp() {
        let manifest = MarkedManifest(
            """
            stackc: 1
            name: shop
            apps:
              1️⃣web:
                image: nginx:1.27-alpine
                volumes: {data: /data}
                backup: daily
            """)
        let warnings = Self.warnings(manifest)
        #expect(summary(warnings) == ["W307@\(manifest["1️⃣"])"])
        #expect(warnings.first?.message.contains("backup jobs") == true)
    }

    @Test func notGeneratedYetForTheRunbookAloneIsAtTheTop() {
        let manifest = MarkedManifest(
            """
            # a plain stack
            1️⃣stackc: 1
            name: shop
            apps:
              web:
                image: nginx:1.27-alpine
            """)
        let warnings = Self.warnings(manifest)
        #expect(summary(warnings) == ["W307@\(manifest["1️⃣"])"])
        #expect(warnings.first?.message.hasSuffix("stackc: RUNBOOK.md") == true)
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
