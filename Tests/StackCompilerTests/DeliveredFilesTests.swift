import StackDiagnostics
import Testing

@testable import StackCompiler

/// `files`: files of the repository delivered into an app's containers as configs named by
/// their content. The command line reads them; the build copies each into the output folder and
/// mounts it read-only, or reports, at the manifest's value, why it cannot.
@Suite struct DeliveredFilesTests {
    static let manifest = """
        stackc: 1
        name: web
        apps:
          web:
            image: nginx:1.27-alpine
        """

    static let span = SourceSpan(
        file: SourceFileID(path: "web.yml"), start: SourceLocation(line: 5, column: 7), length: 18)

    static func build(_ contents: [String: DeliveredFileContents]) throws -> BuildPipeline.Result {
        var stack = try #require(StackCompiler.check(SourceFile(path: "web.yml", bytes: Array(manifest.utf8))).stack)
        stack.apps[0].files = [
            DeliveredFile(containerPath: "/etc/nginx/conf.d/default.conf", source: "nginx/default.conf", span: span),
            DeliveredFile(containerPath: "/usr/share/nginx/html/index.html", source: "site/index.html", span: span),
        ]
        return BuildPipeline.build(stack, deliveredFiles: contents)
    }

    static func stackFile(_ result: BuildPipeline.Result) throws -> PyYAMLValue {
        let text = try #require(result.tree.file("stack.yml")).contents
        return try #require(try PyYAMLValue.read(text))
    }

    @Test func eachFileIsCopiedAndMountedAsAContentNamedConfig() throws {
        let conf = "server { listen 80; }\n"
        let result = try Self.build(["nginx/default.conf": .text(conf), "site/index.html": .text("<h1>hi</h1>\n")])
        #expect(!result.hasErrors, "\(result.diagnostics.map(\.message))")
        #expect(result.tree.file("files/web/etc/nginx/conf.d/default.conf")?.contents == conf)
        #expect(result.tree.file("files/web/usr/share/nginx/html/index.html")?.contents == "<h1>hi</h1>\n")
        let document = try Self.stackFile(result)
        let hash = String(SHA256.hex(conf).prefix(12))
        #expect(document["configs"]?["web-file-1"]?["file"]?.string == "./files/web/etc/nginx/conf.d/default.conf")
        #expect(document["configs"]?["web-file-1"]?["name"]?.string == "web_web-file-1_\(hash)")
        let mounts = document["services"]?["web"]?["configs"]?.items ?? []
        #expect(
            mounts.contains {
                $0["source"]?.string == "web-file-1" && $0["target"]?.string == "/etc/nginx/conf.d/default.conf"
                    && $0["mode"]?.int == 0o444
            }, "\(mounts)")

        // An edited file is a new config: the next deploy rolls it out.
        let edited = try Self.build([
            "nginx/default.conf": .text("server { listen 8080; }\n"), "site/index.html": .text("<h1>hi</h1>\n"),
        ])
        let editedDocument = try Self.stackFile(edited)
        #expect(
            editedDocument["configs"]?["web-file-1"]?["name"]?.string
                != document["configs"]?["web-file-1"]?["name"]?.string)
        #expect(
            editedDocument["configs"]?["web-file-2"]?["name"]?.string
                == document["configs"]?["web-file-2"]?["name"]?.string)
    }

    @Test(arguments: [
        (DeliveredFileContents.unreadable("no such file"), "cannot be read: no such file"),
        (.binary, "is not UTF-8 text"),
        (.tooLarge(600_000), "is 600000 bytes; a Swarm config holds at most 512000"),
        (.text(String(repeating: "x", count: 512_001)), "is 512001 bytes"),
    ])
    func aFileThatCannotBeDeliveredIsAnErrorAtItsValue(contents: DeliveredFileContents, problem: String) throws {
        let result = try Self.build(["nginx/default.conf": contents, "site/index.html": .text("ok\n")])
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1, "\(errors.map(\.message))")
        #expect(errors.first?.code == Codes.unreadableDeliveredFile)
        #expect(errors.first?.span == Self.span)
        #expect(
            errors.first?.message.hasPrefix(
                "the file 'nginx/default.conf' for /etc/nginx/conf.d/default.conf \(problem)")
                == true, "\(errors.first?.message ?? "")")
        #expect(result.hasErrors)
    }

    @Test func aFileTheCallerDidNotReadIsAnError() throws {
        let result = try Self.build([:])
        #expect(result.diagnostics.filter { $0.code == Codes.unreadableDeliveredFile }.count == 2)
    }
}
