import StackDiagnostics
import Testing
import YAML

@testable import StackCompiler

/// Every file names an app by the same host: the proxy rule (Traefik labels, HAProxy ACLs)
/// and what the app itself is told (Nextcloud's trusted domain and overwrite URLs).
@Suite struct EdgeConsistencyTests {
    static let cases: [(path: String, text: String)] =
        BuildSupport.repoManifestPaths().compactMap { path in
            (try? String(contentsOf: BuildSupport.repoRoot.appendingPathComponent(path), encoding: .utf8)).map {
                (path, $0)
            }
        } + [
            (
                "synthetic/cloud-haproxy.yml",
                """
                stackc: 1
                name: files
                domain: files.test
                proxy: {kind: haproxy}
                cluster: {workers: 1, shared_storage: nfs}
                databases: {pg: {}}
                apps:
                  cloud: {preset: nextcloud, image: nextcloud:29-apache, replicas: 2, host: cloud.example.net, database: pg,
                          volumes: {html: /var/www/html}}
                """
            )
        ]

    @Test(arguments: cases.map(\.path))
    func everyFileUsesTheSameHost(path: String) throws {
        let text = try #require(Self.cases.first { $0.path == path }?.text)
        let built = try #require(BuildSupport.build(path: path, text: text))
        var bag = DiagnosticBag()
        let stackFile = try #require(built.tree.file("stack.yml"))
        let stack = try #require(YAMLReader().read(SourceFile(path: "stack.yml", text: stackFile.contents), into: &bag))
        let haproxy = built.tree.file("haproxy/haproxy.cfg")?.contents
        for app in built.stack.apps {
            guard let route = app.route else { continue }
            let service = try #require(stack.value("services")?.value(app.name))
            if built.stack.proxy.kind == .traefik {
                let rules =
                    service.value("deploy")?.value("labels")?.pairs?.filter { $0.keyText.hasSuffix(".rule") }
                    .compactMap(\.value.scalar?.text) ?? []
                #expect(
                    !rules.isEmpty && rules.allSatisfy { $0.hasPrefix("Host(`\(route.host)`)") },
                    "\(app.name): \(rules)")
            } else {
                let config = try #require(haproxy)
                #expect(
                    config.contains("hdr(host),field(1,:) -i \(route.host)\n"), "\(app.name): no ACL for \(route.host)")
            }
            let environment = service.value("environment")
            if app.preset == .nextcloud {
                let scheme = route.https ? "https" : "http"
                #expect(environment?.value("NEXTCLOUD_TRUSTED_DOMAINS")?.scalar?.text == route.host)
                #expect(environment?.value("OVERWRITEHOST")?.scalar?.text == route.host)
                #expect(environment?.value("OVERWRITECLIURL")?.scalar?.text == "\(scheme)://\(route.host)")
            }
        }
    }
}

extension YAMLNode {
    /// The value under `key`, when this node is a mapping.
    fileprivate func value(_ key: String) -> YAMLNode? {
        pairs?.first { $0.keyText == key }?.value
    }
}
