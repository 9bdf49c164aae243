import StackDiagnostics

/// A published port belongs to one service of the stack: two apps (or one app twice) cannot
/// publish the same port and protocol, and the edge proxy takes 80 and 443 while it serves
/// anything. A port published in host mode binds on the node itself, so at most one task per
/// node can hold it.
enum PublishedPortRules: CheckRule {
    /// The ports the edge proxy publishes (TCP) while anything is routed.
    static let proxyPorts = [80, 443]

    static func check(_ syntax: ManifestSyntax, _ stack: ResolvedStack, _ report: inout DiagnosticSink) {
        let proxyServes =
            syntax.apps.contains { $0.host != nil } || !RouteRules.platformRoutes(syntax).isEmpty
        var taken: [PortKey: (owner: String, span: SourceSpan)] = [:]
        for (app, resolved) in zip(syntax.apps, stack.apps) where !app.ports.isEmpty {
            let name = app.name.value
            for entry in app.ports {
                let port = entry.port
                let key = PortKey(port: port.published, transport: port.transport)
                if proxyServes, port.transport == .tcp, proxyPorts.contains(port.published) {
                    report.error(
                        Codes.portConflict,
                        "app '\(name)' publishes port \(port.published), which the edge proxy takes for \(port.published == 80 ? "HTTP" : "HTTPS")",
                        at: entry.publishedSpan, expected: "a published port other than 80 and 443",
                        help: "route HTTP apps with 'host' and 'port' through the proxy, or publish another port")
                } else if let first = taken[key] {
                    let what =
                        first.owner == name ? "twice by app '\(name)'" : "by app '\(first.owner)' and app '\(name)'"
                    report.error(
                        Codes.portConflict, "port \(port.published)/\(port.transport.rawValue) is published \(what)",
                        at: entry.publishedSpan, expected: "each published port and protocol once in the stack",
                        help: "publish one of them on another port",
                        notes: [Diagnostic.Note("port \(port.published) is first published here", at: first.span)])
                } else {
                    taken[key] = (name, entry.publishedSpan)
                }
            }
            checkHostMode(app, resolved, stack, &report)
        }
    }

    /// Host mode binds the port on the node: one task per node at most, so `replicas` must not
    /// exceed the nodes the app may run on.
    static func checkHostMode(_ app: AppSyntax, _ resolved: App, _ stack: ResolvedStack, _ report: inout DiagnosticSink)
    {
        guard let host = app.ports.first(where: { $0.port.mode == .host }),
            case .count(let count) = resolved.replicas
        else { return }
        let eligible = PlacementRules.eligibleNodes(app.placement, stack)
        guard eligible > 0, count > eligible else { return }
        report.error(
            Codes.unplaceableReplicas,
            "app '\(app.name.value)' wants \(count) replicas, but it publishes port \(host.port.published) in host mode, so at most one task runs on each of its \(eligible) node\(eligible == 1 ? "" : "s")",
            at: app.replicas?.span ?? host.span,
            help: "lower 'replicas' to \(eligible), use 'mode: ingress', or add nodes")
    }

    /// A published port and its protocol.
    struct PortKey: Hashable {
        var port: Int
        var transport: PublishedPort.Transport
    }
}
