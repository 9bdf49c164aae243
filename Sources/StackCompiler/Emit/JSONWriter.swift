import StackDiagnostics

/// Writes a `JSONValue` as text: 2-space indentation, `"key": value`, empty objects and arrays
/// as `{}` and `[]`, UTF-8 kept as is, a final newline. The same value always gives the same
/// bytes, so generated files diff cleanly.
enum JSONWriter {
    /// The value as a JSON document with a final newline.
    static func write(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: 0, into: &out)
        out += "\n"
        return out
    }

    private static func write(_ value: JSONValue, indent: Int, into out: inout String) {
        switch value {
        case .string(let text): out += quote(text)
        case .int(let number): out += String(number)
        case .double(let number): out += text(of: number)
        case .bool(let flag): out += flag ? "true" : "false"
        case .null: out += "null"
        case .object(let members):
            container(members, open: "{", close: "}", indent: indent, into: &out) { member, out in
                out += quote(member.0) + ": "
                write(member.1, indent: indent + 1, into: &out)
            }
        case .array(let items):
            container(items, open: "[", close: "]", indent: indent, into: &out) { item, out in
                write(item, indent: indent + 1, into: &out)
            }
        }
    }

    /// An object or array: one element per line, or `{}` / `[]` when empty.
    private static func container<Element>(
        _ elements: [Element], open: String, close: String, indent: Int, into out: inout String,
        element: (Element, inout String) -> Void
    ) {
        guard !elements.isEmpty else {
            out += open + close
            return
        }
        let inner = String(repeating: "  ", count: indent + 1)
        out += open + "\n"
        for (index, item) in elements.enumerated() {
            out += inner
            element(item, &out)
            out += index == elements.count - 1 ? "\n" : ",\n"
        }
        out += String(repeating: "  ", count: indent) + close
    }

    /// A number in Swift's shortest round-trip form, which has no exponent between 1e-4 and
    /// 2^53 and always a fraction (`2.0`), so a reader keeps it a float.
    static func text(of number: Double) -> String {
        guard number.isFinite else { return "null" }
        return "\(number)"
    }

    /// A JSON string literal, as `JSONQuoting` writes it (the project's one JSON quoting).
    static func quote(_ text: String) -> String { JSONQuoting.quote(text) }
}
