import Foundation
import StackDiagnostics
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

    /// Runs deploy.sh in `folder` with the stand-in docker first on the PATH (and whatever else
    /// the test put in `state/bin`).
    func deploy(
        _ folder: URL, state: URL, credentials: URL, timeout: Int = 20, loginFailures: Int = 0,
        environment: [String] = []
    ) throws
        -> ToolRun?
    {
        let path = try DockerStandin.install(in: state)
        return try Tools.run(
            "env",
            [
                "PATH=\(path)", "STANDIN_STATE=\(state.path)", "STACKC_CREDENTIALS_DIR=\(credentials.path)",
                "STACKC_DEPLOY_TIMEOUT=\(timeout)", "STANDIN_LOGIN_FAILURES=\(loginFailures)",
                "HOME=\(state.path)",
            ] + environment + ["bash", "deploy.sh"], in: folder)
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
        // htpasswd secrets are versioned by their users: a changed list is a new secret.
        let admin = DeploySecret.Recipe.htpasswd(users: ["admin"])
        let webLogins = PlatformNames.secretName(stack: "shop", key: "web-htpasswd", recipe: admin)
        let dashboardLogins = PlatformNames.secretName(stack: "shop", key: "proxy-dashboard-htpasswd", recipe: admin)
        #expect(webLogins.hasPrefix("shop_web-htpasswd-") && webLogins.count == "shop_web-htpasswd-".count + 8)
        #expect(
            names
                == [
                    "shop_pg-admin-password", "shop_pg-web-password", dashboardLogins, "shop_tls-certificate",
                    "shop_tls-key", webLogins,
                ].sorted())

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
        let htpasswd = try String(contentsOf: secrets.appendingPathComponent(webLogins), encoding: .utf8)
        #expect(htpasswd.hasPrefix("admin:$2y$"))
        let verify = try #require(
            try Tools.run("htpasswd", ["-vb", secrets.appendingPathComponent(webLogins).path, "admin", password]))
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
        let path = try DockerStandin.install(in: state, before: "/usr/bin:/bin")
        let run = try #require(
            try Tools.run(
                "env",
                [
                    "PATH=\(path)", "STANDIN_STATE=\(state.path)", "STANDIN_CONTROL=false",
                    "HOME=\(state.path)", "bash", "deploy.sh",
                ], in: out))
        #expect(run.status == 1)
        #expect(run.stderr.contains("run this on a swarm manager"))
        #expect(!FileManager.default.fileExists(atPath: state.appendingPathComponent("secrets/shop_tls-key").path))
    }

    /// Built apps: deploy.sh makes the registry's logins, deploys the platform part first
    /// (`stack.platform.yml`), logs in to the registry (retrying while it refuses) with the
    /// password it kept, on standard input, builds the image from the context beside the
    /// manifest under a tag made from the context's contents, pushes it, and only then deploys
    /// the stack with that tag in `STACKC_TAG_API`. A second run with the same context builds
    /// nothing and deploys the same tag; a changed context gets a new tag.
    @Test func deploysThePlatformFirstThenBuildsTagsAndPushes() throws {
        let manifest = """
            stackc: 1
            name: ci
            domain: ci.test
            registry: {users: [deploy]}
            apps:
              api: {build: ./api, port: 8000, host: api}
            """
        let built = try #require(BuildSupport.build(path: "ci.yml", text: manifest))
        let prepared = try prepare(built.tree, "deploy-build", services: "ci_api 1/1\nci_registry 1/1\n")
        defer { try? FileManager.default.removeItem(at: prepared.folder) }
        let context = prepared.out.appendingPathComponent("api")
        try FileManager.default.createDirectory(at: context, withIntermediateDirectories: true)
        try "FROM busybox:1.36\nCMD [\"httpd\", \"-f\"]\n".write(
            to: context.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)

        let run = try #require(
            try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials, loginFailures: 2))
        #expect(run.status == 0, "\(run.summary)")
        let calls = prepared.text("calls").split(separator: "\n").map(String.init)
        let platform = try #require(calls.firstIndex { $0.hasSuffix("-c stack.platform.yml ci") }, "\(calls)")
        let logins = calls.indices.filter { calls[$0] == "login --username deploy --password-stdin registry.ci.test" }
        #expect(logins.count == 3, "two refusals, then a login: \(calls)")
        #expect(
            run.stderr.contains("does not let deploy in yet (attempt 1 of 10: connection refused)")
                && run.stderr.contains("logged in to registry.ci.test as deploy"),
            "\(run.summary)")
        // The password deploy.sh made for the registry's htpasswd secret, and only there.
        let password = try String(
            contentsOf: prepared.credentials.appendingPathComponent("ci_registry-htpasswd.deploy"), encoding: .utf8)
        #expect(prepared.text("login-password") == password && password.count > 32)
        #expect(!calls.joined().contains(password.trimmingCharacters(in: .newlines)))
        let build = try #require(calls.firstIndex { $0.hasPrefix("build --tag registry.ci.test/ci/api:src-") })
        let tag = String(calls[build].split(separator: " ")[2].split(separator: ":")[1])
        #expect(tag.wholeMatch(of: /src-[0-9a-f]{16}/) != nil, "\(tag)")
        #expect(calls[build].hasSuffix(" api"), "the context beside the manifest: \(calls[build])")
        let push = try #require(calls.firstIndex(of: "push registry.ci.test/ci/api:\(tag)"), "\(calls)")
        let stackDeploy = try #require(calls.firstIndex { $0.hasSuffix("-c stack.yml ci") })
        #expect(platform < logins[0] && logins.last! < build && build < push && push < stackDeploy)
        #expect(
            prepared.text("deploy-tags").contains("stack.yml:STACKC_TAG_API=\(tag)"), "\(prepared.text("deploy-tags"))")

        // Unchanged: nothing is built, the same tag is pushed and deployed.
        try FileManager.default.removeItem(at: prepared.state.appendingPathComponent("calls"))
        let again = try #require(try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials))
        #expect(again.status == 0, "\(again.summary)")
        let callsAgain = prepared.text("calls")
        #expect(!callsAgain.contains("build --tag") && callsAgain.contains("push registry.ci.test/ci/api:\(tag)"))
        #expect(again.stderr.contains("its context has not changed"), "\(again.summary)")

        // Another machine (or a pruned engine): the registry has the tag, so it is pulled, not
        // built again (a new build would change its digest, and roll the app out).
        try FileManager.default.removeItem(at: prepared.state.appendingPathComponent("images"))
        try FileManager.default.removeItem(at: prepared.state.appendingPathComponent("calls"))
        let elsewhere = try #require(
            try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials))
        #expect(elsewhere.status == 0, "\(elsewhere.summary)")
        #expect(!prepared.text("calls").contains("build --tag"), "\(prepared.text("calls"))")
        #expect(
            prepared.text("calls").contains("pull --quiet registry.ci.test/ci/api:\(tag)")
                && elsewhere.stderr.contains("is in the registry already"), "\(elsewhere.summary)")

        // The umask of a checkout changes no tag: group and other bits follow the owner's.
        let dockerfile = context.appendingPathComponent("Dockerfile").path
        try FileManager.default.setAttributes([.posixPermissions: 0o664], ofItemAtPath: dockerfile)
        _ = try #require(try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials))
        #expect(prepared.text("deploy-tags").split(separator: "\n").last?.contains(tag) == true)

        // Changed: a new tag, built and deployed.
        try "print('changed')\n".write(to: context.appendingPathComponent("app.py"), atomically: true, encoding: .utf8)
        let changed = try #require(try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials))
        #expect(changed.status == 0, "\(changed.summary)")
        let tags = prepared.text("deploy-tags").split(separator: "\n").filter { $0.hasPrefix("stack.yml:") }
        #expect(
            tags.count == 5 && tags[1] == tags[0] && tags[2] == tags[0] && tags[3] == tags[0] && tags[4] != tags[0],
            "\(tags)")
    }

    // MARK: - Pins, and what the operator provides

    /// A built stack written to `folder/out`, with an empty stand-in state and credentials.
    struct Prepared {
        var out: URL
        var state: URL
        var credentials: URL
        var folder: URL

        func text(_ name: String) -> String {
            (try? String(contentsOf: state.appendingPathComponent(name), encoding: .utf8)) ?? ""
        }

        var secretNames: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: state.appendingPathComponent("secrets").path)) ?? [])
                .sorted()
        }
    }

    func prepare(_ tree: OutputTree, _ label: String, nodes: String? = nil, services: String) throws -> Prepared {
        let folder = try BuildSupport.makeTemporaryFolder(label)
        let prepared = Prepared(
            out: folder.appendingPathComponent("out"), state: folder.appendingPathComponent("state"),
            credentials: folder.appendingPathComponent("credentials"), folder: folder)
        try BuildSupport.write(tree, to: prepared.out)
        try FileManager.default.createDirectory(at: prepared.state, withIntermediateDirectories: true)
        if let nodes {
            try nodes.write(to: prepared.state.appendingPathComponent("nodes"), atomically: true, encoding: .utf8)
        }
        try services.write(to: prepared.state.appendingPathComponent("services"), atomically: true, encoding: .utf8)
        return prepared
    }

    /// A database keeps its files on one node: deploy.sh labels the first ready, active node that
    /// meets its placement (by host name), once; a later run, or a node already labelled, keeps
    /// the data where it is.
    @Test func pinsStateToOneEligibleNodeOnce() throws {
        let manifest = """
            stackc: 1
            name: pin
            cluster: {managers: 1, workers: 3}
            databases:
              pg: {placement: {role: worker}}
            apps:
              web: {image: nginx:1.27-alpine, database: pg}
            """
        let built = try #require(BuildSupport.build(path: "pin.yml", text: manifest))
        let stackFile = try #require(built.tree.file("stack.yml")).contents
        #expect(stackFile.contains("- node.labels.stackc.pin.pin.pg == true"))
        let nodes = """
            n1 alpha manager Ready Active
            n2 bravo worker Down Active
            n3 delta worker Ready Active
            n4 charlie worker Ready Drain
            n5 echo worker Ready Active

            """
        let prepared = try prepare(built.tree, "deploy-pin", nodes: nodes, services: "pin_web 1/1\npin_pg 1/1\n")
        defer { try? FileManager.default.removeItem(at: prepared.folder) }
        let first = try #require(try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials))
        #expect(first.status == 0, "\(first.summary)")
        // bravo is down, charlie drained: delta is the first that may hold the data.
        #expect(prepared.text("labels/n3") == "stackc.pin.pin.pg=true\n", "\(first.summary)")
        #expect(first.stderr.contains("pinned stackc.pin.pin.pg to node delta"))
        let calls = prepared.text("calls").split(separator: "\n")
        let update = try #require(calls.firstIndex { $0.hasPrefix("node update") })
        let stackDeploy = try #require(calls.firstIndex { $0.hasPrefix("stack deploy") })
        #expect(update < stackDeploy)

        let second = try #require(try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials))
        #expect(second.status == 0, "\(second.summary)")
        #expect(prepared.text("calls").components(separatedBy: "node update").count == 2, "labelled twice")
        #expect(prepared.text("labels/n5").isEmpty)
    }

    @Test func aNodeAlreadyPinnedKeepsTheState() throws {
        let manifest = """
            stackc: 1
            name: pin
            cluster: {managers: 1, workers: 2}
            databases:
              pg: {}
            apps:
              web: {image: nginx:1.27-alpine, database: pg}
            """
        let built = try #require(BuildSupport.build(path: "pin.yml", text: manifest))
        let prepared = try prepare(
            built.tree, "deploy-pinned", nodes: "n1 alpha manager Ready Active\nn2 bravo worker Ready Active\n",
            services: "pin_web 1/1\npin_pg 1/1\n")
        defer { try? FileManager.default.removeItem(at: prepared.folder) }
        try FileManager.default.createDirectory(
            at: prepared.state.appendingPathComponent("labels"), withIntermediateDirectories: true)
        try "stackc.pin.pin.pg=true\n".write(
            to: prepared.state.appendingPathComponent("labels/n2"), atomically: true, encoding: .utf8)
        let run = try #require(try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials))
        #expect(run.status == 0, "\(run.summary)")
        #expect(!prepared.text("calls").contains("node update"))
        #expect(prepared.text("labels/n1").isEmpty)
    }

    /// What the operator provides is checked before deploy.sh changes anything: the manifest's
    /// own secrets, node labels a placement asks for, a node of the cluster model by name.
    @Test func stopsBeforeAnyChangeWhenTheOperatorsPartIsMissing() throws {
        let manifest = """
            stackc: 1
            name: pre
            cluster: {managers: 1, workers: 1}
            apps:
              web:
                image: nginx:1.27-alpine
                secrets: [api-key]
                placement: {labels: {zone: a, disk: ssd}}
              batch:
                image: nginx:1.27-alpine
            """
        let source = SourceFile(path: "pre.yml", bytes: Array(manifest.utf8))
        var stack = try #require(StackCompiler.check(source).stack)
        let batch = try #require(stack.apps.firstIndex { $0.name == "batch" })
        stack.apps[batch].placement.node = "worker-1"
        let tree = BuildPipeline.build(stack).tree
        let prepared = try prepare(
            tree, "deploy-preflight", nodes: "n1 alpha manager Ready Active\nn2 bravo worker Ready Active\n",
            services: "pre_web 1/1\npre_batch 1/1\n")
        defer { try? FileManager.default.removeItem(at: prepared.folder) }

        var run = try #require(try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials))
        #expect(run.status == 1)
        #expect(run.stderr.contains("the secret 'api-key' (used by web) does not exist"), "\(run.summary)")
        #expect(prepared.secretNames.isEmpty, "secrets made before the stop: \(prepared.secretNames)")

        try "key".write(to: prepared.state.appendingPathComponent("secrets/api-key"), atomically: true, encoding: .utf8)
        run = try #require(try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials))
        #expect(run.status == 1)
        #expect(run.stderr.contains("no node is 'worker-1' of the cluster model"), "\(run.summary)")
        #expect(!prepared.text("calls").contains("stack deploy"))

        // The named node found by its host name, but no node carries the label yet.
        try "n1 alpha manager Ready Active\nn2 worker-1 worker Ready Active\n".write(
            to: prepared.state.appendingPathComponent("nodes"), atomically: true, encoding: .utf8)
        run = try #require(try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials))
        #expect(run.status == 1)
        #expect(
            run.stderr.contains("no ready, active node meets all of: node.labels.zone == a node.labels.disk == ssd"),
            "\(run.summary)")

        // Two labels of one placement on two different nodes do not make a node for it.
        try "zone=a\n".write(to: prepared.state.appendingPathComponent("labels/n1"), atomically: true, encoding: .utf8)
        let n2 = prepared.state.appendingPathComponent("labels/n2")
        let n2Labels = (try? String(contentsOf: n2, encoding: .utf8)) ?? ""
        try (n2Labels + "disk=ssd\n").write(to: n2, atomically: true, encoding: .utf8)
        run = try #require(try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials))
        #expect(run.status == 1, "\(run.summary)")
        #expect(run.stderr.contains("no ready, active node meets all of"), "\(run.summary)")
        #expect(!prepared.text("calls").contains("stack deploy"))

        try "zone=a\ndisk=ssd\n".write(
            to: prepared.state.appendingPathComponent("labels/n1"), atomically: true, encoding: .utf8)
        run = try #require(try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials))
        #expect(run.status == 0, "\(run.summary)")
        #expect(prepared.text("labels/n2").hasPrefix("stackc.node=worker-1\n"))
        let stackFile = try String(contentsOf: prepared.out.appendingPathComponent("stack.yml"), encoding: .utf8)
        #expect(stackFile.contains("- node.labels.stackc.node == worker-1"))
    }

    /// Volumes on the shared storage: deploy.sh stops, before it changes anything, when the share
    /// is not mounted, instead of making the folders on this node's own disk.
    @Test func stopsWhenTheSharedStorageIsNotMounted() throws {
        let manifest = """
            stackc: 1
            name: share
            cluster: {managers: 1, workers: 1, shared_storage: nfs}
            apps:
              web: {image: nginx:1.27-alpine, volumes: {data: /data}}
            """
        let built = try #require(BuildSupport.build(path: "share.yml", text: manifest))
        let prepared = try prepare(built.tree, "deploy-share", services: "share_web 1/1\n")
        defer { try? FileManager.default.removeItem(at: prepared.folder) }
        // The script as written checks /data; here it checks a folder of the test that is no
        // mount point (so that the test never depends on this machine's /data).
        let notMounted = prepared.folder.appendingPathComponent("share")
        try FileManager.default.createDirectory(at: notMounted, withIntermediateDirectories: true)
        let script = prepared.out.appendingPathComponent("deploy.sh")
        let text = try String(contentsOf: script, encoding: .utf8)
        #expect(text.contains("\nSHARED_STORAGE=/data\n"))
        try text.replacingOccurrences(of: "\nSHARED_STORAGE=/data\n", with: "\nSHARED_STORAGE=\(notMounted.path)\n")
            .write(to: script, atomically: true, encoding: .utf8)
        let run = try #require(try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials))
        #expect(run.status == 1)
        #expect(
            run.stderr.contains("the shared storage is not mounted at \(notMounted.path) on this node"),
            "\(run.summary)")
        #expect(!FileManager.default.fileExists(atPath: "/data/share/web-data"))
        #expect(prepared.secretNames.isEmpty)
    }

    /// A certificate the operator provides is checked with the rest of what they provide: no
    /// secret is made, no build context read, before the stop; a missing build context stops
    /// it too, before anything changes.
    @Test func providedCertificateAndBuildContextsAreCheckedFirst() throws {
        let manifest = """
            stackc: 1
            name: tlsp
            domain: tlsp.test
            tls: {mode: provided}
            registry: {users: [ci]}
            databases: {pg: {engine: postgres}}
            apps:
              api: {build: ./api, port: 8000, host: api, database: pg}
            """
        let built = try #require(BuildSupport.build(path: "tlsp.yml", text: manifest))
        let prepared = try prepare(built.tree, "deploy-provided", services: "tlsp_api 1/1\n")
        defer { try? FileManager.default.removeItem(at: prepared.folder) }
        var run = try #require(try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials))
        #expect(run.status == 1)
        #expect(run.stderr.contains("the secret 'tlsp_tls-certificate' is missing"), "\(run.summary)")
        #expect(prepared.secretNames.isEmpty, "secrets made before the stop: \(prepared.secretNames)")
        for name in ["tlsp_tls-certificate", "tlsp_tls-key"] {
            try "provided".write(
                to: prepared.state.appendingPathComponent("secrets/\(name)"), atomically: true, encoding: .utf8)
        }
        run = try #require(try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials))
        #expect(run.status == 1)
        #expect(run.stderr.contains("the build context api has no Dockerfile"), "\(run.summary)")
        #expect(prepared.secretNames == ["tlsp_tls-certificate", "tlsp_tls-key"], "\(prepared.secretNames)")
        #expect(!prepared.text("calls").contains("stack deploy"))
    }

    /// The self-signed certificate covers every host the proxy serves: the domain's wildcard,
    /// and by name the hosts it does not cover (outside the domain, or two labels under it),
    /// which the secret's name is versioned by. Engines trust it for the registry's host only if
    /// the host is in it.
    @Test func theSelfSignedCertificateNamesEveryHostServed() throws {
        let manifest = """
            stackc: 1
            name: hub
            domain: hub.test
            registry: {host: images.other.net, mirror: cache.internal.hub.test}
            apps:
              web: {image: nginx:1.27-alpine, port: 80, host: www}
            """
        let built = try #require(BuildSupport.build(path: "hub.yml", text: manifest))
        let prepared = try prepare(built.tree, "deploy-names", services: "hub_web 1/1\n")
        defer { try? FileManager.default.removeItem(at: prepared.folder) }
        let run = try #require(try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials))
        #expect(run.status == 0, "\(run.summary)")
        let names = ["cache.internal.hub.test", "images.other.net"]
        let recipe = DeploySecret.Recipe.selfSignedCertificate(domain: "hub.test", names: names, part: .certificate)
        let secret = PlatformNames.secretName(stack: "hub", key: PlatformNames.tlsCertificateSecret, recipe: recipe)
        #expect(secret.hasPrefix("hub_tls-certificate-"), "\(secret)")
        #expect(prepared.secretNames.contains(secret), "\(prepared.secretNames)")
        let certificate = prepared.state.appendingPathComponent("secrets/\(secret)").path
        for host in names + ["www.hub.test", "hub.test"] {
            let check = try #require(
                try Tools.run("openssl", ["x509", "-in", certificate, "-noout", "-checkhost", host]))
            #expect(check.stdout.contains("does match certificate"), "\(host): \(check.summary)")
        }
        let uncovered = try #require(
            try Tools.run("openssl", ["x509", "-in", certificate, "-noout", "-checkhost", "x.cache.internal.hub.test"]))
        #expect(uncovered.stdout.contains("does NOT match"), "\(uncovered.summary)")
    }

    /// A user added to `registry.users` after the first deploy gets an account: the list of
    /// users is in the htpasswd secret's name, so the new list is a new secret, made with the
    /// password kept for the user already there and a new one for the newcomer.
    @Test func aUserAddedLaterGetsAnAccountAndOthersKeepTheirPasswords() throws {
        func manifest(_ users: String) -> String {
            """
            stackc: 1
            name: ci
            domain: ci.test
            registry: {users: [\(users)]}
            apps: {}
            """
        }
        let first = try #require(BuildSupport.build(path: "ci.yml", text: manifest("ci")))
        let prepared = try prepare(first.tree, "deploy-users", services: "ci_registry 1/1\n")
        defer { try? FileManager.default.removeItem(at: prepared.folder) }
        let run = try #require(try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials))
        #expect(run.status == 0, "\(run.summary)")
        let kept = prepared.credentials.appendingPathComponent("ci_registry-htpasswd.ci")
        let password = try String(contentsOf: kept, encoding: .utf8).trimmingCharacters(in: .newlines)

        let second = try #require(BuildSupport.build(path: "ci.yml", text: manifest("ci, robot")))
        try BuildSupport.write(second.tree, to: prepared.out)
        let again = try #require(try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials))
        #expect(again.status == 0, "\(again.summary)")
        let key = PlatformNames.registryPasswordSecret
        let old = PlatformNames.secretName(stack: "ci", key: key, recipe: .htpasswd(users: ["ci"]))
        let new = PlatformNames.secretName(stack: "ci", key: key, recipe: .htpasswd(users: ["ci", "robot"]))
        // The earlier version goes once the stack runs on the new one.
        #expect(old != new && !prepared.secretNames.contains(old) && prepared.secretNames.contains(new))
        #expect(again.stderr.contains("removed the secret \(old), superseded by \(new)"), "\(again.summary)")
        #expect(second.tree.file("stack.yml")?.contents.contains("name: \(new)") == true)
        #expect(try String(contentsOf: kept, encoding: .utf8).trimmingCharacters(in: .newlines) == password)
        let robot = try String(
            contentsOf: prepared.credentials.appendingPathComponent("ci_registry-htpasswd.robot"), encoding: .utf8
        ).trimmingCharacters(in: .newlines)
        for (user, secret) in [("ci", password), ("robot", robot)] {
            let check = try #require(
                try Tools.run(
                    "htpasswd", ["-vb", prepared.state.appendingPathComponent("secrets/\(new)").path, user, secret]))
            #expect(check.status == 0, "\(user): \(check.summary)")
        }
    }

    /// The registry's secret exists but the password deploy.sh kept with it does not (a deploy
    /// from another machine): it stops before anything changes, and says what to do.
    @Test func stopsBeforeBuildingWithoutTheRegistryPassword() throws {
        let manifest = """
            stackc: 1
            name: ci
            domain: ci.test
            registry: {users: [deploy]}
            apps:
              api: {build: ./api, port: 8000, host: api}
            """
        let built = try #require(BuildSupport.build(path: "ci.yml", text: manifest))
        let prepared = try prepare(built.tree, "deploy-no-registry", services: "ci_api 1/1\n")
        defer { try? FileManager.default.removeItem(at: prepared.folder) }
        let secrets = prepared.state.appendingPathComponent("secrets")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
        let secret = PlatformNames.secretName(
            stack: "ci", key: PlatformNames.registryPasswordSecret, recipe: .htpasswd(users: ["deploy"]))
        try "deploy:$2y$05$made.elsewhere\n".write(
            to: secrets.appendingPathComponent(secret), atomically: true, encoding: .utf8)
        let run = try #require(try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials))
        #expect(run.status == 1)
        #expect(run.stderr.contains("copy that file from where deploy.sh first ran"), "\(run.summary)")
        #expect(run.stderr.contains("ci_registry-htpasswd.deploy"), "\(run.summary)")
        #expect(prepared.secretNames == [secret])
        #expect(!prepared.text("calls").contains("build --tag") && !prepared.text("calls").contains("stack deploy"))
    }

    /// Login passwords reach htpasswd on its standard input: the process list never shows them.
    @Test func htpasswdReadsThePasswordFromStandardInput() throws {
        let built = try #require(BuildSupport.build(path: "shop.yml", text: Self.manifest))
        let prepared = try prepare(built.tree, "deploy-htpasswd", services: "shop_web 1/1\nshop_pg 1/1\n")
        defer { try? FileManager.default.removeItem(at: prepared.folder) }
        let bin = prepared.state.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let real = try #require(Tools.locate("htpasswd")).path
        let wrapper = bin.appendingPathComponent("htpasswd")
        try """
        #!/bin/sh
        printf '%s\\n' "$*" >>"\(prepared.state.path)/htpasswd-arguments"
        exec \(real) "$@"

        """.write(to: wrapper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper.path)
        let run = try #require(try deploy(prepared.out, state: prepared.state, credentials: prepared.credentials))
        #expect(run.status == 0, "\(run.summary)")
        let arguments = prepared.text("htpasswd-arguments")
        #expect(arguments.split(separator: "\n").count == 2, "one call per htpasswd secret: \(arguments)")
        for name in ["shop_web-htpasswd.admin", "shop_proxy-dashboard-htpasswd.admin"] {
            let password = try String(contentsOf: prepared.credentials.appendingPathComponent(name), encoding: .utf8)
                .trimmingCharacters(in: .newlines)
            #expect(!password.isEmpty && !arguments.contains(password), "\(name)'s password on a command line")
            let key = String(name.split(separator: ".")[0].dropFirst("shop_".count))
            let secret = PlatformNames.secretName(stack: "shop", key: key, recipe: .htpasswd(users: ["admin"]))
            let line = try String(
                contentsOf: prepared.state.appendingPathComponent("secrets/\(secret)"), encoding: .utf8)
            let file = prepared.folder.appendingPathComponent("check")
            try line.write(to: file, atomically: true, encoding: .utf8)
            let verify = try #require(try Tools.run("htpasswd", ["-vb", file.path, "admin", password]))
            #expect(verify.status == 0, "\(verify.summary)")
        }
    }
}
