/// A Swift expression of a converted description, before it is laid out in lines: calls with
/// labelled arguments and trailing blocks, array and dictionary literals, and literal text.
indirect enum SwiftCode: Equatable {
    /// Text written as it is: a literal (`"nginx:1.27-alpine"`, `80`, `true`) or a member
    /// (`.daily`, `.cron("30 2 * * *")`).
    case text(String)
    /// `callee(arguments)`, and a trailing block of statements when `block` is not nil
    /// (`Apps { … }`, `Identity(roles: […]) { … }`).
    case call(String, [Argument], block: [SwiftCode]? = nil)
    /// `[a, b]`.
    case array([SwiftCode])
    /// `["key": value]`, in order; `[:]` when empty.
    case dictionary([Entry])

    /// One argument of a call, `label: value` or, without a label, `value`.
    struct Argument: Equatable {
        var label: String?
        var value: SwiftCode
    }

    /// One entry of a dictionary literal.
    struct Entry: Equatable {
        var key: SwiftCode
        var value: SwiftCode
    }
}
