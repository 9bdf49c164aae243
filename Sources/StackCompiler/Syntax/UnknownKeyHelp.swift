import StackDiagnostics
import YAML

/// The help note for an unknown key: what the user most likely meant, from the likeliest
/// cause down. A Compose habit; the right key in another case (`start-period`, `maxPerNode`);
/// a typo of a key of this mapping; a key meant to be indented under the empty key above
/// it; a key of a mapping nested in this one, or of the one around it; an app written outside
/// `apps`. Only reached on an error, so it may take its time.
struct UnknownKeyHelp {
    let pairs: YAMLPairs
    let index: Int
    /// The keys of this mapping.
    let known: [String]

    var help: String {
        let pair = pairs[index]
        let key = pair.keyText
        if key == "limits", known == SyntaxDecoder.resourcesKeys.texts {
            return "Compose's 'limits' are written on 'resources' itself: " + Self.resourcesExample(pair.value)
        }
        if key == "reservations", known == SyntaxDecoder.resourcesKeys.texts {
            return "Compose's 'reservations' are 'reserve' here: 'reserve: {cpus: 0.25, memory: 256M}'"
        }
        if let compose = Self.composeKeys[key], known.contains(compose.stackcKey ?? compose.context) {
            return compose.stackcKey.map { "Compose's '\(key)' is '\($0)' here: \(compose.hint)" } ?? compose.hint
        }
        let snake = Self.snakeCase(key)
        if snake != key, known.contains(snake) {
            return "keys are written in snake_case: '\(snake)'"
        }
        if let suggestion = Suggestion.closest(to: key, in: known) {
            return "did you mean '\(suggestion)'?"
        }
        if let empty = emptyKeyAbove, pair.key.span.start.column <= empty.key.span.start.column {
            return
                "'\(empty.keyText)' on line \(empty.key.span.start.line) is empty: to put '\(SyntaxDecoder.clip(key))' under it, indent it further"
        }
        if let owner = Self.nestedKeys(in: known).first(where: { $0.keys.contains(snake) }) {
            return "'\(snake)' belongs under '\(owner.key)'"
        }
        if let outer = Self.outerKey(of: known), SyntaxDecoder.appKeyTexts.contains(snake) {
            return "'\(snake)' is a key of the app itself, not of '\(outer)'"
        }
        if known.contains("apps"), let value = pair.value.pairs,
            value.key(forKey: "image") != nil || value.key(forKey: "build") != nil
        {
            return "'\(SyntaxDecoder.clip(key))' looks like an app: indent it under 'apps:'"
        }
        return "remove it, or start it with 'x-' to keep it for your own anchors (stackc ignores x- keys)"
    }

    /// `resources: {cpus: 0.5, memory: 512M}` from Compose's `limits: {cpus: '0.50', memory: 512M}`.
    static func resourcesExample(_ limits: YAMLNode) -> String {
        let cpus = limits.pairs?.value(forKey: "cpus")?.scalar.flatMap { Double($0.text) }
        let memory = limits.pairs?.value(forKey: "memory")?.scalar?.text
        let fields = [
            cpus.map { "cpus: \(SyntaxDecoder.formatNumber($0))" },
            memory.map { "memory: \(SyntaxDecoder.clip($0))" },
        ].compactMap { $0 }
        return "'resources: {\(fields.isEmpty ? "cpus: 0.5, memory: 512M" : fields.joined(separator: ", "))}'"
    }

    /// The pair just before this one when its value is left empty (`apps:` and nothing under it),
    /// the usual sign of keys that were meant to be indented under it.
    private var emptyKeyAbove: YAMLPair? {
        guard index > 0 else { return nil }
        let above = pairs[index - 1]
        guard above.value.scalar?.isLeftEmpty == true, known.contains(above.keyText) else { return nil }
        return above
    }

    /// `start-period`, `maxPerNode`, `StartPeriod` → `start_period`, `max_per_node`.
    static func snakeCase(_ key: String) -> String {
        var out = ""
        for character in key {
            if character == "-" || character == " " {
                out.append("_")
            } else if character.isUppercase {
                if let last = out.last, last != "_" { out.append("_") }
                out.append(contentsOf: character.lowercased())
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// Mappings that sit inside one with these keys, by the key that holds them.
    static func nestedKeys(in known: [String]) -> [(key: String, keys: [String])] {
        if known.contains("image") {
            return [
                ("health", SyntaxDecoder.healthKeys.texts), ("placement", SyntaxDecoder.placementKeys.texts),
                ("resources", SyntaxDecoder.resourcesKeys.texts), ("update", SyntaxDecoder.updateKeys.texts),
            ]
        }
        if known == SyntaxDecoder.resourcesKeys.texts { return [("reserve", SyntaxDecoder.reserveKeys.texts)] }
        return []
    }

    /// The app key whose mapping has these keys, for a key that belongs to the app instead.
    static func outerKey(of known: [String]) -> String? {
        [
            ("health", SyntaxDecoder.healthKeys), ("metrics", SyntaxDecoder.metricsKeys),
            ("placement", SyntaxDecoder.placementKeys),
            ("resources", SyntaxDecoder.resourcesKeys), ("update", SyntaxDecoder.updateKeys),
        ]
        .first { $0.1.texts == known }?.0
    }

    /// A Compose key that people carry over: what stackc calls it (nil when it has no such
    /// key), and a word on how to write it. `context` is a key that marks the mapping where the
    /// hint applies (`image` for an app, `apps` for the top level), when there is no stackc key.
    struct ComposeKey {
        var stackcKey: String?
        var hint: String
        var context = "image"
    }

    static let composeKeys: [String: ComposeKey] = [
        "services": ComposeKey(stackcKey: "apps", hint: "a mapping of app name to app"),
        "version": ComposeKey(
            hint: "Compose's 'version' is not needed: 'stackc: 1' gives the format version", context: "apps"),
        "environment": ComposeKey(stackcKey: "env", hint: "a mapping of NAME: value"),
        "healthcheck": ComposeKey(
            stackcKey: "health", hint: "a path such as /healthz, or path, interval, timeout and retries"),
        "deploy": ComposeKey(hint: "write 'replicas', 'resources', 'placement' and 'update' on the app itself"),
        "restart": ComposeKey(hint: "Swarm restarts failed tasks by itself; remove 'restart'"),
        "container_name": ComposeKey(hint: "Swarm names the tasks; remove 'container_name'"),
        "networks": ComposeKey(hint: "stackc gives each app the networks it needs; remove 'networks'"),
        "labels": ComposeKey(
            hint: "stackc writes the proxy's labels from 'host', 'path', 'https', 'sticky' and 'auth'"),
    ]
}
