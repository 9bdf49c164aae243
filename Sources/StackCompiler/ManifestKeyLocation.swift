import StackDiagnostics
import YAML

/// Where a key of the source map is written in a YAML manifest.
public struct ManifestKeyLocation: Sendable, Equatable {
    /// 1-based line and column of the key (of the item, for a position in a sequence).
    public var line: Int
    public var column: Int
    /// The manifest's line there.
    public var text: String

    /// Finds `key` in the manifest `source`; nil when it is not written there (a description
    /// written in Swift, or a key a pass names for a default).
    public static func find(_ key: ManifestKeyPath, in source: SourceFile) -> ManifestKeyLocation? {
        var bag = DiagnosticBag()
        guard var node = YAMLReader().read(source, into: &bag) else { return nil }
        var span = node.span
        for component in key.components {
            switch component {
            case .key(let name):
                guard let pair = node.pairs?.first(where: { $0.keyText == name }) else { return nil }
                span = pair.key.span
                node = pair.value
            case .index(let index):
                guard let items = node.items, index >= 0, index < items.count else { return nil }
                node = items[index]
                span = node.span
            }
        }
        let line = span.start.line
        return ManifestKeyLocation(line: line, column: span.start.column, text: source.lineText(line) ?? "")
    }
}
