import Foundation
import StackDiagnostics
import Testing

@testable import StackCompiler

/// The language model (`ManifestLanguage`) against the checker: the same keys in every mapping,
/// the same words in every closed set, examples that the checker takes without a word; and the
/// committed `docs/reference.md` and schema as the model renders them now.
@Suite struct LanguageReferenceTests {
    /// The model's keys of each mapping are the keys the checker accepts there, read from its
    /// own "unknown key" error (`expected: one of …`) in `ConvertTests.everyKey`, whose
    /// `# zzz:<id>` lines name the mappings as the model's section ids do: a key added to the
    /// checker and not to the reference fails here.
    @Test func everyMappingHasTheCheckersKeys() throws {
        var marked = Set<String>()
        for line in ConvertTests.everyKey.text.split(separator: "\n") where line.contains("# zzz:") {
            marked.insert(String(line.split(separator: ":").last ?? ""))
        }
        #expect(Set(ManifestLanguage.sections.map(\.id)) == marked, "every mapping of the manifest is described")
        for section in ManifestLanguage.sections {
            let text = ConvertTests.everyKey.text.replacing("# zzz:\(section.id)\n", with: "zzz: 1\n")
            let unknown = StackCompiler.check(SourceFile(path: "test.yml", text: text)).diagnostics.first {
                $0.code == Codes.unknownKey && $0.message.contains("'zzz'")
            }
            let expected = try #require(unknown?.expected, "\(section.id): no unknown-key error for 'zzz'")
            let accepted = expected.replacing("one of ", with: "").components(separatedBy: ", ")
            let keys = section.keys.map(\.name)
            #expect(Set(keys) == Set(accepted), "\(section.path): the checker accepts \(accepted)")
            #expect(keys.count == Set(keys).count, "\(section.path): a key twice")
        }
    }

    /// Each key whose value is a word of a closed set lists the words the checker accepts, in
    /// its order, read from its "invalid value" error (`expected: one of …`) for a word it
    /// does not know.
    @Test func everyClosedSetHasTheCheckersWords() throws {
        var compared = 0
        for section in ManifestLanguage.sections {
            for key in section.keys {
                guard case .word(let words) = key.type else { continue }
                let text = Self.manifest(section.frame, lines: "\(key.name): zzz-no-such-word")
                let refusal = StackCompiler.check(SourceFile(path: "test.yml", text: text)).diagnostics.first {
                    $0.code == Codes.invalidValue && $0.message.contains("'zzz-no-such-word'")
                }
                let expected = try #require(refusal?.expected, "\(section.path).\(key.name): not refused")
                #expect(
                    "one of " + words.joined(separator: ", ") == expected, "\(section.path).\(key.name): \(expected)")
                compared += 1
            }
        }
        #expect(compared >= 14, "every closed set is compared")
    }

    /// The model and `convert`'s table (`DescriptionSchema`) describe the same mappings: the same
    /// keys, and for each closed set the same words.
    @Test func theModelAndConvertsTableAgree() throws {
        let schema = DescriptionSchema.self
        func nested(_ call: DescriptionSchema.Call, _ key: String) -> DescriptionSchema.Call? {
            if case .call(let nested) = call.parameter(key)?.value { return nested }
            return nil
        }
        let calls: [String: DescriptionSchema.Call] = [
            "tls": schema.tls, "proxy": schema.proxy, "cluster": schema.cluster, "registry": schema.registry,
            "identity": schema.identity, "user": schema.user, "monitoring": schema.monitoring,
            "alerts": schema.alerts, "grafana": schema.grafana, "database": schema.database,
            "placement": schema.placement, "backup": schema.backup, "app": schema.app, "health": schema.health,
            "metrics": schema.metrics, "port": schema.port, "resources": schema.resources, "update": schema.update,
            "docker": try #require(nested(schema.cluster, "docker")),
            "reserve": try #require(nested(schema.resources, "reserve")),
        ]
        for section in ManifestLanguage.sections {
            let keys = Set(section.keys.map(\.name))
            guard let call = calls[section.id] else {
                #expect(section.id == "top")
                #expect(keys == Set(schema.stackKeys + schema.sections.map(\.key)))
                continue
            }
            #expect(keys == Set(call.keys), "\(section.path)")
            for key in section.keys {
                guard case .word(let words) = key.type else { continue }
                guard case .choice(let choice) = call.parameter(key.name)?.value else {
                    Issue.record("\(section.path).\(key.name): not a choice in DescriptionSchema")
                    continue
                }
                #expect(choice.members.map(\.word) == words, "\(section.path).\(key.name)")
            }
        }
    }

    /// Every key's example, placed where the key is written in a manifest that needs nothing
    /// else, lints without an error or a warning (so the reference shows what works).
    @Test(arguments: ManifestLanguage.sections.map(\.id))
    func everyExampleLintsClean(_ id: String) throws {
        let section = try #require(ManifestLanguage.section(id))
        for key in section.keys {
            let text = Self.manifest(section, key)
            let result = StackCompiler.lint(SourceFile(path: "manifests/example.yml", text: text))
            #expect(
                result.diagnostics.isEmpty,
                "\(section.path).\(key.name): \(result.diagnostics.map { "\($0.code.rawValue) \($0.message)" })\n\(text)"
            )
        }
    }

    /// Every default the model gives as a value is the compiler's: a manifest that writes it
    /// builds the same files, byte for byte, as one that leaves the key out (the key's example
    /// without the key, for what the key needs beside it).
    @Test(arguments: ManifestLanguage.sections.map(\.id))
    func writingADefaultChangesNothing(_ id: String) throws {
        let section = try #require(ManifestLanguage.section(id))
        for key in section.keys {
            guard let value = key.defaultValue.value else { continue }
            var others: [String] = []
            var inKey = false
            for line in key.example.split(separator: "\n").map(String.init) {
                if line.hasPrefix("\(key.name):") {
                    inKey = true
                } else if !inKey || !(line.hasPrefix(" ") || line.hasPrefix("-")) {
                    inKey = false
                    others.append(line)
                }
            }
            let base = others.isEmpty ? ["x-nothing: 1"] : others
            let written = base + ["\(key.name): \(LanguageType.yamlText(of: value))"]
            let frame = key.frame ?? section.frame
            let left = Self.manifest(frame, lines: base.joined(separator: "\n"), needs: key.needs)
            let given = Self.manifest(frame, lines: written.joined(separator: "\n"), needs: key.needs)
            let name = "\(section.path).\(key.name)"
            guard let leftOut = BuildSupport.build(path: "manifests/example.yml", text: left),
                let writtenOut = BuildSupport.build(path: "manifests/example.yml", text: given)
            else {
                Issue.record("\(name): does not build\n\(left)\n\(given)")
                continue
            }
            let changed = Set(writtenOut.tree.files.map(\.path) + leftOut.tree.files.map(\.path)).sorted().filter {
                writtenOut.tree.file($0) != leftOut.tree.file($0)
            }
            #expect(changed.isEmpty, "\(name): writing the default changes \(changed)\n\(given)")
        }
    }

    /// Every key has a meaning and an example that gives the key itself.
    @Test func everyKeyIsDocumented() throws {
        for section in ManifestLanguage.sections {
            #expect(!section.summary.isEmpty, "\(section.path)")
            for key in section.keys {
                #expect(key.meaning.hasSuffix("."), "\(section.path).\(key.name): a meaning in a sentence")
                let lines = key.example.split(separator: "\n")
                #expect(lines.contains { $0.hasPrefix("\(key.name):") }, "\(section.path).\(key.name): its example")
                #expect(
                    ManifestSchemaRenderer.exampleValue(key) != nil, "\(section.path).\(key.name): the example's value")
            }
        }
    }

    /// `docs/reference.md` is what the model renders now (`make reference` writes it).
    @Test func theCommittedReferenceIsCurrent() throws {
        let committed = try String(
            contentsOf: Repository.root.appendingPathComponent("docs/reference.md"), encoding: .utf8)
        #expect(committed == StackCompiler.languageReference(), "docs/reference.md is stale: run make reference")
    }

    /// `schema/stackc-manifest.schema.json` is what the model renders now.
    @Test func theCommittedSchemaIsCurrent() throws {
        let committed = try String(
            contentsOf: Repository.root.appendingPathComponent(Self.schemaPath), encoding: .utf8)
        #expect(committed == StackCompiler.manifestSchema(), "\(Self.schemaPath) is stale: run make reference")
    }

    /// The reference has a section for every mapping and an entry for every key.
    @Test func theReferenceNamesEveryKey() {
        let reference = StackCompiler.languageReference()
        for section in ManifestLanguage.sections {
            #expect(reference.contains("<a id=\"\(section.id)\"></a>"), "\(section.path)")
            for key in section.keys {
                #expect(
                    reference.contains("<a id=\"\(ReferenceRenderer.anchor(section, key))\"></a>"),
                    "\(section.path).\(key.name)")
            }
        }
    }

    static let schemaPath = "schema/stackc-manifest.schema.json"

    /// A manifest with `key`'s example where the key is written, and what it needs.
    static func manifest(_ section: LanguageSection, _ key: LanguageKey) -> String {
        manifest(key.frame ?? section.frame, lines: key.example, needs: key.needs)
    }

    /// `section`'s frame with `lines` in place of `{{KEYS}}` (indented as it is), `needs`
    /// after it, and the required top-level keys the text does not give.
    static func manifest(_ frame: String, lines: String, needs: String = "") -> String {
        var out: [String] = []
        for line in frame.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let marker = line.firstRange(of: "{{KEYS}}") else {
                out.append(String(line))
                continue
            }
            let indent = String(repeating: " ", count: line.distance(from: line.startIndex, to: marker.lowerBound))
            for (index, example) in lines.split(separator: "\n").enumerated() {
                out.append(index == 0 ? String(line).replacing("{{KEYS}}", with: example) : indent + example)
            }
        }
        if !needs.isEmpty { out += needs.split(separator: "\n").map(String.init) }
        for (key, line) in [
            ("stackc", "stackc: 1"), ("name", "name: example"), ("domain", "domain: example.org"), ("apps", "apps: {}"),
        ] where !out.contains(where: { $0.hasPrefix("\(key):") }) {
            out.append(line)
        }
        return out.joined(separator: "\n") + "\n"
    }
}
