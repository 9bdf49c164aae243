import StackDiagnostics

/// One node of a YAML document with the place it was written.
///
/// A class, so that an alias shares its anchor's node instead of copying it: an alias bomb
/// costs no memory, and the reader bounds how far aliases may expand.
public final class YAMLNode: @unchecked Sendable {
    /// What the node holds.
    public enum Content {
        /// A scalar with its resolved type.
        case scalar(YAMLScalar)
        /// A mapping; merge keys are already applied, keys are unique.
        case mapping([YAMLPair])
        /// A sequence.
        case sequence([YAMLNode])
    }

    /// What the node holds.
    public let content: Content
    /// Where the node starts, and how long it is on its first line.
    public let span: SourceSpan
    /// Nodes reachable from here when aliases are expanded, including this one.
    let weight: Int

    init(content: Content, span: SourceSpan, weight: Int) {
        self.content = content
        self.span = span
        self.weight = weight
    }

    /// The scalar, when this node is one.
    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = content { return scalar }
        return nil
    }

    /// The pairs, when this node is a mapping.
    public var pairs: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The items, when this node is a sequence.
    public var items: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// "a mapping", "a sequence", "a string", …: for messages about wrong types.
    public var kindDescription: String {
        switch content {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let scalar): return scalar.kind.description
        }
    }
}

/// A key and its value in a mapping.
public struct YAMLPair {
    /// The key (always a scalar), with its location.
    public let key: YAMLNode
    /// The key's text.
    public let keyText: String
    /// The value.
    public let value: YAMLNode
}

/// A scalar's text and the type the YAML 1.2 core schema gives it.
public struct YAMLScalar {
    /// The scalar's resolved type.
    public enum Kind: CustomStringConvertible {
        case null, bool, int, float, string

        /// "a string", "an integer", …
        public var description: String {
            switch self {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int: return "an integer"
            case .float: return "a number"
            case .string: return "a string"
            }
        }
    }

    /// The scalar's text as written (after YAML unescaping).
    public let text: String
    /// The resolved type.
    public let kind: Kind
    /// True when the scalar was quoted or a block scalar (and so always a string).
    public let quoted: Bool

    /// The boolean value, for `.bool`.
    public var bool: Bool? {
        guard kind == .bool else { return nil }
        return text.lowercased() == "true"
    }

    /// The integer value, for `.int` (decimal, `0o` octal or `0x` hex).
    public var int: Int? {
        guard kind == .int else { return nil }
        return YAMLScalar.parseInt(text)
    }

    /// The numeric value, for `.int` and `.float`.
    public var number: Double? {
        switch kind {
        case .int: return int.map(Double.init)
        case .float:
            switch text.lowercased() {
            case ".inf", "+.inf": return .infinity
            case "-.inf": return -.infinity
            case ".nan": return .nan
            default: return Double(text)
            }
        default: return nil
        }
    }

    static func parseInt(_ text: String) -> Int? {
        if text.hasPrefix("0x") { return Int(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return Int(text.dropFirst(2), radix: 8) }
        return Int(text)
    }
}
