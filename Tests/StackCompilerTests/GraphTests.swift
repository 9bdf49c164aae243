import Foundation
import Testing

@testable import StackCompiler

/// `stackc graph`'s two languages, for every manifest of the build cases, the shared synthetic
/// ones, the runbook's own and one of names and paths chosen to break quoting: the DOT passes
/// Graphviz's `dot -Tsvg` without a word on standard error, the Mermaid follows the strict
/// grammar of `MermaidFlowchart`, and both, read back (Graphviz's own layout for the DOT, the
/// decoded texts for the Mermaid), show every service of the plan, every app and database
/// server, every host the proxy serves with its request to the proxy, every route with its
/// host and path, every `depends_on` and every network, taken from the resolved stack and the
/// finished plan, not from the graph. Texts no manifest can hold (quotes, backslashes, line
/// breaks) are drawn from a graph made by hand. Each check also finds a mistake planted in a
/// graph that passes it.
@Suite struct GraphTests {
    /// Names, paths and hosts that are keywords or special characters in one of the languages:
    /// apps called `graph`, `subgraph` and `node`, a database called `end`, paths with `|`, `<`,
    /// `&`, `;`, `%%{…}%%`, `-->`, brackets and non-ASCII letters, a host with dashes and dots.
    static let own: [(name: String, text: String)] = [
        (
            "graph-odd-names.yml",
            """
            stackc: 1
            name: odd-names
            domain: odd-names.example.org
            proxy: {dashboard: true}
            identity: {database: pg}
            databases:
              pg: {}
              end: {engine: redis}
            apps:
              graph:
                image: nginx:1.27-alpine
                port: 80
                host: www
                path: "/a|b<c>&d;e%%{init}%%"
                depends_on: [subgraph, end, identity]
              subgraph:
                image: nginx:1.27-alpine
                replicas: 3
                port: 80
                host: my-host.odd-names.example.org
                path: "/é/[x]/{y}/(z)"
                database: pg
              node:
                image: nginx:1.27-alpine
                port: 80
                host: www
                path: /-->x
                database: end
            """
        )
    ]

    /// Every manifest, by name.
    static let manifests: [(name: String, text: String)] =
        BuildCase.all.map { (name: $0.path, text: $0.text) } + SyntheticManifests.all + RunbookTests.own + own

    static var names: [String] { manifests.map(\.name) }

    @Test(arguments: names)
    func theDOTPassesGraphvizAndShowsThePlan(name: String) throws {
        let built = try #require(try Self.build(name))
        let drawn = try #require(try Self.drawDOT(built.graph.dot))
        for problem in drawn.problems + Self.problems(drawn, built.expected) {
            Issue.record("\(name): \(problem)")
        }
    }

    @Test(arguments: names)
    func theMermaidIsWellFormedAndShowsThePlan(name: String) throws {
        let built = try #require(try Self.build(name))
        let drawn = DrawnGraph(MermaidFlowchart(built.graph.mermaid))
        for problem in drawn.problems + Self.problems(drawn, built.expected) {
            Issue.record("\(name): \(problem)")
        }
    }

    /// Both languages say the same: the same nodes with the same texts, the same edges.
    @Test(arguments: names)
    func bothLanguagesDrawTheSameGraph(name: String) throws {
        let built = try #require(try Self.build(name))
        let dot = try #require(try Self.drawDOT(built.graph.dot))
        let mermaid = DrawnGraph(MermaidFlowchart(built.graph.mermaid))
        #expect(dot.nodes == mermaid.nodes, "\(name)")
        #expect(dot.databases == mermaid.databases, "\(name)")
        #expect(dot.edgeSet == mermaid.edgeSet, "\(name)")
    }

    /// Texts no manifest can hold, on nodes and edges whose names have quotes, dashes and dots:
    /// each language keeps every character as written.
    @Test func everyTextIsQuotedInBothLanguages() throws {
        let texts = [
            "a \"quoted\" word", #"back\slash \N \n \"#, "#35; & <b>x</b> | ` %%{init}%% -->", "end", "line\nbreak",
            "ünïcödé ×2 [x] {y} (z)", "subgraph", "graph", "node; edge -> x",
        ]
        var nodes: [StackGraph.Node] = []
        var edges: [StackGraph.Edge] = []
        for (index, text) in texts.enumerated() {
            let host = StackGraph.NodeID.host("h-\(index).example.org \"\(index)\"")
            let service = StackGraph.NodeID.service("s-\(index)")
            nodes.append(StackGraph.Node(id: host, shape: .host, lines: [text], group: nil))
            nodes.append(StackGraph.Node(id: service, shape: .service, lines: [text, "image"], group: .apps))
            edges.append(StackGraph.Edge(from: host, to: service, kind: .route, label: text))
        }
        let graph = StackGraph(stack: "odd \"stack\"", nodes: nodes, edges: edges)
        let expectedNodes = Dictionary(
            uniqueKeysWithValues: nodes.map { (DOTGraphRenderer.id($0.id), $0.lines.flatMap(Self.lines)) })

        let dot = try #require(try Self.drawDOT(graph.dot))
        #expect(dot.problems.isEmpty, "\(dot.problems)")
        #expect(dot.nodes == expectedNodes)
        #expect(dot.edges.map(\.label) == texts.map { Optional(Self.lines($0).joined(separator: "\n")) })

        let chart = MermaidFlowchart(graph.mermaid)
        #expect(chart.problems.isEmpty, "\(chart.problems)\n\(graph.mermaid)")
        // Hosts first, then the services, each in the graph's order.
        let declared = nodes.filter { $0.shape == .host } + nodes.filter { $0.shape != .host }
        #expect(chart.order.compactMap { chart.nodes[$0]?.lines } == declared.map(\.lines))
        #expect(chart.edges.map(\.label) == texts.map(Optional.init))
    }

    /// Every check finds a mistake planted in a graph that passes it.
    @Test func everyCheckFindsAPlantedMistake() throws {
        let built = try #require(try Self.build("manifests/campus.yml"))
        let mermaid = built.graph.mermaid
        let dot = built.graph.dot
        func mermaidProblems(_ text: String) -> [String] {
            let drawn = DrawnGraph(MermaidFlowchart(text))
            return drawn.problems + Self.problems(drawn, built.expected)
        }
        func dotProblems(_ text: String) throws -> [String] {
            guard let drawn = try Self.drawDOT(text, expectingFailure: true) else { return ["not drawn"] }
            return drawn.problems + Self.problems(drawn, built.expected)
        }
        #expect(mermaidProblems(mermaid).isEmpty)
        #expect(try dotProblems(dot).isEmpty)

        let routeLine = try #require(mermaid.split(separator: "\n").first { $0.contains("|\"cloud.campus.test/\"|") })
        #expect(!mermaidProblems(mermaid.replacingOccurrences(of: routeLine + "\n", with: "")).isEmpty)
        #expect(!mermaidProblems(mermaid.replacingOccurrences(of: "\"depends_on\"", with: "\"needs\"")).isEmpty)
        #expect(!mermaidProblems(mermaid.replacingOccurrences(of: "[(\"pg<br/>", with: "[\"pg<br/>")).isEmpty)
        #expect(!mermaidProblems(mermaid + "  s1 --> s99\n").isEmpty, "an edge to an undeclared node passed")
        #expect(!mermaidProblems(mermaid + "  s98[\"a \"quoted\" word\"]\n").isEmpty, "a raw quote passed")
        #expect(!mermaidProblems(mermaid + "  s98[\"50% #off\"]\n").isEmpty, "a raw % and # passed")
        #expect(!mermaidProblems(mermaid + "  subgraph g9 [\"open\"]\n").isEmpty, "an open subgraph passed")
        #expect(!mermaidProblems(mermaid + "  s98[unquoted]\n").isEmpty, "an unquoted text passed")

        let dotRoute = try #require(dot.split(separator: "\n").first { $0.contains("[label=\"cloud.campus.test/\"]") })
        #expect(try !dotProblems(dot.replacingOccurrences(of: dotRoute + "\n", with: "")).isEmpty)
        #expect(
            try !dotProblems(dot.replacingOccurrences(of: "[label=\"nextcloud ×2", with: "[label=\"cloud ×2")).isEmpty)
        #expect(try !dotProblems(dot.replacingOccurrences(of: "shape=cylinder", with: "shape=box")).isEmpty)
        #expect(try !dotProblems(dot.replacingOccurrences(of: "label=\"apps\"", with: "label=\"a\"pps\"")).isEmpty)
    }

    // MARK: Building

    /// A graph, and what it must show, taken from the stack and the plan.
    struct Built {
        var graph: StackGraph
        var expected: Expected
    }

    static func build(_ name: String) throws -> Built? {
        let text = try #require(manifests.first { $0.name == name }?.text, "no manifest \(name)")
        guard let stack = BuildSupport.build(path: name, text: text)?.stack else { return nil }
        let result = BuildPipeline.graph(stack, files: FilesRead())
        #expect(!result.hasErrors, "\(name): \(result.diagnostics.map(\.message))")
        let plan = BuildPipeline.contribute(
            stack, sourceDirectory: ".", files: FilesRead(), passes: BuildPipeline.passes)
        return Built(graph: result.graph, expected: Expected(stack: stack, plan: plan, edge: RenderedEdge.render(plan)))
    }

    /// What a graph of the stack must show, from the resolved stack and the finished plan.
    struct Expected {
        var services: [String]
        var apps: [String]
        var databases: [String]
        var proxy: String?
        var hosts: [String]
        var routes: [(service: String, text: String)]
        var dependencies: [(app: String, target: String)]
        var networks: [String]

        init(stack: ResolvedStack, plan: FinishedPlan, edge: RenderedEdge?) {
            services = plan.services.map(\.name) + (edge?.plan.services.map(\.name) ?? [])
            apps = stack.apps.map(\.name)
            databases = stack.databases.map(\.name)
            proxy = edge?.plan.services.first?.name
            hosts = edge == nil ? [] : plan.routes.map(\.host) + [plan.edge?.dashboardHost].compactMap { $0 }
            routes = plan.routes.map { ($0.service, $0.host + $0.path) }
            dependencies = stack.apps.flatMap { app in
                app.dependsOn.map { dependency in
                    (app.name, PlatformService.forDependency(dependency.kind)?.name ?? dependency.name)
                }
            }
            networks = plan.networks.map(\.name) + (edge?.plan.networks.map(\.name) ?? [])
        }
    }

    /// What `drawn` lacks of `expected`.
    static func problems(_ drawn: DrawnGraph, _ expected: Expected) -> [String] {
        var problems: [String] = []
        let edges = drawn.edgeSet
        for service in expected.services where drawn.nodes["service:\(service)"] == nil {
            problems.append("no node for the service '\(service)'")
        }
        for app in expected.apps where drawn.nodes["service:\(app)"]?.first?.hasPrefix(app) != true {
            problems.append("the app '\(app)' is not shown by its name")
        }
        for database in expected.databases where !drawn.databases.contains("service:\(database)") {
            problems.append("the database server '\(database)' is not drawn as a database")
        }
        for host in expected.hosts {
            if drawn.nodes["host:\(host)"] != [host] { problems.append("the host '\(host)' is not shown") }
            if let proxy = expected.proxy, !edges.contains(DrawnGraph.EdgeKey("host:\(host)", "service:\(proxy)", nil))
            {
                problems.append("the host '\(host)' does not lead to the proxy")
            }
        }
        for route in expected.routes {
            guard let proxy = expected.proxy else {
                problems.append("a route to '\(route.service)' without a proxy")
                continue
            }
            if !edges.contains(DrawnGraph.EdgeKey("service:\(proxy)", "service:\(route.service)", route.text)) {
                problems.append("no arrow from the proxy to '\(route.service)' labelled '\(route.text)'")
            }
        }
        for (app, target) in expected.dependencies
        where !edges.contains(DrawnGraph.EdgeKey("service:\(app)", "service:\(target)", "depends_on")) {
            problems.append("no depends_on arrow from '\(app)' to '\(target)'")
        }
        for network in expected.networks where drawn.nodes["network:\(network)"] != ["network \(network)"] {
            problems.append("the network '\(network)' is not shown")
        }
        return problems
    }

    // MARK: Graphviz

    /// The DOT drawn by `dot` as SVG and as JSON (Graphviz's reading of it, with each text as it
    /// lays it out); nil, with an issue, when `dot` is not installed. A run that fails or says
    /// anything on standard error is a problem (or, `expectingFailure`, an empty graph with it).
    static func drawDOT(_ text: String, expectingFailure: Bool = false) throws -> DrawnGraph? {
        let folder = try BuildSupport.makeTemporaryFolder("graph-dot")
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("graph.dot")
        let svg = folder.appendingPathComponent("graph.svg")
        let json = folder.appendingPathComponent("graph.json")
        try Data(text.utf8).write(to: input)
        guard let run = try Tools.run("dot", ["-Tsvg", "-o", svg.path, "-Tjson", "-o", json.path, input.path]) else {
            return nil
        }
        guard run.status == 0, run.stderr.isEmpty else {
            if !expectingFailure { Issue.record("dot -Tsvg failed: \(run.summary)\n\(text)") }
            return DrawnGraph(problems: ["dot failed: \(run.stderr)"])
        }
        let picture = String(decoding: try Data(contentsOf: svg), as: UTF8.self)
        var drawn = try DrawnGraph(graphvizJSON: Data(contentsOf: json))
        if !picture.contains("<svg") { drawn.problems.append("dot -Tsvg wrote no SVG") }
        return drawn
    }

    /// A text as Graphviz lays it out: one line for each line break.
    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}

/// A drawn graph as a reader sees it, whichever language it came from: nodes by kind and name
/// (`host:…`, `service:…`, `network:…`) with the lines of their text, and the edges between
/// them with theirs.
struct DrawnGraph {
    var nodes: [String: [String]] = [:]
    /// The nodes drawn as databases (cylinders).
    var databases = Set<String>()
    var edges: [(from: String, to: String, label: String?)] = []
    var problems: [String] = []

    /// An edge, to look up.
    struct EdgeKey: Hashable {
        var from: String
        var to: String
        var label: String?

        init(_ from: String, _ to: String, _ label: String?) {
            self.from = from
            self.to = to
            self.label = label
        }
    }

    var edgeSet: Set<EdgeKey> { Set(edges.map { EdgeKey($0.from, $0.to, $0.label) }) }

    init(problems: [String]) {
        self.problems = problems
    }

    /// Graphviz's JSON (`dot -Tjson`): the node objects (clusters aside), named by their DOT id,
    /// with the texts of their drawing operations, and the edges between them.
    init(graphvizJSON data: Data) throws {
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var names: [Int: String] = [:]
        for object in root["objects"] as? [[String: Any]] ?? [] {
            guard let id = object["_gvid"] as? Int, let name = object["name"] as? String else { continue }
            names[id] = name
            guard object["nodes"] == nil, !name.hasPrefix("cluster") else { continue }
            if nodes.updateValue(Self.texts(object["_ldraw_"]), forKey: name) != nil {
                problems.append("the node '\(name)' is drawn twice")
            }
            if object["shape"] as? String == "cylinder" { databases.insert(name) }
        }
        for edge in root["edges"] as? [[String: Any]] ?? [] {
            guard let tail = (edge["tail"] as? Int).flatMap({ names[$0] }),
                let head = (edge["head"] as? Int).flatMap({ names[$0] })
            else {
                problems.append("an edge between unknown nodes")
                continue
            }
            let texts = Self.texts(edge["_ldraw_"])
            edges.append((tail, head, texts.isEmpty ? nil : texts.joined(separator: "\n")))
        }
    }

    /// The texts of Graphviz's drawing operations (`T`), one a line.
    static func texts(_ operations: Any?) -> [String] {
        (operations as? [[String: Any]] ?? []).compactMap { $0["op"] as? String == "T" ? $0["text"] as? String : nil }
    }

    /// A Mermaid flowchart: a host is named by its text, a network by its text after `network `,
    /// a service by the first word of its text.
    init(_ chart: MermaidFlowchart) {
        problems = chart.problems
        var keys: [String: String] = [:]
        for id in chart.order {
            guard let node = chart.nodes[id] else { continue }
            let first = node.lines.first ?? ""
            let key: String
            switch node.shape {
            case "([": key = "host:" + node.lines.joined(separator: "\n")
            case "{{": key = "network:" + (first.hasPrefix("network ") ? String(first.dropFirst(8)) : first)
            default: key = "service:" + (first.split(separator: " ").first.map(String.init) ?? "")
            }
            keys[id] = key
            if nodes.updateValue(node.lines, forKey: key) != nil { problems.append("'\(key)' is drawn twice") }
            if node.shape == "[(" { databases.insert(key) }
        }
        edges = chart.edges.compactMap { edge in
            guard let from = keys[edge.from], let to = keys[edge.to] else { return nil }
            return (from, to, edge.label)
        }
    }
}
