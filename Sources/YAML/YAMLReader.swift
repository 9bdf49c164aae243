import CYAML
import StackDiagnostics

/// Reads one YAML document with libyaml's event parser into `YAMLNode`s that keep their
/// locations (records in one `YAMLDocument`).
///
/// Built for hostile input: it never recurses, stops at `limits.maxDepth` levels of nesting,
/// bounds how far aliases may expand, and turns every libyaml error into a located diagnostic.
public struct YAMLReader {
    /// Bounds that no real manifest comes near.
    public struct Limits: Sendable {
        /// Deepest nesting of mappings and sequences.
        public var maxDepth = 200
        /// Nodes that aliases may add beyond the nodes written in the file.
        public var maxAliasExpansion = 1_000_000
        /// Largest file read, in bytes.
        public var maxBytes = 64 * 1024 * 1024

        /// The default limits.
        public init() {}
    }

    /// The limits in force.
    public var limits = Limits()

    /// A reader with default limits.
    public init() {}

    /// Parses `source`; returns the root node, or nil when the file has no document or an
    /// error that stopped the read (malformed YAML, a limit, an unknown anchor or tag, a second
    /// document). A duplicate or non-scalar key does not stop it: the document is still whole
    /// (the first of the keys kept, the other pair left out), so the manifest's own problems can
    /// be found in the same run.
    public func read(_ source: SourceFile, into diagnostics: inout DiagnosticBag) -> YAMLNode? {
        var session = ReaderSession(source: source, limits: limits)
        let root = session.run()
        diagnostics.report(contentsOf: session.sink.diagnostics)
        return session.stopped ? nil : root
    }
}

/// The state of one read: the container stack, anchors and diagnostics.
private struct ReaderSession {
    /// A mapping or sequence being built.
    struct Frame {
        var isMapping: Bool
        var span: SourceSpan
        var anchor: String?
        /// Where its children start in `pending`.
        var start: Int
        var weight = 1
        /// Where aliases among `items` were written, by index: an alias shares its anchor's node
        /// and so its span, but a problem with the alias belongs at the alias.
        var aliasSpans: [Int: SourceSpan] = [:]
    }

    let source: SourceFile
    let limits: YAMLReader.Limits
    var sink: DiagnosticSink
    var document: YAMLDocument.Storage
    var anchors: [String: Int32] = [:]
    var stack: [Frame] = []
    /// The finished children of every open collection, innermost last: a collection's
    /// children move to the document in one piece when it closes.
    var pending: [Int32] = []
    var root: Int32?
    var writtenNodes = 0
    var documents = 0
    /// Set when an error ends the read before the document is complete.
    var stopped = false

    init(source: SourceFile, limits: YAMLReader.Limits) {
        self.source = source
        self.limits = limits
        sink = DiagnosticSink(path: source.path)
        document = YAMLDocument.Storage(file: source.id)
    }

    mutating func run() -> YAMLNode? {
        if source.bytes.count > limits.maxBytes {
            error(
                YAMLDiagnostics.limit,
                "the file is \(source.bytes.count) bytes, more than the \(limits.maxBytes) a manifest may have", at: nil
            )
            return nil
        }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            preconditionFailure("internal error: libyaml could not initialise a parser")
        }
        defer { yaml_parser_delete(&parser) }
        // Room for a typical manifest's nodes up front (about one per 9 bytes), so that the
        // arrays rarely grow; capped, so that a huge file does not reserve memory it may not need.
        let expected = min(source.bytes.count / 8, 1 << 20)
        document.records.reserveCapacity(expected)
        // Scalars never take more bytes than the file: unescaping and folding only shrink them.
        document.bytes.reserveCapacity(source.bytes.count)
        document.pairs.reserveCapacity(expected / 2)
        pending.reserveCapacity(256)
        return source.bytes.withUnsafeBufferPointer { buffer -> YAMLNode? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            // The encoding is left to libyaml's detection: it then skips a byte-order mark
            // instead of counting it as a column.
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    reportParserError(parser)
                    stopped = true
                    return nil
                }
                let keepGoing = handle(&event)
                let done = event.type == YAML_STREAM_END_EVENT
                yaml_event_delete(&event)
                if !keepGoing { stopped = true }
                if !keepGoing || done { break }
            }
            return root.map { YAMLNode(document: YAMLDocument(document), index: $0) }
        }
    }

    /// Handles one event; false stops the read.
    mutating func handle(_ event: inout yaml_event_t) -> Bool {
        let start = location(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                error(
                    YAMLDiagnostics.multipleDocuments, "a manifest is one YAML document, but a second one starts here",
                    at: SourceSpan(file: source.id, start: start, length: 3),
                    help: "remove the `---` and what follows, or put the second stack in a file of its own")
                return false
            }
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let bytes = UnsafeBufferPointer(start: data.value, count: data.value == nil ? 0 : Int(data.length))
            let plain = data.plain_implicit == 1 && data.style == YAML_PLAIN_SCALAR_STYLE
            let kind: YAMLScalar.Kind
            if data.tag == nil {
                // The usual case, resolved from libyaml's bytes.
                kind = plain ? CoreSchema.resolve(plain: bytes) : .string
            } else {
                guard
                    let tagged = scalarKind(
                        text: String(decoding: bytes, as: UTF8.self), tag: cString(data.tag), plain: plain, at: start)
                else {
                    return false
                }
                kind = tagged
            }
            let span = spanOf(event, bytes: bytes)
            let first = Int32(document.bytes.count)
            document.bytes.append(contentsOf: bytes)
            let node = append(
                YAMLDocument.Record(
                    shape: .scalar, kind: kind, quoted: data.style != YAML_PLAIN_SCALAR_STYLE,
                    first: first, count: Int32(bytes.count), weight: 1, span: span))
            return add(node, weight: 1, anchor: data.anchor == nil ? nil : cString(data.anchor))
        case YAML_ALIAS_EVENT:
            let name = cString(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                error(
                    YAMLDiagnostics.unknownAnchor, "the alias '*\(name)' names no anchor defined before it",
                    at: SourceSpan(file: source.id, start: start, length: name.count + 1),
                    help: "define '&\(name)' on a node above this line")
                return false
            }
            return add(
                target, weight: document.records[Int(target)].weight, anchor: nil, isAlias: true,
                aliasSpan: SourceSpan(file: source.id, start: start, length: name.count + 1))
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let tag = cString(isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag)
            if let tag, tag != (isMapping ? "tag:yaml.org,2002:map" : "tag:yaml.org,2002:seq"), tag != "!" {
                unsupportedTag(tag, at: start)
                return false
            }
            if stack.count >= limits.maxDepth {
                error(
                    YAMLDiagnostics.limit, "nesting is deeper than \(limits.maxDepth) levels",
                    at: SourceSpan(file: source.id, start: start),
                    help: "a manifest needs only a few levels; this looks like generated or damaged input")
                return false
            }
            let anchor = cString(isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)
            stack.append(
                Frame(
                    isMapping: isMapping, span: SourceSpan(file: source.id, start: start), anchor: anchor,
                    start: pending.count))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else {
                preconditionFailure("internal error: libyaml closed a collection that was never opened")
            }
            guard let node = close(frame) else { return false }
            return add(node, weight: document.records[Int(node)].weight, anchor: frame.anchor)
        default:
            break
        }
        return true
    }

    /// `<<`, packed as `YAMLKeyName` packs a key.
    static let mergeKey: UInt64 = 0x3C3C

    /// Appends a node's record to the document; its index.
    mutating func append(_ record: YAMLDocument.Record) -> Int32 {
        guard document.records.count < Int32.max else {
            preconditionFailure("internal error: more nodes than the size limit allows")
        }
        document.records.append(record)
        return Int32(document.records.count - 1)
    }

    /// Turns a finished frame into a node, applying merge keys and rejecting duplicate keys.
    mutating func close(_ frame: Frame) -> Int32? {
        defer { pending.removeSubrange(frame.start...) }
        guard frame.isMapping else {
            let first = Int32(document.items.count)
            document.items.append(contentsOf: pending[frame.start...])
            return append(
                YAMLDocument.Record(
                    shape: .sequence, kind: .null, quoted: false, first: first,
                    count: Int32(pending.count - frame.start), weight: frame.weight, span: frame.span))
        }
        let first = document.pairs.count
        var merged: [YAMLDocument.Pair] = []
        var mergedKeys = Set<String>()  // a set, so that merging a huge mapping stays linear
        // Keys already seen, by their index in the document's pairs: a dictionary only for large
        // mappings (more than 32 pairs); a manifest's mappings are small, and comparing a few
        // short keys beats hashing.
        let large = pending.count - frame.start > 64
        var seen: [String: Int] = [:]
        // Merged pairs are checked against the explicit ones only (a set already keeps merged
        // keys unique): searching the merged ones too would make a big merge quadratic.
        var explicitEnd = first
        // One bit per key seen, chosen by its first bytes and length: a key whose bit is clear
        // is new without a search, so a small mapping's keys are not compared pairwise.
        var seenBits: UInt64 = 0
        func bit(of pair: YAMLDocument.Pair) -> UInt64 {
            1 << ((pair.keyHead &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(pair.keyLength)) >> 58)
        }
        func firstIndex(of pair: YAMLDocument.Pair) -> Int? {
            if large { return seen[text(of: pair)] }
            guard seenBits & bit(of: pair) != 0 else { return nil }
            return document.pairs[first..<explicitEnd].firstIndex { document.sameKey($0, pair) }
        }
        // The first merge key, for a second: `<<` is a key like any other, and twice is a
        // duplicate (YAML's merge-key type takes a list for several sources).
        var firstMerge: SourceSpan?
        var index = frame.start
        while index + 1 < pending.count {
            let keyIndex = pending[index]
            let value = pending[index + 1]
            index += 2
            let keyRecord = document.records[Int(keyIndex)]
            guard keyRecord.shape == .scalar else {
                error(
                    YAMLDiagnostics.badKey, "a mapping key must be a plain string, not \(keyRecord.kindDescription)",
                    at: span(of: keyRecord))
                continue
            }
            let head = document.head(of: keyRecord)
            if keyRecord.count == 2 && head == Self.mergeKey && !keyRecord.quoted {
                if let firstMerge {
                    error(
                        YAMLDiagnostics.duplicateKey, "the merge key '<<' appears twice in this mapping",
                        at: span(of: keyRecord), help: "merge several mappings with one list: '<<: [*a, *b]'",
                        notes: [Diagnostic.Note("the first '<<' is here", at: firstMerge)])
                    continue
                }
                firstMerge = span(of: keyRecord)
                let valueSpan = frame.aliasSpans[index - 1 - frame.start] ?? span(of: document.records[Int(value)])
                guard let sources = mergeSources(value, at: valueSpan) else { continue }
                for source in sources {
                    for pair in document.pairs[Int(source.first)..<Int(source.first + source.count)]
                    where mergedKeys.insert(text(of: pair)).inserted {
                        merged.append(pair)
                    }
                }
                continue
            }
            let pair = YAMLDocument.Pair(
                key: keyIndex, value: value, keyFirst: keyRecord.first, keyLength: keyRecord.count, keyHead: head)
            if let earlier = firstIndex(of: pair) {
                let key = text(of: pair)
                let first = span(of: document.records[Int(document.pairs[earlier].key)])
                error(
                    YAMLDiagnostics.duplicateKey, "the key '\(key)' appears twice in this mapping",
                    at: span(of: keyRecord), help: "keep one of them",
                    notes: [Diagnostic.Note("the first '\(key)' is here", at: first)])
                continue
            }
            if large { seen[text(of: pair)] = document.pairs.count }
            seenBits |= bit(of: pair)
            document.pairs.append(pair)
            explicitEnd = document.pairs.count
        }
        let explicit = document.pairs.count - first
        for pair in merged where firstIndex(of: pair) == nil {
            document.pairs.append(pair)
        }
        var weight = frame.weight
        if document.pairs.count - first != explicit {
            weight =
                1
                + document.pairs[first...].reduce(0) {
                    $0 + document.records[Int($1.key)].weight + document.records[Int($1.value)].weight
                }
            if !checkExpansion(weight, at: frame.span) { return nil }
        }
        return append(
            YAMLDocument.Record(
                shape: .mapping, kind: .null, quoted: false, first: Int32(first),
                count: Int32(document.pairs.count - first), weight: weight, span: frame.span))
    }

    /// A pair's key as a string: for messages, merges and large mappings only.
    func text(of pair: YAMLDocument.Pair) -> String {
        YAMLDocument.text(in: document.bytes, first: pair.keyFirst, count: pair.keyLength)
    }

    /// The mappings a merge key's value names: one mapping, or a list of them.
    mutating func mergeSources(_ value: Int32, at span: SourceSpan) -> [YAMLDocument.Record]? {
        let record = document.records[Int(value)]
        switch record.shape {
        case .mapping: return [record]
        case .sequence:
            let sources = document.items[Int(record.first)..<Int(record.first + record.count)].map {
                document.records[Int($0)]
            }
            if sources.allSatisfy({ $0.shape == .mapping }) { return sources }
        case .scalar: break
        }
        error(
            YAMLDiagnostics.badKey,
            "a merge key '<<' takes a mapping or a list of mappings, not \(record.kindDescription)",
            at: span, help: "write '<<: *anchor' where '&anchor' is on a mapping")
        return nil
    }

    /// Adds a finished node to the open container, or makes it the root.
    /// `weight` is the node's: the nodes it stands for when aliases are expanded.
    mutating func add(_ node: Int32, weight: Int, anchor: String?, isAlias: Bool = false, aliasSpan: SourceSpan? = nil)
        -> Bool
    {
        if !isAlias { writtenNodes += 1 }
        if let anchor { anchors[anchor] = node }
        guard !stack.isEmpty else {
            root = node
            return true
        }
        let top = stack.count - 1
        if let aliasSpan { stack[top].aliasSpans[pending.count - stack[top].start] = aliasSpan }
        pending.append(node)
        stack[top].weight += weight
        let total = stack[top].weight
        // The usual case decided here; the span is looked up only for the error.
        guard total > writtenNodes + limits.maxAliasExpansion else { return true }
        return checkExpansion(total, at: aliasSpan ?? span(of: document.records[Int(node)]))
    }

    /// False (with an error) when aliases make the document expand far beyond what is written.
    mutating func checkExpansion(_ weight: Int, at span: SourceSpan) -> Bool {
        guard weight > writtenNodes + limits.maxAliasExpansion else { return true }
        error(
            YAMLDiagnostics.limit, "aliases here expand to more than \(limits.maxAliasExpansion) nodes",
            at: span, help: "this looks like an alias bomb; write the values out or use fewer nested aliases")
        return false
    }

    /// The resolved type of a scalar, honouring core-schema tags; nil after reporting a bad tag.
    mutating func scalarKind(text: String, tag: String?, plain: Bool, at start: SourceLocation) -> YAMLScalar.Kind? {
        guard let tag else {
            return plain ? CoreSchema.resolve(plain: text) : .string
        }
        // The non-specific tag `!` makes a scalar a string in YAML 1.1 and 1.2 alike.
        if tag == "!" { return .string }
        let resolved = CoreSchema.resolve(plain: text)
        switch tag {
        case "tag:yaml.org,2002:str": return .string
        case "tag:yaml.org,2002:null" where resolved == .null: return .null
        case "tag:yaml.org,2002:bool" where resolved == .bool: return .bool
        case "tag:yaml.org,2002:int" where resolved == .int: return .int
        case "tag:yaml.org,2002:float" where resolved == .float || resolved == .int: return .float
        case "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float":
            error(
                YAMLDiagnostics.unsupportedTag, "'\(text)' is not a valid value for the tag '\(shortTag(tag))'",
                at: SourceSpan(file: source.id, start: start, length: max(1, text.count)))
            return nil
        default:
            unsupportedTag(tag, at: start)
            return nil
        }
    }

    mutating func unsupportedTag(_ tag: String, at start: SourceLocation) {
        error(
            YAMLDiagnostics.unsupportedTag, "the tag '\(shortTag(tag))' is not part of the YAML core schema",
            at: SourceSpan(file: source.id, start: start, length: shortTag(tag).count),
            expected: "no tag, or one of !!str, !!int, !!float, !!bool, !!null, !!map, !!seq",
            help: "remove the tag; stackc reads plain YAML values")
    }

    func shortTag(_ tag: String) -> String {
        tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst("tag:yaml.org,2002:".count) : tag
    }

    mutating func reportParserError(_ parser: yaml_parser_t) {
        let problem = cString(parser.problem) ?? "malformed YAML"
        let mark = parser.problem_mark
        var place = location(mark)
        // libyaml reports reader errors (bad UTF-8, control characters) by byte offset only.
        if parser.error == YAML_READER_ERROR {
            place = locationOfByte(Int(parser.problem_offset))
        }
        var message = problem
        if let context = cString(parser.context) {
            message = "\(problem) (\(context) at line \(Int(parser.context_mark.line) + 1))"
        }
        let help: String?
        let lineText = source.lineText(place.line) ?? ""
        let offending = lineText.unicodeScalars.dropFirst(place.column - 1).first
        let context = cString(parser.context) ?? ""
        switch problem {
        case _ where context.contains("quoted scalar") && problem.contains("end of stream"):
            // libyaml finds it at the end of the file; the mistake is the quote that opens it.
            place = location(parser.context_mark)
            let quote =
                source.lineText(place.line)?.unicodeScalars.dropFirst(place.column - 1).first.map(String.init) ?? "\""
            message = "a quoted string is never closed"
            help = "end it with \(quote); as written it runs to the end of the file"
        case let text where text.contains("tab") || offending == "\t":
            if offending == "\t" { message = "a tab where YAML expects spaces (\(problem))" }
            help = "indent with spaces; YAML does not allow tabs there"
        case let text
        where text.contains("mapping values are not allowed")
            && missingColon(onLineBefore: place.line, indentedAs: lineText) != nil:
            // `image nginx:1.27` above: libyaml reads it as the start of a value that runs on.
            let (line, missing) = missingColon(onLineBefore: place.line, indentedAs: lineText)!
            place = SourceLocation(line: line, column: missing.column)
            message = "a ':' is missing after the key '\(missing.key)'"
            help = "write '\(missing.key): \(missing.value)'"
        case let text
        where text.contains("could not find expected ':'")
            && missingColon(in: source.lineText(Int(parser.context_mark.line) + 1) ?? "") != nil:
            let line = Int(parser.context_mark.line) + 1
            let missing = missingColon(in: source.lineText(line) ?? "")!
            place = SourceLocation(line: line, column: missing.column)
            message = "a ':' is missing after the key '\(missing.key)'"
            help = "write '\(missing.key): \(missing.value)'"
        case let text where text.contains("mapping values are not allowed") && place.column > 1024:
            help = "a key may be at most 1024 characters long"
        case let text where text.contains("mapping values are not allowed"):
            help = "a value that contains ': ' must be quoted"
        case let text
        where text.contains("did not find expected key") || text.contains("did not find expected '-' indicator"):
            help =
                "check the indentation: the keys of one mapping, and the items of one list, start in the same column (the block starts at line \(Int(parser.context_mark.line) + 1))"
        case let text where text.contains("could not find expected ':'"):
            help =
                "a key needs ': ' after it; a value that runs over several lines must be indented under its key or quoted"
        case let text where text.contains("UTF-8") || text.contains("control characters"):
            help = "a manifest is UTF-8 text; this file looks binary or in another encoding"
        default: help = nil
        }
        error(
            YAMLDiagnostics.syntax, "invalid YAML: \(message)", at: SourceSpan(file: source.id, start: place),
            help: help)
    }

    /// A line such as `    image nginx:1.27`: a key, a space and a value, with no `: ` anywhere,
    /// where a mapping expects `key: value`. The key, the value, and the column just after the key.
    func missingColon(in line: String) -> (key: String, value: String, column: Int)? {
        let scalars = Array(line.unicodeScalars)
        var index = 0
        while index < scalars.count, scalars[index] == " " { index += 1 }
        if index + 1 < scalars.count, scalars[index] == "-", scalars[index + 1] == " " {
            index += 2
            while index < scalars.count, scalars[index] == " " { index += 1 }
        }
        let keyStart = index
        while index < scalars.count,
            scalars[index].properties.isAlphabetic || ("0"..."9").contains(scalars[index]) || scalars[index] == "_"
                || scalars[index] == "-"
        {
            index += 1
        }
        let keyEnd = index
        guard keyEnd > keyStart, index < scalars.count, scalars[index] == " " else { return nil }
        while index < scalars.count, scalars[index] == " " { index += 1 }
        var value = String(String.UnicodeScalarView(scalars[index...]))
        if let comment = value.firstRange(of: " #") { value = String(value[..<comment.lowerBound]) }
        while value.hasSuffix(" ") { value.removeLast() }
        guard !value.isEmpty, !value.hasPrefix("#"), !line.contains(": "), !value.hasSuffix(":") else { return nil }
        return (String(String.UnicodeScalarView(scalars[keyStart..<keyEnd])), value, keyEnd + 1)
    }

    /// The missing colon of the nearest line above `line` that holds something, when it is
    /// indented like `text` (so it is a key of the same mapping).
    func missingColon(onLineBefore line: Int, indentedAs text: String) -> (
        line: Int, missing: (key: String, value: String, column: Int)
    )? {
        var above = line - 1
        while above >= 1, let candidate = source.lineText(above) {
            let trimmed = candidate.drop { $0 == " " }
            if trimmed.isEmpty || trimmed.hasPrefix("#") {
                above -= 1
                continue
            }
            let indent = candidate.count - trimmed.count
            guard indent == text.prefix(while: { $0 == " " }).count, let missing = missingColon(in: candidate) else {
                return nil
            }
            return (above, missing)
        }
        return nil
    }

    /// A byte's place, with lines as `SourceFile` ends them (as YAML does).
    func locationOfByte(_ offset: Int) -> SourceLocation { source.location(ofByte: offset) }

    func location(_ mark: yaml_mark_t) -> SourceLocation {
        let line = Int(mark.line) + 1
        // At the end of a file without a final line break, libyaml counts one line more than
        // there is (found by fuzzing): the place is then the end of the last line.
        guard line <= source.placeableLines else { return locationOfByte(source.bytes.count) }
        return SourceLocation(line: line, column: Int(mark.column) + 1)
    }

    /// A scalar's span: its length on the line it starts, or for one that spans lines its
    /// characters up to 80.
    func spanOf(_ event: yaml_event_t, bytes: UnsafeBufferPointer<UInt8>) -> SourceSpan {
        let start = location(event.start_mark)
        let end = location(event.end_mark)
        let length =
            end.line == start.line
            ? end.column - start.column
            : max(1, min(String(decoding: bytes, as: UTF8.self).count, 80))
        return SourceSpan(file: source.id, start: start, length: length)
    }

    /// Where `record` is, in this file.
    func span(of record: YAMLDocument.Record) -> SourceSpan {
        record.span(in: source.id)
    }

    mutating func error(
        _ code: DiagnosticCode, _ message: String, at span: SourceSpan?,
        expected: String? = nil, help: String? = nil, notes: [Diagnostic.Note] = []
    ) {
        sink.error(code, message, at: span, expected: expected, help: help, notes: notes)
    }

    func cString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    func cString(_ pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
