import Foundation
import Testing

@testable import StackCompiler

/// `deploy.sh`: shellcheck-clean for every manifest, and, run against a stand-in docker CLI with
/// the real openssl and htpasswd, it creates exactly the missing secrets (a certificate whose
/// names cover the domain, htpasswd lines the kept passwords verify against), prints none of
/// them, changes nothing on a second run, and reports services that do not converge.
@Suite struct DeployScriptTests {
    static let manifest = """
        stackc: 1
        name: shop
        domain: shop.test
        proxy: {dashboard: true}
        databases:
          pg: {}
        apps:
          web:
            image: nginx:1.27-alpine
            port: 8080
            host: www
            auth: basic
            database: pg
        """

    @Test(arguments: BuildSupport.repoManifestPaths())
    func everyCommittedScriptIsShellcheckClean(path: String) throws {
        let built = try #require(
            BuildSupport.build(
                path: path,
                text: try String(contentsOf: BuildSupport.repoRoot.appendingPathComponent(path), encoding: .utf8)))
        let folder = try BuildSupport.makeTemporaryFolder("deploy-lint")
        defer { try? FileManager.default.removeItem(at: folder) }
        try BuildSupport.write(built.tree, to: folder)
        let file = folder.appendingPathComponent("deploy.sh").path
        let shellcheck = try #require(try Tools.run("shellcheck", ["--severity=style", file]))
        #expect(shellcheck.status == 0, "\(shellcheck.summary)")
        let syntax = try #require(try Tools.run("bash", ["-n", file]))
        #expect(syntax.status == 0, "\(syntax.summary)")
        #expect(built.tree.file("deploy.sh")?.executable == true)
    }

    /// Runs deploy.sh in `folder` with the stand-in docker first on the PATH.
    func deploy(_ folder: URL, state: URL, credentials: URL, timeout: Int = 20, loginFailures: Int = 0) throws
        -> ToolRun?
    {
        let standin = Repository.root.appendingPathComponent(
            "Tests/StackCompilerTests/Support/Scripts/docker_cli_standin.sh")
        let bin = state.appendingPathComponent("bin")
        try? FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let link = bin.appendingPathComponent("docker")
        if !FileManager.default.fileExists(atPath: link.path) {
            try FileManager.default.createSymbolicLink(at: link, withDestinationURL: standin)
        }
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        return try Tools.run(
            "env",
            [
                "PATH=\(path)", "STANDIN_STATE=\(state.path)", "STACKC_CREDENTIALS_DIR=\(credentials.path)",
                "STACKC_DEPLOY_TIMEOUT=\(timeout)", "STANDIN_LOGIN_FAILURES=\(loginFailures)",
                "HOME=\(state.path)", "bash", "deploy.sh",
            ], in: folder)
    }

    @Test func createsMissingSecretsOnceAndPrintsNone() throws {
        let built = try #require(BuildSupport.build(path: "shop.yml", text: Self.manifest))
        let folder = try BuildSupport.makeTemporaryFolder("deploy")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let state = folder.appendingPathComponent("state")
        let credentials = folder.appendingPathComponent("credentials")
        try BuildSupport.write(built.tree, to: out)
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        try "shop_web 1/1\nshop_pg 1/1\nshop_traefik 1/1\n".write(
            to: state.appendingPathComponent("services"), atomically: true, encoding: .utf8)

        let first = try #require(try deploy(out, state: state, credentials: credentials))
        #expect(first.status == 0, "\(first.summary)")
        let secrets = state.appendingPathComponent("secrets")
        let names = try FileManager.default.contentsOfDirectory(atPath: secrets.path).sorted()
        #expect(
            names == [
                "shop_pg-admin-password", "shop_pg-web-password", "shop_proxy-dashboard-htpasswd",
                "shop_tls-certificate", "shop_tls-key", "shop_web-htpasswd",
            ])

        // The certificate covers the domain and its subdomains, and the key belongs to it.
        let certificate = secrets.appendingPathComponent("shop_tls-certificate").path
        let text = try #require(try Tools.run("openssl", ["x509", "-in", certificate, "-noout", "-text"]))
        #expect(text.stdout.contains("DNS:*.shop.test") && text.stdout.contains("DNS:shop.test"), "\(text.summary)")
        let certificateKey = try #require(try Tools.run("openssl", ["x509", "-in", certificate, "-noout", "-pubkey"]))
        let privateKey = try #require(
            try Tools.run("openssl", ["pkey", "-in", secrets.appendingPathComponent("shop_tls-key").path, "-pubout"]))
        #expect(certificateKey.stdout == privateKey.stdout && !privateKey.stdout.isEmpty)

        // The kept password verifies against the bcrypt line in the secret.
        let password = try String(
            contentsOf: credentials.appendingPathComponent("shop_web-htpasswd.admin"), encoding: .utf8
        )
        .trimmingCharacters(in: .newlines)
        let htpasswd = try String(contentsOf: secrets.appendingPathComponent("shop_web-htpasswd"), encoding: .utf8)
        #expect(htpasswd.hasPrefix("admin:$2y$"))
        let verify = try #require(
            try Tools.run(
                "htpasswd", ["-vb", secrets.appendingPathComponent("shop_web-htpasswd").path, "admin", password]))
        #expect(verify.status == 0, "\(verify.summary)")
        let attributes = try FileManager.default.attributesOfItem(
            atPath: credentials.appendingPathComponent("shop_web-htpasswd.admin").path)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0)

        // No value appears in what the script printed or in the arguments it passed to docker.
        let calls = try String(contentsOf: state.appendingPathComponent("calls"), encoding: .utf8)
        for name in names {
            let value = try String(contentsOf: secrets.appendingPathComponent(name), encoding: .utf8)
            for line in value.split(separator: "\n") where line.count >= 16 {
                #expect(
                    !first.stdout.contains(line) && !first.stderr.contains(line) && !calls.contains(line),
                    "\(name) leaked")
            }
        }
        #expect(calls.contains("stack deploy --prune --with-registry-auth --resolve-image always -c stack.yml shop"))

        // A second run creates nothing and leaves every value as it was.
        let before = try names.map { try Data(contentsOf: secrets.appendingPathComponent($0)) }
        let second = try #require(try deploy(out, state: state, credentials: credentials))
        #expect(second.status == 0, "\(second.summary)")
        #expect(!second.stderr.contains("created secret"))
        #expect(try names.map { try Data(contentsOf: secrets.appendingPathComponent($0)) } == before)
    }

    @Test func reportsServicesThatDoNotConverge() throws {
        let built = try #require(BuildSupport.build(path: "shop.yml", text: Self.manifest))
        let folder = try BuildSupport.makeTemporaryFolder("deploy-stuck")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let state = folder.appendingPathComponent("state")
        try BuildSupport.write(built.tree, to: out)
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        try "shop_web 0/1\nshop_pg 1/1\n".write(
            to: state.appendingPathComponent("services"), atomically: true, encoding: .utf8)
        let run = try #require(
            try deploy(out, state: state, credentials: folder.appendingPathComponent("c"), timeout: 1))
        #expect(run.status == 1)
        #expect(run.stderr.contains("not converged") && run.stderr.contains("shop_web (0/1)"), "\(run.summary)")
        #expect(!run.stderr.contains("shop_pg ("))
        #expect(run.stderr.contains("stand-in: no such image"))
    }

    @Test func refusesToRunOffAManager() throws {
        let built = try #require(BuildSupport.build(path: "shop.yml", text: Self.manifest))
        let folder = try BuildSupport.makeTemporaryFolder("deploy-worker")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let state = folder.appendingPathComponent("state")
        try BuildSupport.write(built.tree, to: out)
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let bin = state.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: bin.appendingPathComponent("docker"),
            withDestinationURL: Repository.root.appendingPathComponent(
                "Tests/StackCompilerTests/Support/Scripts/docker_cli_standin.sh"))
        let run = try #require(
            try Tools.run(
                "env",
                [
                    "PATH=\(bin.path):/usr/bin:/bin", "STANDIN_STATE=\(state.path)", "STANDIN_CONTROL=false",
                    "HOME=\(state.path)", "bash", "deploy.sh",
                ], in: out))
        #expect(run.status == 1)
        #expect(run.stderr.contains("run this on a swarm manager"))
        #expect(!FileManager.default.fileExists(atPath: state.appendingPathComponent("secrets/shop_tls-key").path))
    }

    /// Built apps: deploy.sh logs in to the registry (retrying while it refuses), with the
    /// password from the operator's credentials on standard input, then builds and pushes the
    /// image from the context beside the manifest, and only then deploys.
    @Test func logsInWithRetriesThenBuildsAndPushes() throws {
        let manifest = """
            stackc: 1
            name: ci
            domain: ci.test
            registry: {users: [deploy]}
            apps:
              api: {build: ./api, port: 8000, host: api}
            """
        let built = try #require(BuildSupport.build(path: "ci.yml", text: manifest))
        let folder = try BuildSupport.makeTemporaryFolder("deploy-build")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let state = folder.appendingPathComponent("state")
        let credentials = folder.appendingPathComponent("credentials")
        try BuildSupport.write(built.tree, to: out)
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: credentials, withIntermediateDirectories: true)
        try "registry-password-of-deploy\n".write(
            to: credentials.appendingPathComponent("ci_registry-htpasswd.deploy"), atomically: true, encoding: .utf8)
        try "ci_api 1/1\n".write(to: state.appendingPathComponent("services"), atomically: true, encoding: .utf8)

        let run = try #require(try deploy(out, state: state, credentials: credentials, loginFailures: 2))
        #expect(run.status == 0, "\(run.summary)")
        let calls = try String(contentsOf: state.appendingPathComponent("calls"), encoding: .utf8).split(
            separator: "\n"
        ).map(String.init)
        let logins = calls.indices.filter { calls[$0] == "login --username deploy --password-stdin registry.ci.test" }
        #expect(logins.count == 3, "two refusals, then a login: \(calls)")
        #expect(
            run.stderr.contains("not ready (attempt 1 of 10)") && run.stderr.contains("logged in to registry.ci.test"),
            "\(run.summary)")
        #expect(
            try String(contentsOf: state.appendingPathComponent("login-password"), encoding: .utf8)
                == "registry-password-of-deploy\n")
        #expect(
            !calls.joined().contains("registry-password-of-deploy")
                && !run.stderr.contains("registry-password-of-deploy"))
        let build = try #require(calls.firstIndex(of: "build --tag registry.ci.test/ci/api:latest api"), "\(calls)")
        let push = try #require(calls.firstIndex(of: "push registry.ci.test/ci/api:latest"), "\(calls)")
        let stackDeploy = try #require(calls.firstIndex { $0.hasPrefix("stack deploy") })
        #expect(logins.last! < build && build < push && push < stackDeploy)
    }
}
