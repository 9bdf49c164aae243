import YAML

/// The origin of each line of `YAMLEmitter.emit(value, header:)`, laid out as the emitter lays
/// the document out: a line per mapping key and per sequence item (a mapping inside an item
/// starts on the item's line), scalars, flow sequences and empty collections on their key's
/// line, a literal block's lines after it.
struct YAMLLineOrigins {
    private var origins = LineOrigins()

    /// The header's lines and the document's have `root` unless `map` says otherwise.
    static func lines(
        of value: YAMLValue, header: [String], map: OriginMap, root: OutputOrigin
    ) -> LineOrigins {
        var walk = YAMLLineOrigins()
        let headerLines = header.reduce(0) {
            $0 + $1.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).count
        }
        walk.origins.append(root, lines: headerLines)
        let origin = map.origin ?? root
        switch value {
        case .mapping(let pairs) where !pairs.isEmpty: walk.collection(value, map, origin, open: false)
        case .sequence(let items) where !items.isEmpty: walk.collection(value, map, origin, open: false)
        default: walk.origins.append(origin)
        }
        return walk.origins
    }

    /// A non-empty mapping or sequence; `open`: its first entry goes on a line already counted.
    private mutating func collection(_ value: YAMLValue, _ map: OriginMap?, _ origin: OutputOrigin, open: Bool) {
        switch value {
        case .mapping(let pairs):
            for (index, pair) in pairs.enumerated() {
                let child = map?.child(pair.key)
                let own = child?.origin ?? origin
                if index > 0 || !open { origins.append(own) }
                nested(pair.value, child, own, afterKey: true)
            }
        case .sequence(let items):
            for (index, item) in items.enumerated() {
                let child = Self.itemKey(item).flatMap { map?.child($0) } ?? map?.child("#\(index)")
                let own = child?.origin ?? origin
                if index > 0 || !open { origins.append(own) }
                nested(item, child, own, afterKey: false)
            }
        default:
            break
        }
    }

    /// What follows a key or a dash: a nested collection (after a dash, starting on its line), a
    /// literal block's lines, or nothing more (a value on the same line).
    private mutating func nested(_ value: YAMLValue, _ map: OriginMap?, _ origin: OutputOrigin, afterKey: Bool) {
        switch value {
        case .mapping(let pairs) where !pairs.isEmpty: collection(value, map, origin, open: !afterKey)
        case .sequence(let items) where !items.isEmpty: collection(value, map, origin, open: !afterKey)
        case .literal(let text):
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
            if text.hasSuffix("\n") { lines -= 1 }
            origins.append(origin, lines: lines)
        default: break
        }
    }

    /// How an item is found in a map: its text, or its mapping's `source` or `target`, else its
    /// first string value (a scrape job's `job_name`).
    private static func itemKey(_ item: YAMLValue) -> String? {
        switch item {
        case .string(let text): return text
        case .mapping(let pairs):
            for name in ["source", "target"] {
                if let pair = pairs.first(where: { $0.key == name }), case .string(let text) = pair.value {
                    return text
                }
            }
            for pair in pairs { if case .string(let text) = pair.value { return text } }
            return nil
        default: return nil
        }
    }
}

extension OriginText {
    /// A YAML document as `YAMLEmitter.emit` writes it, each line with its origin from `map`.
    init(yaml value: YAMLValue, header: [String], map: OriginMap, root: OutputOrigin) {
        self.init(
            text: YAMLEmitter.emit(value, header: header),
            origins: YAMLLineOrigins.lines(of: value, header: header, map: map, root: root))
    }
}
