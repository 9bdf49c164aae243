/// A platform service that is off, on at its default host, or on at a host of its own
/// (`proxy.dashboard`, `registry.mirror`): write `true`, `false`, or the host as a string.
///
/// ```swift
/// Proxy(dashboard: true)          // at proxy.<domain>
/// Registry(mirror: "hub-cache")   // at hub-cache.<domain>
/// ```
public enum HostToggle: Sendable, Equatable, ExpressibleByBooleanLiteral, ExpressibleByStringInterpolation {
    /// Off (the default).
    case off
    /// On, at the service's default host.
    case on
    /// On, at this host: one label under the domain, or a full name.
    case host(String)

    /// `true` is `.on`, `false` is `.off`.
    public init(booleanLiteral value: Bool) { self = value ? .on : .off }

    /// A host.
    public init(stringLiteral value: String) { self = .host(value) }
}

extension HostToggle: ManifestValue {
    var manifestNode: ManifestNode {
        switch self {
        case .off: false.manifestNode
        case .on: true.manifestNode
        case .host(let host): host.manifestNode
        }
    }
}
