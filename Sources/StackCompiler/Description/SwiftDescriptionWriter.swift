import StackDiagnostics
import YAML

/// Writes a checked manifest, as read (anchors, aliases and merge keys resolved), as the
/// equivalent `stack.swift`: every key the YAML gives, given in Swift with the same value, so
/// that the description's JSON form (`StackInterchange`) is the manifest again.
///
/// Reads the YAML tree and `DescriptionSchema`; writes Swift text through `SwiftLayout` and
/// `SwiftLiteral`. Sections, apps, databases and the entries of every mapping named by the user
/// (env, volumes, labels, …) keep the manifest's order; a call's arguments are in the order of
/// the library's initialiser, as Swift requires. `x-` keys, which the manifest ignores
/// everywhere, are left out: the library has no place for them.
struct SwiftDescriptionWriter {
    /// A value the writer has no Swift for, in a manifest the checker accepted: a mistake in
    /// stackc, not in the manifest.
    struct Problem: Error {
        var message: String
        var span: SourceSpan
    }

    /// How the header comment names the manifest.
    var sourcePath: String
    var layout = SwiftLayout()

    /// The whole file: a header comment, the import, and `let stack = Stack(…) { … }`.
    func write(_ root: YAMLNode) throws -> String {
        let stack = try stackCall(root)
        var lines = ["// Converted by stackc from \(Self.commentText(sourcePath)).", "import StackDescription", ""]
        lines += layout.lines(stack, indent: 0, prefix: "let stack = ")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` for a line comment: no line break or control character can end the comment early.
    static func commentText(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if SwiftLiteral.needsEscape(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: Calls

    /// `Stack("name", domain: "…") { sections }`, the sections in the manifest's order.
    func stackCall(_ root: YAMLNode) throws -> SwiftCode {
        let pairs = try mapping(root, at: "the manifest")
        var name: SwiftCode?
        var domain: SwiftCode?
        var sections: [SwiftCode] = []
        for pair in pairs {
            let key = pair.keyText
            switch key {
            case "stackc":
                // The library writes the only version there is.
                guard pair.value.scalar?.int == 1 else { throw problem("'stackc' is not 1", at: pair.value) }
            case "name":
                name = try value(pair.value, .text, at: key)
            case "domain":
                domain = try value(pair.value, .text, at: key)
            default:
                guard let section = DescriptionSchema.sections.first(where: { $0.key == key })?.section else {
                    throw unknownKey(pair, in: "the manifest")
                }
                sections.append(try sectionCode(section, pair.value, at: key))
            }
        }
        guard let name else { throw problem("the manifest has no 'name'", at: root) }
        var arguments = [SwiftCode.Argument(label: nil, value: name)]
        if let domain { arguments.append(SwiftCode.Argument(label: "domain", value: domain)) }
        return .call("Stack", arguments, block: sections)
    }

    /// One top-level section.
    func sectionCode(_ section: DescriptionSchema.Section, _ node: YAMLNode, at path: String) throws -> SwiftCode {
        switch section {
        case .call(let call):
            return try callCode(node, call, at: path)
        case .named(let callee, let element):
            let entries = node.scalar?.kind == .null ? [] : try mapping(node, at: path)
            let calls = try entries.map { entry in
                try callCode(entry.value, element, name: entry.keyText, at: path + "." + entry.keyText)
            }
            return .call(callee, [], block: calls)
        }
    }

    /// A mapping written as `call`: its name first (the entry's key, or `call.nameKey`), then
    /// each key the mapping gives as a labelled argument, then the trailing block.
    func callCode(_ node: YAMLNode, _ call: DescriptionSchema.Call, name: String? = nil, at path: String) throws
        -> SwiftCode
    {
        // A named entry left empty (`pg:`) has every default.
        let pairs = name != nil && node.scalar?.kind == .null ? [] : try mapping(node, at: path)
        var given: [String: YAMLNode] = [:]
        for pair in pairs {
            guard call.keys.contains(pair.keyText) else { throw unknownKey(pair, in: path) }
            given[pair.keyText] = pair.value
        }
        var arguments: [SwiftCode.Argument] = []
        if let name { arguments.append(SwiftCode.Argument(label: nil, value: .text(SwiftLiteral.string(name)))) }
        if let nameKey = call.nameKey {
            guard let node = given[nameKey] else { throw problem("\(path) has no '\(nameKey)'", at: node) }
            arguments.append(SwiftCode.Argument(label: nil, value: try value(node, .text, at: path + "." + nameKey)))
        }
        for parameter in call.parameters {
            guard let node = given[parameter.key] else { continue }
            arguments.append(
                SwiftCode.Argument(
                    label: parameter.label, value: try value(node, parameter.value, at: path + "." + parameter.key)))
        }
        guard case .items(let key, let element) = call.block, let list = given[key] else {
            return .call(call.callee, arguments)
        }
        let items = try sequence(list, at: path + "." + key)
        guard !items.isEmpty else { return .call(call.callee, arguments) }
        let statements = try items.enumerated().map { index, item in
            try callCode(item, element, at: "\(path).\(key).\(index)")
        }
        return .call(call.callee, arguments, block: statements)
    }

    // MARK: Values

    /// The Swift for `node` written as `kind`.
    func value(_ node: YAMLNode, _ kind: DescriptionSchema.Value, at path: String) throws -> SwiftCode {
        switch kind {
        case .text:
            return .text(SwiftLiteral.string(try text(node, at: path)))
        case .integer:
            guard let number = node.scalar?.int else { throw problem("\(path) is not an integer", at: node) }
            return .text(SwiftLiteral.integer(number))
        case .number:
            guard let number = node.scalar?.number, number.isFinite else {
                throw problem("\(path) is not a number", at: node)
            }
            return .text(SwiftLiteral.number(number))
        case .flag:
            guard let flag = node.scalar?.bool else { throw problem("\(path) is not true or false", at: node) }
            return .text(flag ? "true" : "false")
        case .choice(let choice):
            guard let member = choice.member(try text(node, at: path)) else {
                throw problem("\(path) is not one of \(choice.type)", at: node)
            }
            return .text("." + member)
        case .texts:
            return .array(try sequence(node, at: path).map { .text(SwiftLiteral.string(try text($0, at: path))) })
        case .textMapping:
            return .dictionary(
                try entries(node, at: path).map { pair in
                    SwiftCode.Entry(
                        key: .text(SwiftLiteral.string(pair.keyText)),
                        value: .text(SwiftLiteral.string(try text(pair.value, at: path + "." + pair.keyText))))
                })
        case .environment:
            return .dictionary(
                try entries(node, at: path).map { pair in
                    SwiftCode.Entry(
                        key: .text(SwiftLiteral.string(pair.keyText)),
                        value: .text(try environmentValue(pair.value, at: path + "." + pair.keyText)))
                })
        case .groups:
            return .dictionary(
                try entries(node, at: path).map { pair in
                    SwiftCode.Entry(
                        key: .text(SwiftLiteral.string(pair.keyText)),
                        value: try value(pair.value, .texts, at: path + "." + pair.keyText))
                })
        case .hostToggle:
            if let flag = node.scalar?.bool { return .text(flag ? "true" : "false") }
            return try value(node, .text, at: path)
        case .replicas:
            if node.scalar?.text == "global" { return .text(".global") }
            return try value(node, .integer, at: path)
        case .schedule:
            return .text(try schedule(node, at: path))
        case .appBackup:
            if let flag = node.scalar?.bool { return .text(flag ? "true" : ".off") }
            return .text(try schedule(node, at: path))
        case .timeSpan:
            return .text(
                try quantity(node, units: ["s": "seconds", "m": "minutes", "h": "hours", "d": "days"], at: path))
        case .size:
            return .text(
                try quantity(
                    node, units: ["K": "kilobytes", "M": "megabytes", "G": "gigabytes", "T": "terabytes"], at: path))
        case .command:
            if node.items != nil { return try value(node, .texts, at: path) }
            return try value(node, .text, at: path)
        case .call(let call):
            return try callCode(node, call, at: path)
        case .flagOrCall(let call):
            if let flag = node.scalar?.bool { return .text(flag ? "true" : "false") }
            return try callCode(node, call, at: path)
        case .integerOrCall(let call):
            if node.scalar != nil { return try value(node, .integer, at: path) }
            return try callCode(node, call, at: path)
        case .health(let call):
            if let scalar = node.scalar, scalar.kind == .string, scalar.text == "none" {
                return .text(".off")
            }
            if node.scalar != nil { return try value(node, .text, at: path) }
            return try callCode(node, call, at: path)
        case .shorthandsOrCalls(let call):
            return .array(
                try sequence(node, at: path).enumerated().map { index, item in
                    item.scalar != nil
                        ? try value(item, .text, at: "\(path).\(index)")
                        : try callCode(item, call, at: "\(path).\(index)")
                })
        }
    }

    /// An environment value as a literal whose text is the YAML scalar's text: an integer or
    /// boolean literal where Swift writes that literal back as the same text (`8080`, `true`),
    /// a string literal otherwise (`"0777"`, `"1.5"`: the library takes no decimal literal,
    /// whose spelling Swift does not keep); a null is empty.
    func environmentValue(_ node: YAMLNode, at path: String) throws -> String {
        guard let scalar = node.scalar else { throw problem("\(path) is not a scalar", at: node) }
        let text = scalar.text
        switch scalar.kind {
        case .null:
            return SwiftLiteral.string("")
        case .int where scalar.int.map(String.init) == text:
            return text
        case .bool where text == "true" || text == "false":
            return text
        default:
            return SwiftLiteral.string(text)
        }
    }

    /// `.hourly`, `.daily`, `.weekly`, or `.cron("…")` with the expression as written.
    func schedule(_ node: YAMLNode, at path: String) throws -> String {
        let text = try text(node, at: path)
        return ["hourly", "daily", "weekly"].contains(text) ? "." + text : ".cron(\(SwiftLiteral.string(text)))"
    }

    /// A number and one unit letter (`30s`, `512M`) as the library's function for the unit
    /// (`.seconds(30)`, `.megabytes(512)`), which writes the same text back; anything else
    /// (`1h30m`, `10GB`, `1.5G`) as a string literal.
    func quantity(_ node: YAMLNode, units: [Character: String], at path: String) throws -> String {
        let text = try text(node, at: path)
        guard let unit = text.last, let function = units[unit] else { return SwiftLiteral.string(text) }
        let digits = text.dropLast()
        guard let count = Int(digits), String(count) == digits else { return SwiftLiteral.string(text) }
        return ".\(function)(\(count))"
    }

    // MARK: Reading the tree

    /// The text of a scalar that is not null.
    func text(_ node: YAMLNode, at path: String) throws -> String {
        guard let scalar = node.scalar, scalar.kind != .null else { throw problem("\(path) is not a value", at: node) }
        return scalar.text
    }

    /// The pairs of a mapping, without `x-` keys.
    func mapping(_ node: YAMLNode, at path: String) throws -> [YAMLPair] {
        guard let pairs = node.pairs else { throw problem("\(path) is not a mapping", at: node) }
        return pairs.filter { !$0.isExtension }
    }

    /// The pairs of a mapping of names, without `x-` keys; a null is empty.
    func entries(_ node: YAMLNode, at path: String) throws -> [YAMLPair] {
        node.scalar?.kind == .null ? [] : try mapping(node, at: path)
    }

    /// The items of a list; a null is empty.
    func sequence(_ node: YAMLNode, at path: String) throws -> [YAMLNode] {
        if node.scalar?.kind == .null { return [] }
        guard let items = node.items else { throw problem("\(path) is not a list", at: node) }
        return Array(items)
    }

    func problem(_ message: String, at node: YAMLNode) -> Problem {
        Problem(message: message, span: node.span)
    }

    func unknownKey(_ pair: YAMLPair, in path: String) -> Problem {
        Problem(message: "no parameter for the key '\(pair.keyText)' of \(path)", span: pair.key.span)
    }
}
