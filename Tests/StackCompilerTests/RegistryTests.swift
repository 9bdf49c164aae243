import Foundation
import Testing

@testable import StackCompiler

/// The registry and its mirror as Debian's `docker-registry` (distribution 2.8.2) runs them on
/// loopback: the generated `registry/config.yml` and `registry/mirror.yml` with only their
/// addresses and folders rewritten to the test's (each rewrite must find its text), and the
/// htpasswd file `deploy.sh` made (run with the stand-in docker CLI), with the passwords it kept
/// in the credentials folder.
@Suite(.serialized) struct RegistryTests {
    static let manifest = """
        stackc: 1
        name: hub
        domain: hub.test
        registry:
          users: [ci, robot]
          mirror: true
        monitoring: {metrics: true}
        apps:
          api: {build: ./api, port: 8000, host: api}
        """

    /// A generated registry configuration, made to run here.
    static func rewritten(
        _ text: String, folder: URL, port: Int, debugPort: Int, htpasswd: String? = nil, upstream: String? = nil
    ) throws -> String {
        var text = text
        var rewrites = [
            ("rootdirectory: \(RegistryPass.dataPath)", "rootdirectory: \(folder.appendingPathComponent("data").path)"),
            ("addr: ':5000'", "addr: 127.0.0.1:\(port)"),
            ("addr: ':\(RegistryPass.debugPort)'", "addr: 127.0.0.1:\(debugPort)"),
        ]
        if let htpasswd { rewrites.append(("path: /run/secrets/\(RegistryPass.htpasswdTarget)", "path: \(htpasswd)")) }
        if let upstream { rewrites.append(("remoteurl: \(RegistryConfig.dockerHub)", "remoteurl: \(upstream)")) }
        for (generated, here) in rewrites {
            try #require(text.contains(generated), "the configuration has no '\(generated)':\n\(text)")
            text = text.replacingOccurrences(of: generated, with: here)
        }
        return text
    }

    /// `docker-registry serve` on `config`, once its debug port says it is healthy.
    static func serve(_ config: String, in folder: URL, debugPort: Int) throws -> RunningProcess? {
        let file = folder.appendingPathComponent("config-\(debugPort).yml")
        try config.write(to: file, atomically: true, encoding: .utf8)
        guard let registry = try RunningProcess.start("docker-registry", ["serve", file.path]) else { return nil }
        do {
            try Waiting.until("docker-registry to be healthy", context: { registry.stderr + registry.stdout }) {
                guard registry.isRunning else { throw SandboxError("docker-registry ended:\n\(registry.stderr)") }
                return
                    (try? Curl.get("http://127.0.0.1:\(debugPort)/debug/health", host: "127.0.0.1", port: debugPort))?
                    .status == 200
            }
        } catch {
            registry.end()
            throw error
        }
        return registry
    }

    /// curl with `arguments`: the status code it printed, and the body.
    static func curl(_ arguments: [String]) throws -> (status: Int, body: String) {
        let curl = try SupportTool.require("curl")
        let run = try Tools.run(
            curl, ["--silent", "--max-time", "10", "--noproxy", "*", "--write-out", "\n%{http_code}"] + arguments)
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    /// Pushes the blob in `file` to `repository` as a client does (POST starts an upload, PUT to
    /// the `Location` it answers with ends it with the digest): the status of each step.
    static func upload(
        _ file: URL, digest: String, to base: String, repository: String, login: [String] = []
    ) throws -> (start: Int, end: Int) {
        let started = try curl(login + ["--include", "-X", "POST", "\(base)/v2/\(repository)/blobs/uploads/"])
        let location = started.body.split(separator: "\r\n").first { $0.lowercased().hasPrefix("location:") }
            .map { $0.dropFirst("location:".count).trimmingCharacters(in: .whitespaces) }
        guard started.status == 202, let location else { return (started.status, 0) }
        let target = (location.hasPrefix("/") ? base + location : location) + (location.contains("?") ? "&" : "?")
        let ended = try curl(
            login + [
                "-X", "PUT", "-H", "Content-Type: application/octet-stream", "--data-binary", "@\(file.path)",
                target + "digest=\(digest)",
            ])
        return (started.status, ended.status)
    }

    /// The registry answers `/v2/` with 401 without a login and with a wrong password, and 200
    /// for each user with the password deploy.sh kept; a user pushes a blob (POST, then PUT)
    /// and reads it back, which nobody can without a login; its debug port serves Prometheus
    /// metrics where the stack's labels say.
    @Test func registryAsksEveryUserForThePasswordDeployMade() throws {
        let built = try #require(BuildSupport.build(path: "hub.yml", text: Self.manifest))
        let deployment = DeployScriptTests()
        let prepared = try deployment.prepare(built.tree, "registry", services: "hub_api 1/1\n")
        defer { try? FileManager.default.removeItem(at: prepared.folder) }
        let (folder, state, credentials) = (prepared.folder, prepared.state, prepared.credentials)
        let context = prepared.out.appendingPathComponent("api")
        try FileManager.default.createDirectory(at: context, withIntermediateDirectories: true)
        try "FROM busybox:1.36\n".write(
            to: context.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        let deploy = try #require(try deployment.deploy(prepared.out, state: state, credentials: credentials))
        try #require(deploy.status == 0, "\(deploy.summary)")

        // The secret the stack mounts where the configuration reads it, made by deploy.sh.
        let stackFile = try #require(built.tree.file("stack.yml"))
        let stack = try #require(try PyYAMLValue.read(stackFile.contents))
        let mounted = stack["services"]?["registry"]?["secrets"]?.items?.first
        #expect(mounted?["target"]?.string == RegistryPass.htpasswdTarget)
        let secretKey = try #require(mounted?["source"]?.string)
        let secretName = try #require(stack["secrets"]?[secretKey]?["name"]?.string)
        let htpasswd = state.appendingPathComponent("secrets/\(secretName)")
        let (port, debugPort) = (try Loopback.freePort(), try Loopback.freePort())
        let config = try Self.rewritten(
            try #require(built.tree.file("registry/config.yml")).contents, folder: folder, port: port,
            debugPort: debugPort, htpasswd: htpasswd.path)
        guard let registry = try Self.serve(config, in: folder, debugPort: debugPort) else { return }
        defer { registry.end() }
        let base = "http://127.0.0.1:\(port)"

        let anonymous = try Self.curl(["--include", "\(base)/v2/"])
        #expect(anonymous.status == 401, "\(anonymous)")
        #expect(anonymous.body.lowercased().contains("www-authenticate: basic realm=\"registry\""), "\(anonymous)")
        #expect(try Self.curl(["--user", "ci:not-the-password", "\(base)/v2/"]).status == 401)
        var passwords: [String: String] = [:]
        for user in ["ci", "robot"] {
            let password = try String(
                contentsOf: credentials.appendingPathComponent("hub_\(PlatformNames.registryPasswordSecret).\(user)"),
                encoding: .utf8
            ).trimmingCharacters(in: .newlines)
            passwords[user] = password
            #expect(try Self.curl(["--user", "\(user):\(password)", "\(base)/v2/"]).status == 200, "\(user)")
        }

        let blob = folder.appendingPathComponent("blob")
        let layer = "a layer of an image pushed through stackc's registry\n"
        try layer.write(to: blob, atomically: true, encoding: .utf8)
        let digest = "sha256:" + SHA256.hex(layer)
        let login = "robot:\(passwords["robot"] ?? "")"
        #expect(try Self.upload(blob, digest: digest, to: base, repository: "hub/api").start == 401)
        let pushed = try Self.upload(blob, digest: digest, to: base, repository: "hub/api", login: ["--user", login])
        #expect(pushed == (202, 201), "\(pushed)\n\(registry.stderr.suffix(2000))")
        #expect(try Self.curl(["\(base)/v2/hub/api/blobs/\(digest)"]).status == 401)
        let read = try Self.curl(["--user", login, "\(base)/v2/hub/api/blobs/\(digest)"])
        #expect(read.status == 200 && read.body == layer, "\(read)")

        // Metrics where the stack's labels send Prometheus.
        let labels = stack["services"]?["registry"]?["deploy"]?["labels"]
        #expect(labels?[MetricsPass.Label.port]?.string == String(RegistryPass.debugPort))
        let metrics = try Self.curl(["http://127.0.0.1:\(debugPort)\(labels?[MetricsPass.Label.path]?.string ?? "")"])
        #expect(metrics.status == 200 && metrics.body.contains("registry_http_requests_total"), "\(metrics.status)")
    }

    /// The mirror starts in pull-through cache mode: it answers without a login (engines pull
    /// through it anonymously), refuses pushes, and serves a blob it does not have by fetching it
    /// from its upstream, here a plain registry on loopback standing for Docker Hub (the
    /// generated `remoteurl` is Docker Hub's), which keeps serving it once the upstream is gone.
    @Test func mirrorPullsThroughFromItsUpstream() throws {
        let built = try #require(BuildSupport.build(path: "hub.yml", text: Self.manifest))
        let folder = try BuildSupport.makeTemporaryFolder("registry-mirror")
        defer { try? FileManager.default.removeItem(at: folder) }
        // The upstream: the generated registry without its login, in a folder of its own.
        let upstreamFolder = folder.appendingPathComponent("upstream")
        try FileManager.default.createDirectory(at: upstreamFolder, withIntermediateDirectories: true)
        let (upstreamPort, upstreamDebug) = (try Loopback.freePort(), try Loopback.freePort())
        let generated = try #require(built.tree.file("registry/config.yml")).contents
        let login = try #require(generated.range(of: "auth:\n"), "no login in \(generated)")
        let upstreamConfig = try Self.rewritten(
            String(generated[..<login.lowerBound]), folder: upstreamFolder, port: upstreamPort, debugPort: upstreamDebug
        )
        guard let upstream = try Self.serve(upstreamConfig, in: upstreamFolder, debugPort: upstreamDebug) else {
            return
        }
        defer { upstream.end() }
        let content = "a layer of library/hello on Docker Hub\n"
        let digest = "sha256:" + SHA256.hex(content)
        let blob = folder.appendingPathComponent("blob")
        try content.write(to: blob, atomically: true, encoding: .utf8)
        let pushed = try Self.upload(
            blob, digest: digest, to: "http://127.0.0.1:\(upstreamPort)", repository: "library/hello")
        try #require(pushed == (202, 201), "\(pushed)")

        let mirrorText = try #require(built.tree.file("registry/mirror.yml")).contents
        #expect(mirrorText.contains("proxy:\n  remoteurl: https://registry-1.docker.io\n"), "\(mirrorText)")
        #expect(!mirrorText.contains("auth:"), "an engine cannot log in to a mirror")
        let (mirrorPort, mirrorDebug) = (try Loopback.freePort(), try Loopback.freePort())
        let mirrorConfig = try Self.rewritten(
            mirrorText, folder: folder, port: mirrorPort, debugPort: mirrorDebug,
            upstream: "http://127.0.0.1:\(upstreamPort)")
        guard let mirror = try Self.serve(mirrorConfig, in: folder, debugPort: mirrorDebug) else { return }
        defer { mirror.end() }
        let base = "http://127.0.0.1:\(mirrorPort)"
        #expect(mirror.stderr.contains("Starting cached object TTL expiration scheduler"), "\(mirror.stderr)")
        #expect(try Self.curl(["\(base)/v2/"]).status == 200)
        let push = try Self.curl(["-X", "POST", "\(base)/v2/library/other/blobs/uploads/"])
        #expect(push.status == 405 && push.body.contains("UNSUPPORTED"), "a mirror takes no pushes: \(push)")
        let pulled = try Self.curl(["\(base)/v2/library/hello/blobs/\(digest)"])
        #expect(pulled.status == 200 && pulled.body == content, "\(pulled)\n\(mirror.stderr.suffix(2000))")
        // The mirror stores a blob it served by fetching it again in the background; once that is
        // in its store (bounded wait), it serves the blob without the upstream.
        let hex = digest.dropFirst("sha256:".count)
        let stored = folder.appendingPathComponent("data/docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data")
        try Waiting.until("the mirror to store the blob", timeout: 30, interval: 0.2, context: { mirror.stderr }) {
            FileManager.default.fileExists(atPath: stored.path)
        }
        upstream.end()
        let cached = try Self.curl(["\(base)/v2/library/hello/blobs/\(digest)"])
        #expect(cached.status == 200 && cached.body == content, "served from the cache: \(cached)")
    }
}
