/// The stack as a graph, for people: the hosts the edge proxy serves, every service of
/// `stack.yml` (the apps, the database servers and the platform services, each group apart),
/// the networks, and the edges between them: a host to the edge proxy, the proxy to each
/// service it routes to (labelled with the host and path), an app to what it `depends_on`, a
/// consumer to its database, a service to each network it is on.
///
/// Made from the finished plan and the edge proxy's own plan (`StackGraph+Plan.swift`), so it
/// shows what the output deploys; written as Mermaid (`MermaidGraphRenderer`, which `RUNBOOK.md`
/// embeds) and as DOT for Graphviz (`DOTGraphRenderer`). Both say the same: the nodes' text is
/// decided here, once, and each renderer only spells it.
public struct StackGraph: Sendable {
    /// The stack's name.
    let stack: String
    /// Hosts, then services in the stack file's order, then networks.
    let nodes: [Node]
    /// Requests, routes, `depends_on`, databases, then networks.
    let edges: [Edge]

    /// What a node stands for, and its name there: unique within a graph.
    enum NodeID: Hashable, Sendable {
        case host(String)
        case service(String)
        case network(String)
    }

    /// One thing the graph shows.
    struct Node: Sendable {
        let id: NodeID
        let shape: Shape
        /// The lines of its text: a service's name (with how many tasks run), then its image.
        let lines: [String]
        /// The group it is drawn in; nil for hosts and networks.
        let group: Group?
    }

    /// How a node is drawn, in both languages.
    enum Shape: Sendable {
        case host, service, database, job, everyNode, network
    }

    /// The groups services are drawn in.
    enum Group: CaseIterable, Sendable {
        case apps, databases, platform

        /// The group's title.
        var title: String {
            switch self {
            case .apps: "apps"
            case .databases: "databases"
            case .platform: "platform services"
            }
        }
    }

    /// One arrow (or, for a network, a line).
    struct Edge: Sendable, Equatable {
        let from: NodeID
        let to: NodeID
        let kind: Kind
        /// The text on it: the host and path of a route, the manifest key of a dependency.
        let label: String?

        /// What an edge means.
        enum Kind: Sendable {
            /// A host's requests reach the edge proxy.
            case request
            /// The edge proxy sends a host and path to a service.
            case route
            /// An app waits for this before it starts (`depends_on`).
            case dependsOn
            /// An app or platform service has its own database on this server (`database`).
            case database
            /// A service is on this network (no direction).
            case network
        }
    }

    /// The graph as a Mermaid flowchart (`flowchart LR`), ending with a newline: what
    /// `RUNBOOK.md` embeds and `stackc graph` prints.
    public var mermaid: String {
        MermaidGraphRenderer.lines(self).joined(separator: "\n") + "\n"
    }

    /// The graph in Graphviz's DOT language (`digraph`), ending with a newline: what
    /// `stackc graph --format dot` prints and `dot -Tsvg` draws.
    public var dot: String {
        DOTGraphRenderer.lines(self).joined(separator: "\n") + "\n"
    }
}
