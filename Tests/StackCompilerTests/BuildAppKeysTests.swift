import Foundation
import StackDiagnostics
import Testing

@testable import StackCompiler

/// The spec's app keys beyond routing (`ports`, `files`, `extra_hosts`, `placement.node`,
/// `health: {command}` and `health: none`) as Docker's own loader reads the stack file, and as
/// the Compose schema accepts it. The expected values are written out here by hand.
@Suite struct BuildAppKeysTests {
    static let manifest = """
        stackc: 1
        name: keys
        domain: keys.test
        cluster: {managers: 3, workers: 1, vip: 192.168.56.100}
        apps:
          dns:
            image: busybox:1.36
            command: [sleep, infinity]
            ports: ["5353:53/udp", {target: 8053, published: 8053, protocol: tcp, mode: host}]
            health: {command: "nslookup localhost 127.0.0.1 || exit 1"}
          web:
            image: nginx:1.27-alpine
            port: 80
            host: www
            files:
              /etc/nginx/conf.d/default.conf: conf/default.conf
            extra_hosts:
              www.keys.test: vip
              db.outside.test: 192.0.2.10
            health:
              command: [wget, -q, -O, /dev/null, "http://127.0.0.1/"]
            placement: {node: worker-1}
          quiet:
            image: nginx:1.27-alpine
            port: 80
            health: none
        """

    static let conf = "server { listen 80; location / { return 204; } }\n"

    static func built() throws -> (tree: OutputTree, diagnostics: [Diagnostic]) {
        let checked = StackCompiler.check(SourceFile(path: "keys.yml", bytes: Array(manifest.utf8)))
        let stack = try #require(checked.stack, "\(checked.diagnostics.map(\.message))")
        let result = BuildPipeline.build(stack, deliveredFiles: ["conf/default.conf": .text(conf)])
        return (result.tree, result.diagnostics)
    }

    @Test func dockerReadsTheAppKeys() throws {
        let (tree, diagnostics) = try Self.built()
        #expect(!diagnostics.contains { $0.severity == .error }, "\(diagnostics.map(\.message))")
        let folder = try BuildSupport.makeTemporaryFolder("app-keys")
        defer { try? FileManager.default.removeItem(at: folder) }
        try BuildSupport.write(tree, to: folder)
        let docker = try #require(try Tools.run("docker", ["stack", "config", "-c", "stack.yml"], in: folder))
        try #require(docker.status == 0, "docker stack config: \(docker.summary)")
        let document = try #require(try PyYAMLValue.read(docker.stdout))
        let services = try #require(document["services"])

        let ports = (services["dns"]?["ports"]?.items ?? []).map { port in
            "\(port["published"]?.int ?? 0):\(port["target"]?.int ?? 0)/\(port["protocol"]?.string ?? "")/\(port["mode"]?.string ?? "")"
        }
        #expect(ports == ["5353:53/udp/ingress", "8053:8053/tcp/host"], "\(ports)")

        let hosts = services["web"]?["extra_hosts"]?.items?.compactMap(\.string) ?? []
        #expect(
            Set(hosts.map { $0.replacingOccurrences(of: "=", with: ":") })
                == ["www.keys.test:192.168.56.100", "db.outside.test:192.0.2.10"], "\(hosts)")

        let configs = services["web"]?["configs"]?.items ?? []
        #expect(
            configs.contains {
                $0["target"]?.string == "/etc/nginx/conf.d/default.conf" && $0["mode"]?.int == 0o444
            }, "\(configs)")
        let key = try #require(
            configs.first { $0["target"]?.string == "/etc/nginx/conf.d/default.conf" }?["source"]?.string)
        #expect(document["configs"]?[key]?["name"]?.string == "keys_web-file-1_\(SHA256.hex(Self.conf).prefix(12))")
        #expect(tree.file("files/web/etc/nginx/conf.d/default.conf")?.contents == Self.conf)

        #expect(
            services["dns"]?["healthcheck"]?["test"]?.items?.compactMap(\.string)
                == ["CMD-SHELL", "nslookup localhost 127.0.0.1 || exit 1"])
        #expect(
            services["web"]?["healthcheck"]?["test"]?.items?.compactMap(\.string)
                == ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/"])
        #expect(services["quiet"]?["healthcheck"] == nil, "health: none has a check")

        let constraints = services["web"]?["deploy"]?["placement"]?["constraints"]?.items?.compactMap(\.string) ?? []
        #expect(constraints == ["node.labels.stackc.node == worker-1"], "\(constraints)")
    }

    @Test func composeSchemaAcceptsTheAppKeys() throws {
        let (tree, _) = try Self.built()
        let folder = try BuildSupport.makeTemporaryFolder("app-keys-schema")
        defer { try? FileManager.default.removeItem(at: folder) }
        try BuildSupport.write(tree, to: folder)
        let run = try #require(
            try Tools.run("check-jsonschema", ["--builtin-schema", "vendor.compose-spec", "stack.yml"], in: folder))
        #expect(run.status == 0, "\(run.summary)")
    }

    /// The route of the web app still goes through the proxy: a named node and a delivered
    /// file change nothing there.
    @Test func theRoutedAppKeepsItsRoute() throws {
        let (tree, _) = try Self.built()
        let stackFile = try #require(tree.file("stack.yml")).contents
        #expect(stackFile.contains("traefik.http.routers.web.rule: Host(`www.keys.test`)"))
    }
}
