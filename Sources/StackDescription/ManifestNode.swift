/// Where a value of the description was written: the Swift call that made it.
struct SourcePosition: Equatable, Sendable {
    var fileID: String
    var filePath: String
    var line: Int
    var column: Int

    init(fileID: StaticString, filePath: StaticString, line: UInt, column: UInt) {
        self.fileID = fileID.description
        self.filePath = filePath.description
        self.line = Int(line)
        self.column = Int(column)
    }
}

/// One value of the manifest as the description wrote it, with the call that wrote it (nil for
/// a literal, which is located at the call around it).
struct ManifestNode: Sendable {
    /// The JSON shapes the manifest uses; a map keeps the order its keys were written in.
    indirect enum Value: Sendable {
        case string(String)
        case int(Int)
        case number(Double)
        case bool(Bool)
        case list([ManifestNode])
        case map([(key: String, node: ManifestNode)])
    }

    var value: Value
    var position: SourcePosition?

    init(_ value: Value, at position: SourcePosition? = nil) {
        self.value = value
        self.position = position
    }
}

/// A value that has a form in the manifest.
protocol ManifestValue {
    /// The value as the manifest writes it.
    var manifestNode: ManifestNode { get }
}

extension String: ManifestValue {
    var manifestNode: ManifestNode { ManifestNode(.string(self)) }
}

extension Int: ManifestValue {
    var manifestNode: ManifestNode { ManifestNode(.int(self)) }
}

extension Bool: ManifestValue {
    var manifestNode: ManifestNode { ManifestNode(.bool(self)) }
}

extension Double: ManifestValue {
    var manifestNode: ManifestNode { ManifestNode(.number(self)) }
}

extension Array: ManifestValue where Element: ManifestValue {
    var manifestNode: ManifestNode { ManifestNode(.list(map(\.manifestNode))) }
}

/// The keys of one mapping, in the order the manifest writes them; keys given no value (nil)
/// are left out, so only what the description says is emitted.
struct ManifestMap {
    private(set) var entries: [(key: String, node: ManifestNode)] = []

    mutating func add(_ key: String, _ value: (some ManifestValue)?) {
        guard let value else { return }
        entries.append((key, value.manifestNode))
    }

    mutating func add(_ key: String, node: ManifestNode?) {
        guard let node else { return }
        entries.append((key, node))
    }

    /// The mapping, located at `position`.
    func node(at position: SourcePosition?) -> ManifestNode {
        ManifestNode(.map(entries), at: position)
    }
}

/// A closed choice of the manifest is written as its word, the raw value.
extension ManifestValue where Self: RawRepresentable, RawValue == String {
    var manifestNode: ManifestNode { rawValue.manifestNode }
}
