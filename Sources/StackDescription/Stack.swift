/// A stack: the description of one Docker Swarm stack, as a `stack.swift` file states it, the
/// counterpart of a YAML manifest. Its sections follow in any order and each at most once; the
/// manifest keys they stand for are emitted in the manifest's order.
///
/// ```swift
/// import StackDescription
///
/// let stack = Stack("campus", domain: "campus.test") {
///     Cluster(managers: 3, workers: 2, provision: .vagrant)
///     Databases { Database("pg", engine: .postgres, backup: .daily) }
///     Apps {
///         App("web", image: "nginx:1.27-alpine", port: 80, host: "www")
///     }
/// }
/// ```
///
/// Like `Package` in `Package.swift`, making a `Stack` registers it: when the program ends, the
/// description is handed to `stackc` (see `StackInterchange`). A description makes exactly one.
public struct Stack: Sendable {
    /// The stack's name (`name`).
    public let name: String
    let domain: String?
    let sections: [StackSection]
    let position: SourcePosition

    /// A stack named `name` (`docker stack deploy … NAME`), with the base `domain` for hosts
    /// given as one label, and its sections.
    public init(
        _ name: String, domain: String? = nil, fileID: StaticString = #fileID, filePath: StaticString = #filePath,
        line: UInt = #line, column: UInt = #column, @StackBuilder _ sections: () -> [StackSection]
    ) {
        self.init(
            unregistered: name, domain: domain,
            position: SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column),
            sections: sections())
        StackRegistry.register(self)
    }

    /// A stack that is not handed to `stackc` when the program ends (for tests).
    init(unregistered name: String, domain: String?, position: SourcePosition, sections: [StackSection]) {
        self.name = name
        self.domain = domain
        self.sections = sections
        self.position = position
    }
}

/// One section of a stack: `TLS`, `Proxy`, `Cluster`, `Registry`, `Identity`, `Monitoring`,
/// `Databases`, `Backup` or `Apps`.
public struct StackSection: Sendable {
    /// The manifest's key for the section.
    let key: String
    /// The section's value.
    let node: ManifestNode
}

/// Collects the sections of a `Stack` from the statements of its closure, with `if`, `switch`
/// and `for` as in any Swift code.
@resultBuilder
public enum StackBuilder {
    /// `tls`.
    public static func buildExpression(_ tls: TLS) -> [StackSection] { [tls.section] }
    /// `proxy`.
    public static func buildExpression(_ proxy: Proxy) -> [StackSection] { [proxy.section] }
    /// `cluster`.
    public static func buildExpression(_ cluster: Cluster) -> [StackSection] { [cluster.section] }
    /// `registry`.
    public static func buildExpression(_ registry: Registry) -> [StackSection] { [registry.section] }
    /// `identity`.
    public static func buildExpression(_ identity: Identity) -> [StackSection] { [identity.section] }
    /// `monitoring`.
    public static func buildExpression(_ monitoring: Monitoring) -> [StackSection] { [monitoring.section] }
    /// `databases`.
    public static func buildExpression(_ databases: Databases) -> [StackSection] { [databases.section] }
    /// `backup`.
    public static func buildExpression(_ backup: Backup) -> [StackSection] { [backup.section] }
    /// `apps`.
    public static func buildExpression(_ apps: Apps) -> [StackSection] { [apps.section] }
    /// A section made elsewhere, for example kept in a constant.
    public static func buildExpression(_ section: StackSection) -> [StackSection] { [section] }
    /// Sections from a function of your own marked `@StackBuilder`.
    public static func buildExpression(_ sections: [StackSection]) -> [StackSection] { sections }
    /// The statements of the block, in order.
    public static func buildBlock(_ parts: [StackSection]...) -> [StackSection] { parts.flatMap { $0 } }
    /// An `if` without `else`.
    public static func buildOptional(_ part: [StackSection]?) -> [StackSection] { part ?? [] }
    /// The first branch of an `if`/`else` or `switch`.
    public static func buildEither(first part: [StackSection]) -> [StackSection] { part }
    /// The second branch of an `if`/`else` or `switch`.
    public static func buildEither(second part: [StackSection]) -> [StackSection] { part }
    /// A `for` loop.
    public static func buildArray(_ parts: [[StackSection]]) -> [StackSection] { parts.flatMap { $0 } }
    /// An `if #available` block.
    public static func buildLimitedAvailability(_ part: [StackSection]) -> [StackSection] { part }
}
