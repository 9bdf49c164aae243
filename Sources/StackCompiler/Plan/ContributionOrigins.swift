/// A part of a planned service that can come from other keys, or another pass, than the
/// service itself (a database pass's variables in an app's environment).
enum ServiceField: Hashable {
    case image
    case replicas
    case command
    case environment(String)
    case label(String)
    case network(String)
    case secret(String)
    case file(String)
    case volume(String)
    case ports
    case health
    case placement
    case resources
    case update
    case stopGracePeriod
}

/// Where a planned service comes from: the pass that added it (stamped by `BuildPlan`) and,
/// for parts made from narrower keys or by another pass, their own origin.
struct ServiceOrigins {
    var whole: OutputOrigin?
    var fields: [ServiceField: OutputOrigin] = [:]
}

/// Where the plan's networks, volumes and secrets come from, by name (secrets by key), and
/// the logging setting every service gets.
struct DeclarationOrigins {
    var networks: [String: OutputOrigin] = [:]
    var volumes: [String: OutputOrigin] = [:]
    var secrets: [String: OutputOrigin] = [:]
    var logging: OutputOrigin?
    /// The pass that set the edge proxy, and the keys it read.
    var edge: OutputOrigin?
    /// The pass that set the node plan, and the keys it read.
    var nodes: OutputOrigin?
}
