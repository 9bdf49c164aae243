/// Reads a Dockerfile's text into its stages, as far as how the image starts is concerned:
/// parser directives (`# escape=`), comments, line continuations, heredocs (skipped), `ARG`
/// before the first `FROM` (substituted into `FROM`), `FROM [--platform=…] image [AS name]`,
/// `ENTRYPOINT`, `CMD` and `SHELL` in exec form (a JSON array) and shell form. Every other
/// instruction is skipped. Any text gives a result: what Docker would refuse is read as far as
/// it goes.
struct DockerfileParser {
    /// The Dockerfile's stages from `text`.
    static func parse(_ text: String) -> Dockerfile {
        var parser = DockerfileParser()
        for line in logicalLines(text) { parser.read(line) }
        return parser.dockerfile
    }

    private var dockerfile = Dockerfile(stages: [])
    /// The stages so far by name, the last of a name winning, for the stages built on them.
    private var stageIndex: [String: Int] = [:]
    /// The `ARG`s before the first `FROM`, with their defaults (build arguments are not known).
    private var globalArguments: [String: String] = [:]

    private mutating func read(_ line: String) {
        let (keyword, rest) = Self.instruction(line)
        switch keyword {
        case "arg" where dockerfile.stages.isEmpty:
            for (name, value) in Self.argumentDefinitions(rest) {
                globalArguments[name] = value.map { Self.substitute($0, globalArguments) } ?? ""
            }
        case "from":
            var stage = from(rest)
            if let parent = stageIndex[stage.base.lowercased()] {
                stage.parent = parent
                stage.shell = dockerfile.stages[parent].shell
            }
            if let name = stage.name { stageIndex[name] = dockerfile.stages.count }
            dockerfile.stages.append(stage)
        case "entrypoint", "cmd", "shell":
            guard let index = dockerfile.stages.indices.last else { return }
            let json = Self.jsonStrings(rest)
            switch keyword {
            case "shell":
                // Only the exec form is valid; Docker refuses anything else.
                if let json, !json.isEmpty { dockerfile.stages[index].shell = json }
            case "entrypoint":
                dockerfile.stages[index].entrypoint = json ?? dockerfile.stages[index].shell + [rest]
            default:
                dockerfile.stages[index].command = json ?? dockerfile.stages[index].shell + [rest]
            }
        default:
            break
        }
    }

    /// A stage from the words after `FROM`: flags (`--platform=…`) skipped, the image with the
    /// global `ARG`s substituted, and the name after `AS`.
    private func from(_ rest: String) -> Dockerfile.Stage {
        let words = rest.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init).filter {
            !$0.hasPrefix("--")
        }
        let base = words.first.map { Self.substitute($0, globalArguments) } ?? ""
        var name: String?
        if words.count >= 3, words[1].lowercased() == "as" { name = words[2].lowercased() }
        return Dockerfile.Stage(base: base, name: name)
    }

    /// The instruction's keyword in lower case, and the rest of the line without the
    /// whitespace around it.
    static func instruction(_ line: String) -> (keyword: String, rest: String) {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        let keyword = trimmed.prefix { $0 != " " && $0 != "\t" }
        return (keyword.lowercased(), trimmedWhitespace(trimmed.dropFirst(keyword.count)))
    }

    static func trimmedWhitespace(_ text: Substring) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        return String(text.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}

// MARK: - Lines

extension DockerfileParser {
    /// The instructions of `text`, each on one line: parser directives read, comments and
    /// blank lines dropped, continued lines joined (the escape character and line end removed,
    /// as Docker does), and the bodies of heredocs skipped.
    static func logicalLines(_ text: String) -> [String] {
        // `\r\n` is one Character in Swift: both line ends split.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        var escape: Character = "\\"
        var index = 0
        // Parser directives: `# key=value` lines at the very top.
        while index < lines.count, let (key, value) = directive(lines[index]) {
            if key == "escape", value == "`" || value == "\\" { escape = Character(value) }
            index += 1
        }
        var result: [String] = []
        // The instruction so far while its lines end in the escape character (appended in
        // place: a long run of continued lines must not be copied once per line).
        var pending = ""
        var continuing = false
        while index < lines.count {
            let line = lines[index]
            index += 1
            let content = line.drop { $0 == " " || $0 == "\t" }
            if content.first == "#" || (continuing && content.allSatisfy(\.isWhitespace)) {
                continue  // a comment, or a blank line inside a continued instruction
            }
            // A first line loses its indentation, a continued one keeps it (Docker's joining).
            var text = continuing ? line : content
            if text.last == "\r" { text = text.dropLast() }
            let beforeEscape = text.reversed().drop { $0 == " " || $0 == "\t" }
            if beforeEscape.first == escape {
                pending += text.prefix(beforeEscape.count - 1)
                continuing = true
                continue
            }
            pending += text
            let whole = trimmedWhitespace(pending[...])
            (pending, continuing) = ("", false)
            guard !whole.allSatisfy(\.isWhitespace) else { continue }
            result.append(whole)
            // The heredocs an instruction opens take the lines up to their delimiters.
            for (delimiter, stripsTabs) in heredocs(whole) {
                while index < lines.count {
                    var body = lines[index]
                    index += 1
                    if body.last == "\r" { body = body.dropLast() }
                    if stripsTabs { body = body.drop { $0 == "\t" } }
                    if body.elementsEqual(delimiter) { break }
                }
            }
        }
        if !pending.allSatisfy(\.isWhitespace) { result.append(trimmedWhitespace(pending[...])) }
        return result
    }

    /// A parser directive's key in lower case and its value, or nil when the line is none.
    static func directive(_ line: Substring) -> (String, String)? {
        let content = line.drop { $0 == " " || $0 == "\t" }
        guard content.first == "#" else { return nil }
        let text = trimmedWhitespace(content.dropFirst())
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let key = trimmedWhitespace(text[..<equals])
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0 == "_" || $0 == "-" }) else { return nil }
        return (key.lowercased(), trimmedWhitespace(text[text.index(after: equals)...]))
    }

    /// The heredocs `RUN`, `COPY` or `ADD` opens (`<<EOF`, `<<-EOF`, `<<"EOF"`): each one's
    /// delimiter and whether its body's leading tabs are stripped (`<<-`).
    static func heredocs(_ line: String) -> [(delimiter: String, stripsTabs: Bool)] {
        guard ["run", "copy", "add"].contains(instruction(line).keyword) else { return [] }
        var found: [(String, Bool)] = []
        var rest = line[...]
        while let open = rest.firstRange(of: "<<") {
            rest = rest[open.upperBound...]
            let stripsTabs = rest.first == "-"
            if stripsTabs { rest = rest.dropFirst() }
            let quote = rest.first == "\"" || rest.first == "'" ? rest.first : nil
            if quote != nil { rest = rest.dropFirst() }
            let word = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            guard !word.isEmpty else { continue }
            rest = rest.dropFirst(word.count)
            if let quote, rest.first == quote { rest = rest.dropFirst() }
            found.append((String(word), stripsTabs))
        }
        return found
    }
}

// MARK: - Values

extension DockerfileParser {
    /// The definitions of an `ARG` line: `NAME`, `NAME=default`, `NAME="quoted default"`, one
    /// or more.
    static func argumentDefinitions(_ text: String) -> [(name: String, value: String?)] {
        var definitions: [(String, String?)] = []
        var rest = text[...]
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard !rest.isEmpty else { return definitions }
            let name = rest.prefix { $0 != "=" && $0 != " " && $0 != "\t" }
            rest = rest.dropFirst(name.count)
            guard rest.first == "=" else {
                definitions.append((String(name), nil))
                continue
            }
            rest = rest.dropFirst()
            var value = ""
            var quote: Character?
            while let character = rest.first {
                if quote == nil, character == " " || character == "\t" { break }
                rest = rest.dropFirst()
                if character == quote {
                    quote = nil
                } else if quote == nil, character == "\"" || character == "'" {
                    quote = character
                } else {
                    value.append(character)
                }
            }
            definitions.append((String(name), value))
        }
    }

    /// `text` with `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:+alt}` and
    /// `${NAME+alt}` replaced from `arguments` (an unknown name is empty); `\$` is a `$`.
    static func substitute(_ text: String, _ arguments: [String: String]) -> String {
        guard text.contains("$") else { return text }
        var result = ""
        var rest = text[...]
        while let character = rest.first {
            rest = rest.dropFirst()
            if character == "\\", rest.first == "$" {
                result.append("$")
                rest = rest.dropFirst()
                continue
            }
            guard character == "$" else {
                result.append(character)
                continue
            }
            if rest.first == "{", let close = rest.firstIndex(of: "}") {
                result += expand(rest[rest.index(after: rest.startIndex)..<close], arguments)
                rest = rest[rest.index(after: close)...]
                continue
            }
            let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            guard !name.isEmpty else {
                result.append("$")
                continue
            }
            result += arguments[String(name)] ?? ""
            rest = rest.dropFirst(name.count)
        }
        return result
    }

    /// The value of the inside of `${…}`.
    static func expand(_ inside: Substring, _ arguments: [String: String]) -> String {
        let name = inside.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        let value = arguments[String(name)]
        var modifier = inside.dropFirst(name.count)
        let colon = modifier.first == ":"
        if colon { modifier = modifier.dropFirst() }
        // With a colon, an empty value counts as unset.
        let set = value.map { !colon || !$0.isEmpty } ?? false
        switch modifier.first {
        case "-": return set ? value ?? "" : String(modifier.dropFirst())
        case "+": return set ? String(modifier.dropFirst()) : ""
        default: return value ?? ""
        }
    }

    /// The strings of a JSON array of strings (the exec form), or nil when `text` is not one
    /// (Docker then reads it as shell form).
    static func jsonStrings(_ text: String) -> [String]? {
        var bytes = text.utf8[...]
        func skipSpace() { bytes = bytes.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A } }
        guard bytes.first == UInt8(ascii: "[") else { return nil }
        bytes = bytes.dropFirst()
        var strings: [String] = []
        skipSpace()
        if bytes.first == UInt8(ascii: "]") {
            bytes = bytes.dropFirst()
        } else {
            while true {
                skipSpace()
                guard let string = jsonString(&bytes) else { return nil }
                strings.append(string)
                skipSpace()
                guard let next = bytes.popFirst() else { return nil }
                if next == UInt8(ascii: "]") { break }
                guard next == UInt8(ascii: ",") else { return nil }
            }
        }
        skipSpace()
        return bytes.isEmpty ? strings : nil
    }

    /// One JSON string at the start of `bytes`, which it consumes; nil when there is none.
    static func jsonString(_ bytes: inout Substring.UTF8View.SubSequence) -> String? {
        guard bytes.popFirst() == UInt8(ascii: "\"") else { return nil }
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() -> Bool {
            guard !raw.isEmpty else { return true }
            guard let text = String(validating: raw, as: UTF8.self) else { return false }
            scalars.append(contentsOf: text.unicodeScalars)
            raw.removeAll()
            return true
        }
        var pendingHigh: UInt32?
        while let byte = bytes.popFirst() {
            if byte != UInt8(ascii: "\\"), pendingHigh != nil { return nil }
            switch byte {
            case UInt8(ascii: "\""):
                guard pendingHigh == nil, flush() else { return nil }
                return String(scalars)
            case UInt8(ascii: "\\"):
                guard flush(), let escaped = bytes.popFirst() else { return nil }
                let simple: [UInt8: Unicode.Scalar] = [
                    UInt8(ascii: "\""): "\"", UInt8(ascii: "\\"): "\\", UInt8(ascii: "/"): "/",
                    UInt8(ascii: "b"): "\u{08}", UInt8(ascii: "f"): "\u{0C}", UInt8(ascii: "n"): "\n",
                    UInt8(ascii: "r"): "\r", UInt8(ascii: "t"): "\t",
                ]
                if let scalar = simple[escaped] {
                    guard pendingHigh == nil else { return nil }
                    scalars.append(scalar)
                    continue
                }
                guard escaped == UInt8(ascii: "u"), bytes.count >= 4,
                    bytes.prefix(4).allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }),
                    let code = UInt32(String(decoding: bytes.prefix(4), as: UTF8.self), radix: 16)
                else { return nil }
                bytes = bytes.dropFirst(4)
                if let high = pendingHigh {
                    guard (0xDC00...0xDFFF).contains(code),
                        let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00))
                    else { return nil }
                    scalars.append(scalar)
                    pendingHigh = nil
                } else if (0xD800...0xDBFF).contains(code) {
                    pendingHigh = code
                } else {
                    guard let scalar = Unicode.Scalar(code) else { return nil }
                    scalars.append(scalar)
                }
            case 0x00..<0x20:
                return nil  // control characters must be escaped
            default:
                raw.append(byte)
            }
        }
        return nil
    }
}
