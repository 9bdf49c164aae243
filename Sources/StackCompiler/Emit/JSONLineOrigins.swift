/// The origin of each line of `JSONWriter.write(value)`, laid out as the writer lays it out: the
/// opening line, a line per member or item (a nested object or array opens on it), a line per
/// closing bracket (the enclosing part's), empty objects and arrays inline. Items are found in
/// the map by their text (a string) or their first string member (`clientId`, `username`).
struct JSONLineOrigins {
    private var origins = LineOrigins()

    static func lines(of value: JSONValue, map: OriginMap, root: OutputOrigin) -> LineOrigins {
        var walk = JSONLineOrigins()
        let origin = map.origin ?? root
        walk.origins.append(origin)
        walk.nested(value, map, origin)
        return walk.origins
    }

    /// The lines after a value's first, which is counted already.
    private mutating func nested(_ value: JSONValue, _ map: OriginMap?, _ origin: OutputOrigin) {
        switch value {
        case .object(let members) where !members.isEmpty:
            for (key, member) in members {
                let child = map?.child(key)
                let own = child?.origin ?? origin
                origins.append(own)
                nested(member, child, own)
            }
            origins.append(origin)
        case .array(let items) where !items.isEmpty:
            for (index, item) in items.enumerated() {
                let child = Self.itemKey(item).flatMap { map?.child($0) } ?? map?.child("#\(index)")
                let own = child?.origin ?? origin
                origins.append(own)
                nested(item, child, own)
            }
            origins.append(origin)
        default:
            break
        }
    }

    private static func itemKey(_ item: JSONValue) -> String? {
        switch item {
        case .string(let text): return text
        case .object(let members):
            for (_, value) in members { if case .string(let text) = value { return text } }
            return nil
        default: return nil
        }
    }
}

extension OriginText {
    /// A JSON document as `JSONWriter` writes it, each line with its origin from `map`.
    init(json value: JSONValue, map: OriginMap, root: OutputOrigin) {
        self.init(text: JSONWriter.write(value), origins: JSONLineOrigins.lines(of: value, map: map, root: root))
    }
}
