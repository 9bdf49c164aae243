/// The runbook's Mermaid flowchart of the stack: each host the proxy serves leads to the edge
/// proxy, which leads to the services it routes to (the path on the arrow when not `/`); a
/// dotted line joins each service to each network it is on; database servers are cylinders,
/// jobs and services on every node have shapes of their own.
///
/// Written one declaration or edge a line, node ids made by stackc (`h1`, `s1`, `n1`, never a
/// name from the manifest, which could be a Mermaid keyword), every label quoted.
enum RunbookDiagram {
    static func lines(_ facts: RunbookFacts) -> [String] {
        var lines = ["flowchart LR"]
        var serviceIDs: [String: String] = [:]
        for (index, host) in facts.hosts.enumerated() {
            lines.append("  h\(index + 1)\(shape(.host, label(host)))")
        }
        for (index, entry) in facts.services.enumerated() {
            let id = "s\(index + 1)"
            serviceIDs[entry.name] = id
            lines.append("  \(id)\(shape(serviceShape(entry.name, entry.service, facts), serviceLabel(entry, facts)))")
        }
        for (index, network) in facts.networks.enumerated() {
            lines.append("  n\(index + 1)\(shape(.network, label("network " + network.name)))")
        }
        if let proxy = facts.proxyService, let proxyID = serviceIDs[proxy] {
            for (index, _) in facts.hosts.enumerated() {
                lines.append("  h\(index + 1) --> \(proxyID)")
            }
            var drawn = Set<String>()
            for route in facts.plan.routes {
                guard let target = serviceIDs[route.service] else { continue }
                let text = "\(route.host)\(route.path)"
                guard drawn.insert("\(target) \(text)").inserted else { continue }
                lines.append("  \(proxyID) -->|\(label(text))| \(target)")
            }
        }
        for (index, network) in facts.networks.enumerated() {
            for entry in facts.services where entry.service.networks.contains(network.name) {
                guard let id = serviceIDs[entry.name] else { continue }
                lines.append("  \(id) -.- n\(index + 1)")
            }
        }
        return Markdown.block("mermaid", lines)
    }

    /// The shapes the diagram uses.
    enum Shape {
        case host, service, database, job, everyNode, network
    }

    static func serviceShape(_ name: String, _ service: PlannedService, _ facts: RunbookFacts) -> Shape {
        if case .database = facts.kind(of: name) { return .database }
        switch service.kind {
        case .job, .scheduled: return .job
        case .global: return .everyNode
        case .replicated: return .service
        }
    }

    /// A node's shape around its (quoted) label.
    static func shape(_ shape: Shape, _ label: String) -> String {
        switch shape {
        case .host: return "([\(label)])"
        case .service: return "[\(label)]"
        case .database: return "[(\(label))]"
        case .job: return "[/\(label)/]"
        case .everyNode: return "[[\(label)]]"
        case .network: return "{{\(label)}}"
        }
    }

    /// The service's name, then its image and how many tasks run.
    static func serviceLabel(_ entry: (name: String, service: PlannedService), _ facts: RunbookFacts) -> String {
        let tasks: String
        switch entry.service.kind {
        case .replicated(let count): tasks = count == 1 ? "" : " ×\(count)"
        case .global: tasks = entry.service.placement.role == .manager ? " on every manager" : " on every node"
        case .job: tasks = " (job)"
        case .scheduled: tasks = " (scheduled)"
        }
        return label("\(entry.name)\(tasks)", second: repository(entry.service.image))
    }

    /// An image without its tag (`nginx` of `nginx:1.27-alpine`; a registry's port stays).
    /// A tag `deploy.sh` sets (`${STACKC_TAG_…}`) goes with the rest of the tag.
    static func repository(_ image: String) -> String {
        let untemplated = image.firstIndex(of: "$").map { image[..<$0] } ?? image[...]
        guard let colon = untemplated.lastIndex(of: ":"), !untemplated[colon...].contains("/") else {
            return String(untemplated)
        }
        return String(untemplated[..<colon])
    }

    /// Text in double quotes, with the characters Mermaid reads inside them as entities.
    static func label(_ text: String, second: String = "") -> String {
        func escaped(_ text: String) -> String {
            guard text.utf8.contains(where: { "\"#<>".utf8.contains($0) }) else { return text }
            return text.map { character -> String in
                switch character {
                case "\"": return "#quot;"
                case "#": return "#35;"
                case "<": return "#lt;"
                case ">": return "#gt;"
                default: return String(character)
                }
            }.joined()
        }
        return "\"" + escaped(text) + (second.isEmpty ? "" : "<br/>" + escaped(second)) + "\""
    }
}
