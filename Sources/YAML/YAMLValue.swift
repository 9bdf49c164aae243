/// A YAML document to write: values in the order they are given, with the scalar style left
/// to `YAMLEmitter` except where the case asks for one.
///
/// Unlike `YAMLNode` (what was read, with locations), this is what stackc produces, so it has
/// no locations and keeps mapping order exactly: output must be deterministic.
public indirect enum YAMLValue: Equatable, Sendable {
    /// Text that every YAML 1.1 or 1.2 reader reads back as the same string: plain when that is
    /// safe, quoted otherwise.
    case string(String)
    /// Multi-line text as a `|` block scalar; double-quoted when a block scalar cannot hold it
    /// (trailing spaces, tabs, control characters).
    case literal(String)
    /// An integer.
    case int(Int)
    /// A number, in its shortest round-trip form; `.inf`, `-.inf` and `.nan` when not finite.
    case double(Double)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null
    /// A block mapping, in the order given.
    case mapping([(key: String, value: YAMLValue)])
    /// A block sequence.
    case sequence([YAMLValue])
    /// A flow sequence, `["CMD", "curl"]`, its strings double-quoted like Docker's examples.
    case flowSequence([YAMLValue])

    /// Equal when the cases and contents are equal, mapping pairs compared in order.
    public static func == (lhs: YAMLValue, rhs: YAMLValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let l), .string(let r)), (.literal(let l), .literal(let r)): return l == r
        case (.int(let l), .int(let r)): return l == r
        // Bit patterns, so that `.nan` equals itself and a value compares equal to its copy.
        case (.double(let l), .double(let r)): return l.bitPattern == r.bitPattern
        case (.bool(let l), .bool(let r)): return l == r
        case (.null, .null): return true
        case (.mapping(let l), .mapping(let r)):
            return l.count == r.count && zip(l, r).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.sequence(let l), .sequence(let r)), (.flowSequence(let l), .flowSequence(let r)): return l == r
        default: return false
        }
    }
}
