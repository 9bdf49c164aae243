import Foundation

/// A Mermaid flowchart read strictly, as the tests need it: only the forms stackc writes are
/// accepted, and anything else is a problem, so that a line Mermaid would read differently
/// (an unquoted text, a stray quote, `#` that starts no entity, an edge to a node never
/// declared, a subgraph left open) cannot pass. Mermaid's own parser is not installed here (it
/// needs a browser); this one checks the subset more strictly than Mermaid does, and decodes
/// the texts (entities, `<br/>`) to what a reader sees, so that they can be compared with what
/// they were made from.
///
/// The grammar: `flowchart LR`; then, indented two spaces a level, `subgraph ID ["TITLE"]` …
/// `end`, node declarations `ID` + a shape around `"TEXT"`, and edges `ID ARROW ID` or
/// `ID ARROW|"TEXT"| ID` with `-->`, `-.->` or `-.-`. IDs are a lowercase letter and digits.
struct MermaidFlowchart {
    /// A declared node.
    struct Node: Equatable {
        var id: String
        /// The opening of its shape: `([`, `[(`, `[[`, `[/`, `{{` or `[`.
        var shape: String
        /// Its text, decoded, one entry a line.
        var lines: [String]
        /// The title of the subgraph it is declared in.
        var subgraph: String?
    }

    /// An edge.
    struct Edge: Equatable {
        var from: String
        var arrow: String
        var label: String?
        var to: String
    }

    var nodes: [String: Node] = [:]
    /// Nodes in the order they are declared.
    var order: [String] = []
    var edges: [Edge] = []
    var subgraphs: [String: String] = [:]
    /// What does not follow the grammar, one entry a problem.
    var problems: [String] = []

    static let shapes: [(open: String, close: String)] = [
        ("([", "])"), ("[(", ")]"), ("[[", "]]"), ("[/", "/]"), ("{{", "}}"), ("[", "]"),
    ]
    static let arrows = ["-->", "-.->", "-.-"]

    init(_ text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard lines.first == "flowchart LR" else {
            problems.append("the diagram does not start with 'flowchart LR'")
            return
        }
        var open: [String] = []
        for line in lines.dropFirst() {
            let indent = line.prefix { $0 == " " }.count
            let body = String(line.dropFirst(indent))
            if body == "end" {
                if open.isEmpty { problems.append("'end' closes no subgraph") } else { open.removeLast() }
                if indent != 2 * (open.count + 1) { problems.append("'\(line)' is not indented as its level") }
                continue
            }
            if indent != 2 * (open.count + 1) { problems.append("'\(line)' is not indented as its level") }
            if body.hasPrefix("subgraph ") {
                guard let (id, title) = subgraph(body) else {
                    problems.append("the line '\(line)' is no subgraph as stackc writes them")
                    continue
                }
                declare(id, line)
                subgraphs[id] = title
                open.append(id)
            } else if let node = node(body, in: open.last.flatMap { subgraphs[$0] }) {
                declare(node.id, line)
                nodes[node.id] = node
                order.append(node.id)
            } else if let edge = edge(body) {
                edges.append(edge)
            } else {
                problems.append("the diagram's line '\(line)' is neither a node, an edge nor a subgraph")
            }
        }
        if !open.isEmpty { problems.append("subgraphs \(open) are not closed") }
        for edge in edges {
            for id in [edge.from, edge.to] where nodes[id] == nil {
                problems.append("an edge of the diagram names '\(id)', which it does not declare as a node")
            }
        }
    }

    private var declared = Set<String>()

    private mutating func declare(_ id: String, _ line: String) {
        if !declared.insert(id).inserted { problems.append("'\(id)' is declared twice ('\(line)')") }
    }

    /// `subgraph ID ["TITLE"]`.
    private mutating func subgraph(_ body: String) -> (String, String)? {
        let rest = body.dropFirst("subgraph ".count)
        guard let space = rest.firstIndex(of: " "), Self.isID(rest[..<space]) else { return nil }
        let title = rest[rest.index(after: space)...]
        guard title.hasPrefix("["), title.hasSuffix("]"), let lines = text(title.dropFirst().dropLast()) else {
            return nil
        }
        return (String(rest[..<space]), lines.joined(separator: "\n"))
    }

    /// `ID` and a shape around a quoted text.
    private mutating func node(_ body: String, in subgraph: String?) -> Node? {
        let id = body.prefix { $0.isLetter || $0.isNumber }
        guard Self.isID(id) else { return nil }
        let rest = body.dropFirst(id.count)
        for (open, close) in Self.shapes where rest.hasPrefix(open + "\"") && rest.hasSuffix("\"" + close) {
            let inside = rest.dropFirst(open.count).dropLast(close.count)
            guard let lines = text(inside) else { return nil }
            return Node(id: String(id), shape: open, lines: lines, subgraph: subgraph)
        }
        return nil
    }

    /// `ID ARROW ID` or `ID ARROW|"TEXT"| ID`.
    private mutating func edge(_ body: String) -> Edge? {
        let words = body.split(separator: " ", maxSplits: 1)
        guard words.count == 2, Self.isID(words[0]), let last = words[1].lastIndex(of: " ") else { return nil }
        let link = words[1][..<last]
        let to = words[1][words[1].index(after: last)...]
        guard Self.isID(to) else { return nil }
        guard let arrow = Self.arrows.first(where: { link == $0 || link.hasPrefix($0 + "|") }) else { return nil }
        var label: String?
        if link.count > arrow.count {
            let text = link.dropFirst(arrow.count)
            guard text.hasPrefix("|"), text.hasSuffix("|"), text.count >= 2,
                let decoded = self.text(text.dropFirst().dropLast())
            else { return nil }
            label = decoded.joined(separator: "\n")
        }
        return Edge(from: String(words[0]), arrow: arrow, label: label, to: String(to))
    }

    /// A quoted text, decoded into its lines; nil (with a problem) when it is not one.
    private mutating func text(_ quoted: Substring) -> [String]? {
        guard quoted.count >= 2, quoted.hasPrefix("\""), quoted.hasSuffix("\"") else { return nil }
        let inner = String(quoted.dropFirst().dropLast())
        var lines: [String] = []
        for part in inner.components(separatedBy: "<br/>") {
            guard let line = Self.decoded(part) else {
                problems.append("the text '\(inner)' holds a character Mermaid would not read as text")
                return nil
            }
            lines.append(line)
        }
        return lines
    }

    /// The text with its entities decoded; nil when it holds a raw `"`, `<`, `>`, `&`, `|`,
    /// `` ` ``, `%` or control character, or a `#` that starts no entity.
    static func decoded(_ text: String) -> String? {
        let named: [String: String] = ["quot": "\"", "lt": "<", "gt": ">", "amp": "&"]
        var result = ""
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if "\"<>&|`%".unicodeScalars.contains(scalar) || scalar.value < 0x20 || scalar.value == 0x7F {
                return nil
            }
            guard scalar == "#" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            guard let semicolon = scalars[index...].firstIndex(of: ";") else { return nil }
            var name = ""
            name.unicodeScalars.append(contentsOf: scalars[index..<semicolon])
            if let character = named[name] {
                result += character
            } else if !name.isEmpty, name.unicodeScalars.allSatisfy({ (0x30...0x39).contains($0.value) }),
                let value = UInt32(name), let decoded = Unicode.Scalar(value)
            {
                result.unicodeScalars.append(decoded)
            } else {
                return nil
            }
            index = semicolon + 1
        }
        return result
    }

    /// A lowercase letter and digits: what stackc makes ids of.
    static func isID(_ text: Substring) -> Bool {
        guard let first = text.first, first.isASCII, first.isLowercase, text.count >= 2 else { return false }
        return text.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
    }
}
