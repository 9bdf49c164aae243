/// The manifest language as its users read it: every mapping of the manifest, every key it
/// takes, the key's type, whether it is required, its default, what it means and an example.
/// `docs/reference.md` (`ReferenceRenderer`) and `stackc schema` (`ManifestSchemaRenderer`) are
/// both rendered from it, and tests hold it to the keys and words the checker accepts.
struct LanguageSection: Sendable {
    /// A short name of the mapping, as the tests that place an unknown key name it (`app`).
    var id: String
    /// Where the mapping is, as the reference writes it: `apps.<app>.health`.
    var path: String
    /// The keys and list items above the mapping, to show an example where it is written: a
    /// key, or `-` for an item of a list (`["identity", "users", "-"]`).
    var placement: [String]
    /// What the mapping is for, a sentence or two.
    var summary: String
    /// Its keys, in the order the reference lists them.
    var keys: [LanguageKey]
    /// A manifest in which the examples of the keys are valid: a line `{{KEYS}}` stands where
    /// the key's example lines go, indented as that line is.
    var frame: String
    /// Rules between its keys that the schema holds too (the checker holds all of them).
    var rules: [LanguageRule] = []

    /// The key named `name`.
    func key(_ name: String) -> LanguageKey? { keys.first { $0.name == name } }
}

/// One key of a mapping.
struct LanguageKey: Sendable {
    /// The key as written, `start_period`.
    var name: String
    /// What its value may be.
    var type: LanguageType
    /// Whether the mapping must have it.
    var requirement: LanguageRequirement
    /// What holds when it is left out.
    var defaultValue: LanguageDefault
    /// What it means, in a sentence or two.
    var meaning: String
    /// The key with a value, as lines of YAML at the level of the mapping (other keys of the
    /// same mapping it needs may come with it).
    var example: String
    /// Top-level YAML the example needs besides its section's frame (`identity` for
    /// `auth: oidc`), not shown in the reference.
    var needs: String
    /// A frame of its own for the example, where the section's does not fit (`build` in an
    /// app without an image).
    var frame: String?

    init(
        _ name: String, _ type: LanguageType, _ requirement: LanguageRequirement = .optional,
        default defaultValue: LanguageDefault, meaning: String, example: String, needs: String = "",
        frame: String? = nil
    ) {
        self.name = name
        self.type = type
        self.requirement = requirement
        self.defaultValue = defaultValue
        self.meaning = meaning
        self.example = example
        self.needs = needs
        self.frame = frame
    }
}

/// A rule between keys of one mapping, simple enough for the schema to hold as well.
enum LanguageRule: Sendable {
    /// Exactly one of the keys is written (`health`: `path` or `command`).
    case exactlyOne([String])
    /// When `key` is `word`, `required` is written too (`tls`: `acme` needs `email`).
    case whenWord(key: String, word: String, required: String)
    /// One of the keys is written, or `key` is `word` (an app's `image`, `build`, or a preset
    /// that gives an image).
    case oneOfKeys([String], orWord: (key: String, word: String))
    /// The keys are not written together.
    case notTogether([String])
}

/// Whether a key must be written.
enum LanguageRequirement: Sendable, Equatable {
    /// It may be left out.
    case optional
    /// The mapping is refused without it.
    case required
    /// It is needed in a case the words describe ("when anything is routed"); the schema
    /// leaves it optional, the checker reports it.
    case requiredWhen(String)
}

/// The value a key has when it is left out.
struct LanguageDefault: Sendable {
    /// In words, for the reference: "`1`", "the stack's name", "none".
    var words: String
    /// The same as a plain value, where there is one (the schema's `default`).
    var value: JSONValue?

    /// No value: the feature is off or the key has no meaning unless written.
    static let none = LanguageDefault(words: "none", value: nil)

    /// A plain value, written in the reference as YAML writes it.
    static func value(_ value: JSONValue) -> LanguageDefault {
        LanguageDefault(words: "`\(LanguageType.yamlText(of: value))`", value: value)
    }

    /// A default that depends on other keys, in words.
    static func words(_ words: String) -> LanguageDefault { LanguageDefault(words: words, value: nil) }
}

/// The type of a key's value.
indirect enum LanguageType: Sendable {
    /// A YAML string, in a format (`.text` for any).
    case string(LanguageFormat)
    /// Any scalar, string, number or boolean, read as the text written (`version: 16`).
    case scalar(LanguageFormat)
    /// An integer within a range.
    case integer(ClosedRange<Int>)
    /// A number from the minimum to the maximum; fractions allowed.
    case number(minimum: Double, maximum: Int)
    /// `true` or `false`.
    case boolean
    /// One word of a closed set.
    case word([String])
    /// Exactly this value (`false` in `backup: false`).
    case constant(JSONValue)
    /// A list of values of a type; an empty value (`roles:`) is an empty list.
    case list(LanguageType)
    /// A list in which no value is written twice (`depends_on`); otherwise as `list`.
    case uniqueList(LanguageType)
    /// A value of a type, but not one of these words (a realm, not `master`).
    case excluding(LanguageType, words: [String])
    /// A mapping from keys of a format to values of a type; keys starting with `x-` are
    /// ignored, and an empty value is an empty mapping.
    case map(key: LanguageFormat, value: LanguageType)
    /// A mapping of the manifest, by its section's `id`.
    case section(String)
    /// An empty value (`pg:`).
    case empty
    /// Any of these.
    case either([LanguageType])

    /// The YAML text of a plain value.
    static func yamlText(of value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .double(let number): return SyntaxDecoder.formatNumber(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .array(let items): return "[" + items.map(yamlText).joined(separator: ", ") + "]"
        case .object(let members):
            return "{" + members.map { "\($0.0): \(yamlText(of: $0.1))" }.joined(separator: ", ") + "}"
        }
    }
}
