import Foundation
import StackDiagnostics
import Testing

@testable import StackCompiler

/// The JSON Schema of `stackc schema`, checked by the real `check-jsonschema` (from PyPI,
/// installed by `scripts/setup.sh`): a valid draft 2020-12 schema, which every manifest of the
/// repository and the tests validates against, and which refuses what it can express of what
/// the checker refuses, the checker refusing it too.
@Suite struct ManifestSchemaTests {
    /// The schema is valid against the draft 2020-12 metaschema.
    @Test func theSchemaIsAValidDraft2020Schema() throws {
        let folder = try BuildSupport.makeTemporaryFolder("schema")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(StackCompiler.manifestSchema().utf8).write(to: folder.appendingPathComponent("schema.json"))
        let run = try #require(try Tools.run("check-jsonschema", ["--check-metaschema", "schema.json"], in: folder))
        #expect(run.status == 0, "\(run.summary)")
        let schema = try JSONSerialization.jsonObject(with: Data(StackCompiler.manifestSchema().utf8)) as? [String: Any]
        #expect(schema?["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
    }

    /// The schema uses only keywords that draft-07 readers know too, besides `$defs` (which
    /// they reach as a JSON pointer) and `markdownDescription` (VS Code's hover text):
    /// yaml-language-server validates with draft-07 semantics and says 2020-12 is not fully
    /// supported, so nothing of the schema may depend on what only 2019-09 and later have.
    @Test func theSchemaUsesKeywordsDraft07ReadersKnow() throws {
        let draft07: Set<String> = [
            "$schema", "$id", "$ref", "title", "description", "default", "examples", "type", "enum", "const",
            "pattern", "maxLength", "minimum", "maximum", "exclusiveMinimum", "items", "properties",
            "patternProperties", "additionalProperties", "propertyNames", "required", "allOf", "anyOf", "oneOf",
            "not", "if", "then", "uniqueItems",
        ]
        var used = Set<String>()
        func walk(_ schema: Any) {
            guard let object = schema as? [String: Any] else { return }
            for (keyword, value) in object {
                used.insert(keyword)
                switch keyword {
                case "properties", "patternProperties", "$defs":
                    for member in (value as? [String: Any] ?? [:]).values { walk(member) }
                case "allOf", "anyOf", "oneOf":
                    for member in value as? [Any] ?? [] { walk(member) }
                case "items", "additionalProperties", "propertyNames", "not", "if", "then":
                    walk(value)
                default:
                    break
                }
            }
        }
        walk(try JSONSerialization.jsonObject(with: Data(StackCompiler.manifestSchema().utf8)))
        #expect(used.subtracting(draft07.union(["$defs", "markdownDescription"])).isEmpty)
        #expect(used.isSuperset(of: ["enum", "pattern", "minimum", "maximum", "default", "examples", "required"]))
    }

    /// Every manifest of the repository, of the build cases, the synthetic ones and the
    /// acceptance stacks, the manifests of the convert
    /// tests (merge keys, `x-` keys at every level, every key given, every section empty) and
    /// every key's example of the reference validate.
    @Test func everyValidManifestValidates() throws {
        var manifests: [(name: String, text: String)] = BuildCase.all.map { ($0.path, $0.text) }
        manifests += SyntheticManifests.all
        for name in ["cluster", "features", "identity", "routing"] {
            let path = "Tests/Acceptance/manifests/\(name).yml"
            let text = try String(contentsOf: Repository.root.appendingPathComponent(path), encoding: .utf8)
            manifests.append((path, text))
        }
        manifests += [
            ("everyKey", ConvertTests.everyKey.text), ("yamlFeatures", ConvertTests.yamlFeatures),
            ("emptySections", ConvertTests.emptySections),
        ]
        for section in ManifestLanguage.sections {
            for key in section.keys {
                manifests.append(("\(section.id).\(key.name)", LanguageReferenceTests.manifest(section, key)))
            }
        }
        for manifest in manifests {
            let errors = StackCompiler.check(SourceFile(path: "test.yml", text: manifest.text)).diagnostics.filter {
                $0.severity == .error
            }
            #expect(errors.isEmpty, "\(manifest.name): the checker refuses it: \(errors.map(\.message))")
        }
        let refused = try Self.refusals(manifests)
        #expect(refused.isEmpty, "the schema refuses valid manifests: \(refused)")
        #expect(manifests.count > 120)
    }

    /// Manifests the checker refuses for what one key holds: the schema refuses each too.
    static let bad: [(name: String, code: DiagnosticCode, text: String)] = [
        ("unknown top-level key", Codes.unknownKey, "colour: blue\n"),
        ("unknown key of an app", Codes.unknownKey, "apps:\n  web: {image: \"nginx:1.27\", imagee: x}\n"),
        (
            "unknown key of health", Codes.unknownKey,
            "apps:\n  web:\n    image: nginx:1.27\n    port: 80\n    health: {path: /, every: 5s}\n"
        ),
        (
            "unknown key of a user", Codes.unknownKey,
            "databases: {pg: {}}\nidentity:\n  users:\n    - {name: a, mail: a@example.org}\n"
        ),
        ("a port as text", Codes.wrongType, "apps:\n  web: {image: \"nginx:1.27\", port: eighty}\n"),
        ("YAML 1.1's yes", Codes.wrongType, "apps:\n  web: {image: \"nginx:1.27\", port: 80, host: www, https: yes}\n"),
        ("a list for a mapping", Codes.wrongType, "tls: [selfsigned]\n"),
        ("a mapping for a list", Codes.wrongType, "apps:\n  web: {image: \"nginx:1.27\", secrets: {a: b}}\n"),
        ("port 70000", Codes.invalidValue, "apps:\n  web: {image: \"nginx:1.27\", port: 70000}\n"),
        ("replicas -1", Codes.invalidValue, "apps:\n  web: {image: \"nginx:1.27\", replicas: -1}\n"),
        ("no managers", Codes.invalidValue, "cluster: {managers: 0}\n"),
        (
            "a published port 0", Codes.invalidValue,
            "apps:\n  web:\n    image: nginx:1.27\n    ports: [{target: 80, published: 0}]\n"
        ),
        ("a bad TLS mode", Codes.invalidValue, "tls: {mode: letsencrypt}\n"),
        ("a bad engine", Codes.invalidValue, "databases:\n  db: {engine: mysql}\n"),
        (
            "a bad update order", Codes.invalidValue,
            "apps:\n  web:\n    image: nginx:1.27\n    update: {order: blue-green}\n"
        ),
        ("a version 2", Codes.unsupportedVersion, "stackc: 2\n"),
        ("an app name with capitals", Codes.invalidName, "apps:\n  Web_App: {image: \"nginx:1.27\"}\n"),
        ("a database name ending in -", Codes.invalidName, "databases:\n  pg-: {}\n"),
        ("a role with a space", Codes.invalidName, "databases: {pg: {}}\nidentity:\n  roles: [my role]\n"),
        (
            "an environment name with a dash", Codes.invalidName,
            "apps:\n  web:\n    image: nginx:1.27\n    env: {MY-VAR: x}\n"
        ),
        ("a host with an underscore", Codes.invalidFormat, "registry: {host: my_registry}\n"),
        ("a duration without a unit", Codes.invalidFormat, "monitoring: {metrics: true, retention: 30}\n"),
        ("a size without a unit", Codes.invalidFormat, "cluster: {disk: 20}\n"),
        ("a schedule in words", Codes.invalidFormat, "databases:\n  pg: {backup: nightly}\n"),
        ("an address with a leading zero", Codes.invalidFormat, "cluster: {address: 192.168.056.10}\n"),
        ("an image with capitals", Codes.invalidFormat, "apps:\n  web: {image: Nginx}\n"),
        (
            "a relative volume path", Codes.invalidFormat,
            "apps:\n  web:\n    image: nginx:1.27\n    volumes: {data: var/lib}\n"
        ),
        (
            "a route path without /", Codes.invalidFormat,
            "apps:\n  web: {image: \"nginx:1.27\", port: 80, host: www, path: api}\n"
        ),
        (
            "a port shorthand without a target", Codes.invalidFormat,
            "apps:\n  web:\n    image: nginx:1.27\n    ports: [\"5432\"]\n"
        ),
        // A number where a host goes: refused by both, as every string key refuses one.
        ("an app's host 8080", Codes.wrongType, "apps:\n  web: {image: \"nginx:1.27\", port: 80, host: 8080}\n"),
        ("a dashboard host 5", Codes.wrongType, "proxy: {dashboard: 5}\n"),
        ("a registry host 5", Codes.wrongType, "registry: {host: 5}\n"),
        ("an identity host 42", Codes.wrongType, "databases: {pg: {}}\nidentity: {host: 42}\n"),
        ("a mirror host 7", Codes.wrongType, "registry: {mirror: 7}\n"),
        ("a Grafana host 3", Codes.wrongType, "monitoring: {metrics: true, grafana: {host: 3}}\n"),
        ("a domain 5", Codes.wrongType, "domain: 5\n"),
        (
            "a short port above 65535", Codes.invalidValue,
            "apps:\n  web:\n    image: nginx:1.27\n    ports: [\"70000:80\"]\n"
        ),
        ("a short port 0", Codes.invalidValue, "apps:\n  web:\n    image: nginx:1.27\n    ports: [\"0:80\"]\n"),
        (
            "a short target port 65536", Codes.invalidValue,
            "apps:\n  web:\n    image: nginx:1.27\n    ports: [\"8080:65536/udp\"]\n"
        ),
        (
            "an SMTP relay port 70000", Codes.invalidFormat,
            "monitoring:\n  alerts: {email: ops@example.org, smtp: \"mail.example.org:70000\"}\n"
        ),
        ("a secret listed twice", Codes.duplicateEntry, "apps:\n  web: {image: \"nginx:1.27\", secrets: [a, a]}\n"),
        (
            "a dependency listed twice", Codes.duplicateEntry,
            "apps:\n  x: {image: \"nginx:1.27\"}\n  web: {image: \"nginx:1.27\", depends_on: [x, x]}\n"
        ),
        ("a registry user listed twice", Codes.duplicateEntry, "registry: {users: [a, a]}\n"),
        ("the realm master", Codes.invalidValue, "databases: {pg: {}}\nidentity: {realm: master}\n"),
        // Rules between keys that the schema holds too.
        ("acme without an e-mail", Codes.acmeWithoutEmail, "tls: {mode: acme}\n"),
        (
            "a health check with path and command", Codes.invalidValue,
            "apps:\n  web:\n    image: nginx:1.27\n    port: 80\n    health: {path: /, command: [true]}\n"
        ),
        (
            "a health check with neither", Codes.missingKey,
            "apps:\n  web:\n    image: nginx:1.27\n    port: 80\n    health: {interval: 5s}\n"
        ),
        ("an app without image or build", Codes.imageOrBuild, "apps:\n  web: {port: 80}\n"),
        (
            "an app with image and build", Codes.imageOrBuild,
            "registry: {}\napps:\n  web: {image: \"nginx:1.27\", build: ./web}\n"
        ),
        (
            "backup: true", Codes.invalidValue,
            "apps:\n  web:\n    image: nginx:1.27\n    volumes: {data: /data}\n    backup: true\n"
        ),
        (
            "a port without published", Codes.missingKey,
            "apps:\n  web:\n    image: nginx:1.27\n    ports: [{target: 80}]\n"
        ),
        (
            "a user without a name", Codes.missingKey,
            "databases: {pg: {}}\nidentity:\n  users:\n    - {email: a@example.org}\n"
        ),
    ]

    /// Each bad manifest: the checker reports its code, and the schema refuses it.
    @Test func badManifestsAreRefusedByTheSchemaAndTheChecker() throws {
        var manifests: [(name: String, text: String)] = []
        for bad in Self.bad {
            var text = bad.text
            for (key, line) in [("stackc", "stackc: 1\n"), ("name", "name: bad\n"), ("apps", "apps: {}\n")]
            where !text.hasPrefix("\(key):") && !text.contains("\n\(key):") {
                text = line + text
            }
            if !text.contains("domain:") { text += "domain: example.org\n" }
            let codes = StackCompiler.check(SourceFile(path: "bad.yml", text: text)).diagnostics.map(\.code)
            #expect(codes.contains(bad.code), "\(bad.name): the checker reports \(codes) for\n\(text)")
            manifests.append((bad.name, text))
        }
        // Every closed set and every range of the reference, one past each end.
        for section in ManifestLanguage.sections {
            for key in section.keys {
                var values: [String] = []
                if case .word = key.type { values = ["zzz-no-such-word"] }
                if case .integer(let range) = key.type, range.lowerBound < range.upperBound {
                    values = [String(range.lowerBound - 1), String(range.upperBound + 1)]
                }
                if case .number(let minimum, let maximum) = key.type {
                    values = [String(minimum / 2), String(maximum + 1)]
                }
                for value in values {
                    let text = LanguageReferenceTests.manifest(section.frame, lines: "\(key.name): \(value)")
                    let name = "\(section.id).\(key.name): \(value)"
                    let errors = StackCompiler.check(SourceFile(path: "bad.yml", text: text)).diagnostics.filter {
                        $0.severity == .error
                    }
                    #expect(!errors.isEmpty, "\(name): the checker takes it")
                    manifests.append((name, text))
                }
            }
        }
        let refused = try Self.refusals(manifests)
        for manifest in manifests {
            #expect(refused[manifest.name] != nil, "\(manifest.name): the schema takes\n\(manifest.text)")
        }
        #expect(manifests.count > Self.bad.count + 30)
    }

    /// The manifests `check-jsonschema` refuses against the schema, by name, with its messages;
    /// one run for all of them.
    static func refusals(_ manifests: [(name: String, text: String)]) throws -> [String: [String]] {
        let folder = try BuildSupport.makeTemporaryFolder("schema")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(StackCompiler.manifestSchema().utf8).write(to: folder.appendingPathComponent("schema.json"))
        var files: [String: String] = [:]
        for (index, manifest) in manifests.enumerated() {
            let file = "m\(index).yml"
            try Data(manifest.text.utf8).write(to: folder.appendingPathComponent(file))
            files[file] = manifest.name
        }
        guard
            let run = try Tools.run(
                "check-jsonschema", ["-o", "json", "--schemafile", "schema.json"] + files.keys.sorted(), in: folder)
        else { return [:] }
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.summary)")
        let parseErrors = report["parse_errors"] as? [Any] ?? []
        #expect(parseErrors.isEmpty, "check-jsonschema could not read: \(parseErrors)")
        var refused: [String: [String]] = [:]
        for case let error as [String: Any] in report["errors"] as? [Any] ?? [] {
            guard let file = error["filename"] as? String, let name = files[file] else { continue }
            refused[name, default: []].append("\(error["path"] ?? ""): \(error["message"] ?? "")")
        }
        #expect((run.status == 0) == refused.isEmpty, "\(run.summary)")
        return refused
    }
}
