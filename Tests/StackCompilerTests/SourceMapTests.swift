import Foundation
import StackDiagnostics
import Testing

@testable import StackCompiler

/// The source map (`OutputTree.File.origins`) on the campus stack: every line has an origin
/// whose producer is a pass or a renderer and whose keys are written in the manifest; the lines
/// users ask about name the keys that made them; and what is attributed to an app alone is gone
/// when the app is.
@Suite struct SourceMapTests {
    static let manifestPath = "manifests/campus.yml"

    static func campusText() throws -> String {
        try String(contentsOf: BuildSupport.repoRoot.appendingPathComponent(manifestPath), encoding: .utf8)
    }

    /// The manifest built as `stackc build` builds it from the repository's root.
    static func build(_ text: String, path: String = manifestPath) throws -> OutputTree {
        let source = SourceFile(path: path, bytes: Array(text.utf8))
        var stack = try #require(StackCompiler.check(source).stack)
        stack.sourcePath = path
        let result = BuildPipeline.build(stack, sourceDirectory: "../../manifests", sourceMap: true)
        #expect(!result.hasErrors)
        return result.tree
    }

    /// A build without the map writes the same files, and keeps no origins.
    @Test func aBuildWithoutTheMapWritesTheSameFiles() throws {
        let text = String(decoding: try Repository.bytes(Self.manifestPath), as: UTF8.self)
        let source = SourceFile(path: Self.manifestPath, bytes: Array(text.utf8))
        var stack = try #require(StackCompiler.check(source).stack)
        stack.sourcePath = Self.manifestPath
        let plain = BuildPipeline.build(stack, sourceDirectory: "../../manifests").tree
        let mapped = try Self.build(text)
        #expect(plain.files.map(\.contents) == mapped.files.map(\.contents))
        #expect(plain.files.allSatisfy { $0.origins.count == 0 })
        #expect(mapped.files.allSatisfy { $0.origins.count > 0 })
    }

    /// The renderers that write lines of their own.
    static let renderers: Set<String> = [
        "StackFileRenderer", "DeployScriptRenderer", "RunbookRenderer", "TraefikRenderer", "HAProxyRenderer",
        "EntrypointWrapperRenderer", "DaemonConfigRenderer", "KeepalivedRenderer", "IgnitionRenderer",
        "SwarmFormingScriptRenderer", "NodeSetupScriptRenderer", "VagrantfileRenderer", "JoinNodesScriptRenderer",
        "NodeFilesRenderer",
    ]

    static func lines(_ text: String) -> [Substring] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if text.hasSuffix("\n") { lines.removeLast() }
        return lines
    }

    @Test func everyLineOfCampusHasAnOriginInTheManifest() throws {
        let lines = try Self.walk(Self.manifestPath)
        #expect(lines > 4000)
    }

    /// The same for the other manifests of the repository (HAProxy, Ignition, no cluster).
    @Test(arguments: BuildSupport.repoManifestPaths().filter { $0 != SourceMapTests.manifestPath })
    func everyLineHasAnOriginInTheManifest(_ path: String) throws {
        #expect(try Self.walk(path) > 1000)
    }

    /// Checks every line of the build of `path`: an origin from a pass or a renderer, with keys
    /// written in the manifest. Returns the number of lines.
    static func walk(_ path: String) throws -> Int {
        let text = try String(contentsOf: BuildSupport.repoRoot.appendingPathComponent(path), encoding: .utf8)
        let source = SourceFile(path: path, bytes: Array(text.utf8))
        let tree = try Self.build(text, path: path)
        let producers = Set(BuildPipeline.passes.map(\.name)).union(Self.renderers)
        var located: [ManifestKeyPath: Bool] = [:]
        var lineCount = 0
        for file in tree.files {
            let lines = Self.lines(file.contents)
            #expect(file.origins.count == lines.count, "\(file.path)")
            for number in lines.indices.map({ $0 + 1 }) {
                lineCount += 1
                guard let origin = file.origin(ofLine: number) else {
                    Issue.record("\(file.path):\(number) has no origin")
                    continue
                }
                #expect(producers.contains(origin.producer), "\(file.path):\(number): \(origin.producer)")
                #expect(!origin.keys.isEmpty, "\(file.path):\(number)")
                for key in origin.keys {
                    if located[key] == nil { located[key] = ManifestKeyLocation.find(key, in: source) != nil }
                    #expect(located[key] == true, "\(file.path):\(number): \(key) is not in \(path)")
                }
            }
        }
        return lineCount
    }

    /// The origin of the first line of `path` that contains `text` after `after` (if given).
    static func origin(_ tree: OutputTree, _ path: String, _ text: String, after: String? = nil) throws -> OutputOrigin
    {
        let file = try #require(tree.file(path))
        let lines = Self.lines(file.contents)
        let start = after.flatMap { marker in lines.firstIndex { $0.contains(marker) } } ?? 0
        let index = try #require(lines[start...].firstIndex { $0.contains(text) }, "\(path): no line with \(text)")
        return try #require(file.origin(ofLine: index + 1))
    }

    @Test func linesNameTheKeysThatMadeThem() throws {
        let tree = try Self.build(try Self.campusText())
        let replicas = try Self.origin(tree, "stack.yml", "replicas:", after: "  nextcloud:")
        #expect(replicas.producer == "AppServicesPass")
        #expect(replicas.keys == ["apps.nextcloud.replicas"])

        let rule = try Self.origin(tree, "stack.yml", "traefik.http.routers.nextcloud.rule: Host(")
        #expect(rule.keys == ["apps.nextcloud.host"])
        #expect(!rule.isStructure)

        // The database's variables in the app's environment are the database pass's.
        let host = try Self.origin(tree, "stack.yml", "POSTGRES_HOST:", after: "  nextcloud:")
        #expect(host.producer == "DatabaseInitPass")
        #expect(Set(host.keys) == ["databases.pg", "apps.nextcloud.database"])

        let ensure = try Self.origin(tree, "postgres/pg-init.sh", "ensure_database nextcloud")
        #expect(ensure.producer == "DatabaseInitPass")
        #expect(ensure.keys.contains("databases.pg") && ensure.keys.contains("apps.nextcloud.database"))
        let library = try Self.origin(tree, "postgres/pg-init.sh", "wait_for_server")
        #expect(library.keys == ["databases.pg"])

        let client = try Self.origin(tree, "keycloak/campus-realm.json", "\"clientId\": \"nextcloud\"")
        #expect(client.producer == "IdentityPass")
        #expect(Set(client.keys) == ["apps.nextcloud.auth", "identity"])
        let user = try Self.origin(tree, "keycloak/campus-realm.json", "\"username\": \"bob\"")
        #expect(user.keys == ["identity.users[1]"])

        let folder = try Self.origin(tree, "deploy.sh", "ensure_folder /data/campus/nextcloud-data")
        #expect(folder.producer == "AppServicesPass")
        #expect(folder.keys == ["apps.nextcloud.volumes.data"])
        let password = try Self.origin(tree, "deploy.sh", "ensure_random_secret campus_pg-nextcloud")
        #expect(password.producer == "DatabaseInitPass")
        #expect(password.keys.contains("databases.pg"))
        let deploy = try Self.origin(tree, "deploy.sh", "docker stack deploy")
        #expect(deploy.isStructure && deploy.producer == "DeployScriptRenderer")

        let backup = try Self.origin(tree, "backup/pg.sh", "#!/")
        #expect(backup.producer == "BackupPass")
        #expect(backup.keys == ["databases.pg.backup"])

        let heading = try Self.origin(tree, "stack.yml", "services:")
        #expect(heading.isStructure && heading.producer == "StackFileRenderer")

        let scrape = try Self.origin(tree, "prometheus/prometheus.yml", "scrape_configs:")
        #expect(scrape.producer == "MetricsPass")
        #expect(scrape.keys == ["monitoring"])
    }

    /// An app that is scraped: the job that finds it, its labels and its dashboard name its
    /// `metrics` key (campus's app has none, so it gets one here).
    @Test func aScrapedAppsLinesNameItsMetricsKey() throws {
        let text = try Self.campusText().replacingOccurrences(
            of: "    replicas: 2\n", with: "    replicas: 2\n    metrics: 9205\n")
        let tree = try Self.build(text)
        let job = try Self.origin(tree, "prometheus/prometheus.yml", "job_name: apps")
        #expect(job.producer == "MetricsPass")
        #expect(job.keys.contains("apps.nextcloud.metrics"))
        let label = try Self.origin(tree, "stack.yml", "9205", after: "  nextcloud:")
        #expect(label.producer == "MetricsPass")
        #expect(label.keys == ["apps.nextcloud.metrics"])
        let dashboard = try #require(
            tree.files.first { $0.path.hasSuffix("nextcloud.json") && $0.path.contains("grafana") })
        #expect(dashboard.origin(ofLine: 1)?.keys == ["apps.nextcloud.metrics"])
        // Without the key, the job is the monitoring section's alone.
        let plain = try Self.origin(
            try Self.build(try Self.campusText()), "prometheus/prometheus.yml", "job_name: apps")
        #expect(plain.keys == ["monitoring"])
    }

    /// What a pass makes for an app names the app's keys that asked for it, not the stack or
    /// the whole `apps` section: the start-up wrapper, the preset's parts (its cron service), the
    /// sign-in hook, and the secrets deploy.sh makes for them.
    @Test func aPassesPartsForAnAppNameTheAppsKeys() throws {
        let tree = try Self.build(try Self.campusText())
        let wrapper = try Self.origin(tree, "stack.yml", "- /bin/sh", after: "  nextcloud:")
        #expect(wrapper.producer == "EntrypointsPass")
        #expect(wrapper.keys == ["apps.nextcloud.depends_on", "apps.nextcloud.preset"])
        let wrapperConfig = try Self.origin(tree, "stack.yml", "source: nextcloud-entrypoint", after: "  nextcloud:")
        #expect(wrapperConfig.keys == wrapper.keys)

        let cron = try Self.origin(tree, "stack.yml", "image:", after: "  nextcloud-cron:")
        #expect(cron.producer == "NextcloudPresetPass")
        #expect(cron.keys == ["apps.nextcloud.preset"])
        let installed = try Self.origin(tree, "nextcloud/nextcloud-installed.sh", "touch")
        #expect(installed.keys == ["apps.nextcloud.preset"])

        let hook = try Self.origin(tree, "nextcloud/nextcloud-oidc.sh", "occ user_oidc:provider")
        #expect(hook.producer == "SingleSignOnPass")
        #expect(hook.keys == ["apps.nextcloud.auth", "identity"])

        let secrets: [(String, [ManifestKeyPath])] = [
            ("ensure_random_secret campus_oidc-nextcloud-client-secret", ["apps.nextcloud.auth", "identity"]),
            ("ensure_login_secret campus_nextcloud-admin-password", ["apps.nextcloud"]),
            ("ensure_login_secret campus_backup-password", ["apps.nextcloud.backup", "databases.pg.backup"]),
            ("ensure_certificate campus_tls-certificate", ["tls", "domain"]),
            ("ensure_random_secret campus_pg-nextcloud-password", ["databases.pg", "apps.nextcloud.database"]),
        ]
        for (line, keys) in secrets {
            let origin = try Self.origin(tree, "deploy.sh", line)
            #expect(Set(origin.keys) == Set(keys), "\(line): \(origin.keys)")
        }
    }

    /// An app with its own sign-in proxy, a database it only waits for, a delivered file and
    /// keys for its service's parts: each part names its key.
    @Test func anAppsServicePartsNameTheirKeys() throws {
        let text =
            try Self.campusText() + """
                  wiki:
                    image: ghcr.io/example/wiki:1.0
                    port: 3000
                    host: wiki
                    sticky: true
                    auth: oidc
                    depends_on: [identity, pg]
                    health: /healthz
                    resources:
                      cpus: 0.5
                    env:
                      LOG_LEVEL: info
                    files:
                      /etc/wiki.conf: wiki.conf

                """
        let source = SourceFile(path: Self.manifestPath, bytes: Array(text.utf8))
        var stack = try #require(StackCompiler.check(source).stack)
        stack.sourcePath = Self.manifestPath
        let result = BuildPipeline.build(
            stack, sourceDirectory: "../../manifests", deliveredFiles: ["wiki.conf": .text("a = 1\n")],
            sourceMap: true)
        #expect(!result.hasErrors)
        let tree = result.tree

        let proxy = try Self.origin(tree, "stack.yml", "image:", after: "  wiki-sso:")
        #expect(proxy.producer == "SingleSignOnPass")
        #expect(proxy.keys == ["apps.wiki.auth", "identity"])
        let cookie = try Self.origin(tree, "deploy.sh", "ensure_cookie_key_secret campus_wiki-sso-cookie")
        #expect(cookie.keys == ["apps.wiki.auth", "identity"])

        let network = try Self.origin(tree, "stack.yml", "- db-pg", after: "  wiki:")
        #expect(network.producer == "EntrypointsPass")
        #expect(network.keys == ["apps.wiki.depends_on[1]"])

        let file = try #require(tree.file("files/wiki/etc/wiki.conf"))
        #expect(file.origin(ofLine: 1)?.producer == "DeliveredFilesPass")
        #expect(file.origin(ofLine: 1)?.keys == ["apps.wiki.files"])

        for (text, key) in [
            ("healthcheck:", "apps.wiki.health"), ("cpus:", "apps.wiki.resources"),
            ("LOG_LEVEL:", "apps.wiki.env.LOG_LEVEL"),
        ] as [(String, ManifestKeyPath)] {
            let origin = try Self.origin(tree, "stack.yml", text, after: "  wiki:")
            #expect(origin.keys == [key], "\(text): \(origin.keys)")
        }
        // Keys the manifest does not write are not named: the update policy is the default.
        let update = try Self.origin(tree, "stack.yml", "update_config:", after: "  nextcloud:")
        #expect(update.keys == ["apps.nextcloud"])
        let sticky = try Self.origin(tree, "stack.yml", "sticky", after: "  wiki:")
        #expect(sticky.keys == ["apps.wiki.sticky"])
    }

    /// Removing the manifest text of `apps.<name>` (campus's apps are the last section, and
    /// nothing else names them).
    static func withoutApps(_ text: String) -> String {
        let lines = Self.lines(text)
        let start = lines.firstIndex { $0 == "apps:" }!
        return lines[..<start].joined(separator: "\n") + "\napps: {}\n"
    }

    /// Not guessed: a line attributed to the app alone is one the app makes, so a build without
    /// the app has each such text at most as often as the full build minus those lines.
    @Test func linesOfAnAppAloneGoWithTheApp() throws {
        let text = try Self.campusText()
        let full = try Self.build(text)
        let smaller = try Self.build(Self.withoutApps(text))
        var attributed = 0
        for file in full.files {
            let lines = Self.lines(file.contents)
            var fullCount: [Substring: Int] = [:]
            var appOnly: [Substring: Int] = [:]
            for (index, line) in lines.enumerated() {
                fullCount[line, default: 0] += 1
                let origin = file.origins[index]
                let onlyApp =
                    !origin.isStructure
                    && origin.keys.allSatisfy {
                        $0.components.first == .key("apps") && $0.components.dropFirst().first == .key("nextcloud")
                    }
                if onlyApp { appOnly[line, default: 0] += 1 }
            }
            attributed += appOnly.values.reduce(0, +)
            var smallerCount: [Substring: Int] = [:]
            for line in smaller.file(file.path).map({ Self.lines($0.contents) }) ?? [] {
                smallerCount[line, default: 0] += 1
            }
            for (line, count) in appOnly {
                #expect(
                    smallerCount[line, default: 0] <= fullCount[line, default: 0] - count,
                    "\(file.path): '\(line)' is attributed to apps.nextcloud alone, yet stays without it")
            }
        }
        #expect(attributed > 50)
    }
}
