/// How many tasks run: a count (`replicas: 2`, or the integer literal `2`), or `.global`, one
/// task on every eligible node.
public enum Replicas: Sendable, Equatable, ExpressibleByIntegerLiteral {
    /// This many tasks.
    case count(Int)
    /// One task on every eligible node.
    case global

    /// `replicas: 3` reads as `.count(3)`.
    public init(integerLiteral value: Int) { self = .count(value) }
}

extension Replicas: ManifestValue {
    var manifestNode: ManifestNode {
        switch self {
        case .count(let count): count.manifestNode
        case .global: "global".manifestNode
        }
    }
}
