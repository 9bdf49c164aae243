import Foundation
import StackDiagnostics
import Testing
import YAML

@testable import StackCompiler

/// A YAML manifest converted to a `stack.swift` and back: the Swift compiled and run as `stackc`
/// runs a description (`SwiftDescriptions`), its JSON form read with the project's YAML reader
/// (JSON is YAML), and the manifest it holds compared with the YAML manifest as data.
enum ConvertRoundTrip {
    /// The JSON form that the converted Swift of the manifest `text` hands over; records an
    /// issue (and returns nil) when the manifest does not convert or the Swift does not compile
    /// cleanly and run.
    static func descriptionJSON(
        ofManifest text: String, path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> String? {
        try converted(text, path: path, sourceLocation: sourceLocation)?.json
    }

    /// The converted Swift of the manifest `text` and the JSON form it hands over (see
    /// `descriptionJSON`).
    static func converted(
        _ text: String, path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> (swift: String, json: String)? {
        let converted = StackCompiler.convert(SourceFile(path: path, text: text))
        guard let swift = converted.swift else {
            Issue.record(
                "\(path) does not convert: \(converted.diagnostics.map(\.message))", sourceLocation: sourceLocation)
            return nil
        }
        return try SwiftDescriptions.json(swift, sourceLocation: sourceLocation).map { (swift, $0) }
    }

    /// The node of `manifest` in a description's JSON form; records an issue when there is none.
    static func manifestNode(ofDescriptionJSON json: String, sourceLocation: Testing.SourceLocation = #_sourceLocation)
        -> YAMLNode?
    {
        var bag = DiagnosticBag()
        let root = YAMLReader().read(SourceFile(path: "description.json", text: json), into: &bag)
        let manifest = root?.pairs?.value(forKey: "manifest")
        if manifest == nil { Issue.record("no manifest in the JSON form:\n\(json)", sourceLocation: sourceLocation) }
        return manifest
    }

    // MARK: Comparing the manifests as data

    /// Where the library writes text for a value the YAML may give as a number or a boolean,
    /// which the checker reads as its text too (`*` stands for any one key).
    static let textPaths = [
        "apps.*.env.*", "databases.*.version", "apps.*.placement.labels.*", "databases.*.placement.labels.*",
        "apps.*.command.*", "apps.*.command", "apps.*.health.command", "apps.*.health.command.*",
    ]

    /// The mappings whose keys the user names: their order is the manifest's, and kept.
    static let namedMappings = [
        "apps", "databases", "identity.groups", "apps.*.env", "apps.*.volumes", "apps.*.files", "apps.*.extra_hosts",
        "apps.*.placement.labels", "databases.*.placement.labels",
    ]

    /// Every difference between the YAML manifest and the JSON form's manifest, as data:
    ///
    /// - `x-` keys of the YAML are left out (the manifest ignores them; the library has no place
    ///   for them);
    /// - a mapping's keys are compared as a set, and in order where the user names them
    ///   (`namedMappings`): the library writes the keywords of a mapping in the manifest's
    ///   order, whatever order the YAML gave;
    /// - numbers compare by value (the JSON form writes a whole `Double` as an integer);
    /// - a null in the YAML is an empty mapping or list, or an empty string, in the JSON form,
    ///   as the checker reads a null there;
    /// - at `textPaths`, a number or boolean of the YAML is a string of its text;
    /// - `identity.users` empty in the YAML is absent from the JSON form (the library writes
    ///   no users then).
    static func differences(yaml: YAMLNode, json: YAMLNode, path: [String] = []) -> [String] {
        let place = path.isEmpty ? "the manifest" : path.joined(separator: ".")
        switch (yaml.content, json.content) {
        case (.mapping(let yamlPairs), .mapping(let jsonPairs)):
            let yamlKeys = yamlPairs.filter { !$0.isExtension }.map(\.keyText)
            var jsonKeys = jsonPairs.map(\.keyText)
            if path == ["identity"], !jsonKeys.contains("users"),
                let users = yamlPairs.first(where: { $0.keyText == "users" })?.value, isEmpty(users)
            {
                jsonKeys.append("users")
            }
            guard Set(yamlKeys) == Set(jsonKeys), yamlKeys.count == jsonKeys.count else {
                return ["\(place): keys \(yamlKeys) in the YAML, \(jsonKeys) in the JSON form"]
            }
            if matches(path, namedMappings), yamlKeys != jsonKeys {
                return ["\(place): keys in the order \(yamlKeys) in the YAML, \(jsonKeys) in the JSON form"]
            }
            return yamlPairs.filter { !$0.isExtension }.flatMap { pair -> [String] in
                guard let other = jsonPairs.first(where: { $0.keyText == pair.keyText })?.value else { return [] }
                return differences(yaml: pair.value, json: other, path: path + [pair.keyText])
            }
        case (.sequence(let yamlItems), .sequence(let jsonItems)):
            guard yamlItems.count == jsonItems.count else {
                return ["\(place): \(yamlItems.count) items in the YAML, \(jsonItems.count) in the JSON form"]
            }
            return zip(yamlItems, jsonItems).enumerated().flatMap { index, items in
                differences(yaml: items.0, json: items.1, path: path + [String(index)])
            }
        case (.scalar(let scalar), _) where scalar.kind == .null:
            return isEmpty(json) || json.scalar?.kind == .null
                ? [] : ["\(place): null in the YAML, not in the JSON form"]
        case (.scalar(let yamlScalar), .scalar(let jsonScalar)):
            return sameScalar(yamlScalar, jsonScalar, atText: matches(path, textPaths))
                ? []
                : [
                    "\(place): \(yamlScalar.kind) '\(yamlScalar.text)' in the YAML, \(jsonScalar.kind) '\(jsonScalar.text)' in the JSON form"
                ]
        default:
            return ["\(place): \(yaml.kindDescription) in the YAML, \(json.kindDescription) in the JSON form"]
        }
    }

    /// Whether two scalars are the same value (see `differences`).
    static func sameScalar(_ yaml: YAMLScalar, _ json: YAMLScalar, atText: Bool) -> Bool {
        switch (yaml.kind, json.kind) {
        case (.string, .string): return yaml.text == json.text
        case (.bool, .bool): return yaml.bool == json.bool
        case (.int, .int), (.int, .float), (.float, .int), (.float, .float): return yaml.number == json.number
        case (.int, .string), (.float, .string), (.bool, .string): return atText && yaml.text == json.text
        default: return false
        }
    }

    /// A null, an empty mapping, an empty list or an empty string.
    static func isEmpty(_ node: YAMLNode) -> Bool {
        switch node.content {
        case .scalar(let scalar): return scalar.kind == .null || (scalar.kind == .string && scalar.text.isEmpty)
        case .mapping(let pairs): return pairs.isEmpty
        case .sequence(let items): return items.isEmpty
        }
    }

    /// Whether `path` matches one of `patterns` (dotted, `*` for any one key).
    static func matches(_ path: [String], _ patterns: [String]) -> Bool {
        patterns.contains { pattern in
            let parts = pattern.split(separator: ".")
            return parts.count == path.count && zip(parts, path).allSatisfy { $0 == "*" || $0 == $1 }
        }
    }

    // MARK: Comparing the checks

    /// The diagnostics of checking `text` as a YAML manifest, as severity, code and message,
    /// sorted: what must be the same for the description (their places differ).
    static func checkSummary(_ text: String, path: String) -> [String] {
        summary(StackCompiler.check(SourceFile(path: path, text: text)).diagnostics)
    }

    /// The diagnostics of checking the description `swift` that handed over `json`, as stackc
    /// checks a `stack.swift`; nil (after an issue) when the JSON form does not read.
    static func checkSummary(
        swift: String, json: String, path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> [String]? {
        switch SwiftDescription.read(interchange: Array(json.utf8), source: SourceFile(path: path, text: swift)) {
        case .success(let description):
            return summary(StackCompiler.check(description, files: nil).diagnostics)
        case .failure(let failure):
            Issue.record(
                "the JSON form does not read: \(failure.diagnostics.map(\.message))", sourceLocation: sourceLocation)
            return nil
        }
    }

    static func summary(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.map { "\($0.severity.rawValue)[\($0.code.rawValue)] \($0.message)" }.sorted()
    }
}
