/// Resolution of plain scalars by the YAML 1.2 core schema (not YAML 1.1: `no` and `on` stay
/// strings, `0777` is a decimal integer, `12:30` is a string).
enum CoreSchema {
    /// The type of a plain (unquoted) scalar.
    static func resolve(plain text: String) -> YAMLScalar.Kind {
        let utf8 = text.utf8
        guard let first = utf8.first else { return .null }
        if utf8.count > 32 { return .string }
        // Only these first characters can start a null, a boolean or a number: most scalars of
        // a manifest (names, images, paths) are strings after one comparison.
        switch first {
        case 0x30...0x39, 0x2B, 0x2D, 0x2E, 0x7E, 0x6E, 0x4E, 0x74, 0x54, 0x66, 0x46: break  // 0-9 + - . ~ n N t T f F
        default: return .string
        }
        switch text {
        case "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE", "false", "False", "FALSE": return .bool
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
             ".nan", ".NaN", ".NAN":
            return .float
        default: break
        }
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        if first == 0x30, utf8.count > 2 {
            let rest = utf8.dropFirst(2)
            let marker = utf8[utf8.index(after: utf8.startIndex)]
            if marker == 0x6F, rest.allSatisfy({ $0 >= 0x30 && $0 <= 0x37 }) { return .int }
            if marker == 0x78, rest.allSatisfy({ isDigit($0) || (0x61...0x66).contains($0 | 0x20) }) {
                return .int
            }
        }
        var bytes = Substring(text).utf8[...]
        if let sign = bytes.first, sign == 0x2B || sign == 0x2D { bytes = bytes.dropFirst() }
        if !bytes.isEmpty, bytes.allSatisfy(isDigit) { return .int }
        return isFloat(bytes) ? .float : .string
    }

    /// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` after an optional sign.
    private static func isFloat(_ bytes: Substring.UTF8View.SubSequence) -> Bool {
        var index = bytes.startIndex
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        var integerDigits = 0, fractionDigits = 0
        while index < bytes.endIndex, isDigit(bytes[index]) { integerDigits += 1; index = bytes.index(after: index) }
        var sawDot = false
        if index < bytes.endIndex, bytes[index] == 0x2E {
            sawDot = true
            index = bytes.index(after: index)
            while index < bytes.endIndex, isDigit(bytes[index]) { fractionDigits += 1; index = bytes.index(after: index) }
        }
        guard integerDigits > 0 || fractionDigits > 0 else { return false }
        if integerDigits == 0 && !sawDot { return false }
        if index < bytes.endIndex, bytes[index] | 0x20 == 0x65 {
            index = bytes.index(after: index)
            if index < bytes.endIndex, bytes[index] == 0x2B || bytes[index] == 0x2D { index = bytes.index(after: index) }
            var exponentDigits = 0
            while index < bytes.endIndex, isDigit(bytes[index]) { exponentDigits += 1; index = bytes.index(after: index) }
            if exponentDigits == 0 { return false }
        }
        return index == bytes.endIndex && (sawDot || integerDigits > 0)
    }
}
