/// Writes a `StackGraph` in Graphviz's DOT language: a `digraph` laid out left to right, what
/// `stackc graph --format dot` prints and `--svg` hands to `dot -Tsvg`. The shapes, groups and
/// edges mean what they mean in the Mermaid form (`MermaidGraphRenderer`): hosts ovals, services
/// boxes, database servers cylinders, jobs parallelograms, services on every node 3-D boxes,
/// networks hexagons; the apps, the database servers and the platform services each in a
/// cluster; a route labelled with its host and path, `depends_on` dashed, a network dotted and
/// without a direction.
///
/// Node ids are the node's kind and name (`"service:web"`, `"host:www.example.org"`), so that a
/// tool reading the DOT finds a service by its name; every id and text is a quoted string.
enum DOTGraphRenderer {
    static func lines(_ graph: StackGraph) -> [String] {
        var lines = ["digraph \(quoted(graph.stack)) {", "  rankdir=LR", "  node [shape=box]"]
        lines += graph.nodes.filter { $0.group == nil && $0.shape == .host }.map { "  " + declaration($0) }
        for group in StackGraph.Group.allCases {
            let members = graph.nodes.filter { $0.group == group }
            guard !members.isEmpty else { continue }
            lines.append("  subgraph \(quoted("cluster_\(group)")) {")
            lines.append("    label=\(quoted(group.title))")
            lines += members.map { "    " + declaration($0) }
            lines.append("  }")
        }
        lines += graph.nodes.filter { $0.group == nil && $0.shape != .host }.map { "  " + declaration($0) }
        for edge in graph.edges {
            var attributes = edge.label.map { ["label=\(quoted($0))"] } ?? []
            attributes += style(edge.kind)
            let list = attributes.isEmpty ? "" : " [\(attributes.joined(separator: ", "))]"
            lines.append("  \(quoted(id(edge.from))) -> \(quoted(id(edge.to)))\(list)")
        }
        lines.append("}")
        return lines
    }

    /// A node's statement: its id, its text and its shape.
    static func declaration(_ node: StackGraph.Node) -> String {
        let text = node.lines.map(escaped).joined(separator: "\\n")
        return "\(quoted(id(node.id))) [label=\"\(text)\", shape=\(shape(node.shape))]"
    }

    /// The node's id: its kind and its name.
    static func id(_ id: StackGraph.NodeID) -> String {
        switch id {
        case .host(let name): "host:" + name
        case .service(let name): "service:" + name
        case .network(let name): "network:" + name
        }
    }

    /// Graphviz's name of each shape.
    static func shape(_ shape: StackGraph.Shape) -> String {
        switch shape {
        case .host: "oval"
        case .service: "box"
        case .database: "cylinder"
        case .job: "parallelogram"
        case .everyNode: "box3d"
        case .network: "hexagon"
        }
    }

    /// How an edge is drawn, beyond its label.
    static func style(_ kind: StackGraph.Edge.Kind) -> [String] {
        switch kind {
        case .request, .route, .database: []
        case .dependsOn: ["style=dashed"]
        case .network: ["dir=none", "style=dotted"]
        }
    }

    /// `text` as a DOT string: in double quotes, with `"` and `\` escaped (a label reads `\n`,
    /// `\l`, `\N`… as its own escapes, so a backslash of the text is doubled) and a line break
    /// as `\n`.
    static func quoted(_ text: String) -> String {
        "\"" + escaped(text) + "\""
    }

    static func escaped(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            default: result += scalar.value < 0x20 ? " " : String(scalar)
            }
        }
        return result
    }
}
