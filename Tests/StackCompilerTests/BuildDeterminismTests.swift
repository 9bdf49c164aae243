import Foundation
import Testing

@testable import StackCompiler

/// The same manifest always gives the same bytes: no timestamps, no absolute paths, no order
/// that depends on hashing. (Separate processes, which hash with different seeds, are compared
/// by `BuildCommandTests`.)
@Suite struct BuildDeterminismTests {
    @Test(arguments: BuildCase.all)
    func buildingTwiceGivesTheSameTree(_ buildCase: BuildCase) throws {
        guard let first = BuildSupport.build(path: buildCase.path, text: buildCase.text),
            let second = BuildSupport.build(path: buildCase.path, text: buildCase.text)
        else { return }
        #expect(first.tree == second.tree)
        #expect(first.tree.files.map { Array($0.contents.utf8) } == second.tree.files.map { Array($0.contents.utf8) })
    }

    @Test(arguments: BuildCase.all)
    func outputHoldsNoDateAndNoAbsolutePath(_ buildCase: BuildCase) throws {
        guard let built = BuildSupport.build(path: buildCase.path, text: buildCase.text) else { return }
        let year = String(Calendar(identifier: .gregorian).component(.year, from: Date()))
        let folders = [
            FileManager.default.currentDirectoryPath, FileManager.default.temporaryDirectory.path,
            BuildSupport.repoRoot.path, NSHomeDirectory(),
        ].filter { $0.count > 1 }
        for file in built.tree.files {
            #expect(!file.contents.contains(year), "\(file.path) holds the year \(year), so probably a timestamp")
            for folder in folders {
                // The folder as a whole path (`/root`, `/root/x`), not the start of another name
                // (cAdvisor's `/rootfs`).
                let pattern = "\(NSRegularExpression.escapedPattern(for: folder))(?![A-Za-z0-9_.-])"
                #expect(
                    file.contents.range(of: pattern, options: .regularExpression) == nil,
                    "\(file.path) holds the absolute path \(folder)")
            }
            #expect(
                file.contents.hasSuffix("\n") && !file.contents.contains("\r"),
                "\(file.path): not LF with a final newline")
        }
    }

    /// The path the manifest was read from appears only as given (the CLI makes it relative).
    @Test func theManifestPathIsWrittenAsGiven() throws {
        guard let built = BuildSupport.build(path: "manifests/x.yml", text: BuildCase.databases.text) else { return }
        let header =
            built.tree.file("stack.yml")?.contents.split(separator: "\n").prefix(3).joined(separator: "\n") ?? ""
        #expect(
            header.contains("from manifests/x.yml;") && header.contains("stackc build manifests/x.yml"), "\(header)")
    }
}
