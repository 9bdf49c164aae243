/// `databases`: the shared database servers, each named; apps and Keycloak name one with their
/// `database` key and get a database and user of their own on it.
///
/// ```swift
/// Databases {
///     Database("pg", backup: .daily)
///     Database("cache", engine: .redis)
/// }
/// ```
public struct Databases: Sendable {
    let section: StackSection

    /// The databases built by the closure, in order.
    public init(
        fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line,
        column: UInt = #column, @DatabasesBuilder _ databases: () -> [Database]
    ) {
        let databases = databases()
        let position = SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column)
        section = StackSection(
            key: "databases",
            node: ManifestNode(.map(databases.map { (key: $0.name, node: $0.manifestNode) }), at: position))
    }
}

/// One database server.
public struct Database: Sendable {
    /// `databases.<name>.engine`: the server.
    public enum Engine: String, Sendable, ManifestValue {
        /// PostgreSQL (the default).
        case postgres
        /// MariaDB.
        case mariadb
        /// Redis.
        case redis
    }

    /// The server's name.
    public let name: String
    let manifestNode: ManifestNode
    let position: SourcePosition

    /// A server named `name`: its `engine` (default postgres), `version` (the image tag;
    /// default a current major), a `backup` schedule for logical dumps, and its `placement`.
    public init(
        _ name: String, engine: Engine? = nil, version: String? = nil, backup: Schedule? = nil,
        placement: Placement? = nil, fileID: StaticString = #fileID, filePath: StaticString = #filePath,
        line: UInt = #line, column: UInt = #column
    ) {
        var map = ManifestMap()
        map.add("engine", engine)
        map.add("version", version)
        map.add("backup", backup)
        map.add("placement", placement)
        self.name = name
        position = SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column)
        manifestNode = map.node(at: position)
    }
}

/// `placement` of an app or database: where its tasks may run.
///
/// ```swift
/// Placement(role: .worker, labels: ["zone": "eu"], maxPerNode: 1)
/// ```
public struct Placement: Sendable, ManifestValue {
    /// `placement.role`.
    public enum Role: String, Sendable, ManifestValue {
        /// Manager nodes only.
        case manager
        /// Worker nodes only.
        case worker
    }

    let manifestNode: ManifestNode

    /// Nodes of this `role`, carrying these node `labels`, at most `maxPerNode` tasks on one
    /// node, or the one `node` of the cluster (`manager-1`, `worker-2`).
    public init(
        role: Role? = nil, labels: Mapping<String>? = nil, maxPerNode: Int? = nil, node: String? = nil,
        fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line,
        column: UInt = #column
    ) {
        var map = ManifestMap()
        map.add("role", role)
        map.add("labels", labels)
        map.add("max_per_node", maxPerNode)
        map.add("node", node)
        manifestNode = map.node(at: SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column))
    }
}
