/// The versioned JSON form of a description that `stackc` reads (version 1):
///
/// ```json
/// {"stackDescription": 1,
///  "manifest": {"stackc": 1, "name": "campus", "apps": {"web": {"image": "nginx:1.27-alpine"}}},
///  "locations": [{"path": ["apps", "web", "image"], "file": "/src/stack.swift",
///                 "fileID": "main/stack.swift", "line": 12, "column": 9}, …]}
/// ```
///
/// `manifest` holds exactly the YAML manifest's keys and values that the description gave, in
/// the manifest's order (`stackc` and `name` always; `apps` always, empty when the stack has
/// no `Apps`). `locations` names, for every key and list item of the manifest (path elements
/// are keys and list indices), the Swift call that wrote it: the innermost initialiser that
/// holds the value, so a literal is located at the call around it. `file` is the call's
/// `#filePath`, `fileID` its `#fileID`; `line` and `column` are where Swift puts a default
/// `#line` and `#column`: the line and the column of the opening parenthesis of the call's
/// arguments (`App(` → the `(`).
///
/// A description that cannot be a manifest (no stack, two stacks, a section or a name given
/// twice) is instead `{"stackDescription": 1, "errors": [{"message": …, "file": …, "fileID": …,
/// "line": …, "column": …}, …]}`, where the location is left out when there is none.
public enum StackInterchange {
    /// The version of the form, `stackDescription` in it.
    public static let version = 1

    /// The order of the manifest's top-level sections.
    static let sectionOrder = [
        "tls", "proxy", "cluster", "registry", "identity", "monitoring", "databases", "backup", "apps",
    ]

    /// The JSON form of `stack`.
    public static func encode(_ stack: Stack) -> String {
        var errors: [(message: String, position: SourcePosition?)] = []
        var firstOfSection: [String: StackSection] = [:]
        for section in stack.sections {
            if firstOfSection[section.key] != nil {
                errors.append(
                    (
                        "stack '\(stack.name)' has '\(section.key)' twice; give each section once",
                        section.node.position
                    ))
            } else {
                firstOfSection[section.key] = section
            }
        }
        var manifest = ManifestMap()
        manifest.add("stackc", 1)
        manifest.add("name", stack.name)
        manifest.add("domain", stack.domain)
        for key in sectionOrder {
            if let section = firstOfSection[key] {
                manifest.add(key, node: section.node)
            } else if key == "apps" {
                manifest.add("apps", node: ManifestNode(.map([])))
            }
        }
        var locations: [String] = []
        let root = manifest.node(at: stack.position)
        walk(root, path: [], inherited: stack.position, locations: &locations, errors: &errors)
        guard errors.isEmpty else { return report(errors) }
        return JSONText.object([
            ("stackDescription", String(version)),
            ("manifest", json(root)),
            ("locations", "[" + locations.joined(separator: ",") + "]"),
        ])
    }

    /// The JSON form of what a program registered: one stack's description, or an error.
    static func encode(registered stacks: [Stack]) -> String {
        switch stacks.count {
        case 1:
            return encode(stacks[0])
        case 0:
            return report([
                ("the description makes no Stack; write 'let stack = Stack(\"name\") { … }' at its top level", nil)
            ])
        default:
            return report(
                stacks.dropFirst().map {
                    ("the description makes a second Stack ('\($0.name)'); a description makes one", $0.position)
                })
        }
    }

    /// The errors object.
    static func report(_ errors: [(message: String, position: SourcePosition?)]) -> String {
        let items = errors.map { error in
            var members: [(key: String, json: String)] = [("message", JSONText.string(error.message))]
            if let position = error.position { members += positionMembers(position) }
            return JSONText.object(members)
        }
        return JSONText.object([("stackDescription", String(version)), ("errors", JSONText.array(items))])
    }

    static func positionMembers(_ position: SourcePosition) -> [(key: String, json: String)] {
        [
            ("file", JSONText.string(position.filePath)), ("fileID", JSONText.string(position.fileID)),
            ("line", String(position.line)), ("column", String(position.column)),
        ]
    }

    /// Records the location of every key and item below `node`, and reports keys of one
    /// mapping given twice (apps or databases of the same name, an `env` name twice).
    static func walk(
        _ node: ManifestNode, path: [String], inherited: SourcePosition, locations: inout [String],
        errors: inout [(message: String, position: SourcePosition?)]
    ) {
        let position = node.position ?? inherited
        if !path.isEmpty {
            locations.append(JSONText.object([("path", JSONText.array(path))] + positionMembers(position)))
        }
        switch node.value {
        case .list(let items):
            for (index, item) in items.enumerated() {
                walk(item, path: path + [String(index)], inherited: position, locations: &locations, errors: &errors)
            }
        case .map(let entries):
            var seen: Set<String> = []
            for entry in entries {
                if !seen.insert(entry.key).inserted {
                    let place = path.isEmpty ? "the manifest" : "'" + pathText(path) + "'"
                    errors.append(
                        ("\(place) has '\(entry.key)' twice; give each name once", entry.node.position ?? position))
                    continue
                }
                walk(
                    entry.node, path: path + [JSONText.string(entry.key)], inherited: position,
                    locations: &locations, errors: &errors)
            }
        case .string, .int, .number, .bool:
            break
        }
    }

    /// A written path (`["\"apps\"","0"]`) as dotted text for messages (`apps.0`).
    static func pathText(_ path: [String]) -> String {
        path.map { $0.hasPrefix("\"") ? String($0.dropFirst().dropLast()) : $0 }.joined(separator: ".")
    }

    /// The JSON text of a value.
    static func json(_ node: ManifestNode) -> String {
        switch node.value {
        case .string(let text): JSONText.string(text)
        case .int(let value): String(value)
        case .number(let value): JSONText.number(value)
        case .bool(let value): value ? "true" : "false"
        case .list(let items): JSONText.array(items.map(json))
        case .map(let entries): JSONText.object(entries.map { (key: $0.key, json: json($0.node)) })
        }
    }
}
