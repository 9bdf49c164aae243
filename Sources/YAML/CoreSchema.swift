/// Resolution of plain scalars by the YAML 1.2 core schema (not YAML 1.1: `no` and `on` stay
/// strings, `0777` is a decimal integer, `12:30` is a string).
enum CoreSchema {
    /// The type of a plain (unquoted) scalar.
    static func resolve(plain text: String) -> YAMLScalar.Kind {
        var text = text
        return text.withUTF8 { resolve(plain: $0) }
    }

    /// The type of a plain scalar, from its UTF-8 bytes (as libyaml hands them over, before a
    /// `String` is made of them).
    static func resolve(plain bytes: UnsafeBufferPointer<UInt8>) -> YAMLScalar.Kind {
        guard let first = bytes.first else { return .null }
        if bytes.count > 32 { return .string }
        // Only these first characters can start a null, a boolean or a number: most scalars of
        // a manifest (names, images, paths) are strings after one comparison.
        switch first {
        case 0x30...0x39, 0x2B, 0x2D, 0x2E: break  // 0-9 + - .
        case 0x7E, 0x6E, 0x4E, 0x74, 0x54, 0x66, 0x46:  // ~ n N t T f F
            if bytes.count == 1 { return first == 0x7E ? .null : .string }
            return isWord(bytes, ["null", "Null", "NULL"])
                ? .null
                : isWord(bytes, ["true", "True", "TRUE", "false", "False", "FALSE"]) ? .bool : .string
        default: return .string
        }
        if isWord(
            bytes,
            [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"])
        {
            return .float
        }
        if first == 0x30, bytes.count > 2 {
            let rest = bytes[2...]
            if bytes[1] == 0x6F, rest.allSatisfy({ $0 >= 0x30 && $0 <= 0x37 }) { return .int }
            if bytes[1] == 0x78, rest.allSatisfy({ isDigit($0) || (0x61...0x66).contains($0 | 0x20) }) { return .int }
        }
        var digits = bytes[...]
        if first == 0x2B || first == 0x2D { digits = digits.dropFirst() }
        if !digits.isEmpty, digits.allSatisfy(isDigit) { return .int }
        return isFloat(digits) ? .float : .string
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Whether the bytes spell one of `words` (ASCII).
    private static func isWord(_ bytes: UnsafeBufferPointer<UInt8>, _ words: [StaticString]) -> Bool {
        words.contains { word in
            word.utf8CodeUnitCount == bytes.count
                && UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount).elementsEqual(bytes)
        }
    }

    /// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` after an optional sign.
    private static func isFloat(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var index = bytes.startIndex
        var integerDigits = 0
        var fractionDigits = 0
        while index < bytes.endIndex, isDigit(bytes[index]) {
            integerDigits += 1
            index += 1
        }
        var sawDot = false
        if index < bytes.endIndex, bytes[index] == 0x2E {
            sawDot = true
            index += 1
            while index < bytes.endIndex, isDigit(bytes[index]) {
                fractionDigits += 1
                index += 1
            }
        }
        guard integerDigits > 0 || fractionDigits > 0 else { return false }
        if integerDigits == 0 && !sawDot { return false }
        if index < bytes.endIndex, bytes[index] | 0x20 == 0x65 {
            index += 1
            if index < bytes.endIndex, bytes[index] == 0x2B || bytes[index] == 0x2D { index += 1 }
            var exponentDigits = 0
            while index < bytes.endIndex, isDigit(bytes[index]) {
                exponentDigits += 1
                index += 1
            }
            if exponentDigits == 0 { return false }
        }
        return index == bytes.endIndex && (sawDot || integerDigits > 0)
    }
}
