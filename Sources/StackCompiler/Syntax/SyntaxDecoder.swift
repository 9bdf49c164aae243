import StackDiagnostics
import YAML

/// Decodes YAML nodes into typed values, reporting every mismatch as a located diagnostic and
/// carrying on, so that one run finds every problem.
struct SyntaxDecoder {
    /// Where diagnostics go; the check rules report into it after the decoder.
    var sink: DiagnosticSink

    init(path: String) {
        sink = DiagnosticSink(path: path)
    }

    // MARK: Reporting

    mutating func error(
        _ code: DiagnosticCode, _ message: String, at span: SourceSpan?,
        expected: String? = nil, help: String? = nil, notes: [Diagnostic.Note] = []
    ) {
        sink.error(code, message, at: span, expected: expected, help: help, notes: notes)
    }

    mutating func warning(
        _ code: DiagnosticCode, _ message: String, at span: SourceSpan?,
        expected: String? = nil, help: String? = nil, notes: [Diagnostic.Note] = []
    ) {
        sink.warning(code, message, at: span, expected: expected, help: help, notes: notes)
    }

    mutating func wrongType(
        _ node: YAMLNode, expected: String, in context: @autoclosure () -> String, help: String? = nil
    ) {
        error(
            Codes.wrongType, "\(context()) must be \(expected), not \(node.kindDescription)", at: node.span,
            expected: expected, help: help ?? quoteHint(node, expected: expected))
    }

    private func quoteHint(_ node: YAMLNode, expected: String) -> String? {
        guard let scalar = node.scalar, scalar.kind != .string, expected.contains("string") else { return nil }
        return "quote it to make it a string: \"\(scalar.text)\""
    }

    // MARK: Mappings

    /// The entries of a mapping whose keys must all be in `known`; reports unknown keys (with a
    /// did-you-mean) and ignores `x-` keys. Nil (after an error) when `node` is not a mapping.
    mutating func fields(_ node: YAMLNode, in context: @autoclosure () -> String, known: YAMLKeySet) -> Fields? {
        guard let pairs = node.pairs else {
            wrongType(node, expected: "a mapping", in: context())
            return nil
        }
        for index in pairs.indices where !pairs.key(at: index, isIn: known) {
            if !pairs[index].isExtension { unknownKey(in: pairs, at: index, in: context(), known: known.texts) }
        }
        return Fields(node: node, context: context(), pairs: pairs)
    }

    private mutating func unknownKey(
        in pairs: YAMLPairs, at index: Int, in context: @autoclosure () -> String, known: [String]
    ) {
        let pair = pairs[index]
        let key = pair.keyText
        error(
            Codes.unknownKey, "unknown key '\(clip(key))' in \(context())", at: pair.key.span,
            expected: "one of " + known.joined(separator: ", "),
            help: UnknownKeyHelp(pairs: pairs, index: index, known: known).help)
    }

    /// Entries of a map whose keys are user names (apps, databases, env); `x-` keys are skipped.
    mutating func entries(
        _ node: YAMLNode, in context: @autoclosure () -> String,
        help: @autoclosure () -> String? = nil
    ) -> [YAMLPair]? {
        if node.scalar?.kind == .null { return [] }
        guard let pairs = node.pairs else {
            wrongType(node, expected: "a mapping", in: context(), help: help())
            return nil
        }
        var result: [YAMLPair] = []
        result.reserveCapacity(pairs.count)
        for pair in pairs where !pair.isExtension {
            result.append(pair)
        }
        return result
    }

    /// Items of a list; null counts as empty.
    mutating func items(_ node: YAMLNode, in context: @autoclosure () -> String) -> YAMLItems? {
        if node.scalar?.kind == .null { return YAMLItems.empty }
        guard let items = node.items else {
            let help = node.scalar.map { "write a list: [\($0.text)]" }
            wrongType(node, expected: "a list", in: context(), help: help)
            return nil
        }
        return items
    }

    // MARK: Scalars

    /// A string value (quoted or plain that resolves to a string).
    mutating func string(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<String>? {
        guard let scalar = node.scalar, scalar.kind == .string else {
            wrongType(node, expected: "a string", in: context())
            return nil
        }
        return Located(value: scalar.text, span: node.span)
    }

    /// Any non-null scalar, as the text written (for versions and environment values).
    mutating func text(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<String>? {
        guard let scalar = node.scalar, scalar.kind != .null else {
            wrongType(node, expected: "a string or number", in: context())
            return nil
        }
        return Located(value: scalar.text, span: node.span)
    }

    /// A boolean.
    mutating func bool(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<Bool>? {
        guard let value = node.scalar?.bool else {
            let text = node.scalar?.text.lowercased() ?? ""
            let help: String?
            if node.scalar?.quoted == true, text == "true" || text == "false" {
                help = "remove the quotes: \(text)"
            } else {
                help = yesNoHint(node)
            }
            wrongType(node, expected: "true or false", in: context(), help: help)
            return nil
        }
        return Located(value: value, span: node.span)
    }

    /// YAML 1.1's words for true and false, which YAML 1.2 reads as strings.
    static let yaml11Booleans = ["yes", "no", "on", "off"]

    /// For `yes`, `no`, `on` and `off` where a boolean may go: YAML 1.2 reads them as strings.
    func yesNoHint(_ node: YAMLNode) -> String? {
        guard let scalar = node.scalar, !scalar.quoted, Self.yaml11Booleans.contains(scalar.text.lowercased()) else {
            return nil
        }
        return "YAML 1.2 reads '\(scalar.text)' as a string; write true or false"
    }

    /// An integer within `range`.
    mutating func int(_ node: YAMLNode, in context: @autoclosure () -> String, range: ClosedRange<Int>) -> Located<Int>?
    {
        guard let scalar = node.scalar, scalar.kind == .int else {
            let quotedNumber = node.scalar.map { $0.quoted && Int($0.text) != nil } == true
            wrongType(
                node, expected: "an integer", in: context(),
                help: quotedNumber ? "remove the quotes: \(node.scalar?.text ?? "")" : nil)
            return nil
        }
        guard let value = scalar.int else {
            error(
                Codes.invalidValue, "\(context()) is too large: \(clip(scalar.text))", at: node.span,
                expected: range.upperBound == Int.max
                    ? "an integer" : "an integer from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        guard range.contains(value) else {
            let bounds =
                range.upperBound == Int.max
                ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            error(
                Codes.invalidValue, "\(context()) must be \(bounds), not \(value)", at: node.span,
                expected: "an integer \(bounds)")
            return nil
        }
        return Located(value: value, span: node.span)
    }

    /// A number (integer or decimal) greater than zero and at most `maximum`.
    mutating func positiveNumber(_ node: YAMLNode, in context: @autoclosure () -> String, maximum: Double) -> Located<
        Double
    >? {
        guard let value = node.scalar?.number, value.isFinite else {
            // Docker's `--cpus` is a number of CPUs: `50%` is half of one.
            let text = node.scalar?.text ?? ""
            let percent = text.hasSuffix("%") ? Double(text.dropLast()) : nil
            wrongType(
                node, expected: "a number", in: context(),
                help: percent.map {
                    "give a number of CPUs: '\(Self.formatNumber($0 / 100))' is \(text) of one CPU"
                })
            return nil
        }
        // Docker counts CPUs in billionths and refuses less than a hundredth (`--cpus 0.001`);
        // a smaller number in a stack file rounds to 0, which is no limit at all.
        guard value >= 0.01, value <= maximum else {
            error(
                Codes.invalidValue,
                "\(context()) must be at least 0.01 and at most \(Int(maximum)), not \(clip(node.scalar?.text ?? ""))",
                at: node.span, expected: "a number of CPUs from 0.01 to \(Int(maximum)), such as 0.5 or 2")
            return nil
        }
        return Located(value: value, span: node.span)
    }

    /// A number as people write it: `0.5`, `2`.
    static func formatNumber(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// One of a closed set of words: a case of `Choice`, whose raw values are the words and whose
    /// declaration order is the order the message lists them in.
    mutating func choice<Choice: CaseIterable & RawRepresentable>(
        _ node: YAMLNode, in context: @autoclosure () -> String, as _: Choice.Type = Choice.self
    ) -> Located<Choice>? where Choice.RawValue == String {
        guard let scalar = node.scalar, scalar.kind != .null else {
            wrongType(node, expected: Self.oneOf(Choice.self), in: context())
            return nil
        }
        let text = scalar.text
        guard let value = Choice(rawValue: text) else {
            let choices = Choice.allCases.map(\.rawValue)
            let alias = Self.choiceAliases[text.lowercased()].flatMap { alias in
                choices.contains(alias.choice) ? alias : nil
            }
            let help =
                alias.map { "write '\($0.choice)': \($0.why)" }
                ?? Suggestion.closest(to: text, in: choices).map { "did you mean '\($0)'?" }
            error(
                Codes.invalidValue, "'\(clip(text))' is not a valid value for \(context())", at: node.span,
                expected: Self.oneOf(Choice.self), help: help)
            return nil
        }
        return Located(value: value, span: node.span)
    }

    /// "one of a, b, c": the words of a choice, in declaration order.
    static func oneOf<Choice: CaseIterable & RawRepresentable>(_: Choice.Type) -> String
    where Choice.RawValue == String {
        "one of " + Choice.allCases.map(\.rawValue).joined(separator: ", ")
    }

    /// Other names for a choice, with why the choice is the one meant.
    static let choiceAliases: [String: (choice: String, why: String)] = [
        "mysql": ("mariadb", "MariaDB serves MySQL clients"),
        "postgresql": ("postgres", "stackc calls PostgreSQL 'postgres'"),
        "pg": ("postgres", "stackc calls PostgreSQL 'postgres'"),
        "letsencrypt": ("acme", "Let's Encrypt certificates come through ACME"),
        "self-signed": ("selfsigned", "written as one word"),
        "openid": ("oidc", "OpenID Connect is 'oidc'"),
        "sso": ("oidc", "single sign-on through Keycloak is 'oidc'"),
        "keycloak": ("oidc", "single sign-on through Keycloak is 'oidc'"),
    ]

    /// A list of strings.
    mutating func strings(_ node: YAMLNode, in context: @autoclosure () -> String) -> [Located<String>]? {
        guard let items = items(node, in: context()) else { return nil }
        var result: [Located<String>] = []
        result.reserveCapacity(items.count)
        for item in items {
            if let string = string(item, in: "an entry of \(context())") { result.append(string) }
        }
        return result
    }
}

/// The known entries of one mapping, by key.
///
/// A class: the decoder's closures capture it for every key (`f["port"].flatMap { int($0,
/// in: f.context("port"), …) }`), and a reference is one count to copy where the struct's
/// node, pairs and context were three.
final class Fields {
    /// The mapping itself, for errors about missing keys.
    let node: YAMLNode
    /// What the mapping is, in messages ("app 'web'").
    let context: String
    /// The mapping's pairs; keys are unique (the YAML reader reports a repeated key and keeps
    /// the first), and only known keys are ever asked for. Searched in order, not hashed: a
    /// mapping has a handful of keys, and comparing short strings is cheaper than hashing them.
    let pairs: YAMLPairs

    init(node: YAMLNode, context: String, pairs: YAMLPairs) {
        self.node = node
        self.context = context
        self.pairs = pairs
    }

    /// The value under `key`, if present.
    subscript(key: YAMLKeyName) -> YAMLNode? { pairs.value(forKey: key) }

    /// Where `key` itself is written, for messages about the mapping under it.
    func keySpan(_ key: YAMLKeyName) -> SourceSpan? { pairs.key(forKey: key)?.span }

    /// The context for a value: "'replicas' of app 'web'".
    func context(_ key: String) -> String { "'\(key)' of \(context)" }
}
