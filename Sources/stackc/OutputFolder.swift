import FoundationEssentials
import Glibc
import StackCompiler

/// The `out/<stack>/` folder on disk: what is there, and how to bring it in line with an
/// `OutputTree` without ever leaving it half-written.
///
/// stackc records the files it wrote in `.stackc-files`; only those are ever removed, so files
/// the user put there are left alone.
struct OutputFolder {
    /// The record of the files stackc wrote, inside the folder.
    static let recordName = ".stackc-files"

    let root: URL

    /// What a write or comparison found.
    struct Changes {
        var written: [String] = []
        var unchanged: [String] = []
        var removed: [String] = []
    }

    /// What `check` reports.
    struct Staleness {
        var stale: [String] = []
        var missing: [String] = []
        var extra: [String] = []

        var isClean: Bool { stale.isEmpty && missing.isEmpty && extra.isEmpty }
    }

    /// The paths recorded by the last build.
    func recordedPaths() -> [String] {
        guard let text = try? String(contentsOf: root.appendingPathComponent(Self.recordName), encoding: .utf8) else {
            return []
        }
        return text.split(separator: "\n").map(String.init).filter {
            !$0.isEmpty && !$0.hasPrefix("#") && Self.isSafe($0)
        }
    }

    /// A recorded path must stay inside the folder, whatever the record file says.
    static func isSafe(_ path: String) -> Bool {
        !path.hasPrefix("/") && !path.split(separator: "/").contains("..")
    }

    /// The record's contents for `tree`.
    static func record(_ tree: OutputTree) -> String {
        "# Files written by stackc; it removes only these when they are no longer generated.\n"
            + tree.files.map { $0.path + "\n" }.joined()
    }

    /// Every file of the tree plus the record, as (path, contents, executable).
    static func entries(_ tree: OutputTree) -> [(path: String, contents: Data, executable: Bool)] {
        tree.files.map { ($0.path, Data($0.contents.utf8), $0.executable) } + [
            (recordName, Data(record(tree).utf8), false)
        ]
    }

    /// Compares the folder with `tree`.
    func compare(_ tree: OutputTree) -> Staleness {
        var result = Staleness()
        let entries = Self.entries(tree)
        for entry in entries {
            let url = root.appendingPathComponent(entry.path)
            guard let data = try? Data(contentsOf: url) else {
                result.missing.append(entry.path)
                continue
            }
            if data != entry.contents { result.stale.append(entry.path) }
        }
        let produced = Set(entries.map(\.path))
        result.extra = recordedPaths().filter {
            !produced.contains($0) && FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path)
        }
        return result
    }

    /// Writes `tree`: every changed file is first written beside its target under a temporary
    /// name; only when all are staged are they renamed into place and stale files removed.
    /// Unchanged files are not touched. On an error before the renames (a file that cannot be
    /// written, a folder where a file belongs) the folder is left as it was.
    func write(_ tree: OutputTree) throws -> Changes {
        var changes = Changes()
        var staged: [(temporary: URL, final: URL, path: String)] = []
        var createdFolders: [URL] = []
        let fileManager = FileManager.default
        do {
            for entry in Self.entries(tree) {
                let url = root.appendingPathComponent(entry.path)
                if let existing = try? Data(contentsOf: url), existing == entry.contents,
                    isExecutable(url) == entry.executable || entry.path == Self.recordName
                {
                    if entry.path != Self.recordName { changes.unchanged.append(entry.path) }
                    continue
                }
                // rename(2) would fail on a folder only after other files had been replaced.
                if isFolder(url) { throw OutputFolderError.folderInTheWay(entry.path) }
                createdFolders += try createFolders(url.deletingLastPathComponent())
                let temporary = url.deletingLastPathComponent().appendingPathComponent(
                    ".\(url.lastPathComponent).stackc-tmp")
                try entry.contents.write(to: temporary)
                staged.append((temporary, url, entry.path))
                try fileManager.setAttributes(
                    [.posixPermissions: entry.executable ? 0o755 : 0o644], ofItemAtPath: temporary.path)
            }
        } catch {
            for item in staged { try? fileManager.removeItem(at: item.temporary) }
            for folder in createdFolders.reversed() { try? fileManager.removeItem(at: folder) }
            throw error
        }
        let produced = Set(tree.files.map(\.path))
        let stale = recordedPaths().filter { !produced.contains($0) }
        for (index, item) in staged.enumerated() {
            guard rename(item.temporary.path, item.final.path) == 0 else {
                let code = errno
                for rest in staged[index...] { try? fileManager.removeItem(at: rest.temporary) }
                throw OutputFolderError.renameFailed(item.path, String(cString: strerror(code)))
            }
            if item.path != Self.recordName { changes.written.append(item.path) }
        }
        for path in stale {
            let url = root.appendingPathComponent(path)
            // A folder there now is the user's, not a file stackc wrote.
            guard !isFolder(url) else { continue }
            if (try? fileManager.removeItem(at: url)) != nil { changes.removed.append(path) }
            removeEmptyParents(of: url)
        }
        return changes
    }

    /// Creates `folder` and its missing parents; returns the ones it created, outermost first.
    private func createFolders(_ folder: URL) throws -> [URL] {
        var missing: [URL] = []
        var current = folder
        while !FileManager.default.fileExists(atPath: current.path), current.path != "/" {
            missing.insert(current, at: 0)
            current = current.deletingLastPathComponent()
        }
        for url in missing { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false) }
        return missing
    }

    /// True when `url` is a folder (not following a final symbolic link).
    private func isFolder(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    private func isExecutable(_ url: URL) -> Bool {
        FileManager.default.isExecutableFile(atPath: url.path)
    }

    private func removeEmptyParents(of url: URL) {
        var parent = url.deletingLastPathComponent()
        while parent.path.count > root.path.count,
            let contents = try? FileManager.default.contentsOfDirectory(atPath: parent.path), contents.isEmpty
        {
            try? FileManager.default.removeItem(at: parent)
            parent = parent.deletingLastPathComponent()
        }
    }
}

/// Why the folder could not be brought in line.
enum OutputFolderError: Error, CustomStringConvertible {
    /// A folder stands where the build writes a file.
    case folderInTheWay(String)
    /// A staged file could not be renamed into place.
    case renameFailed(String, String)

    var description: String {
        switch self {
        case .folderInTheWay(let path): return "'\(path)' is a folder, but stackc writes a file there; move it away"
        case .renameFailed(let path, let reason): return "cannot replace '\(path)': \(reason)"
        }
    }
}
