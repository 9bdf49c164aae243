import StackDiagnostics
import Testing

@testable import StackCompiler

/// Names Swarm sees, and what images can run: a deploy that lint passed must not fail on a
/// secret name Swarm refuses, or wait forever on a health check the image cannot run.
@Suite struct BuildNamesAndToolsTests {
    static func build(_ text: String, path: String = "names.yml") throws -> BuildPipeline.Result {
        let checked = StackCompiler.check(SourceFile(path: path, bytes: Array(text.utf8)))
        let stack = try #require(checked.stack, "\(checked.diagnostics.map(\.message))")
        return BuildPipeline.build(stack)
    }

    /// The issue's example: every secret and config name in the stack file fits in 64
    /// characters, stays distinct, and is the same in `deploy.sh`.
    @Test func derivedNamesFitSwarmsLimit() throws {
        let text = """
            stackc: 1
            name: campus-platform-prod
            domain: campus.test
            databases:
              postgres-main: {}
            apps:
              nextcloud-files-europe:
                preset: nextcloud
                image: nextcloud:29-apache
                host: files
                auth: basic
                database: postgres-main
                depends_on: [postgres-main]
              nextcloud-files-europa:
                preset: nextcloud
                image: nextcloud:29-apache
                host: files2
                database: postgres-main
            """
        let result = try Self.build(text)
        #expect(!result.hasErrors)
        let stackFile = try #require(result.tree.file("stack.yml")).contents
        let document = try #require(try PyYAMLValue.read(stackFile))
        let secretNames = (document["secrets"]?.pairs ?? [:]).values.compactMap { $0["name"]?.string }
        let configNames = (document["configs"]?.pairs ?? [:]).values.compactMap { $0["name"]?.string }
        #expect(secretNames.count >= 6 && configNames.count >= 3)
        for name in secretNames + configNames {
            #expect(name.utf8.count <= 64, "'\(name)' has \(name.utf8.count) characters")
        }
        #expect(Set(secretNames).count == secretNames.count && Set(configNames).count == configNames.count)
        #expect(
            secretNames.contains {
                $0.utf8.count > 56 && $0.range(of: #"-[0-9a-f]{8}$"#, options: .regularExpression) != nil
            },
            "no name was long enough to be shortened: \(secretNames)")
        let deploy = try #require(result.tree.file("deploy.sh")).contents
        for name in secretNames { #expect(deploy.contains(name), "deploy.sh does not make '\(name)'") }
        // The same manifest, the same names.
        #expect(try Self.build(text).tree == result.tree)
    }

    @Test func fittingIsStableAndKeepsShortNames() {
        #expect(PlatformNames.fitted("shop_pg-admin-password") == "shop_pg-admin-password")
        let long = String(repeating: "a", count: 70)
        let fitted = PlatformNames.fitted(long)
        #expect(fitted.utf8.count == 64 && fitted == PlatformNames.fitted(long))
        #expect(PlatformNames.fitted(long + "b") != fitted)
    }

    static func warnings(_ app: String) throws -> [Diagnostic] {
        try build(
            """
            stackc: 1
            name: tools
            apps:
            \(app)
            """
        ).diagnostics.filter { [Codes.missingImageTool, Codes.unknownImageTools].contains($0.code) }
    }

    static func stackFile(_ app: String) throws -> PyYAMLValue {
        let result = try build("stackc: 1\nname: tools\napps:\n\(app)\n")
        let text = try #require(result.tree.file("stack.yml")).contents
        return try #require(try PyYAMLValue.read(text))
    }

    /// An HTTP check the image can run: python:3.12-slim has neither wget nor curl, so the probe
    /// is Python's own, run without a shell.
    @Test func pythonSlimIsProbedWithPython() throws {
        let app = "  api: {image: python:3.12-slim, port: 8000, health: /healthz}"
        #expect(try Self.warnings(app).isEmpty)
        let document = try Self.stackFile(app)
        let test = document["services"]?["api"]?["healthcheck"]?["test"]?.items?.compactMap(\.string) ?? []
        #expect(test.prefix(3) == ["CMD", "python3", "-c"], "\(test)")
        #expect(test.last == "http://127.0.0.1:8000/healthz")
        // The probe itself, run by the real python3: it passes on an answer, fails on a refusal.
        let probe = Array(test.dropFirst().dropLast())
        let answered = try #require(try Tools.run(probe[0], Array(probe.dropFirst()) + ["data:,ok"]))
        #expect(answered.status == 0, "\(answered.summary)")
        let refused = try #require(try Tools.run(probe[0], Array(probe.dropFirst()) + ["http://127.0.0.1:9/"]))
        #expect(refused.status != 0, "\(refused.summary)")
    }

    @Test func anImageWithoutAnHTTPClientIsWarned() throws {
        let warnings = try Self.warnings("  cache: {image: redis:7.4, port: 6379, health: /}")
        #expect(warnings.map(\.code) == [Codes.missingImageTool])
        #expect(warnings.first?.message.contains("neither wget, curl nor python3") == true)
        #expect(warnings.first?.help?.contains("health: {command") == true)
    }

    @Test func anUnknownImageIsWarned() throws {
        let warnings = try Self.warnings("  api: {image: ghcr.io/acme/api:1.4, port: 8080, health: /ready}")
        #expect(warnings.map(\.code) == [Codes.unknownImageTools])
        #expect(warnings.first?.message.contains("does not know whether the image 'ghcr.io/acme/api:1.4'") == true)
    }

    @Test func knownImagesWithAClientAreQuiet() throws {
        #expect(try Self.warnings("  web: {image: nginx:1.27-alpine, port: 80, health: /}").isEmpty)
        #expect(try Self.warnings("  web: {image: nginx:1.27, port: 80, health: /}").isEmpty)
    }

    /// traefik/whoami has no shell: a start-up wrapper cannot run in it.
    @Test func noShellNoWrapper() throws {
        let result = try Self.build(
            """
            stackc: 1
            name: tools
            databases:
              pg: {}
            apps:
              who:
                image: traefik/whoami:v1.10
                entrypoint: [/whoami]
                depends_on: [pg]
            """)
        let warnings = result.diagnostics.filter { $0.code == Codes.missingImageTool }
        #expect(warnings.count == 1)
        #expect(warnings.first?.message.contains("has no shell to run it") == true, "\(warnings.map(\.message))")
        #expect(result.tree.file("entrypoints/who.sh") == nil)
    }
}
