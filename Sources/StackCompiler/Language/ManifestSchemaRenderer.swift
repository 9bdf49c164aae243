import StackDiagnostics
import YAML

/// Renders the language model as a JSON Schema (draft 2020-12) for editors: yaml-language-server
/// completes keys and words from it, shows the reference's text on hover (`description`,
/// `markdownDescription`) and marks what it refuses.
///
/// Each mapping is a definition under `$defs`, named by its section's `id`, and so is each format
/// of text, by the format's `id`. Every mapping refuses keys it does not know, except those
/// starting with `x-`. Of the rules between keys, the schema holds only the simplest, within one
/// mapping (`LanguageRule`: `acme` needs an e-mail); the rest (a route needs a port, references,
/// placement) are the checker's. Only keywords draft-07 has too are used (besides `$defs`
/// and `markdownDescription`): yaml-language-server validates with draft-07 semantics.
enum ManifestSchemaRenderer {
    /// The schema's own identifier: stackc has no public address, so a URN.
    static let identifier = "urn:stackc:manifest:1"

    /// The schema as JSON text.
    static func render(_ sections: [LanguageSection] = ManifestLanguage.sections) -> String {
        JSONWriter.write(schema(sections))
    }

    /// The schema as a value.
    static func schema(_ sections: [LanguageSection]) -> JSONValue {
        guard let top = sections.first, top.id == "top" else {
            preconditionFailure("internal error: the language's first section is not the top level")
        }
        var definitions: [(String, JSONValue)] = []
        for format in LanguageFormat.all {
            guard let id = format.id else { continue }
            definitions.append((id, formatSchema(format)))
        }
        for section in sections.dropFirst() {
            precondition(
                !definitions.contains { $0.0 == section.id }, "internal error: '\(section.id)' defined twice")
            definitions.append((section.id, .object(sectionMembers(section))))
        }
        return .object(
            [
                ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
                ("$id", .string(identifier)),
                ("title", .string("stackc manifest, version 1")),
            ] + sectionMembers(top).filter { $0.0 != "title" } + [("$defs", .object(definitions))])
    }

    /// A format's definition: a string matching its pattern.
    static func formatSchema(_ format: LanguageFormat) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("type", .string("string")), ("description", .string(plain(format.description))),
            ("markdownDescription", .string(format.description)),
        ]
        if let pattern = format.pattern { members.append(("pattern", .string(pattern))) }
        if let maxLength = format.maxLength { members.append(("maxLength", .int(maxLength))) }
        return .object(members)
    }

    /// A mapping: its keys, the required ones, no others but `x-` keys.
    static func sectionMembers(_ section: LanguageSection) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [
            ("title", .string(section.path)), ("description", .string(plain(section.summary))),
            ("markdownDescription", .string(section.summary)), ("type", .string("object")),
            ("properties", .object(section.keys.map { ($0.name, keySchema($0, in: section)) })),
        ]
        let required = section.keys.filter { $0.requirement == .required }.map { JSONValue.string($0.name) }
        if !required.isEmpty { members.append(("required", .array(required))) }
        members.append(("patternProperties", .object([("^x-", .object([]))])))
        members.append(("additionalProperties", .bool(false)))
        if !section.rules.isEmpty { members.append(("allOf", .array(section.rules.map(ruleSchema)))) }
        return members
    }

    /// A rule between keys as a schema the mapping must match too.
    static func ruleSchema(_ rule: LanguageRule) -> JSONValue {
        func required(_ keys: [String]) -> JSONValue { .object([("required", .array(keys.map(JSONValue.string)))]) }
        func word(_ key: String, _ word: String) -> JSONValue {
            .object([
                ("properties", .object([(key, .object([("const", .string(word))]))])),
                ("required", .array([.string(key)])),
            ])
        }
        switch rule {
        case .exactlyOne(let keys):
            return .object([("oneOf", .array(keys.map { required([$0]) }))])
        case .whenWord(let key, let value, let then):
            return .object([("if", word(key, value)), ("then", required([then]))])
        case .oneOfKeys(let keys, let alternative):
            return .object([("anyOf", .array(keys.map { required([$0]) } + [word(alternative.key, alternative.word)]))])
        case .notTogether(let keys):
            return .object([("not", required(keys))])
        }
    }

    /// One key: its type, its text for hover, its default and its example's value.
    static func keySchema(_ key: LanguageKey, in section: LanguageSection) -> JSONValue {
        var members = typeMembers(key.type)
        let required =
            switch key.requirement {
            case .optional: ""
            case .required: " Required."
            case .requiredWhen(let condition): " Required when \(condition)."
            }
        members.append(("description", .string(plain("\(key.meaning)\(required) Default: \(key.defaultValue.words)."))))
        let markdown = """
            \(key.meaning)

            - Type: \(ReferenceRenderer.typeWords(key.type, links: false))
            - Required: \(ReferenceRenderer.requirementWords(key.requirement))
            - Default: \(key.defaultValue.words)

            ```yaml
            \(ReferenceRenderer.placed(key.example, at: section.placement))
            ```
            """
        members.append(("markdownDescription", .string(markdown)))
        if let value = key.defaultValue.value { members.append(("default", value)) }
        if let example = exampleValue(key) { members.append(("examples", .array([example]))) }
        return .object(members)
    }

    /// The members that say what a value of `type` may be.
    static func typeMembers(_ type: LanguageType) -> [(String, JSONValue)] {
        switch type {
        case .string(let format):
            guard let id = format.id else { return [("type", .string("string"))] }
            return [("$ref", .string("#/$defs/\(id)"))]
        case .scalar(let format):
            var members: [(String, JSONValue)] = [
                ("type", .array([.string("string"), .string("number"), .string("boolean")]))
            ]
            if let pattern = format.pattern { members.append(("pattern", .string(pattern))) }
            return members
        case .integer(let range):
            return [
                ("type", .string("integer")), ("minimum", .int(range.lowerBound)), ("maximum", .int(range.upperBound)),
            ]
        case .number(let minimum, let maximum):
            return [("type", .string("number")), ("minimum", .double(minimum)), ("maximum", .int(maximum))]
        case .boolean:
            return [("type", .string("boolean"))]
        case .word(let words):
            return [("type", .string("string")), ("enum", .array(words.map(JSONValue.string)))]
        case .constant(let value):
            return [("const", value)]
        case .list(let element):
            return [("type", .array([.string("array"), .string("null")])), ("items", .object(typeMembers(element)))]
        case .uniqueList(let element):
            return typeMembers(.list(element)) + [("uniqueItems", .bool(true))]
        case .excluding(let base, let words):
            // In `allOf`: draft-07 readers ignore a `$ref`'s siblings.
            return [
                (
                    "allOf",
                    .array([
                        .object(typeMembers(base)),
                        .object([("not", .object([("enum", .array(words.map(JSONValue.string)))]))]),
                    ])
                )
            ]
        case .map(let key, let value):
            var names: [JSONValue] = [.object([("pattern", .string("^x-"))])]
            if let id = key.id { names.append(.object([("$ref", .string("#/$defs/\(id)"))])) }
            return [
                ("type", .array([.string("object"), .string("null")])),
                ("propertyNames", .object([("anyOf", .array(names))])),
                ("patternProperties", .object([("^x-", .object([]))])),
                ("additionalProperties", .object(typeMembers(value))),
            ]
        case .section(let id):
            return [("$ref", .string("#/$defs/\(id)"))]
        case .empty:
            return [("type", .string("null"))]
        case .either(let types):
            return [("anyOf", .array(types.map { .object(typeMembers($0)) }))]
        }
    }

    /// The value `key` has in its example, as JSON.
    static func exampleValue(_ key: LanguageKey) -> JSONValue? {
        var bag = DiagnosticBag()
        let source = SourceFile(path: "example.yml", bytes: Array(key.example.utf8))
        guard let root = YAMLReader().read(source, into: &bag), let pairs = root.pairs,
            let pair = pairs.first(where: { $0.keyText == key.name })
        else { return nil }
        return json(pair.value)
    }

    /// A YAML node as JSON, scalars by the type the core schema gives them.
    static func json(_ node: YAMLNode) -> JSONValue {
        if let pairs = node.pairs { return .object(pairs.map { ($0.keyText, json($0.value)) }) }
        if let items = node.items { return .array(items.map(json)) }
        guard let scalar = node.scalar else { return .null }
        switch scalar.kind {
        case .null: return .null
        case .bool: return .bool(scalar.bool ?? false)
        case .int: return scalar.int.map(JSONValue.int) ?? .string(scalar.text)
        case .float: return scalar.number.map(JSONValue.double) ?? .string(scalar.text)
        case .string: return .string(scalar.text)
        }
    }

    /// Markdown's code spans and links as plain text, for editors that show `description` as is.
    static func plain(_ markdown: String) -> String {
        markdown.replacing("`", with: "")
    }
}
