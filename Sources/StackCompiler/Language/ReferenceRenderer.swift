/// Renders the language model as `docs/reference.md`: every section and key with its type,
/// whether it is required, its default, its meaning and an example, then the formats of text.
enum ReferenceRenderer {
    /// The reference as Markdown.
    static func render(_ sections: [LanguageSection] = ManifestLanguage.sections) -> String {
        var out = """
            # The manifest language

            <!-- Generated from Sources/StackCompiler/Language by `make reference`; do not edit. -->

            A manifest is one YAML document (read with the YAML 1.2 core schema) that describes one
            Docker Swarm stack. This page lists every mapping of the manifest and every key it takes:
            the key's type, whether it is required, its default, what it means and an example, shown
            where the key is written. `stackc schema` prints the same as a JSON Schema for editors
            (see `docs/tools.md`). What stackc decided where the spec is silent, and the rules that
            involve several keys, are in [manifest.md](manifest.md); the diagnostics in
            [diagnostics.md](diagnostics.md).

            Keys are `snake_case`. A key starting with `x-` is ignored at every level, also as an
            entry of `apps`, `databases`, `env`, `volumes` or `identity.groups`, so it can hold
            anchors for merge keys (`<<: *web`). Names are DNS labels; the other formats of text are
            listed under [Formats](#formats).

            ## Sections


            """
        for section in sections {
            out += "- [`\(section.path)`](#\(section.id)): \(firstSentence(section.summary))\n"
        }
        out += "- [Formats](#formats)\n"
        for section in sections {
            out += "\n" + render(section)
        }
        out += "\n## Formats\n\n| format | what it is |\n| --- | --- |\n"
        out += "| scalar | a string, number or boolean, kept as the text written (`16`, `1e3`, `no`) |\n"
        for format in LanguageFormat.all {
            out += "| \(format.words) | \(format.description.replacing("|", with: "\\|")) |\n"
        }
        return out
    }

    /// One section: its summary, then each key.
    static func render(_ section: LanguageSection) -> String {
        var out = "<a id=\"\(section.id)\"></a>\n\n## `\(section.path)`\n\n\(section.summary)\n\n"
        out += "| key | type | required | default |\n| --- | --- | --- | --- |\n"
        for key in section.keys {
            out +=
                "| [`\(key.name)`](#\(anchor(section, key))) | \(typeWords(key.type)) | \(requirementWords(key.requirement)) | \(key.defaultValue.words) |\n"
        }
        if !section.rules.isEmpty {
            out += "\n" + section.rules.map { "- " + ruleWords($0) + "\n" }.joined()
        }
        for key in section.keys {
            out +=
                "\n<a id=\"\(anchor(section, key))\"></a>\n\n### `\(section.path == "(top level)" ? key.name : "\(section.path).\(key.name)")`\n\n"
            out += "\(key.meaning)\n\n"
            out += "- Type: \(typeWords(key.type))\n"
            out += "- Required: \(requirementWords(key.requirement))\n"
            out += "- Default: \(key.defaultValue.words)\n\n"
            out += "```yaml\n\(placed(key.example, at: section.placement))\n```\n"
        }
        return out
    }

    /// The anchor of a key: the section's, a dot, the key.
    static func anchor(_ section: LanguageSection, _ key: LanguageKey) -> String {
        "\(section.id).\(key.name)".replacing("_", with: "-")
    }

    /// The first sentence of a summary, for the list of sections.
    static func firstSentence(_ text: String) -> String {
        guard let end = text.firstRange(of: ". ") else { return text }
        return String(text[..<end.lowerBound]) + "."
    }

    /// `example` (lines at a mapping's level) written under the keys of `placement`.
    static func placed(_ example: String, at placement: [String]) -> String {
        var lines = example.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for segment in placement.reversed() {
            if segment == "-" {
                lines = lines.enumerated().map { $0.offset == 0 ? "- " + $0.element : "  " + $0.element }
            } else {
                lines = ["\(segment):"] + lines.map { "  " + $0 }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A rule between keys, as a sentence.
    static func ruleWords(_ rule: LanguageRule) -> String {
        func keys(_ names: [String], _ conjunction: String) -> String {
            let quoted = names.map { "`\($0)`" }
            return quoted.dropLast().joined(separator: ", ") + " \(conjunction) " + (quoted.last ?? "")
        }
        switch rule {
        case .exactlyOne(let names): return "Exactly one of \(keys(names, "or")) is written."
        case .whenWord(let key, let word, let required): return "`\(key): \(word)` needs `\(required)`."
        case .oneOfKeys(let names, let alternative):
            return "\(keys(names, "or")) is written, unless `\(alternative.key): \(alternative.word)` gives an image."
        case .notTogether(let names): return "Not \(keys(names, "and")) together."
        }
    }

    /// "yes", "no" or "when …".
    static func requirementWords(_ requirement: LanguageRequirement) -> String {
        switch requirement {
        case .optional: return "no"
        case .required: return "yes"
        case .requiredWhen(let condition): return "when \(condition)"
        }
    }

    /// The type in words, with links to the sections and formats it names; without links
    /// (`links: false`, for the schema's hover text, which has no page to link within), it
    /// names the part of docs/reference.md instead.
    static func typeWords(_ type: LanguageType, links: Bool = true) -> String {
        func words(_ type: LanguageType) -> String { typeWords(type, links: links) }
        func format(_ words: String) -> String {
            links ? "[\(words)](#formats)" : "\(words) (see Formats in docs/reference.md)"
        }
        switch type {
        case .string(let format_):
            return format_.id == nil ? "string" : format(format_.words)
        case .scalar(let format_):
            return format_.id == nil ? format("scalar") : "\(format(format_.words)) (a string or number)"
        case .integer(let range):
            return range.lowerBound == range.upperBound
                ? "`\(range.lowerBound)`" : "integer \(range.lowerBound)–\(range.upperBound)"
        case .number(let minimum, let maximum):
            return "number \(SyntaxDecoder.formatNumber(minimum))–\(maximum), fractions allowed"
        case .boolean: return "boolean"
        case .word(let words):
            return words.count == 1 ? "`\(words[0])`" : "one of " + words.map { "`\($0)`" }.joined(separator: ", ")
        case .constant(let value): return "`\(LanguageType.yamlText(of: value))`"
        case .list(.either(let types)): return "list, each " + types.map(words).joined(separator: " or ")
        case .list(let element): return "list of \(words(element))"
        case .uniqueList(let element): return "list of \(words(element)), each at most once"
        case .excluding(let base, let excluded):
            return "\(words(base)), not " + excluded.map { "`\($0)`" }.joined(separator: " or ")
        case .map(let key, let value):
            return "mapping of \(words(.string(key))) → \(words(value))"
        case .section(let id):
            let path = ManifestLanguage.section(id)?.path ?? id
            return links ? "mapping ([`\(path)`](#\(id)))" : "mapping (`\(path)`, see docs/reference.md)"
        case .empty: return "empty"
        case .either(let types): return types.map(words).joined(separator: " or ")
        }
    }
}
