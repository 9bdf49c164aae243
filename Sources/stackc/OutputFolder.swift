import FoundationEssentials
import Glibc
import StackCompiler

/// The `out/<stack>/` folder on disk: what is there, and how to bring it in line with an
/// `OutputTree` without ever leaving it half-written (`OutputFolder+Write.swift`).
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

    /// Compares the folder with `tree`, under a shared lock on its parent (when there is one),
    /// so that a build writing it at the same time is waited for, never seen half-way.
    func compare(_ tree: OutputTree, waiting: () -> Void = {}) -> Staleness {
        let lock = try? OutputFolderLock(root.deletingLastPathComponent(), exclusive: false, waiting: waiting)
        defer { lock?.release() }
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

    /// True when `url` is a folder (not following a final symbolic link).
    func isFolder(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    func isExecutable(_ url: URL) -> Bool {
        FileManager.default.isExecutableFile(atPath: url.path)
    }
}

/// Why the folder could not be brought in line.
enum OutputFolderError: Error, CustomStringConvertible {
    /// A folder stands where the build writes a file.
    case folderInTheWay(String)
    /// Something that is not a folder stands where the output folder (or a folder above it) is.
    case notAFolder(String)
    /// The output folder cannot be written (read-only, or no permission): the reason.
    case notWritable(String)
    /// A system call failed: what was being done, and the C library's words for why.
    case failed(String, String)

    var description: String {
        switch self {
        case .folderInTheWay(let path): return "'\(path)' is a folder, but stackc writes a file there; move it away"
        case .notAFolder(let path): return "'\(path)' is not a folder"
        case .notWritable(let reason): return "the folder cannot be written: \(reason)"
        case .failed(let action, let reason): return "\(action): \(reason)"
        }
    }
}
