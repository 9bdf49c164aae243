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
        case .mapping:
            return .mapping(YAMLPairs(document: document, start: Int(record.first), count: Int(record.count)))
        case .sequence:
            return .sequence(YAMLItems(document: document, start: Int(record.first), count: Int(record.count)))
        }
    }

    /// Where the node starts, and how long it is on its first line.
    public var span: SourceSpan { record.span(in: document.file) }

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
        return record.shape == .mapping
            ? YAMLPairs(document: document, start: Int(record.first), count: Int(record.count)) : nil
    }

    /// The items, when this node is a sequence.
    public var items: YAMLItems? {
        let record = record
        return record.shape == .sequence
            ? YAMLItems(document: document, start: Int(record.first), count: Int(record.count)) : nil
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
    /// The value.
    public let value: YAMLNode
    /// The key's text in its document's bytes, and its first 8 bytes packed.
    let keyFirst: Int32
    let keyLength: Int32
    let keyHead: UInt64

    /// The key's text.
    public var keyText: String { YAMLDocument.text(in: key.document.bytes, first: keyFirst, count: keyLength) }

    /// Whether the key starts with `x-`: an extension key, which the manifest ignores.
    public var isExtension: Bool { keyHead & 0xFFFF == 0x2D78 }
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
        return YAMLPair(
            key: YAMLNode(document: document, index: pair.key), value: YAMLNode(document: document, index: pair.value),
            keyFirst: pair.keyFirst, keyLength: pair.keyLength, keyHead: pair.keyHead)
    }

    /// The value under `key`; no pair is made for the others, and most are told apart by
    /// their length and first bytes alone.
    public func value(forKey key: YAMLKeyName) -> YAMLNode? {
        for pair in document.pairs[start..<(start + count)] where document.matches(pair, key) {
            return YAMLNode(document: document, index: pair.value)
        }
        return nil
    }

    /// The key node of `key`, for messages that point at the key rather than its value.
    public func key(forKey key: YAMLKeyName) -> YAMLNode? {
        for pair in document.pairs[start..<(start + count)] where document.matches(pair, key) {
            return YAMLNode(document: document, index: pair.key)
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
    public static let empty = YAMLItems(
        document: YAMLDocument(YAMLDocument.Storage(file: SourceFileID(path: ""))), start: 0, count: 0)

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> YAMLNode {
        precondition(position >= 0 && position < count, "internal error: item \(position) of \(count)")
        return YAMLNode(document: document, index: document.items[start + position])
    }
}

/// The storage of one read document: every node a record in one array, the scalars' texts
/// side by side in one byte array, a mapping's pairs and a sequence's items as ranges of two
/// more. Only the reader appends to it; once read it never changes.
///
/// A scalar's `String` is made when it is asked for: most keys are only ever compared, by
/// their bytes, and a few large arrays are freed faster than a string per scalar.
final class YAMLDocument: @unchecked Sendable {
    /// What a record is.
    enum Shape: UInt8 {
        case scalar, mapping, sequence
    }

    /// One node, in 28 bytes: a manifest of a thousand apps has some 50,000, and the decoder
    /// walks them all again, so they should stay small enough to sit in the cache.
    struct Record {
        /// For a scalar, where its text starts in `bytes`; for a mapping, its first pair in
        /// `pairs`; for a sequence, its first item in `items`.
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
        init(
            shape: Shape, kind: YAMLScalar.Kind, quoted: Bool, first: Int32, count: Int32, weight: Int, span: SourceSpan
        ) {
            self.shape = shape
            self.kind = kind
            self.quoted = quoted
            self.first = first
            self.count = count
            storedWeight = Int32(clamping: weight)
            line = Int32(clamping: span.start.line)
            column = Int32(clamping: span.start.column)
            length = Int32(clamping: span.length)
        }

        /// Nodes reachable from here when aliases are expanded, including this one.
        var weight: Int { Int(storedWeight) }

        /// Where the node starts in `file` (its document's), and how long it is on its first
        /// line; the file is the document's, not stored again in every record.
        func span(in file: SourceFileID) -> SourceSpan {
            SourceSpan(file: file, start: SourceLocation(line: Int(line), column: Int(column)), length: Int(length))
        }

        /// "a mapping", "a list", "a string", …
        var kindDescription: String {
            switch shape {
            case .mapping: return "a mapping"
            case .sequence: return "a list"
            case .scalar: return kind.description
            }
        }
    }

    /// A pair: the key's and the value's nodes; the key's text in `bytes` and its first 8
    /// bytes packed, to compare keys without making strings.
    struct Pair {
        var key: Int32
        var value: Int32
        var keyFirst: Int32
        var keyLength: Int32
        var keyHead: UInt64
    }

    /// The arrays while the reader fills them: a value, so that appending needs no access
    /// checks on a shared object.
    struct Storage {
        /// The file the document was read from, which every span of it is in.
        let file: SourceFileID
        var records: [Record] = []
        var bytes: [UInt8] = []
        var pairs: [Pair] = []
        var items: [Int32] = []

        /// The text of the scalar `record`.
        func text(of record: Record) -> String {
            YAMLDocument.text(in: bytes, first: record.first, count: record.count)
        }

        /// The first 8 bytes of the scalar `record`, packed.
        func head(of record: Record) -> UInt64 {
            bytes.withUnsafeBufferPointer { all in
                YAMLKeyName.pack(
                    UnsafeBufferPointer(rebasing: all[Int(record.first)..<Int(record.first + min(record.count, 8))]))
            }
        }

        /// Whether two pairs have the same key (by UTF-8 bytes, which is what YAML means by equal keys).
        func sameKey(_ a: Pair, _ b: Pair) -> Bool {
            a.keyHead == b.keyHead && a.keyLength == b.keyLength
                && (a.keyLength <= 8
                    || bytes.withUnsafeBufferPointer { all in
                        all[Int(a.keyFirst)..<Int(a.keyFirst + a.keyLength)].elementsEqual(
                            all[Int(b.keyFirst)..<Int(b.keyFirst + b.keyLength)])
                    })
        }
    }

    let file: SourceFileID
    let records: [Record]
    let bytes: [UInt8]
    let pairs: [Pair]
    let items: [Int32]

    init(_ storage: Storage) {
        file = storage.file
        records = storage.records
        bytes = storage.bytes
        pairs = storage.pairs
        items = storage.items
    }

    /// Whether a pair's key is `name` (by UTF-8 bytes).
    func matches(_ pair: Pair, _ name: YAMLKeyName) -> Bool {
        pair.keyHead == name.head && Int(pair.keyLength) == name.length
            && (name.length <= 8
                || bytes.withUnsafeBufferPointer { all in
                    name.equals(
                        UnsafeBufferPointer(rebasing: all[Int(pair.keyFirst)..<Int(pair.keyFirst + pair.keyLength)]))
                })
    }

    func scalar(_ record: Record) -> YAMLScalar {
        YAMLScalar(document: self, first: record.first, length: record.count, kind: record.kind, quoted: record.quoted)
    }

    /// The text of `count` bytes at `first`; libyaml hands out only valid UTF-8.
    static func text(in bytes: [UInt8], first: Int32, count: Int32) -> String {
        bytes.withUnsafeBufferPointer { all in
            String(decoding: UnsafeBufferPointer(rebasing: all[Int(first)..<Int(first + count)]), as: UTF8.self)
        }
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
            case .float: return "a decimal number"
            case .string: return "a string"
            }
        }
    }

    let document: YAMLDocument
    let first: Int32
    let length: Int32
    /// The resolved type.
    public let kind: Kind
    /// True when the scalar was quoted or a block scalar (and so always a string).
    public let quoted: Bool

    /// The scalar's text as written (after YAML unescaping).
    public var text: String { YAMLDocument.text(in: document.bytes, first: first, count: length) }

    /// True for a value left out (`key:` with nothing after it), not a written `null` or `~`.
    public var isLeftEmpty: Bool { kind == .null && length == 0 && !quoted }

    /// The boolean value, for `.bool` (`true`, `True`, `TRUE` or the same of `false`).
    public var bool: Bool? {
        guard kind == .bool, length > 0 else { return nil }
        let initial = document.bytes[Int(first)]
        return initial == 0x74 || initial == 0x54
    }

    /// The integer value, for `.int` (decimal, `0o` octal or `0x` hex); nil when it does not
    /// fit 64 bits.
    public var int: Int? {
        guard kind == .int else { return nil }
        return document.bytes.withUnsafeBufferPointer { all in
            Self.parseInt(UnsafeBufferPointer(rebasing: all[Int(first)..<Int(first + length)]))
        }
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

    /// An integer as the core schema writes one: `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`.
    static func parseInt(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var digits = bytes[...]
        var radix = 10
        var negative = false
        if digits.count > 2, digits[digits.startIndex] == 0x30,
            digits[digits.startIndex + 1] == 0x78 || digits[digits.startIndex + 1] == 0x6F
        {
            radix = digits[digits.startIndex + 1] == 0x78 ? 16 : 8
            digits = digits.dropFirst(2)
        } else if let sign = digits.first, sign == 0x2D || sign == 0x2B {
            negative = sign == 0x2D
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { return nil }
        var value = 0
        for byte in digits {
            let digit: Int
            switch byte {
            case 0x30...0x39: digit = Int(byte - 0x30)
            case 0x61...0x66: digit = Int(byte - 0x61) + 10
            case 0x41...0x46: digit = Int(byte - 0x41) + 10
            default: return nil
            }
            guard digit < radix else { return nil }
            let (shifted, overflowed) = value.multipliedReportingOverflow(by: radix)
            let (next, overflowedAgain) =
                negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            if overflowed || overflowedAgain { return nil }
            value = next
        }
        return value
    }
}

/// A key to look up in mappings, with its length and first bytes packed once for quick
/// comparison against every pair's key.
///
/// Always a literal (`f["image"]`): the decoder asks only for keys it knows. A literal is
/// three words with no reference to count, and its `String` is made only when a message asks.
public struct YAMLKeyName: Sendable, ExpressibleByStringLiteral {
    // Inlinable, so that a literal's name is made where it is written, without a call.
    @usableFromInline let literal: StaticString
    @usableFromInline let head: UInt64

    /// The key.
    public var text: String { literal.description }

    /// The key's length in UTF-8 bytes.
    var length: Int { literal.utf8CodeUnitCount }

    @inlinable public init(stringLiteral literal: StaticString) {
        self.literal = literal
        head = literal.withUTF8Buffer { Self.pack($0) }
    }

    /// Whether `bytes` spell this key.
    func equals(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        literal.withUTF8Buffer { $0.elementsEqual(bytes) }
    }

    /// The first 8 bytes, little-endian, zero-padded.
    @inlinable static func pack(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let base = bytes.baseAddress else { return 0 }
        if bytes.count >= 8 { return UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self)) }
        var head: UInt64 = 0
        for index in 0..<bytes.count {
            head |= UInt64(base[index]) << (8 * UInt64(index))
        }
        return head
    }
}

/// The keys a mapping may have, for checking every pair's key against them.
public struct YAMLKeySet: Sendable, ExpressibleByArrayLiteral {
    /// The keys, in the order given.
    public let names: [YAMLKeyName]

    /// The keys' texts (for messages and suggestions).
    public var texts: [String] { names.map(\.text) }

    public init(arrayLiteral names: YAMLKeyName...) {
        self.names = names
    }
}
