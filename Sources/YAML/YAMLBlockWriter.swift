/// Writes the shapes stackc's files are made of (block mappings and sequences, flow sequences
/// of scalars, plain, single- and double-quoted scalars) straight into bytes, exactly as
/// libyaml's emitter lays them out with `YAMLEmitter`'s settings.
///
/// libyaml's emitter spends most of a build's time analysing every scalar again and writing
/// it a character at a time; the styles are already decided by `YAMLEmitter.style(for:)`, so
/// the layout is all that is left. Anything outside these shapes (a block scalar, a key
/// libyaml would not write as a simple key, a collection inside a flow sequence, a scalar at
/// the root) makes `write` return nil, and libyaml writes the whole document. Tests compare
/// both writers byte for byte.
struct YAMLBlockWriter {
    private var bytes: [UInt8] = []

    /// The document's text, or nil when it needs libyaml.
    static func write(_ value: YAMLValue) -> String? {
        var writer = YAMLBlockWriter()
        writer.bytes.reserveCapacity(4096)
        switch value {
        case .mapping(let pairs) where !pairs.isEmpty:
            guard writer.mapping(pairs, column: 0, inline: false) else { return nil }
        case .sequence(let items) where !items.isEmpty:
            guard writer.sequence(items, column: 0, inline: false) else { return nil }
        case .mapping, .sequence, .flowSequence:
            guard writer.collapsed(value) else { return nil }
            writer.bytes.append(0x0A)
        default:
            return nil
        }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    // MARK: Collections

    /// Pairs with their keys at `column`; the first on the current line when `inline`.
    private mutating func mapping(_ pairs: [(key: String, value: YAMLValue)], column: Int, inline: Bool) -> Bool {
        for (index, pair) in pairs.enumerated() {
            // libyaml writes a key longer than 128 bytes, or one with a line break, as `? key`.
            guard pair.key.utf8.count <= 128, !Self.hasBreak(pair.key) else { return false }
            if index > 0 || !inline { indent(column) }
            string(pair.key)
            bytes.append(0x3A)  // :
            guard nested(pair.value, column: column, afterKey: true) else { return false }
        }
        return true
    }

    /// Items with their dashes at `column`; the first on the current line when `inline`.
    private mutating func sequence(_ items: [YAMLValue], column: Int, inline: Bool) -> Bool {
        for (index, item) in items.enumerated() {
            if index > 0 || !inline { indent(column) }
            bytes.append(0x2D)  // -
            guard nested(item, column: column, afterKey: false) else { return false }
        }
        return true
    }

    /// What follows `key:` or `-` written at `column`. After a key, a nested mapping goes one
    /// level in on the next line and a nested sequence stays at the key's column (libyaml's
    /// indentless sequences); after a dash, a nested collection starts on the dash's line,
    /// its entries two columns in.
    private mutating func nested(_ value: YAMLValue, column: Int, afterKey: Bool) -> Bool {
        switch value {
        case .mapping(let pairs) where !pairs.isEmpty:
            bytes.append(afterKey ? 0x0A : 0x20)
            return mapping(pairs, column: column + 2, inline: !afterKey)
        case .sequence(let items) where !items.isEmpty:
            bytes.append(afterKey ? 0x0A : 0x20)
            return sequence(items, column: afterKey ? column : column + 2, inline: !afterKey)
        default:
            return scalarOrFlow(value)
        }
    }

    /// ` value` and the line's end, for a scalar, a flow sequence or an empty collection.
    private mutating func scalarOrFlow(_ value: YAMLValue) -> Bool {
        bytes.append(0x20)
        guard collapsed(value) else { return false }
        bytes.append(0x0A)
        return true
    }

    /// A value written on one line: a scalar, `[]`, `{}` or a flow sequence of scalars.
    private mutating func collapsed(_ value: YAMLValue) -> Bool {
        switch value {
        case .string(let text): string(text)
        case .int(let number): ascii(String(number))
        case .double(let number): ascii(YAMLEmitter.text(of: number))
        case .bool(let flag): ascii(flag ? "true" : "false")
        case .null: ascii("null")
        case .literal: return false
        case .mapping(let pairs):
            guard pairs.isEmpty else { return false }
            ascii("{}")
        case .sequence(let items), .flowSequence(let items):
            if case .sequence = value, !items.isEmpty { return false }
            bytes.append(0x5B)  // [
            for (index, item) in items.enumerated() {
                if index > 0 { ascii(", ") }
                switch item {
                case .string(let text): doubleQuoted(text)
                case .int, .double, .bool, .null: guard collapsed(item) else { return false }
                default: return false
                }
            }
            bytes.append(0x5D)  // ]
        }
        return true
    }

    // MARK: Scalars

    private mutating func string(_ text: String) {
        switch YAMLEmitter.style(for: text) {
        case .plain: bytes.append(contentsOf: text.utf8)
        case .singleQuoted: singleQuoted(text)
        case .doubleQuoted: doubleQuoted(text)
        }
    }

    private mutating func singleQuoted(_ text: String) {
        bytes.append(0x27)
        for byte in text.utf8 {
            bytes.append(byte)
            if byte == 0x27 { bytes.append(0x27) }
        }
        bytes.append(0x27)
    }

    /// Double quotes with libyaml's escapes: a character it does not count as printable, a
    /// line break, the byte-order mark, `"` and `\` are escaped; the rest is written as is.
    private mutating func doubleQuoted(_ text: String) {
        bytes.append(0x22)
        for scalar in text.unicodeScalars {
            if Self.isWrittenAsIs(scalar) {
                if scalar.isASCII {
                    bytes.append(UInt8(scalar.value))
                } else {
                    bytes.append(contentsOf: String(scalar).utf8)
                }
                continue
            }
            bytes.append(0x5C)  // \
            switch scalar.value {
            case 0x00: bytes.append(0x30)  // 0
            case 0x07: bytes.append(0x61)  // a
            case 0x08: bytes.append(0x62)  // b
            case 0x09: bytes.append(0x74)  // t
            case 0x0A: bytes.append(0x6E)  // n
            case 0x0B: bytes.append(0x76)  // v
            case 0x0C: bytes.append(0x66)  // f
            case 0x0D: bytes.append(0x72)  // r
            case 0x1B: bytes.append(0x65)  // e
            case 0x22: bytes.append(0x22)
            case 0x5C: bytes.append(0x5C)
            case 0x85: bytes.append(0x4E)  // N
            case 0x2028: bytes.append(0x4C)  // L
            case 0x2029: bytes.append(0x50)  // P
            default:
                let (marker, width): (UInt8, Int) =
                    scalar.value <= 0xFF ? (0x78, 2) : scalar.value <= 0xFFFF ? (0x75, 4) : (0x55, 8)
                bytes.append(marker)
                for shift in stride(from: (width - 1) * 4, through: 0, by: -4) {
                    let digit = UInt8((scalar.value >> UInt32(shift)) & 0xF)
                    bytes.append(digit < 10 ? 0x30 + digit : 0x41 + digit - 10)
                }
            }
        }
        bytes.append(0x22)
    }

    /// libyaml's "printable" (`IS_PRINTABLE`), minus line breaks, the BOM, `"` and `\`.
    private static func isWrittenAsIs(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x22, 0x5C, 0x2028, 0x2029, 0xFEFF: return false
        case 0x20...0x7E, 0xA0...0xD7FF, 0xE000...0xFFFD: return true
        default: return false
        }
    }

    /// Whether libyaml counts the text as holding a line break.
    private static func hasBreak(_ text: String) -> Bool {
        text.unicodeScalars.contains { [0x0A, 0x0D, 0x85, 0x2028, 0x2029].contains($0.value) }
    }

    private mutating func indent(_ column: Int) {
        bytes.append(contentsOf: repeatElement(0x20, count: column))
    }

    private mutating func ascii(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }
}
