import Foundation
import StackDiagnostics
import Testing
import YAML

@testable import StackCompiler

/// Every manifest the build tests compile, converted to Swift, compiled and run: the manifest
/// its description hands over is the YAML manifest again, as data, checks the same, and builds
/// the same output tree.
@Suite struct ConvertRoundTripTests {
    /// The build cases, the acceptance manifests, the synthetic manifests of the generated-file
    /// tests, and those of `ConvertTests` that give every key, the YAML features and every
    /// section empty.
    static var cases: [BuildCase] {
        BuildCase.all + acceptanceManifests
            + SyntheticManifests.all.map { BuildCase(path: "synthetic/\($0.name)", text: $0.text) }
            + [
                BuildCase(path: "synthetic/every-key.yml", text: ConvertTests.everyKey.text),
                BuildCase(path: "synthetic/yaml-features.yml", text: ConvertTests.yamlFeatures),
                BuildCase(path: "synthetic/empty-sections.yml", text: ConvertTests.emptySections),
            ]
    }

    /// `Tests/Acceptance/manifests/*.yml`.
    static var acceptanceManifests: [BuildCase] {
        let folder = "Tests/Acceptance/manifests"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Repository.root.path + "/" + folder)) ?? []
        return names.filter { $0.hasSuffix(".yml") }.sorted().map { name in
            BuildCase(path: "\(folder)/\(name)", text: (try? Repository.text("\(folder)/\(name)")) ?? "")
        }
    }

    @Test(arguments: cases)
    func theDescriptionIsTheManifest(_ manifest: BuildCase) throws {
        #expect(!manifest.text.isEmpty, "\(manifest.path) is empty")
        let yaml = try #require(
            YAMLTestReading.root(manifest.text, path: manifest.path), "\(manifest.path) does not read")
        let (swift, json) = try #require(try ConvertRoundTrip.converted(manifest.text, path: manifest.path))
        let described = try #require(ConvertRoundTrip.manifestNode(ofDescriptionJSON: json))
        let differences = ConvertRoundTrip.differences(yaml: yaml, json: described)
        #expect(differences.isEmpty, "\(manifest.path):\n\(differences.joined(separator: "\n"))")
        // Checked as stackc checks a stack.swift, the description has the manifest's diagnostics.
        let swiftPath = String(manifest.path.dropLast(".yml".count)) + ".swift"
        #expect(
            ConvertRoundTrip.checkSummary(swift: swift, json: json, path: swiftPath)
                == ConvertRoundTrip.checkSummary(manifest.text, path: manifest.path),
            "\(manifest.path): the description checks differently:\n\(swift)")
        try expectSameOutput(manifest, swift: swift, json: json, swiftPath: swiftPath)
    }

    /// The description builds the YAML's output tree: byte for byte under the same source path;
    /// under its own, the lines that name the source and the config names hashed from their
    /// contents (headers included) are all that differ.
    func expectSameOutput(_ manifest: BuildCase, swift: String, json: String, swiftPath: String) throws {
        let checked = StackCompiler.check(SourceFile(path: manifest.path, text: manifest.text))
        guard let yamlStack = checked.stack else { return }  // a manifest with errors builds nothing
        let source = SourceFile(path: swiftPath, text: swift)
        let description = try SwiftDescription.read(interchange: Array(json.utf8), source: source).get()
        var swiftStack = try #require(
            StackCompiler.check(description, files: nil).stack, "\(manifest.path): the description has errors")
        #expect(swiftStack.sourcePath == swiftPath)
        let ownTree = BuildPipeline.build(swiftStack).tree
        swiftStack.sourcePath = yamlStack.sourcePath
        let yamlTree = BuildPipeline.build(yamlStack).tree
        let sameSourceTree = BuildPipeline.build(swiftStack).tree
        #expect(sameSourceTree.files.map(\.path) == yamlTree.files.map(\.path), "\(manifest.path)")
        for file in yamlTree.files {
            let other = sameSourceTree.file(file.path)
            #expect(other == file, "\(manifest.path): \(file.path) differs when built from the Swift description")
        }
        // Under its own path: only the source's name (also as Ignition's data URLs encode it),
        // the hashed config names and the runbook's steps in the source's language change.
        func normalized(_ text: String, naming path: String) -> String {
            RunbookSteps.withoutSourceLanguage(text).replacingOccurrences(of: path, with: "SOURCE")
                .replacingOccurrences(of: path.replacingOccurrences(of: "/", with: "%2F"), with: "SOURCE")
                .replacing(/_[0-9a-f]{12}\b/, with: "_HASH")
        }
        #expect(ownTree.files.map(\.path) == yamlTree.files.map(\.path), "\(manifest.path)")
        var namingSource = 0
        for file in yamlTree.files {
            guard let own = ownTree.file(file.path) else { continue }
            if own.contents.contains(swiftPath) { namingSource += 1 }
            #expect(
                normalized(own.contents, naming: swiftPath) == normalized(file.contents, naming: manifest.path),
                "\(manifest.path): \(file.path) differs beyond the source's name")
        }
        #expect(namingSource > 0, "\(manifest.path): no file names the Swift source")
    }

    /// The comparison finds what a wrong conversion would change, and allows only what it says.
    @Test func theComparisonFindsEveryChange() throws {
        let yaml = """
            stackc: 1
            name: s
            x-note: ignored
            identity: {users: []}
            databases: {pg: ~, db: {version: 16}}
            apps:
              a: {image: "a:1", port: 80, env: {A: 1, B: true, C: x}, command: [echo, 1], volumes: ~}
              b: {image: "b:1", replicas: 2}

            """
        func differences(_ json: String) throws -> [String] {
            let left = try #require(YAMLTestReading.root(yaml, path: "a.yml"))
            let right = try #require(YAMLTestReading.root(json, path: "b.json"))
            return ConvertRoundTrip.differences(yaml: left, json: right)
        }
        let same = """
            {"stackc": 1, "name": "s", "identity": {}, "databases": {"pg": {}, "db": {"version": "16"}},
             "apps": {"a": {"port": 80, "image": "a:1", "env": {"A": "1", "B": "true", "C": "x"},
                            "command": ["echo", "1"], "volumes": {}},
                      "b": {"replicas": 2.0, "image": "b:1"}}}
            """
        #expect(try differences(same) == [])
        let changes = [
            ("\"port\": 80", "\"port\": \"80\""), ("\"replicas\": 2.0", "\"replicas\": 3"),
            ("\"C\": \"x\"", "\"C\": \"y\""),
            ("\"name\": \"s\"", "\"name\": \"t\""), ("\"a\": {", "\"a\": {\"https\": false, "),
            ("\"A\": \"1\", \"B\": \"true\"", "\"B\": \"true\", \"A\": \"1\""),
            ("\"pg\": {}, \"db\": {\"version\": \"16\"}", "\"db\": {\"version\": \"16\"}, \"pg\": {}"),
            ("[\"echo\", \"1\"]", "[\"1\", \"echo\"]"), ("\"volumes\": {}", "\"volumes\": {\"v\": \"/v\"}"),
            ("\"identity\": {}", "\"identity\": {\"users\": [{\"name\": \"u\"}]}"),
        ]
        for (from, to) in changes {
            let changed = same.replacingOccurrences(of: from, with: to)
            #expect(changed != same, "\(from) is in the JSON")
            #expect(try !differences(changed).isEmpty, "\(from) → \(to) goes unnoticed")
        }
    }
}

/// Reading YAML text in tests.
enum YAMLTestReading {
    /// The root node of `text`, or nil when it does not read.
    static func root(_ text: String, path: String) -> YAMLNode? {
        var bag = DiagnosticBag()
        return YAMLReader().read(SourceFile(path: path, text: text), into: &bag)
    }
}

/// RUNBOOK.md shows its change steps in the source's language (an `App(…)` call for a
/// stack.swift, a YAML entry for a manifest): those steps are set aside when outputs of the
/// two are compared.
enum RunbookSteps {
    static func withoutSourceLanguage(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let first = lines.firstIndex(where: { $0.hasPrefix("1. Add it ") }),
            let end = lines[first...].firstIndex(where: { $0.hasPrefix("   `host:") || $0.hasPrefix("2. Build") })
        {
            lines.replaceSubrange(first..<end, with: ["ADD-AN-APP"])
        }
        return lines.joined(separator: "\n").replacingOccurrences(
            of: "`workers:` of `Cluster(…)`", with: "`cluster.workers`")
    }
}
