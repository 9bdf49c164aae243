/// `proxy`: the edge proxy (default: Traefik, one task on every manager).
///
/// ```swift
/// Proxy(kind: .haproxy, dashboard: true, replicas: 2)
/// ```
public struct Proxy: Sendable {
    /// `proxy.kind`.
    public enum Kind: String, Sendable, ManifestValue {
        /// Traefik v3 with the Swarm provider and labels.
        case traefik
        /// HAProxy with DNS-based discovery of tasks.
        case haproxy
    }

    let section: StackSection

    /// The proxy's `kind`, its `dashboard` (`true` for the host `proxy`, or a host), and where
    /// it runs (`replicas`, or `.global` on the managers).
    public init(
        kind: Kind? = nil, dashboard: HostToggle? = nil, replicas: Replicas? = nil,
        fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line,
        column: UInt = #column
    ) {
        var map = ManifestMap()
        map.add("kind", kind)
        map.add("dashboard", dashboard)
        map.add("replicas", replicas)
        let position = SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column)
        section = StackSection(key: "proxy", node: map.node(at: position))
    }
}
