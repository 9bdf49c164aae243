import StackDiagnostics
import YAML

extension SyntaxDecoder {
    /// Seconds per duration unit, by the unit's letter (ASCII).
    static func durationUnit(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x73: return 1  // s
        case 0x6D: return 60  // m
        case 0x68: return 3600  // h
        case 0x64: return 86_400  // d
        default: return nil
        }
    }

    /// `30s`, `5m`, `1h`, `7d`, or several joined (`1h30m`).
    mutating func duration(_ node: YAMLNode, in context: @autoclosure () -> String, likelyUnit: String = "s")
        -> Located<TimeSpan>?
    {
        guard let text = formatText(node, in: context(), expected: "a duration such as 30s, 5m, 1h or 7d") else {
            return nil
        }
        guard let seconds = Self.durationSeconds(text.value) else {
            invalidFormat(
                node, text.value, in: context(), expected: "a duration such as 30s, 5m, 1h or 7d",
                help: Int(text.value) != nil
                    ? "add a unit: '\(text.value)\(likelyUnit)'"
                    : Self.durationSpelling(text.value).map { "write '\($0)'" })
            return nil
        }
        return Located(value: TimeSpan(seconds: seconds), span: text.span)
    }

    /// A duration written in words or with a fraction (`5sec`, `2 weeks`, `1.5m`), as stackc
    /// writes it (`5s`, `14d`, `90s`); nil when it does not read as one.
    static func durationSpelling(_ text: String) -> String? {
        let lowered = text.lowercased().filter { $0 != " " }
        guard let split = lowered.firstIndex(where: { !$0.isNumber && $0 != "." }),
            let amount = Double(lowered[..<split]), amount > 0, amount < 1e6
        else { return nil }
        let units: [(words: [String], seconds: Double)] = [
            (["s", "sec", "secs", "second", "seconds"], 1), (["m", "min", "mins", "minute", "minutes"], 60),
            (["h", "hr", "hrs", "hour", "hours"], 3600), (["d", "day", "days"], 86_400),
            (["w", "week", "weeks"], 604_800),
        ]
        let word = String(lowered[split...])
        guard let unit = units.first(where: { $0.words.contains(word) }) else { return nil }
        let seconds = amount * unit.seconds
        guard seconds >= 1, seconds == seconds.rounded() else { return nil }
        let whole = Int(seconds)
        let spelled =
            whole % 86_400 == 0
            ? "\(whole / 86_400)d"
            : whole % 3600 == 0
                ? "\(whole / 3600)h"
                : whole % 60 == 0 ? "\(whole / 60)m" : "\(whole)s"
        return spelled == text ? nil : spelled
    }

    /// The seconds of a duration, or nil when it is not one. Parts of at most 9 digits each,
    /// bounded to a century in all, so that no sum of parts can overflow.
    static func durationSeconds(_ text: String) -> Int? {
        var seconds = 0
        var value = 0
        var digits = 0
        for byte in text.utf8 {
            if (0x30...0x39).contains(byte) {
                digits += 1
                if digits <= 9 { value = value * 10 + Int(byte - 0x30) }
            } else if let unit = durationUnit(byte), (1...9).contains(digits),
                seconds + value * unit <= 100 * 365 * 86_400
            {
                seconds += value * unit
                value = 0
                digits = 0
            } else {
                return nil
            }
        }
        return !text.isEmpty && digits == 0 ? seconds : nil
    }

    /// `512M`, `2G`, `10GB`, `1.5G` (binary multiples). A bare number gets a unit in the help:
    /// gigabytes below `gigabytesBelow`, megabytes from there (what the key most likely meant:
    /// `memory: 2048` of a node is 2048M, `disk: 20` is 20G).
    mutating func size(_ node: YAMLNode, in context: @autoclosure () -> String, gigabytesBelow: Int = 16) -> Located<
        ByteSize
    >? {
        let expected = "a size such as 512M, 2G or 10GB"
        guard let text = formatText(node, in: context(), expected: expected) else { return nil }
        guard let bytes = Self.sizeBytes(text.value) else {
            let joined = text.value.filter { $0 != " " }
            invalidFormat(
                node, text.value, in: context(), expected: expected,
                help: Int(text.value).map { Self.sizeHint($0, gigabytesBelow: gigabytesBelow) }
                    ?? (joined != text.value && Self.sizeBytes(joined) != nil
                        ? "write it without spaces: '\(joined)'" : nil))
            return nil
        }
        return Located(value: ByteSize(bytes: bytes), span: text.span)
    }

    /// "add a unit, for example '2048M' (the same as '2G')" for a size written as a bare number.
    static func sizeHint(_ number: Int, gigabytesBelow: Int) -> String {
        guard number >= gigabytesBelow else { return "add a unit, for example '\(number)G'" }
        let same = number >= 1024 && number % 1024 == 0 ? " (the same as '\(number / 1024)G')" : ""
        return "add a unit, for example '\(number)M'" + same
    }

    /// The bytes of a size: an amount of digits and at most one dot, then K, M, G or T, alone
    /// or followed by B or iB, in any case; nil when it is not one.
    static func sizeBytes(_ text: String) -> Int64? {
        var utf8 = Array(text.utf8)
        for index in utf8.indices where (0x61...0x7A).contains(utf8[index]) { utf8[index] -= 0x20 }  // ASCII upper case
        var end = utf8.count
        if end >= 1, utf8[end - 1] == 0x42 {  // B, or IB
            end -= 1
            if end >= 1, utf8[end - 1] == 0x49 { end -= 1 }
        }
        guard end >= 1 else { return nil }
        let shift: Int
        switch utf8[end - 1] {
        case 0x4B: shift = 10  // K
        case 0x4D: shift = 20  // M
        case 0x47: shift = 30  // G
        case 0x54: shift = 40  // T
        default: return nil
        }
        let digits = utf8[..<(end - 1)]
        guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) || $0 == 0x2E }),
            let amount = Double(String(decoding: digits, as: UTF8.self)), amount > 0, amount < 1e6
        else { return nil }
        return Int64(amount * Double(Int64(1) << shift))
    }

    /// A DNS label as the spec defines names: `[a-z][a-z0-9-]{0,62}`, not ending in `-`.
    mutating func name(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<String>? {
        guard let scalar = node.scalar, scalar.kind != .null, node.pairs == nil else {
            wrongType(node, expected: "a name", in: context())
            return nil
        }
        return checkedName(Located(value: scalar.text, span: node.span), in: context())
    }

    /// Checks that a name (also a map key) is a DNS label.
    mutating func checkedName(_ name: Located<String>, in context: @autoclosure () -> String) -> Located<String>? {
        guard Self.isName(name.value) else {
            let fixed = Self.suggestName(name.value)
            error(
                Codes.invalidName, "'\(clip(name.value))' is not a valid name for \(context())", at: name.span,
                expected:
                    "a DNS label: a lowercase letter, then lowercase letters, digits or '-', at most 63 characters, not ending in '-'",
                help: fixed.map { "try '\($0)'" })
            return nil
        }
        return name
    }

    /// True for `[a-z][a-z0-9-]{0,62}` not ending in `-`.
    static func isName(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let first = bytes.first, (0x61...0x7A).contains(first), bytes.count <= 63, bytes.last != 0x2D else {
                return false
            }
            return bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
        }
    }

    /// A likely valid spelling of an invalid name, for the help note.
    static func suggestName(_ text: String) -> String? {
        var out = String(foldingAccents(text.lowercased()).prefix(63).map { $0.isLetter || $0.isNumber ? $0 : "-" })
        out = String(out.unicodeScalars.filter { $0.isASCII })
        while out.hasSuffix("-") { out.removeLast() }
        while let first = out.first, !first.isLetter { out.removeFirst() }
        return isName(out) && out != text ? out : nil
    }

    /// Latin letters with accents as their ASCII letters (`zoë` → `zoe`), for suggestions.
    static func foldingAccents(_ text: String) -> String {
        guard !text.utf8.allSatisfy({ $0 < 0x80 }) else { return text }
        let table: [Character: String] = [
            "à": "a", "á": "a", "â": "a", "ã": "a", "ä": "a", "å": "a", "æ": "ae", "ç": "c", "è": "e", "é": "e",
            "ê": "e",
            "ë": "e", "ì": "i", "í": "i", "î": "i", "ï": "i", "ñ": "n", "ò": "o", "ó": "o", "ô": "o", "õ": "o",
            "ö": "o",
            "ø": "o", "œ": "oe", "ß": "ss", "ù": "u", "ú": "u", "û": "u", "ü": "u", "ý": "y", "ÿ": "y",
        ]
        return text.reduce(into: "") { out, character in
            if let plain = table[character] { out += plain } else { out.append(character) }
        }
    }

    /// A host: one DNS label (under the domain) or a full name.
    mutating func host(_ node: YAMLNode, in context: @autoclosure () -> String, isDomain: Bool = false) -> Located<
        String
    >? {
        let expected =
            isDomain
            ? "a domain name such as 'example.org'"
            : "a host: one label such as 'cloud' (under the domain) or a full name such as 'cloud.example.org'"
        // A number is refused as every other string key refuses it: `host: 8080` is far more
        // often a port in the wrong key than a host named 8080 (which can be quoted).
        if let scalar = node.scalar, scalar.kind == .int || scalar.kind == .float || scalar.kind == .bool {
            wrongType(
                node, expected: isDomain ? "a domain name" : "a host name", in: context(),
                help: scalar.kind == .bool
                    ? nil
                    : "quote it if it is meant as a name: \"\(scalar.text)\"; a port goes in 'port'")
            return nil
        }
        guard let text = formatText(node, in: context(), expected: expected) else { return nil }
        guard Self.isHostName(text.value) else {
            let dashed = String(Self.foldingAccents(text.value.lowercased()).map { $0 == "_" || $0 == " " ? "-" : $0 })
            let missing = [
                text.value.contains(" ") ? "spaces" : nil, text.value.contains("_") ? "'_'" : nil,
            ].compactMap { $0 }.joined(separator: " or ")
            invalidFormat(
                node, text.value, in: context(), expected: expected,
                help: text.value.contains("://") || text.value.contains("/")
                    ? "give the host name only, without scheme or path"
                    : Self.isHostName(dashed) && !missing.isEmpty
                        ? "did you mean '\(dashed)'? host names have no \(missing)" : nil)
            return nil
        }
        let lower = text.value.utf8.contains { (0x41...0x5A).contains($0) } ? text.value.lowercased() : text.value
        return Located(value: lower, span: text.span)
    }

    /// Labels of letters, digits and `-`, dot-separated, at most 253 characters.
    static func isHostName(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= 253 else { return false }
        var labelLength = 0
        var previous: UInt8 = 0x2E
        for byte in utf8 {
            if byte == 0x2E {
                // A label ends: not empty, not ending in `-`.
                guard labelLength > 0, previous != 0x2D else { return false }
                labelLength = 0
            } else {
                let letter = (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
                guard letter || (0x30...0x39).contains(byte) || byte == 0x2D else { return false }
                // A label starts with a letter or digit and has at most 63 characters.
                if labelLength == 0 && byte == 0x2D { return false }
                labelLength += 1
                guard labelLength <= 63 else { return false }
            }
            previous = byte
        }
        return labelLength > 0 && previous != 0x2D
    }

    /// A dotted-quad IPv4 address.
    mutating func ipv4(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<[Int]>? {
        let expected = "an IPv4 address such as 192.168.56.101"
        guard let text = formatText(node, in: context(), expected: expected) else { return nil }
        let parts = text.value.split(separator: ".", omittingEmptySubsequences: false)
        let octets = parts.compactMap { part -> Int? in
            guard part.count <= 3, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber), let value = Int(part),
                value <= 255
            else { return nil }
            return value
        }
        guard parts.count == 4, octets.count == 4 else {
            let address = text.value.split(separator: "/").first.map(String.init) ?? ""
            invalidFormat(
                node, text.value, in: context(), expected: expected,
                help: text.value.contains("/") && address.split(separator: ".").count == 4
                    ? "give the address alone, without the prefix length: '\(address)' (the nodes share its /24)" : nil)
            return nil
        }
        // Some tools read a leading zero as octal, others refuse it: the address must mean one thing.
        if parts.contains(where: { $0.count > 1 && $0.hasPrefix("0") }) {
            invalidFormat(
                node, text.value, in: context(), expected: expected,
                help: "write it without leading zeros: '\(octets.map(String.init).joined(separator: "."))'")
            return nil
        }
        // Nodes need a unicast address of their own network.
        if octets[0] == 0 || octets[0] == 127 || octets[0] >= 224 {
            let what =
                octets[0] == 127
                ? "a loopback address"
                : octets[0] == 0
                    ? "in 0.0.0.0/8, which no host may use"
                    : octets[0] < 240 ? "a multicast address" : "a reserved address"
            error(
                Codes.invalidValue, "\(context()) \(text.value) is \(what)", at: text.span,
                expected: "the address of a host on the nodes' network, such as 192.168.56.101")
            return nil
        }
        return Located(value: octets, span: text.span)
    }

    /// `hourly`, `daily`, `weekly` or a five-field cron expression.
    mutating func schedule(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<Schedule>? {
        let expected = "hourly, daily, weekly, or five cron fields such as '30 2 * * *'"
        guard let text = formatText(node, in: context(), expected: expected) else { return nil }
        switch text.value {
        case "hourly": return Located(value: Schedule(cron: "0 * * * *"), span: text.span)
        case "daily": return Located(value: Schedule(cron: "0 3 * * *"), span: text.span)
        case "weekly": return Located(value: Schedule(cron: "0 3 * * 0"), span: text.span)
        default: break
        }
        let fields = text.value.split(separator: " ", omittingEmptySubsequences: true)
        let ranges = [0...59, 0...23, 1...31, 1...12, 0...7]
        guard fields.count == 5, zip(fields, ranges).allSatisfy({ Self.isCronField(String($0), range: $1) }) else {
            let suggestion = Suggestion.closest(to: text.value, in: ["hourly", "daily", "weekly"])
            invalidFormat(
                node, text.value, in: context(), expected: expected,
                help: suggestion.map { "did you mean '\($0)'?" }
                    ?? (fields.count == 5
                        ? "cron fields are numbers: minute 0–59, hour 0–23, day 1–31, month 1–12, weekday 0–7 (0 and 7 are Sunday), a step at most the field's range; names such as MON are not read"
                        : "a cron expression has five fields: minute, hour, day of month, month, weekday"))
            return nil
        }
        return Located(value: Schedule(cron: fields.joined(separator: " ")), span: text.span)
    }

    /// `*`, `*/n`, `a`, `a-b`, `a-b/n`, and comma lists of those, within `range`; a step is at
    /// least 1 and at most the number of values in the range (`*/60` for minutes fires at 0
    /// only; anything larger says nothing more, and cron implementations refuse it).
    static func isCronField(_ field: String, range: ClosedRange<Int>) -> Bool {
        field.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { part in
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { return false }
            if pieces.count == 2, Int(pieces[1]).map({ !(1...range.count).contains($0) }) ?? true { return false }
            if pieces[0] == "*" { return true }
            let bounds = pieces[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard (1...2).contains(bounds.count), bounds.allSatisfy({ $0.map(range.contains) ?? false }) else {
                return false
            }
            return bounds.count == 1 || bounds[0]! <= bounds[1]!
        }
    }

    /// An absolute path inside a container: starts with `/`, no `..`, no spaces or colons.
    mutating func containerPath(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<String>? {
        let expected = "an absolute path such as /var/lib/app"
        guard let text = formatText(node, in: context(), expected: expected) else { return nil }
        guard text.value.utf8.first == 0x2F, !Self.hasParentComponent(text.value),
            !Self.containsSpaceOrControl(text.value, orAnyOf: ":")
        else {
            invalidFormat(node, text.value, in: context(), expected: expected)
            return nil
        }
        guard text.value.utf8.contains(where: { $0 != 0x2F }) else {
            invalidFormat(
                node, text.value, in: context(), expected: "a folder below '/', such as /var/lib/app",
                help: "Docker cannot mount over the container's root")
            return nil
        }
        return text
    }

    /// True when one of the `/`-separated components of `path` is `..`.
    static func hasParentComponent(_ path: String) -> Bool {
        var length = 0
        var dots = 0
        for byte in path.utf8 {
            if byte == 0x2F {
                if length == 2 && dots == 2 { return true }
                length = 0
                dots = 0
            } else {
                length += 1
                if byte == 0x2E { dots += 1 }
            }
        }
        return length == 2 && dots == 2
    }

    /// True when `text` holds whitespace, a control character, or one of the ASCII characters
    /// `ascii`. By UTF-8 byte, and by Unicode scalar only for text that is not all ASCII:
    /// grapheme breaking (iterating Characters) costs more than the rest of a check.
    static func containsSpaceOrControl(_ text: String, orAnyOf ascii: StaticString = "") -> Bool {
        var nonASCII = false
        for byte in text.utf8 {
            if byte >= 0x80 {
                nonASCII = true
            } else if byte <= 0x20 || byte == 0x7F || ascii.withUTF8Buffer({ $0.contains(byte) }) {
                return true
            }
        }
        return nonASCII && text.unicodeScalars.contains { !$0.isASCII && $0.properties.isWhitespace }
    }

    /// A string scalar, or an error naming the expected format.
    mutating func formatText(_ node: YAMLNode, in context: @autoclosure () -> String, expected: String) -> Located<
        String
    >? {
        guard let scalar = node.scalar, scalar.kind != .null else {
            wrongType(node, expected: expected, in: context())
            return nil
        }
        return Located(value: scalar.text, span: node.span)
    }

    mutating func invalidFormat(
        _ node: YAMLNode, _ text: String, in context: @autoclosure () -> String, expected: String, help: String? = nil
    ) {
        error(
            Codes.invalidFormat, "'\(clip(text))' is not valid for \(context())", at: node.span, expected: expected,
            help: help)
    }

    /// A value cut to a length that fits in a message.
    func clip(_ text: String) -> String { Self.clip(text) }

    static func clip(_ text: String) -> String {
        text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}
