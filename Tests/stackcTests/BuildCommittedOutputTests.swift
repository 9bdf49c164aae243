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
