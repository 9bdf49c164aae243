/// The plain-scalar rule: when a string may be written without quotes and still read back as
/// the same string by YAML 1.1, YAML 1.2 and Docker's go-yaml readers.
extension YAMLEmitter {
    /// First characters that are YAML indicators, or that start a YAML 1.1 / go-yaml special
    /// value (`~` null, `+.inf`, `+1`).
    private static let leadingIndicators: Set<Unicode.Scalar> = [
        "-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "%", "@",
        "`", "~", "+",
    ]

    /// Words that some YAML reader resolves to a boolean or null: YAML 1.1 has `y`, `n`, `on`,
    /// `off`, `yes`, `no` in three casings; compared without case, to be safe with every reader.
    private static let specialWords: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"]

    /// Every character that can occur in a YAML 1.1, YAML 1.2 or go-yaml number, timestamp or
    /// sexagesimal (`0x1F`, `0o17`, `0b1010`, `1_000`, `1e3`, `.inf`, `0x1p-2`, `12:30`,
    /// `2001-12-14t21:59:43.10-05:00`, `2001-12-14 21:59:43.10 -5`).
    private static let numericAlphabet = Set("0123456789abcdefABCDEFxXoObBpPtTzZiInN.+-:_ ".unicodeScalars)

    /// True when `text` can be written plain and still reads back as this string everywhere.
    static func isPlainSafe(_ text: String) -> Bool {
        // Almost every string stackc writes is short ASCII: one pass over its bytes decides.
        if let ascii = text.utf8.withContiguousStorageIfAvailable(isPlainSafeASCII), let answer = ascii {
            return answer
        }
        return isPlainSafeScalars(text)
    }

    /// The rule for ASCII text, or nil when the text has other characters.
    private static func isPlainSafeASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard let first = bytes.first, let last = bytes.last else { return false }
        if first == 0x20 || last == 0x20 || last == 0x3A || first < 0x80 && leadingIndicatorBytes[Int(first)] {
            return false
        }
        var previous: UInt8 = 0
        var numeric = first == 0x2E || (0x30...0x39).contains(first)
        for byte in bytes {
            if byte >= 0x80 { return nil }
            if byte < 0x20 || byte == 0x7F { return false }
            if (previous == 0x3A && byte == 0x20) || (previous == 0x20 && byte == 0x23) { return false }
            if numeric && !numericBytes[Int(byte)] { numeric = false }
            previous = byte
        }
        if numeric { return false }
        if bytes.count <= 5 && isSpecialWordASCII(bytes) { return false }
        return !(bytes.count >= 3 && bytes[0] == 0x2E && bytes[1] == 0x2E && bytes[2] == 0x2E)
    }

    /// Whether short ASCII text is one of `specialWords` (in any case), `<<` or `=`: compared
    /// byte by byte, as this runs for every short scalar written.
    private static func isSpecialWordASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        specialWordBytes.contains { word in
            word.count == bytes.count
                && zip(word, bytes).allSatisfy { expected, byte in
                    expected == ((0x41...0x5A).contains(byte) ? byte | 0x20 : byte)
                }
        }
    }

    private static let specialWordBytes: [[UInt8]] = (specialWords.sorted() + ["<<", "="]).map { Array($0.utf8) }

    private static let leadingIndicatorBytes: [Bool] = (0..<128).map {
        leadingIndicators.contains(Unicode.Scalar(UInt8($0)))
    }
    private static let numericBytes: [Bool] = (0..<128).map { numericAlphabet.contains(Unicode.Scalar(UInt8($0))) }

    /// The rule by Unicode scalars, for text beyond ASCII.
    private static func isPlainSafeScalars(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return false }
        if first == " " || last == " " || leadingIndicators.contains(first) { return false }
        if text == "<<" || text == "=" || text.hasPrefix("...") { return false }
        if last == ":" || adjacent(":", " ", in: scalars) || adjacent(" ", "#", in: scalars) { return false }
        if !scalars.allSatisfy(isPlainCharacter) { return false }
        if specialWords.contains(text.lowercased()) { return false }
        return !looksNumeric(scalars)
    }

    /// Whether `first` is directly followed by `second`; compared by scalars, not characters, as
    /// YAML does: `": \u{301}"` is one `Character` after the colon but still ends a key.
    private static func adjacent(
        _ first: Unicode.Scalar, _ second: Unicode.Scalar, in scalars: String.UnicodeScalarView
    ) -> Bool {
        zip(scalars, scalars.dropFirst()).contains { $0 == first && $1 == second }
    }

    /// Text that starts like a number and uses only characters numbers are made of: it may be
    /// one for some reader, so it is quoted without trying to tell exactly.
    private static func looksNumeric(_ scalars: String.UnicodeScalarView) -> Bool {
        guard let first = scalars.first, first == "." || ("0"..."9").contains(first) else { return false }
        return scalars.allSatisfy(numericAlphabet.contains)
    }

    /// Printable ASCII, or a letter, mark, number, punctuation or symbol beyond ASCII; not a
    /// space other than U+0020, which readers may not agree on and people cannot see.
    private static func isPlainCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.value >= 0x20 && scalar.value < 0x7F }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark,
            .decimalNumber, .letterNumber, .otherNumber,
            .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation,
            .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    /// Characters that YAML can only carry as escapes in double quotes: control characters,
    /// line breaks (including NEL, U+2028, U+2029), the BOM, non-characters, and (as libyaml's
    /// emitter treats them) everything beyond the Basic Multilingual Plane.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x7E, 0xA0...0x2027, 0x202A...0xD7FF, 0xE000...0xFEFE, 0xFF00...0xFFFD: return false
        default: return true
        }
    }
}
