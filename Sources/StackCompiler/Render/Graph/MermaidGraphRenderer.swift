/// Writes a `StackGraph` as a Mermaid flowchart (`flowchart LR`): what `stackc graph` prints and
/// `RUNBOOK.md` embeds. Hosts are stadiums, services boxes, database servers cylinders, jobs
/// parallelograms, services on every node subroutines, networks hexagons; the apps, the
/// database servers and the platform services each in a subgraph of their own. A route is an
/// arrow with its host and path, `depends_on` a dotted arrow, a database its consumer's arrow
/// to it, a network a dotted line.
///
/// One declaration or edge a line. Node ids are made here (`h1`, `s1`, `n1`, and `g1` for a
/// subgraph), never a name from the manifest, which could be a Mermaid keyword (`end`) or hold
/// a `-`; every text is quoted, with the characters Mermaid reads inside quotes as entities.
enum MermaidGraphRenderer {
    static func lines(_ graph: StackGraph) -> [String] {
        let ids = identifiers(graph)
        func declaration(_ node: StackGraph.Node) -> String {
            (ids[node.id] ?? "") + shape(node.shape, label(node.lines))
        }
        var lines = ["flowchart LR"]
        lines += graph.nodes.filter { $0.group == nil && $0.shape == .host }.map { "  " + declaration($0) }
        for (index, group) in StackGraph.Group.allCases.enumerated() {
            let members = graph.nodes.filter { $0.group == group }
            guard !members.isEmpty else { continue }
            lines.append("  subgraph g\(index + 1) [\(label([group.title]))]")
            lines += members.map { "    " + declaration($0) }
            lines.append("  end")
        }
        lines += graph.nodes.filter { $0.group == nil && $0.shape != .host }.map { "  " + declaration($0) }
        for edge in graph.edges {
            guard let from = ids[edge.from], let to = ids[edge.to] else { continue }
            let text = edge.label.map { "|\(label([$0]))|" } ?? ""
            lines.append("  \(from) \(arrow(edge.kind))\(text) \(to)")
        }
        return lines
    }

    /// `h1`, `h2`… for hosts, `s1`… for services, `n1`… for networks, in the graph's order.
    static func identifiers(_ graph: StackGraph) -> [StackGraph.NodeID: String] {
        var ids: [StackGraph.NodeID: String] = [:]
        var counts = (hosts: 0, services: 0, networks: 0)
        for node in graph.nodes {
            switch node.id {
            case .host:
                counts.hosts += 1
                ids[node.id] = "h\(counts.hosts)"
            case .service:
                counts.services += 1
                ids[node.id] = "s\(counts.services)"
            case .network:
                counts.networks += 1
                ids[node.id] = "n\(counts.networks)"
            }
        }
        return ids
    }

    /// The link between two nodes, for what the edge means.
    static func arrow(_ kind: StackGraph.Edge.Kind) -> String {
        switch kind {
        case .request, .route, .database: "-->"
        case .dependsOn: "-.->"
        case .network: "-.-"
        }
    }

    /// A node's shape around its (quoted) label.
    static func shape(_ shape: StackGraph.Shape, _ label: String) -> String {
        switch shape {
        case .host: "([\(label)])"
        case .service: "[\(label)]"
        case .database: "[(\(label))]"
        case .job: "[/\(label)/]"
        case .everyNode: "[[\(label)]]"
        case .network: "{{\(label)}}"
        }
    }

    /// Lines in double quotes, joined by `<br/>`, each with the characters Mermaid would read
    /// inside quotes written as entities: `"`, `#` (which starts one), `<` and `>` (HTML),
    /// `&`, `|` (which ends an edge's text), `` ` `` (a Markdown string), `%` (a directive), and
    /// control characters.
    static func label(_ lines: [String]) -> String {
        "\"" + lines.map(escaped).joined(separator: "<br/>") + "\""
    }

    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEntity) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "#quot;"
            case "<": result += "#lt;"
            case ">": result += "#gt;"
            case "&": result += "#amp;"
            default: result += needsEntity(scalar) ? "#\(scalar.value);" : String(scalar)
            }
        }
        return result
    }

    /// Whether Mermaid could read `scalar` as something other than text inside quotes.
    static func needsEntity(_ scalar: Unicode.Scalar) -> Bool {
        "\"#<>&|`%".unicodeScalars.contains(scalar) || scalar.value < 0x20 || scalar.value == 0x7F
    }
}
