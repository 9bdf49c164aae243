import FoundationEssentials
import Glibc
import StackCompiler

/// Writing the folder so that it is, at every instant, either the old output or the new one,
/// whatever stops the build (SIGKILL, a full disk, a power cut aside):
///
/// 1. under an exclusive lock on the parent folder (`OutputFolderLock`), so two builds take
///    turns;
/// 2. the new folder is made beside the old one, `.<stack>.stackc-staging-<pid>`: changed files
///    are written there, unchanged ones and every file the user put in the old folder are hard
///    links to the old ones (same inode, same modification time, no copy);
/// 3. one `renameat2(RENAME_EXCHANGE)` swaps the two folders, atomically;
/// 4. the old folder, now under the staging name, is removed.
///
/// A build stopped before 3 leaves the old folder and a staging folder, stopped after it the
/// new folder and a staging folder; the next build removes staging folders it finds (it holds
/// the lock, so no other build is using them). When nothing changed, nothing is touched.
extension OutputFolder {
    /// The prefix of staging folders beside the output folder.
    var stagingPrefix: String { ".\(root.lastPathComponent).stackc-staging-" }

    /// Writes `tree`; `waiting` is called once when another stackc holds the lock.
    func write(_ tree: OutputTree, waiting: () -> Void = {}) throws -> Changes {
        let parent = root.deletingLastPathComponent()
        try Self.createFolder(parent)
        var info = stat()
        // A symbolic link to a folder: write the folder it names, and keep the link.
        if lstat(root.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK, stat(root.path, &info) == 0,
            (info.st_mode & S_IFMT) == S_IFDIR, let real = realpath(root.path, nil)
        {
            defer { free(real) }
            return try OutputFolder(root: URL(fileURLWithPath: String(cString: real))).write(tree, waiting: waiting)
        }
        let lock = try OutputFolderLock(parent, exclusive: true, waiting: waiting)
        defer { lock.release() }
        removeStagingFolders(in: parent)

        let exists = lstat(root.path, &info) == 0
        if exists {
            guard (info.st_mode & S_IFMT) == S_IFDIR else { throw OutputFolderError.notAFolder(root.path) }
            guard access(root.path, W_OK) == 0 else {
                throw OutputFolderError.notWritable(String(cString: strerror(errno)))
            }
        }
        // What changes: a folder where a file belongs stops the build before anything is made.
        var changes = Changes()
        let entries = Self.entries(tree)
        var unchanged = Set<String>()
        for entry in entries {
            let url = root.appendingPathComponent(entry.path)
            if isFolder(url) { throw OutputFolderError.folderInTheWay(entry.path) }
            if exists, let existing = try? Data(contentsOf: url), existing == entry.contents,
                entry.path == Self.recordName || isExecutable(url) == entry.executable
            {
                unchanged.insert(entry.path)
                if entry.path != Self.recordName { changes.unchanged.append(entry.path) }
            } else if entry.path != Self.recordName {
                changes.written.append(entry.path)
            }
        }
        let produced = Set(entries.map(\.path))
        // Files an earlier build wrote and this one does not; a folder there now is the user's.
        let stale = Set(
            recordedPaths().filter {
                guard !produced.contains($0) else { return false }
                var info = stat()
                return lstat(root.appendingPathComponent($0).path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFDIR
            })
        changes.removed = stale.sorted()
        if exists && unchanged.count == entries.count && stale.isEmpty { return changes }

        let staging = parent.appendingPathComponent(stagingPrefix + String(getpid()))
        do {
            try Self.check(mkdir(staging.path, exists ? info.st_mode & 0o7777 : 0o755), "cannot create", staging)
            if exists { try linkKeptFiles(from: root, to: staging, skipping: produced.union(stale)) }
            for entry in entries {
                let target = staging.appendingPathComponent(entry.path)
                try Self.createFolder(target.deletingLastPathComponent())
                if unchanged.contains(entry.path) {
                    try Self.link(root.appendingPathComponent(entry.path), to: target)
                } else {
                    try Self.writeFile(target, entry.contents, mode: entry.executable ? 0o755 : 0o644)
                }
            }
            if exists {
                try Self.exchange(staging, root)
            } else {
                try Self.check(rename(staging.path, root.path), "cannot move into place", root)
            }
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
        // The old folder, now under the staging name.
        try? FileManager.default.removeItem(at: staging)
        return changes
    }

    /// Staging folders of this output that an earlier, stopped build left.
    private func removeStagingFolders(in parent: URL) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent.path) else { return }
        for name in names where name.hasPrefix(stagingPrefix) {
            try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))
        }
    }

    /// Hard-links every file under `source` into `destination` but the `skipping` paths
    /// (relative), recreating folders with their modes: folders that hold something kept, and
    /// empty ones (the user's).
    private func linkKeptFiles(from source: URL, to destination: URL, skipping: Set<String>) throws {
        func walk(_ relative: String) throws {
            let folder = relative.isEmpty ? source : source.appendingPathComponent(relative)
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            for name in names {
                let path = relative.isEmpty ? name : relative + "/" + name
                let from = source.appendingPathComponent(path)
                var info = stat()
                guard lstat(from.path, &info) == 0 else { continue }
                if (info.st_mode & S_IFMT) == S_IFDIR {
                    let empty = (try? FileManager.default.contentsOfDirectory(atPath: from.path).isEmpty) ?? false
                    if empty {
                        let to = destination.appendingPathComponent(path)
                        try Self.createFolder(to.deletingLastPathComponent())
                        try Self.check(mkdir(to.path, info.st_mode & 0o7777), "cannot create", to)
                    }
                    try walk(path)
                } else if !skipping.contains(path) {
                    let to = destination.appendingPathComponent(path)
                    try Self.createFolder(to.deletingLastPathComponent(), modeFrom: from.deletingLastPathComponent())
                    try Self.link(from, to: to)
                }
            }
        }
        try walk("")
    }

    // MARK: System calls

    /// `folder` and its missing parents (with the mode of `modeFrom` when given, else 0755).
    static func createFolder(_ folder: URL, modeFrom model: URL? = nil) throws {
        var info = stat()
        if lstat(folder.path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else { throw OutputFolderError.notAFolder(folder.path) }
            return
        }
        try createFolder(folder.deletingLastPathComponent())
        var mode: mode_t = 0o755
        if let model, stat(model.path, &info) == 0 { mode = info.st_mode & 0o7777 }
        guard mkdir(folder.path, mode) == 0 || errno == EEXIST else {
            if errno == ENOTDIR { throw OutputFolderError.notAFolder(folder.deletingLastPathComponent().path) }
            throw OutputFolderError.failed("cannot create '\(folder.path)'", String(cString: strerror(errno)))
        }
    }

    /// A hard link to `source` at `target` (a symbolic link is linked as itself).
    static func link(_ source: URL, to target: URL) throws {
        try check(linkat(AT_FDCWD, source.path, AT_FDCWD, target.path, 0), "cannot link", target)
    }

    /// `contents` into a new file at `target`, all of it, with `mode`.
    static func writeFile(_ target: URL, _ contents: Data, mode: mode_t) throws {
        let descriptor = open(target.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        try check(descriptor, "cannot write", target)
        defer { close(descriptor) }
        try contents.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                try check(written < 0 ? -1 : 0, "cannot write", target)
                offset += written
            }
        }
        // The mode as asked, whatever the umask.
        try check(fchmod(descriptor, mode), "cannot write", target)
    }

    /// Swaps two folders in one step (`renameat2` with `RENAME_EXCHANGE`, looked up at run time:
    /// the C library has it, Swift's Glibc module does not declare it). On a file system that
    /// cannot exchange, two renames: stopped between them, the old folder is left under a
    /// staging name and the next build starts afresh.
    static func exchange(_ first: URL, _ second: URL) throws {
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        let renameExchange: UInt32 = 1 << 1
        if let symbol = dlsym(nil, "renameat2") {
            let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
            if renameat2(AT_FDCWD, first.path, AT_FDCWD, second.path, renameExchange) == 0 { return }
            guard errno == EINVAL || errno == ENOSYS else {
                throw OutputFolderError.failed("cannot move into place", String(cString: strerror(errno)))
            }
        }
        let aside = URL(fileURLWithPath: first.path + "-old")
        try check(rename(second.path, aside.path), "cannot move aside", second)
        guard rename(first.path, second.path) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = rename(aside.path, second.path)
            throw OutputFolderError.failed("cannot move into place", reason)
        }
        try check(rename(aside.path, first.path), "cannot move aside", aside)
    }

    /// Throws the C library's words for `errno` when `result` is negative.
    static func check(_ result: Int32, _ action: String, _ url: URL) throws {
        guard result < 0 else { return }
        throw OutputFolderError.failed("\(action) '\(url.lastPathComponent)'", String(cString: strerror(errno)))
    }
}
