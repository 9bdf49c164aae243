/// Swift literals for the values of a converted description: strings quoted so that the
/// compiled program sees exactly the text, numbers in a form Swift reads back as the same value.
enum SwiftLiteral {
    /// `text` as a Swift string literal, quotes included.
    ///
    /// Plain (`"a b"`) when nothing in it needs an escape; raw (`#"C:\new"#`, with as many `#`
    /// as it takes) when it holds backslashes or quotes and nothing invisible; otherwise plain
    /// with escapes: `\\`, `\"`, `\n`, `\r`, `\t`, `\0`, and `\u{…}` for every other control
    /// character, line or paragraph separator, space other than U+0020, and format character
    /// but the zero-width joiner of emoji. A backslash is always escaped or inside a raw string,
    /// so `\(` never starts an interpolation. Other non-ASCII text is kept as it is.
    static func string(_ text: String) -> String {
        let scalars = text.unicodeScalars
        let invisible = scalars.contains(where: needsEscape)
        let special = scalars.contains { $0 == "\\" || $0 == "\"" }
        if !invisible && !special { return "\"" + text + "\"" }
        if !invisible {
            let hashes = String(repeating: "#", count: rawHashCount(text))
            return hashes + "\"" + text + "\"" + hashes
        }
        var out = "\""
        for scalar in scalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\0": out += "\\0"
            case _ where needsEscape(scalar): out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Whether `scalar` is written as an escape: Swift refuses control characters and line
    /// breaks in a one-line literal, and the others would be invisible in the file.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.value < 0x20 || scalar.value == 0x7F }
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator, .spaceSeparator: return true
        case .format: return scalar.value != 0x200D
        default: return false
        }
    }

    /// The fewest `#` (at least one) for a raw string of `text`: neither `"` nor `\` may be
    /// followed by that many in it, or they would end the string or start an escape. Counted by
    /// Unicode scalar, as Swift reads a literal.
    static func rawHashCount(_ text: String) -> Int {
        var longest = 0
        var run: Int?
        for scalar in text.unicodeScalars {
            if scalar == "#", let current = run {
                run = current + 1
                longest = max(longest, current + 1)
            } else {
                run = scalar == "\"" || scalar == "\\" ? 0 : nil
            }
        }
        return longest + 1
    }

    /// An integer.
    static func integer(_ value: Int) -> String { String(value) }

    /// A `Double`: a whole value as an integer literal (as the JSON form writes it), others in
    /// Swift's shortest form that reads back as the same value (`0.5`, `1e-05`).
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
