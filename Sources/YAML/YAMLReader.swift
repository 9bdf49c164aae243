import CYAML
import StackDiagnostics

/// Reads one YAML document with libyaml's event parser into `YAMLNode`s that keep their
/// locations.
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

    /// Parses `source`; returns the root node, or nil when the file has errors or no document.
    public func read(_ source: SourceFile, into diagnostics: inout DiagnosticBag) -> YAMLNode? {
        var session = ReaderSession(source: source, limits: limits)
        let root = session.run()
        diagnostics.report(contentsOf: session.diagnostics)
        return session.diagnostics.contains { $0.severity == .error } ? nil : root
    }
}

/// The state of one read: the container stack, anchors and diagnostics.
private struct ReaderSession {
    /// A mapping or sequence being built.
    struct Frame {
        var isMapping: Bool
        var span: SourceSpan
        var anchor: String?
        var items: [YAMLNode] = []
        var weight = 1
        /// Where aliases among `items` were written, by index: an alias shares its anchor's node
        /// and so its span, but a problem with the alias belongs at the alias.
        var aliasSpans: [Int: SourceSpan] = [:]
    }

    let source: SourceFile
    let limits: YAMLReader.Limits
    var diagnostics: [Diagnostic] = []
    var anchors: [String: YAMLNode] = [:]
    var stack: [Frame] = []
    var root: YAMLNode?
    var writtenNodes = 0
    var documents = 0

    init(source: SourceFile, limits: YAMLReader.Limits) {
        self.source = source
        self.limits = limits
    }

    mutating func run() -> YAMLNode? {
        if source.bytes.count > limits.maxBytes {
            error(YAMLDiagnostics.limit, "the file is \(source.bytes.count) bytes, more than the \(limits.maxBytes) a manifest may have", at: nil)
            return nil
        }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            preconditionFailure("internal error: libyaml could not initialise a parser")
        }
        defer { yaml_parser_delete(&parser) }
        return source.bytes.withUnsafeBufferPointer { buffer -> YAMLNode? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            // The encoding is left to libyaml's detection: it then skips a byte-order mark
            // instead of counting it as a column.
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    reportParserError(parser)
                    return nil
                }
                let keepGoing = handle(&event)
                let done = event.type == YAML_STREAM_END_EVENT
                yaml_event_delete(&event)
                if !keepGoing || done { break }
            }
            return root
        }
    }

    /// Handles one event; false stops the read.
    mutating func handle(_ event: inout yaml_event_t) -> Bool {
        let start = location(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                error(YAMLDiagnostics.multipleDocuments, "a manifest is one YAML document, but a second one starts here",
                      at: SourceSpan(start: start, length: 3),
                      help: "remove the `---` and what follows, or put the second stack in a file of its own")
                return false
            }
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let text = string(data.value, Int(data.length))
            guard let kind = scalarKind(text: text, tag: cString(data.tag), plain: data.plain_implicit == 1 && data.style == YAML_PLAIN_SCALAR_STYLE, at: start) else {
                return false
            }
            let span = spanOf(event, text: text, quoted: data.style != YAML_PLAIN_SCALAR_STYLE)
            let node = YAMLNode(content: .scalar(YAMLScalar(text: text, kind: kind, quoted: data.style != YAML_PLAIN_SCALAR_STYLE)),
                                span: span, weight: 1)
            return add(node, anchor: cString(data.anchor))
        case YAML_ALIAS_EVENT:
            let name = cString(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                error(YAMLDiagnostics.unknownAnchor, "the alias '*\(name)' names no anchor defined before it",
                      at: SourceSpan(start: start, length: name.count + 1), help: "define '&\(name)' on a node above this line")
                return false
            }
            return add(target, anchor: nil, isAlias: true, aliasSpan: SourceSpan(start: start, length: name.count + 1))
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let tag = cString(isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag)
            if let tag, tag != (isMapping ? "tag:yaml.org,2002:map" : "tag:yaml.org,2002:seq"), tag != "!" {
                unsupportedTag(tag, at: start)
                return false
            }
            if stack.count >= limits.maxDepth {
                error(YAMLDiagnostics.limit, "nesting is deeper than \(limits.maxDepth) levels",
                      at: SourceSpan(start: start), help: "a manifest needs only a few levels; this looks like generated or damaged input")
                return false
            }
            let anchor = cString(isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)
            stack.append(Frame(isMapping: isMapping, span: SourceSpan(start: start), anchor: anchor))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else {
                preconditionFailure("internal error: libyaml closed a collection that was never opened")
            }
            guard let node = close(frame) else { return false }
            return add(node, anchor: frame.anchor)
        default:
            break
        }
        return true
    }

    /// Turns a finished frame into a node, applying merge keys and rejecting duplicate keys.
    mutating func close(_ frame: Frame) -> YAMLNode? {
        guard frame.isMapping else {
            return YAMLNode(content: .sequence(frame.items), span: frame.span, weight: frame.weight)
        }
        var explicit: [YAMLPair] = []
        explicit.reserveCapacity(frame.items.count / 2)
        var merged: [YAMLPair] = []
        var mergedKeys = Set<String>()  // a set, so that merging a huge mapping stays linear
        // Keys already seen, by their index in `explicit`: a dictionary only for large mappings;
        // a manifest's mappings are small, and comparing a few short keys beats hashing them.
        let large = frame.items.count > 32
        var seen: [String: Int] = [:]
        func firstIndex(of key: String) -> Int? {
            large ? seen[key] : explicit.firstIndex { $0.keyText == key }
        }
        var index = 0
        while index + 1 < frame.items.count {
            let keyNode = frame.items[index], value = frame.items[index + 1]
            index += 2
            guard let key = keyNode.scalar else {
                error(YAMLDiagnostics.badKey, "a mapping key must be a plain string, not \(keyNode.kindDescription)",
                      at: keyNode.span)
                continue
            }
            if key.text == "<<" && !key.quoted {
                guard let sources = mergeSources(value, at: frame.aliasSpans[index - 1] ?? value.span) else { continue }
                for pair in sources.flatMap({ $0.pairs ?? [] }) where mergedKeys.insert(pair.keyText).inserted {
                    merged.append(pair)
                }
                continue
            }
            if let first = firstIndex(of: key.text) {
                error(YAMLDiagnostics.duplicateKey, "the key '\(key.text)' appears twice in this mapping",
                      at: keyNode.span, help: "the first '\(key.text)' is at line \(explicit[first].key.span.start.line); keep one of them")
                continue
            }
            if large { seen[key.text] = explicit.count }
            explicit.append(YAMLPair(key: keyNode, keyText: key.text, value: value))
        }
        let pairs = merged.isEmpty ? explicit : explicit + merged.filter { firstIndex(of: $0.keyText) == nil }
        var weight = frame.weight
        if pairs.count != explicit.count {
            weight = 1 + pairs.reduce(0) { $0 + $1.key.weight + $1.value.weight }
            if !checkExpansion(weight, at: frame.span) { return nil }
        }
        return YAMLNode(content: .mapping(pairs), span: frame.span, weight: weight)
    }

    /// The mappings a merge key's value names: one mapping, or a list of them.
    mutating func mergeSources(_ value: YAMLNode, at span: SourceSpan) -> [YAMLNode]? {
        switch value.content {
        case .mapping: return [value]
        case .sequence(let items) where items.allSatisfy({ $0.pairs != nil }): return items
        default:
            error(YAMLDiagnostics.badKey, "a merge key '<<' takes a mapping or a list of mappings, not \(value.kindDescription)",
                  at: span, help: "write '<<: *anchor' where '&anchor' is on a mapping")
            return nil
        }
    }

    /// Adds a finished node to the open container, or makes it the root.
    mutating func add(_ node: YAMLNode, anchor: String?, isAlias: Bool = false, aliasSpan: SourceSpan? = nil) -> Bool {
        if !isAlias { writtenNodes += 1 }
        if let anchor { anchors[anchor] = node }
        guard !stack.isEmpty else {
            root = node
            return true
        }
        let top = stack.count - 1
        if let aliasSpan { stack[top].aliasSpans[stack[top].items.count] = aliasSpan }
        stack[top].items.append(node)
        stack[top].weight += node.weight
        return checkExpansion(stack[top].weight, at: aliasSpan ?? node.span)
    }

    /// False (with an error) when aliases make the document expand far beyond what is written.
    mutating func checkExpansion(_ weight: Int, at span: SourceSpan) -> Bool {
        guard weight > writtenNodes + limits.maxAliasExpansion else { return true }
        error(YAMLDiagnostics.limit, "aliases here expand to more than \(limits.maxAliasExpansion) nodes",
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
            error(YAMLDiagnostics.unsupportedTag, "'\(text)' is not a valid value for the tag '\(shortTag(tag))'",
                  at: SourceSpan(start: start, length: max(1, text.count)))
            return nil
        default:
            unsupportedTag(tag, at: start)
            return nil
        }
    }

    mutating func unsupportedTag(_ tag: String, at start: SourceLocation) {
        error(YAMLDiagnostics.unsupportedTag, "the tag '\(shortTag(tag))' is not part of the YAML core schema",
              at: SourceSpan(start: start, length: shortTag(tag).count),
              expected: "no tag, or one of !!str, !!int, !!float, !!bool, !!null, !!map, !!seq",
              help: "remove the tag; stackc reads plain YAML values")
    }

    func shortTag(_ tag: String) -> String {
        tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst("tag:yaml.org,2002:".count) : tag
    }

    mutating func reportParserError(_ parser: yaml_parser_t) {
        let problem = cString(parser.problem) ?? "malformed YAML"
        let mark = parser.problem_mark
        var where_ = location(mark)
        // libyaml reports reader errors (bad UTF-8, control characters) by byte offset only.
        if parser.error == YAML_READER_ERROR {
            where_ = locationOfByte(Int(parser.problem_offset))
        }
        var message = problem
        if let context = cString(parser.context) {
            message = "\(problem) (\(context) at line \(Int(parser.context_mark.line) + 1))"
        }
        let help: String?
        let lineText = source.lineText(where_.line) ?? ""
        let offending = lineText.unicodeScalars.dropFirst(where_.column - 1).first
        switch problem {
        case let text where text.contains("tab") || offending == "\t":
            help = "indent with spaces; YAML does not allow tabs there"
        case let text where text.contains("mapping values are not allowed") && where_.column > 1024:
            help = "a key may be at most 1024 characters long"
        case let text where text.contains("mapping values are not allowed"):
            help = "a value that contains ': ' must be quoted"
        case let text where text.contains("UTF-8") || text.contains("control characters"):
            help = "a manifest is UTF-8 text; this file looks binary or in another encoding"
        default: help = nil
        }
        error(YAMLDiagnostics.syntax, "invalid YAML: \(message)", at: SourceSpan(start: where_), help: help)
    }

    func locationOfByte(_ offset: Int) -> SourceLocation {
        var line = 1, lineStart = 0
        let end = min(offset, source.bytes.count)
        for index in 0..<end where source.bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        let column = String(decoding: source.bytes[lineStart..<end], as: UTF8.self).unicodeScalars.count + 1
        return SourceLocation(line: line, column: column)
    }

    func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    func spanOf(_ event: yaml_event_t, text: String, quoted: Bool) -> SourceSpan {
        let start = location(event.start_mark), end = location(event.end_mark)
        let length = end.line == start.line ? end.column - start.column : max(1, min(text.count, 80))
        return SourceSpan(start: start, length: length)
    }

    mutating func error(_ code: DiagnosticCode, _ message: String, at span: SourceSpan?,
                        expected: String? = nil, help: String? = nil) {
        diagnostics.append(Diagnostic(code: code, severity: .error, message: message, path: source.path,
                                      span: span, expected: expected, help: help))
    }

    func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, _ length: Int) -> String {
        guard let pointer, length > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
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
