import Foundation
import StackDiagnostics
import Testing
import YAML

@testable import StackCompiler

/// `tls.mode: acme` with Traefik: a certificate resolver on the HTTP challenge whose account
/// and certificates live on a volume that survives restarts, one Traefik replica (the storage
/// is one file), routers that ask the resolver, and no certificate secrets. No ACME server is
/// reachable here, so this checks the configuration as Traefik and Docker read it.
@Suite struct EdgeACMETests {
    static let manifest = """
        stackc: 1
        name: pub
        domain: example.org
        tls: {mode: acme, email: ops@example.org}
        cluster: {managers: 3}
        apps:
          web: {image: nginx:1.27-alpine, port: 8080, host: www, replicas: 2}
        """

    func read(_ text: String) throws -> YAMLNode {
        var bag = DiagnosticBag()
        return try #require(YAMLReader().read(SourceFile(path: "x.yml", text: text), into: &bag), "\(bag.all)")
    }

    @Test func resolverStorageAndReplicas() throws {
        let built = try #require(BuildSupport.build(path: "pub.yml", text: Self.manifest))
        let traefik = try read(try #require(built.tree.file("traefik/traefik.yml")).contents)
        let acme = traefik["certificatesResolvers"]?["le"]?["acme"]
        #expect(acme?["email"]?.scalar?.text == "ops@example.org")
        #expect(acme?["storage"]?.scalar?.text == "/letsencrypt/acme.json")
        #expect(acme?["httpChallenge"]?["entryPoint"]?.scalar?.text == "web")
        #expect(
            traefik["entryPoints"]?["web"]?["address"]?.scalar?.text == ":80", "the HTTP challenge is answered on :80")

        let stack = try read(try #require(built.tree.file("stack.yml")).contents)
        let service = try #require(stack["services"]?["traefik"])
        let mounts =
            service["volumes"]?.items?.map {
                ($0["source"]?.scalar?.text, $0["target"]?.scalar?.text, $0["type"]?.scalar?.text)
            } ?? []
        #expect(mounts.contains { $0.0 == "traefik-acme" && $0.1 == "/letsencrypt" && $0.2 == "volume" }, "\(mounts)")
        #expect(stack["volumes"]?["traefik-acme"] != nil)
        #expect(service["deploy"]?["mode"]?.scalar?.text == "replicated")
        #expect(service["deploy"]?["replicas"]?.scalar?.int == 1, "one ACME client, even with three managers")
        #expect(service["secrets"] == nil, "no certificate secrets with ACME")
        #expect(stack["secrets"]?["tls-certificate"] == nil)
        let labels = stack["services"]?["web"]?["deploy"]?["labels"]
        #expect(labels?["traefik.http.routers.web.tls.certresolver"]?.scalar?.text == "le")
        #expect(labels?["traefik.http.routers.web-http.middlewares"]?.scalar?.text == "redirect-to-https@file")

        let dynamic = try read(try #require(built.tree.file("traefik/dynamic.yml")).contents)
        #expect(dynamic["tls"]?["stores"] == nil, "no default certificate file with ACME")
        #expect(!built.tree.files.contains { $0.contents.contains("BEGIN") })
    }

    @Test func dockerAcceptsTheStack() throws {
        let built = try #require(BuildSupport.build(path: "pub.yml", text: Self.manifest))
        let folder = try BuildSupport.makeTemporaryFolder("acme")
        defer { try? FileManager.default.removeItem(at: folder) }
        try BuildSupport.write(built.tree, to: folder)
        let config = try #require(try Tools.run("docker", ["stack", "config", "-c", "stack.yml"], in: folder))
        #expect(config.status == 0, "\(config.summary)")
    }
}

extension YAMLNode {
    /// The value under `key`, when this node is a mapping.
    fileprivate subscript(key: String) -> YAMLNode? {
        pairs?.first { $0.keyText == key }?.value
    }
}
