import Foundation
import Testing

/// `stackc graph FILE [--format mermaid|dot] [--svg OUT]` as users run it: the Mermaid is the
/// committed runbook's diagram, the DOT is drawn by the real Graphviz, `--svg` writes a picture
/// with it (or says there is no `dot`, exit 2), a manifest with errors prints its diagnostics
/// and nothing else (exit 1), and a stack.swift gives the graph of the YAML it describes.
@Suite struct GraphCommandTests {
    /// The default language is Mermaid, and it is the diagram of the committed RUNBOOK.md.
    @Test func theMermaidIsTheRunbooksDiagram() throws {
        let run = try StackcCLI.run(["graph", "manifests/campus.yml"], in: StackcCLI.repoRoot)
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.isEmpty, "\(run)")
        let runbook = try String(
            contentsOf: StackcCLI.repoRoot.appendingPathComponent("out/campus/RUNBOOK.md"), encoding: .utf8)
        let block = try #require(runbook.components(separatedBy: "```mermaid\n").dropFirst().first)
        let diagram = try #require(block.components(separatedBy: "```\n").first)
        #expect(run.stdout == diagram)
        let explicit = try StackcCLI.run(
            ["graph", "--format", "mermaid", "manifests/campus.yml"], in: StackcCLI.repoRoot)
        #expect(explicit.stdout == run.stdout)
    }

    @Test func theDOTIsDrawnByGraphviz() throws {
        let workspace = try Workspace("graph-dot")
        defer { workspace.remove() }
        let run = try StackcCLI.run(["graph", "--format", "dot", "manifests/coreos-lab.yml"], in: StackcCLI.repoRoot)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.hasPrefix("digraph \"lab\" {\n"), "\(run)")
        #expect(run.stdout.contains("\"service:api\""), "\(run)")
        try workspace.write("lab.dot", run.stdout)
        let dot = try #require(Self.dot(), "Graphviz's dot is not installed: run scripts/setup.sh")
        let drawn = try StackcCLI.run(
            ["-Tsvg", "-o", workspace.url("lab.svg").path, workspace.url("lab.dot").path], in: workspace.root,
            executable: dot)
        #expect(drawn.status == 0 && drawn.stderr.isEmpty, "\(drawn)")
        #expect(try workspace.read("lab.svg").contains("<svg"))
    }

    /// `--svg FILE` writes what `dot -Tsvg` draws of the DOT form; `--svg -` prints it.
    @Test func svgIsDrawnWithTheRealDot() throws {
        let workspace = try Workspace("graph-svg")
        defer { workspace.remove() }
        _ = try #require(Self.dot(), "Graphviz's dot is not installed: run scripts/setup.sh")
        try workspace.write("shop.yml", Self.shop)
        let run = try workspace.stackc("graph", "shop.yml", "--svg", "shop.svg")
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.isEmpty && run.stderr.isEmpty, "\(run)")
        let svg = try workspace.read("shop.svg")
        #expect(svg.contains("<svg"), "\(svg)")
        // Each service and route is in the picture, as Graphviz writes its text.
        for text in ["<title>service:web</title>", "<title>service:api</title>", ">www.shop.example/<", ">depends_on<"]
        {
            #expect(svg.contains(text), "no \(text) in the picture")
        }
        let printed = try workspace.stackc("graph", "shop.yml", "--svg", "-")
        #expect(printed.status == 0, "\(printed)")
        #expect(printed.stdout == svg)
    }

    /// Without `dot` on PATH, `--svg` says so and how to get it, exit 2, and writes nothing.
    @Test func svgWithoutGraphvizSaysSo() throws {
        let workspace = try Workspace("graph-no-dot")
        defer { workspace.remove() }
        try workspace.write("shop.yml", Self.shop)
        try workspace.write("bin/.keep", "")
        let run = try workspace.stackc(
            ["graph", "shop.yml", "--svg", "shop.svg"], environment: ["PATH": workspace.url("bin").path])
        #expect(run.status == 2, "\(run)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("Graphviz's 'dot', which is not on PATH"), "\(run)")
        #expect(run.stderr.contains("apt-get install graphviz"), "\(run)")
        #expect(!workspace.exists("shop.svg"))
        // The text forms need no Graphviz.
        let dot = try workspace.stackc(["graph", "shop.yml", "--format", "dot"], environment: ["PATH": "/nonexistent"])
        #expect(dot.status == 0 && dot.stdout.hasPrefix("digraph"), "\(dot)")
    }

    /// A picture dot cannot write is an I/O error, in dot's words and stackc's.
    @Test func anUnwritablePictureIsAnIOError() throws {
        let workspace = try Workspace("graph-unwritable")
        defer { workspace.remove() }
        _ = try #require(Self.dot(), "Graphviz's dot is not installed: run scripts/setup.sh")
        try workspace.write("shop.yml", Self.shop)
        let run = try workspace.stackc("graph", "shop.yml", "--svg", "no/such/folder/shop.svg")
        #expect(run.status == 2, "\(run)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("stackc: Graphviz's dot could not draw the graph into 'no/such/folder/shop.svg'"))
    }

    @Test func aManifestWithErrorsPrintsItsDiagnosticsOnly() throws {
        let workspace = try Workspace("graph-errors")
        defer { workspace.remove() }
        try workspace.write("bad.yml", "stackc: 1\nname: bad\napps:\n  web:\n    image: nginx:1.27\n    prot: 80\n")
        for arguments in [
            ["graph", "bad.yml"], ["graph", "bad.yml", "--format", "dot"], ["graph", "bad.yml", "--svg", "x.svg"],
        ] {
            let run = try workspace.stackc(arguments, environment: [:])
            #expect(run.status == 1, "\(run)")
            #expect(run.stdout.isEmpty, "\(run)")
            #expect(run.stderr.contains("bad.yml:6:5: error[E101]: unknown key 'prot' in app 'web'"), "\(run)")
            #expect(!workspace.exists("x.svg"))
        }
        let lint = try workspace.stackc("lint", "bad.yml")
        #expect(try workspace.stackc("graph", "bad.yml").stderr == lint.stderr, "graph prints what lint prints")
    }

    /// Warnings go to standard error; the graph is printed all the same.
    @Test func warningsGoToStandardError() throws {
        let run = try StackcCLI.run(["graph", "manifests/haproxy-lab.yml"], in: StackcCLI.repoRoot)
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("warning[W303]"), "\(run)")
        #expect(run.stdout.hasPrefix("flowchart LR\n") && !run.stdout.contains("W303"))
    }

    @Test func usageAndReadErrorsExitTwo() throws {
        let workspace = try Workspace("graph-usage")
        defer { workspace.remove() }
        try workspace.write("shop.yml", Self.shop)
        let format = try workspace.stackc("graph", "shop.yml", "--format", "png")
        #expect(format.status == 2, "\(format)")
        #expect(format.stderr.contains("png"), "\(format)")
        let missing = try workspace.stackc("graph", "missing.yml")
        #expect(missing.status == 2, "\(missing)")
        #expect(missing.stderr.contains("cannot read 'missing.yml'"), "\(missing)")
    }

    /// A stack.swift is compiled and run as `build` does, and its graph is its YAML twin's.
    @Test func aStackSwiftGivesTheGraphOfItsYAML() throws {
        let workspace = try Workspace("graph-swift")
        defer { workspace.remove() }
        try workspace.write("shop.yml", Self.shop)
        let converted = try workspace.stackc("convert", "shop.yml", "-o", "stack.swift")
        #expect(converted.status == 0, "\(converted)")
        let yaml = try workspace.stackc("graph", "shop.yml")
        let swift = try workspace.stackc("graph", "stack.swift")
        #expect(swift.status == 0, "\(swift)")
        #expect(swift.stdout == yaml.stdout)
        let yamlDOT = try workspace.stackc("graph", "shop.yml", "--format", "dot")
        let swiftDOT = try workspace.stackc("graph", "stack.swift", "--format", "dot")
        #expect(swiftDOT.stdout == yamlDOT.stdout)
    }

    static let shop = """
        stackc: 1
        name: shop
        domain: shop.example
        databases:
          db: {}
        apps:
          web:
            image: nginx:1.27-alpine
            port: 80
            host: www
            depends_on: [api]
          api:
            image: nginx:1.27-alpine
            port: 80
            host: www
            path: /api
            database: db
            depends_on: [db]

        """

    /// Graphviz's `dot` on PATH.
    static func dot() -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return (path.split(separator: ":").map(String.init) + ["/usr/bin"]).lazy
            .map { URL(fileURLWithPath: $0).appendingPathComponent("dot") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}
