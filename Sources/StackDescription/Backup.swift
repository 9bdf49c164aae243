/// `backup`: where every backup of the stack goes, and how many archives are kept (default:
/// `/backups` on the node, 7 archives per source). Schedules are given where a backup is
/// asked for: `Database(…, backup: .daily)`, `App(…, backup: .hourly)`.
///
/// ```swift
/// Backup(target: "s3://campus-backups/prod", keep: 14)
/// ```
public struct Backup: Sendable {
    let section: StackSection

    /// The `target` (an absolute path, or `s3://bucket/prefix`) and the archives to `keep`.
    public init(
        target: String? = nil, keep: Int? = nil, fileID: StaticString = #fileID, filePath: StaticString = #filePath,
        line: UInt = #line, column: UInt = #column
    ) {
        var map = ManifestMap()
        map.add("target", target)
        map.add("keep", keep)
        let position = SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column)
        section = StackSection(key: "backup", node: map.node(at: position))
    }
}
