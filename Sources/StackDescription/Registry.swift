/// `registry`: a private image registry, and optionally a pull-through mirror of Docker Hub.
///
/// ```swift
/// Registry(users: ["deploy", "ci"], mirror: true, backup: .weekly)
/// ```
public struct Registry: Sendable {
    let section: StackSection

    /// The registry's `host` (default `registry`), its `users`, the `mirror` (`true` for the
    /// host `mirror`, or a host), and a `backup` schedule for the image store.
    public init(
        host: String? = nil, users: [String]? = nil, mirror: HostToggle? = nil, backup: Schedule? = nil,
        fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line,
        column: UInt = #column
    ) {
        var map = ManifestMap()
        map.add("host", host)
        map.add("users", users)
        map.add("mirror", mirror)
        map.add("backup", backup)
        let position = SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column)
        section = StackSection(key: "registry", node: map.node(at: position))
    }
}
