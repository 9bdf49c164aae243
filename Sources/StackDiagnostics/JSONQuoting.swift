/// The project's one way to write a JSON string literal: the diagnostics in `--format json`
/// and every generated JSON file go through it.
public enum JSONQuoting {
    /// A JSON string literal: quotes, backslashes and control characters escaped (`\n`, `\r`,
    /// `\t`, else `\u00XX` in lower case), DEL and U+2028 and U+2029 too (JavaScript reads the
    /// last two as line breaks); `/` and other non-ASCII text left as they are.
    public static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _
            where scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
