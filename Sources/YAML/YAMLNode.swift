import StackDiagnostics

/// One node of a YAML document with the place it was written.
///
/// A node is an index into its document's arrays (`YAMLDocument`): reading a manifest appends
/// to a few arrays instead of allocating an object per node, and freeing it frees those arrays.
/// An alias is the index of its anchor's node, so an alias bomb costs no memory, and the
/// reader bounds how far aliases may expand.
public struct YAMLNode: @unchecked Sendable {
    /// What the node holds.
    public enum Content {
        /// A scalar with its resolved type.
        case scalar(YAMLScalar)
        /// A mapping; merge keys are already applied, keys are unique.
        case mapping(YAMLPairs)
        /// A sequence.
        case sequence(YAMLItems)
    }

    let document: YAMLDocument
    let index: Int32

    init(document: YAMLDocument, index: Int32) {
        self.document = document
        self.index = index
    }

    private var record: YAMLDocument.Record { document.records[Int(index)] }

    /// What the node holds.
    public var content: Content {
        let record = record
        switch record.shape {
        case .scalar: return .scalar(document.scalar(record))
        case .mapping: return .mapping(YAMLPairs(document: document, start: Int(record.first), count: Int(record.count)))
        case .sequence: return .sequence(YAMLItems(document: document, start: Int(record.first), count: Int(record.count)))
        }
    }

    /// Where the node starts, and how long it is on its first line.
    public var span: SourceSpan { record.span }

    /// Nodes reachable from here when aliases are expanded, including this one.
    var weight: Int { record.weight }

    /// The scalar, when this node is one.
    public var scalar: YAMLScalar? {
        let record = record
        return record.shape == .scalar ? document.scalar(record) : nil
    }

    /// The pairs, when this node is a mapping.
    public var pairs: YAMLPairs? {
        let record = record
        return record.shape == .mapping ? YAMLPairs(document: document, start: Int(record.first), count: Int(record.count)) : nil
    }

    /// The items, when this node is a sequence.
    public var items: YAMLItems? {
        let record = record
        return record.shape == .sequence ? YAMLItems(document: document, start: Int(record.first), count: Int(record.count)) : nil
    }

    /// "a mapping", "a sequence", "a string", …: for messages about wrong types.
    public var kindDescription: String { record.kindDescription }

    /// Whether both are the very same node (as an alias and its anchor are).
    public func isSameNode(as other: YAMLNode) -> Bool {
        document === other.document && index == other.index
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

/// The pairs of one mapping, in the order written (merged pairs after them).
public struct YAMLPairs: RandomAccessCollection, @unchecked Sendable {
    let document: YAMLDocument
    let start: Int
    public let count: Int

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> YAMLPair {
        precondition(position >= 0 && position < count, "internal error: pair \(position) of \(count)")
        let pair = document.pairs[start + position]
        return YAMLPair(key: YAMLNode(document: document, index: pair.key), keyText: document.texts[Int(pair.keyText)],
                        value: YAMLNode(document: document, index: pair.value))
    }

    /// The value under `key`; no pair is made for the others, and most are told apart by
    /// their length and first bytes alone.
    public func value(forKey key: YAMLKeyName) -> YAMLNode? {
        for pair in document.pairs[start..<(start + count)] where document.matches(pair, key) {
            return YAMLNode(document: document, index: pair.value)
        }
        return nil
    }

    /// Whether the key of the pair at `position` is one of `keys`.
    public func key(at position: Int, isIn keys: YAMLKeySet) -> Bool {
        let pair = document.pairs[start + position]
        return keys.names.contains { document.matches(pair, $0) }
    }
}

/// The items of one sequence.
public struct YAMLItems: RandomAccessCollection, @unchecked Sendable {
    let document: YAMLDocument
    let start: Int
    public let count: Int

    /// No items (what a null stands for where a list is expected).
    public static let empty = YAMLItems(document: YAMLDocument(), start: 0, count: 0)

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> YAMLNode {
        precondition(position >= 0 && position < count, "internal error: item \(position) of \(count)")
        return YAMLNode(document: document, index: document.items[start + position])
    }
}

/// The storage of one read document: every node a record in one array, a scalar's text in
/// another, a mapping's pairs and a sequence's items as ranges of two more. Only the reader
/// appends to it; once read it never changes.
final class YAMLDocument: @unchecked Sendable {
    /// What a record is.
    enum Shape: UInt8 {
        case scalar, mapping, sequence
    }

    /// One node, in 40 bytes: a manifest of a thousand apps has some 50,000, and the decoder
    /// walks them all again, so they should stay small enough to sit in the cache.
    struct Record {
        /// For a scalar, its first 8 bytes (`YAMLKeyName.pack`), for comparing keys.
        var head: UInt64
        /// For a scalar, its text in `texts`; for a mapping, its first pair in `pairs`; for a
        /// sequence, its first item in `items`.
        var first: Int32
        /// Pairs or items; for a scalar, the length of its text in UTF-8 bytes.
        var count: Int32
        private var storedWeight: Int32
        private var line: Int32
        private var column: Int32
        private var length: Int32
        var shape: Shape
        /// A scalar's resolved type.
        var kind: YAMLScalar.Kind
        /// A scalar that was quoted or a block scalar.
        var quoted: Bool

        /// A record; `weight` and the span's numbers fit 32 bits, as the reader bounds a file
        /// to 64 MiB and aliases to a million extra nodes.
        init(shape: Shape, kind: YAMLScalar.Kind, quoted: Bool, first: Int32, count: Int32, head: UInt64, weight: Int, span: SourceSpan) {
            self.shape = shape
            self.kind = kind
            self.quoted = quoted
            self.first = first
            self.count = count
            self.head = head
            storedWeight = Int32(clamping: weight)
            line = Int32(clamping: span.start.line)
            column = Int32(clamping: span.start.column)
            length = Int32(clamping: span.length)
        }

        /// Nodes reachable from here when aliases are expanded, including this one.
        var weight: Int { Int(storedWeight) }

        /// Where the node starts, and how long it is on its first line.
        var span: SourceSpan { SourceSpan(start: SourceLocation(line: Int(line), column: Int(column)), length: Int(length)) }

        /// "a mapping", "a list", "a string", …
        var kindDescription: String {
            switch shape {
            case .mapping: return "a mapping"
            case .sequence: return "a list"
            case .scalar: return kind.description
            }
        }
    }

    /// A pair: the key's node and text, the value's node; the key's length and first bytes,
    /// to compare keys without touching their strings.
    struct Pair {
        var key: Int32
        var keyText: Int32
        var value: Int32
        var keyLength: Int32
        var keyHead: UInt64
    }

    /// Whether a pair's key is `name` (by UTF-8 bytes, which is what YAML means by equal keys).
    func matches(_ pair: Pair, _ name: YAMLKeyName) -> Bool {
        pair.keyHead == name.head && Int(pair.keyLength) == name.length
            && (name.length <= 8 || texts[Int(pair.keyText)].utf8.elementsEqual(name.text.utf8))
    }

    /// The arrays while the reader fills them: a value, so that appending needs no access
    /// checks on a shared object.
    struct Storage {
        var records: [Record] = []
        var texts: [String] = []
        var pairs: [Pair] = []
        var items: [Int32] = []
    }

    let records: [Record]
    let texts: [String]
    let pairs: [Pair]
    let items: [Int32]

    init(_ storage: Storage = Storage()) {
        records = storage.records
        texts = storage.texts
        pairs = storage.pairs
        items = storage.items
    }

    func scalar(_ record: Record) -> YAMLScalar {
        YAMLScalar(text: texts[Int(record.first)], kind: record.kind, quoted: record.quoted)
    }
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

/// A key to look up in mappings, with its length and first bytes packed once for quick
/// comparison against every pair's key.
public struct YAMLKeyName: Sendable, ExpressibleByStringLiteral {
    /// The key.
    public let text: String
    let head: UInt64
    let length: Int

    /// The name for `text`.
    public init(_ text: String) {
        var text = text
        self.text = text
        (head, length) = text.withUTF8 { (Self.pack($0), $0.count) }
    }

    public init(stringLiteral text: String) {
        self.init(text)
    }

    /// The first 8 bytes, little-endian, zero-padded.
    static func pack(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var head: UInt64 = 0
        withUnsafeMutableBytes(of: &head) { $0.copyMemory(from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes.prefix(8)))) }
        return UInt64(littleEndian: head)
    }
}

/// The keys a mapping may have, for checking every pair's key against them.
public struct YAMLKeySet: Sendable, ExpressibleByArrayLiteral {
    /// The keys, in the order given.
    public let names: [YAMLKeyName]

    /// The keys' texts (for messages and suggestions).
    public var texts: [String] { names.map(\.text) }

    /// A set of `texts`.
    public init(_ texts: [String]) {
        names = texts.map { YAMLKeyName($0) }
    }

    public init(arrayLiteral texts: String...) {
        self.init(texts)
    }
}
