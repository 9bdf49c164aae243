/// `apps`: the workloads, each named. A stack without `Apps` has none (`apps: {}`).
///
/// ```swift
/// Apps {
///     App("web", image: "nginx:1.27-alpine", port: 80, host: "www")
///     for site in sites { App(site, image: "wordpress:6.6-apache", port: 80, host: site) }
/// }
/// ```
public struct Apps: Sendable {
    let section: StackSection

    /// The apps built by the closure, in order.
    public init(
        fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line,
        column: UInt = #column, @AppsBuilder _ apps: () -> [App]
    ) {
        let apps = apps()
        let position = SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column)
        section = StackSection(
            key: "apps", node: ManifestNode(.map(apps.map { (key: $0.name, node: $0.manifestNode) }), at: position))
    }
}
