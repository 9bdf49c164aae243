/// `identity`: single sign-on with Keycloak, its realm roles, groups and users.
///
/// ```swift
/// Identity(roles: ["staff", "admin"], groups: ["admins": ["admin", "staff"], "interns": ["staff"]]) {
///     User("alice", email: "alice@campus.test", groups: ["admins"])
///     for name in interns { User(name, email: "\(name)@campus.test", groups: ["interns"]) }
/// }
/// ```
public struct Identity: Sendable {
    let section: StackSection

    /// Keycloak's `host` (default `auth`), the `realm` (default: the stack's name), the
    /// `database` it keeps its data on (default: the only postgres database), the realm
    /// `roles`, `groups` (a name and the roles it carries), the `replicas`, and the users.
    public init(
        host: String? = nil, realm: String? = nil, database: String? = nil, roles: [String]? = nil,
        groups: Mapping<[String]>? = nil, replicas: Int? = nil, fileID: StaticString = #fileID,
        filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column,
        @UsersBuilder users: () -> [User] = { [] }
    ) {
        let users = users()
        var map = ManifestMap()
        map.add("host", host)
        map.add("realm", realm)
        map.add("database", database)
        map.add("roles", roles)
        map.add("groups", groups)
        map.add("users", users.isEmpty ? nil : users)
        map.add("replicas", replicas)
        let position = SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column)
        section = StackSection(key: "identity", node: map.node(at: position))
    }
}

/// One user of the realm. No password: users are asked to set one when they first sign in.
public struct User: Sendable, ManifestValue {
    let manifestNode: ManifestNode

    /// The user `name`, `email`, `firstName`, `lastName`, realm `roles` and `groups`.
    public init(
        _ name: String, email: String? = nil, firstName: String? = nil, lastName: String? = nil,
        roles: [String]? = nil, groups: [String]? = nil, fileID: StaticString = #fileID,
        filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
    ) {
        var map = ManifestMap()
        map.add("name", name)
        map.add("email", email)
        map.add("first_name", firstName)
        map.add("last_name", lastName)
        map.add("roles", roles)
        map.add("groups", groups)
        manifestNode = map.node(at: SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column))
    }
}
