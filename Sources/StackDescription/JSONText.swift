/// JSON text, written by hand so that the library needs nothing but the standard library.
enum JSONText {
    /// `text` as a JSON string, quotes included.
    static func string(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
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
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A number: whole values as integers, others in Swift's shortest form that reads back
    /// the same; infinities and NaN, which JSON lacks, as strings for the checker to refuse.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return string(String(value)) }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    /// An object of already written members, in order.
    static func object(_ members: [(key: String, json: String)]) -> String {
        "{" + members.map { string($0.key) + ":" + $0.json }.joined(separator: ",") + "}"
    }

    /// An array of already written values.
    static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }
}
