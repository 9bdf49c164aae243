/// A JSON document to write, with object members in the order given so that output is
/// deterministic.
enum JSONValue: Equatable, Sendable {
    /// A string.
    case string(String)
    /// An integer, written without a fraction.
    case int(Int)
    /// A number, in its shortest round-trip form; `null` when not finite (JSON has no NaN).
    case double(Double)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null
    /// An object, members in the order given.
    case object([(String, JSONValue)])
    /// An array.
    case array([JSONValue])

    /// Equal when the cases and contents are equal, object members compared in order.
    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let l), .string(let r)): return l == r
        case (.int(let l), .int(let r)): return l == r
        // Bit patterns, so that a NaN equals its copy.
        case (.double(let l), .double(let r)): return l.bitPattern == r.bitPattern
        case (.bool(let l), .bool(let r)): return l == r
        case (.null, .null): return true
        case (.object(let l), .object(let r)):
            return l.count == r.count && zip(l, r).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.array(let l), .array(let r)): return l == r
        default: return false
        }
    }
}
