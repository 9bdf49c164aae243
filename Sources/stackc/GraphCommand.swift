import ArgumentParser
import StackCompiler
import StackDiagnostics

/// `stackc graph FILE [--format mermaid|dot] [--svg OUT]`: prints the stack as a graph (the
/// apps, database servers, platform services, networks, hosts and routes, and `depends_on`),
/// made from the same plan as the build and the runbook's diagram, or draws it as SVG with
/// Graphviz. Diagnostics go to standard error as `build` prints them.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print the stack as a graph: Mermaid, DOT, or SVG drawn by Graphviz.",
        discussion:
            "Exit status: 0 when the graph is printed (warnings go to standard error), 1 when the manifest has errors (nothing is printed), 2 for usage or I/O errors, and for --svg when Graphviz's dot is not on PATH or fails."
    )

    @Argument(help: "The manifest (YAML, or a stack.swift description).")
    var file: String

    @Option(help: "The graph's language: mermaid (Markdown renders it) or dot (Graphviz).")
    var format: GraphFormat = .mermaid

    @Option(
        help: ArgumentHelp(
            "Draw the graph with Graphviz's dot into this SVG file ('-': standard output) instead of printing it.",
            valueName: "out.svg"))
    var svg: String?

    func run() throws {
        let graph = try Self.graph(of: file)
        if let svg {
            try GraphvizDot.drawSVG(graph.dot, to: svg)
            return
        }
        switch format {
        case .mermaid: Terminal.out(graph.mermaid)
        case .dot: Terminal.out(graph.dot)
        }
    }

    /// The stack's graph, after printing the diagnostics of the check and the build; exit
    /// status 1 when the manifest has errors, 2 when it cannot be read.
    static func graph(of file: String) throws -> StackGraph {
        let input: ManifestInput
        switch ManifestInput.load(file, echoCompiler: true) {
        case .failure(let error):
            Terminal.err(error.message)
            throw ExitCode(2)
        case .success(let read):
            input = read
        }
        let checked = input.check { FilesBesideManifest.read($0, manifest: file) }
        var printer = DiagnosticPrinter(format: .text)
        guard var stack = checked.stack else {
            printer.add(checked.diagnostics, source: input.source)
            throw ExitCode(1)
        }
        stack.sourcePath = ManifestFile.headerPath(file)
        let result = BuildPipeline.graph(stack, files: FilesBesideManifest.read(stack, manifest: file))
        var all = DiagnosticBag()
        all.report(contentsOf: checked.diagnostics + input.located(result.diagnostics))
        printer.add(all.sorted, source: input.source)
        if result.hasErrors { throw ExitCode(1) }
        return result.graph
    }
}

/// The languages `stackc graph` prints.
enum GraphFormat: String, CaseIterable, ExpressibleByArgument {
    case mermaid, dot
}
