import Foundation
import Testing

/// The committed `out/` is exactly what `stackc build` writes for `manifests/*.yml`: this is
/// the test that fails CI when someone edits a manifest or the generator and does not rebuild.
@Suite struct BuildCommittedOutputTests {
    static var manifests: [String] {
        let folder = StackcCLI.repoRoot.appendingPathComponent("manifests")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yml") }.sorted().map { "manifests/\($0)" }
    }

    @Test func thereAreManifests() {
        #expect(!Self.manifests.isEmpty, "no manifests/*.yml under \(StackcCLI.repoRoot.path)")
    }

    /// `stackc check manifests/X.yml`, run from the repository root as `make check` does.
    @Test(arguments: manifests)
    func committedOutputIsFresh(_ manifest: String) throws {
        let check = try StackcCLI.run(["check", manifest], in: StackcCLI.repoRoot)
        #expect(check.status == 0, "out/ is stale for \(manifest): run 'make out-all' and commit the result\n\(check)")
    }

    /// Every folder of `out/` belongs to a manifest: a stack whose manifest was removed or
    /// renamed leaves a folder nothing regenerates.
    @Test func everyOutputFolderHasAManifest() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "stackc-committed-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        for manifest in Self.manifests {
            let build = try StackcCLI.run(["build", manifest, "-o", scratch.path], in: StackcCLI.repoRoot)
            try #require(build.status == 0, "\(build)")
        }
        let fileManager = FileManager.default
        let built = Set(try fileManager.contentsOfDirectory(atPath: scratch.path))
        let committed = Set(
            try fileManager.contentsOfDirectory(atPath: StackcCLI.repoRoot.appendingPathComponent("out").path))
        #expect(
            committed == built,
            "folders in out/ without a manifest: \(committed.subtracting(built).sorted()); stacks not committed: \(built.subtracting(committed).sorted())"
        )
    }
}

/// Each `manifests/X.yml` has its Swift twin `manifests/X.swift`: what `stackc convert` prints
/// for it now, and it builds what the YAML builds. Built by the real stackc from the
/// repository's root, the trees differ only where they name their source (and in the config
/// names hashed from contents that include those headers).
@Suite struct ManifestTwinTests {
    @Test(arguments: BuildCommittedOutputTests.manifests)
    func theTwinIsCurrentAndBuildsTheSameTree(_ manifest: String) throws {
        let twin = String(manifest.dropLast(".yml".count)) + ".swift"
        let converted = try StackcCLI.run(["convert", manifest], in: StackcCLI.repoRoot)
        try #require(converted.status == 0, "\(converted)")
        let committed = try String(contentsOf: StackcCLI.repoRoot.appendingPathComponent(twin), encoding: .utf8)
        #expect(
            committed == converted.stdout,
            "\(twin) is not what 'stackc convert \(manifest)' prints: run 'make twins' and commit the result")

        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("stackc-twin-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let cache = ["STACKC_CACHE_DIR": scratch.appendingPathComponent("cache").path]
        let fromYAML = try StackcCLI.run(
            ["build", manifest, "-o", scratch.appendingPathComponent("yaml").path], in: StackcCLI.repoRoot)
        let fromSwift = try StackcCLI.run(
            ["build", twin, "-o", scratch.appendingPathComponent("swift").path], in: StackcCLI.repoRoot,
            environment: cache)
        try #require(fromYAML.status == 0, "\(fromYAML)")
        try #require(fromSwift.status == 0, "\(fromSwift)")
        // The same diagnostics, at the twin's own lines.
        let yamlCodes = fromYAML.stderr.matches(of: /(warning|error)\[([A-Z0-9]+)\]/).map { String($0.output.2) }
        let swiftCodes = fromSwift.stderr.matches(of: /(warning|error)\[([A-Z0-9]+)\]/).map { String($0.output.2) }
        #expect(yamlCodes == swiftCodes, "\(fromYAML)\n\(fromSwift)")

        func files(_ root: URL) throws -> [String: String] {
            var result: [String: String] = [:]
            let enumerator = try #require(FileManager.default.enumerator(atPath: root.path))
            while let relative = enumerator.nextObject() as? String {
                let url = root.appendingPathComponent(relative)
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue
                else { continue }
                result[relative] = String(decoding: try Data(contentsOf: url), as: UTF8.self)
            }
            return result
        }
        func normalized(_ text: String, naming path: String) -> String {
            RunbookSteps.withoutSourceLanguage(text).replacingOccurrences(of: path, with: "SOURCE")
                .replacingOccurrences(of: path.replacingOccurrences(of: "/", with: "%2F"), with: "SOURCE")
                .replacing(/_[0-9a-f]{12}\b/, with: "_HASH")
                .replacing(/"[0-9a-f]{64}"/, with: "\"DIGEST\"")
        }
        let yamlFiles = try files(scratch.appendingPathComponent("yaml"))
        let swiftFiles = try files(scratch.appendingPathComponent("swift"))
        #expect(!yamlFiles.isEmpty)
        #expect(yamlFiles.keys.sorted() == swiftFiles.keys.sorted())
        for (path, yaml) in yamlFiles.sorted(by: { $0.key < $1.key }) {
            guard let swift = swiftFiles[path] else { continue }
            #expect(
                normalized(swift, naming: twin) == normalized(yaml, naming: manifest),
                "\(path) differs beyond the name of its source")
        }
        #expect(swiftFiles.values.contains { $0.contains("Generated by stackc from \(twin)") })
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
