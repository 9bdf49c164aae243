/// A mapping from names to values that keeps the order it was written in (`env`, `volumes`,
/// `files`, `extra_hosts`, node labels, identity groups): a dictionary literal, pairs built in
/// code, or a dictionary (whose keys are then sorted, for a deterministic manifest).
///
/// ```swift
/// App("shop", image: "shop:1.4", env: ["TZ": "UTC", "WORKERS": 4])
/// let common: Mapping<EnvironmentValue> = ["TZ": "UTC"]
/// App("blog", image: "blog:2.0", env: common + ["MODE": "blog"])
/// ```
public struct Mapping<Value>: ExpressibleByDictionaryLiteral {
    /// The entries, in order.
    public var entries: [(key: String, value: Value)]

    /// The entries in the order written.
    public init(dictionaryLiteral elements: (String, Value)...) {
        entries = elements.map { (key: $0.0, value: $0.1) }
    }

    /// Entries built in code, in this order.
    public init(_ pairs: [(String, Value)]) {
        entries = pairs.map { (key: $0.0, value: $0.1) }
    }

    /// The entries of a dictionary, sorted by key.
    public init(_ dictionary: [String: Value]) {
        entries = dictionary.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
    }

    /// The entries of both; a key of `right` replaces the same key of `left` where it stands.
    public static func + (left: Mapping, right: Mapping) -> Mapping {
        var result = left
        for entry in right.entries {
            if let index = result.entries.firstIndex(where: { $0.key == entry.key }) {
                result.entries[index].value = entry.value
            } else {
                result.entries.append(entry)
            }
        }
        return result
    }
}

extension Mapping: Sendable where Value: Sendable {}

extension Mapping: ManifestValue where Value: ManifestValue {
    var manifestNode: ManifestNode {
        ManifestNode(.map(entries.map { (key: $0.key, node: $0.value.manifestNode) }))
    }
}

/// The value of an environment variable: a string, or an integer or boolean literal, which the
/// container sees as the text written. A decimal number is written as a string (`"1e3"`,
/// `"0.10"`): Swift keeps a float literal's value, not its spelling, so `1e3` would reach the
/// container as `1000.0`.
public struct EnvironmentValue: Sendable, Equatable, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral, ExpressibleByStringInterpolation
{
    /// The text the container sees.
    public var text: String

    /// Any value, as its text.
    public init(_ value: some CustomStringConvertible) { text = value.description }

    /// `"UTC"`.
    public init(stringLiteral value: String) { text = value }

    /// `8080` is `"8080"`.
    public init(integerLiteral value: Int) { text = String(value) }

    /// `true` is `"true"`.
    public init(booleanLiteral value: Bool) { text = String(value) }
}

extension EnvironmentValue: ManifestValue {
    var manifestNode: ManifestNode { text.manifestNode }
}

/// A command: a string handed to Docker as one string (`"nginx -g 'daemon off;'"`), or a list of
/// arguments (`["sh", "-c", "a && b"]`).
public enum Command: Sendable, Equatable, ExpressibleByStringInterpolation, ExpressibleByArrayLiteral {
    /// One string.
    case string(String)
    /// The argument vector.
    case arguments([String])

    /// One string.
    public init(stringLiteral value: String) { self = .string(value) }

    /// The argument vector.
    public init(arrayLiteral elements: String...) { self = .arguments(elements) }
}

extension Command: ManifestValue {
    var manifestNode: ManifestNode {
        switch self {
        case .string(let text): text.manifestNode
        case .arguments(let words): words.manifestNode
        }
    }
}
