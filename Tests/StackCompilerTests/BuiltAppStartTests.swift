import StackDiagnostics
import Testing

@testable import StackCompiler

/// A `build:` app's start-up wrapper hands over to what its Dockerfile's final stage says
/// (the command line reads the file; the build is given its text), the manifest's
/// `entrypoint`/`command` still winning; a Dockerfile that says nothing, or could not be read,
/// is a located warning naming it.
@Suite struct BuiltAppStartTests {
    static let manifest = MarkedManifest(
        """
        stackc: 1
        name: ci
        domain: ci.test
        registry: {users: [deploy]}
        databases: {pg: {engine: postgres}}
        apps:
          1️⃣api:
            build: 2️⃣./api
            port: 8000
            database: pg
            depends_on: [pg]
        """)

    static let dockerfile = """
        ARG PYTHON=3.12
        FROM python:${PYTHON}-slim AS base
        RUN pip install --no-cache-dir gunicorn
        FROM base
        COPY . /app
        ENTRYPOINT ["gunicorn", "--bind", "0.0.0.0:8000"]
        CMD ["app:server"]
        """

    static func build(_ dockerfiles: [String: DeliveredFileContents], manifest: MarkedManifest = manifest) throws
        -> BuildPipeline.Result
    {
        let stack = try #require(manifest.check(path: "ci.yml").stack)
        return BuildPipeline.build(stack, files: FilesRead(dockerfiles: dockerfiles))
    }

    static func service(_ result: BuildPipeline.Result, _ name: String = "api") throws -> PyYAMLValue {
        let text = try #require(result.tree.file("stack.yml")).contents
        return try #require(try PyYAMLValue.read(text)?["services"]?[name])
    }

    @Test func theWrapperExecsTheDockerfilesStart() throws {
        let result = try Self.build(["./api": .text(Self.dockerfile)])
        let codes = result.diagnostics.map(\.code)
        #expect(!codes.contains(Codes.unknownImageStart) && !codes.contains(Codes.unreadableDockerfile), "\(codes)")
        let service = try Self.service(result)
        #expect(service["entrypoint"]?.items?.compactMap(\.string) == ["/bin/sh", EntrypointWrapperRenderer.path])
        #expect(
            service["command"]?.items?.compactMap(\.string) == ["gunicorn", "--bind", "0.0.0.0:8000", "app:server"])
        let script = try #require(result.tree.file("entrypoints/api.sh")).contents
        #expect(script.contains("wait_for_tcp pg 5432") && script.hasSuffix("exec \"$@\"\n"), "\(script)")
        // lint reports what build reports.
        let stack = try #require(Self.manifest.check(path: "ci.yml").stack)
        let linted = BuildPipeline.diagnostics(stack, files: FilesRead(dockerfiles: ["./api": .text(Self.dockerfile)]))
        #expect(summary(linted).sorted() == summary(result.diagnostics).sorted())
    }

    @Test func theManifestsEntrypointAndCommandWin() throws {
        let manifest = MarkedManifest(
            Self.manifest.text + "\n    command: [\"app:other\"]\n")
        let result = try Self.build(["./api": .text(Self.dockerfile)], manifest: manifest)
        #expect(
            try Self.service(result)["command"]?.items?.compactMap(\.string)
                == ["gunicorn", "--bind", "0.0.0.0:8000", "app:other"])
        let withEntrypoint = MarkedManifest(Self.manifest.text + "\n    entrypoint: [/bin/serve]\n")
        let overridden = try Self.build(["./api": .text(Self.dockerfile)], manifest: withEntrypoint)
        #expect(try Self.service(overridden)["command"]?.items?.compactMap(\.string) == ["/bin/serve", "app:server"])
    }

    @Test func aDockerfileThatDoesNotSayIsW308NamingIt() throws {
        let result = try Self.build(["./api": .text("FROM ghcr.io/acme/base:1\nCMD [\"serve\"]\n")])
        let warnings = result.diagnostics.filter { $0.code == Codes.unknownImageStart }
        #expect(summary(warnings) == ["W308@\(Self.manifest["1️⃣"])"])
        let message = try #require(warnings.first?.message)
        #expect(message.contains("'./api/Dockerfile' sets no ENTRYPOINT"), "\(message)")
        #expect(message.contains("'ghcr.io/acme/base:1' is not one stackc knows"), "\(message)")
        #expect(result.tree.file("entrypoints/api.sh") == nil)
    }

    @Test func fromScratchHasNoShellForTheWrapper() throws {
        let result = try Self.build(["./api": .text("FROM scratch\nCOPY server /\nENTRYPOINT [\"/server\"]\n")])
        let warnings = result.diagnostics.filter { $0.code == Codes.missingImageTool }
        #expect(summary(warnings) == ["W320@\(Self.manifest["1️⃣"])"])
        #expect(warnings.first?.message.contains("FROM scratch, which has no shell") == true)
        #expect(result.tree.file("entrypoints/api.sh") == nil)
        // A base stackc knows has no shell: W320 names it, whatever the start.
        let whoami = try Self.build(["./api": .text("FROM traefik/whoami:v1.10\nCMD [\"--port\", \"8000\"]\n")])
        #expect(
            summary(whoami.diagnostics.filter { $0.code == Codes.missingImageTool }) == ["W320@\(Self.manifest["1️⃣"])"])
        #expect(!whoami.diagnostics.contains { $0.code == Codes.unknownImageStart })
        #expect(
            whoami.diagnostics.contains { $0.message.contains("on 'traefik/whoami:v1.10', which has no shell") },
            "\(whoami.diagnostics.map(\.message))")
    }

    /// A distroless base has no shell (but in its `debug` tags); an Alpine base's own empty
    /// ENTRYPOINT lets a stage's CMD decide the start alone.
    @Test func distrolessHasNoShellAndAlpineLetsTheCMDDecide() throws {
        let distroless = try Self.build([
            "./api": .text(
                "FROM golang:1.22 AS build\nRUN go build -o /app\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n"
            )
        ])
        #expect(
            summary(distroless.diagnostics.filter { $0.code == Codes.missingImageTool })
                == ["W320@\(Self.manifest["1️⃣"])"], "\(distroless.diagnostics.map(\.message))")
        #expect(distroless.tree.file("entrypoints/api.sh") == nil)
        let debug = try Self.build(["./api": .text("FROM gcr.io/distroless/static:debug\nENTRYPOINT [\"/app\"]\n")])
        #expect(!debug.diagnostics.contains { $0.code == Codes.missingImageTool }, "\(debug.diagnostics)")
        let alpine = try Self.build([
            "./api": .text("FROM alpine:3.20\nCOPY server /\nCMD [\"/server\", \"-p\", \"8000\"]\n")
        ])
        #expect(!alpine.diagnostics.contains { $0.code == Codes.unknownImageStart }, "\(alpine.diagnostics)")
        #expect(try Self.service(alpine)["command"]?.items?.compactMap(\.string) == ["/server", "-p", "8000"])
    }

    /// Every way the command line can fail to read the file is W322 at `build`, naming the file
    /// as the manifest gives it, and the wrapper's W308 says why the start is unknown.
    @Test(arguments: [
        DeliveredFileContents.unreadable("no such file"), .binary, .tooLarge(600_000), .outside("/repo"),
    ])
    func anUnreadableDockerfileIsW322AtBuild(_ contents: DeliveredFileContents) throws {
        let result = try Self.build(["./api": contents])
        let unreadable = result.diagnostics.filter { $0.code == Codes.unreadableDockerfile }
        #expect(summary(unreadable) == ["W322@\(Self.manifest["2️⃣"])"])
        #expect(unreadable.first?.severity == .warning)
        #expect(unreadable.first?.message.contains("'./api/Dockerfile' of app 'api'") == true)
        let start = result.diagnostics.filter { $0.code == Codes.unknownImageStart }
        #expect(start.first?.message.contains("'./api/Dockerfile' cannot be read") == true, "\(start)")
    }

    /// A build given no Dockerfile for a context (not read) says nothing about the file.
    @Test func aContextNotReadIsNotReported() throws {
        let result = try Self.build([:])
        #expect(!result.diagnostics.contains { $0.code == Codes.unreadableDockerfile })
        #expect(
            summary(result.diagnostics.filter { $0.code == Codes.unknownImageStart }) == ["W308@\(Self.manifest["1️⃣"])"])
    }
}
