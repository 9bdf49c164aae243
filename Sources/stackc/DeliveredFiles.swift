import Glibc
import StackCompiler

/// Reads the files apps deliver into their containers (`files`), relative to the manifest's
/// folder, for the compiler, which reads none itself.
enum DeliveredFiles {
    /// Bytes read at most: one past what a Swarm config holds, so the compiler can say it is too
    /// large without this reading a disk image.
    static let limit = 500 * 1024

    static func read(_ stack: ResolvedStack, manifest: String) -> [String: DeliveredFileContents] {
        read(stack.deliveredFileSources.map { ($0, $0) }, manifest: manifest)
    }

    /// Each file at its path relative to the manifest's folder, only from inside the manifest's
    /// repository, by the key it comes with.
    static func read(_ files: [(key: String, path: String)], manifest: String) -> [String: DeliveredFileContents] {
        let folder = manifestFolder(manifest)
        let root = repositoryRoot(of: folder.isEmpty ? "." : folder)
        var contents: [String: DeliveredFileContents] = [:]
        for (key, source) in files {
            contents[key] = read(path(source, besideManifestIn: folder), inside: root)
        }
        return contents
    }

    /// The folder of the manifest at `manifest` as given (empty for the working directory).
    static func manifestFolder(_ manifest: String) -> String {
        manifest.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    }

    /// `source` as the manifest means it: relative to its folder, unless absolute.
    static func path(_ source: String, besideManifestIn folder: String) -> String {
        source.hasPrefix("/") || folder.isEmpty ? source : folder + "/" + source
    }

    /// What each path relative to the manifest's folder is (`S_IFREG`, `S_IFDIR`, ...), for those
    /// that exist, by key.
    static func kinds(_ files: [(key: String, path: String)], manifest: String) -> [String: mode_t] {
        let folder = manifestFolder(manifest)
        var kinds: [String: mode_t] = [:]
        for (key, source) in files {
            var status = stat()
            if stat(path(source, besideManifestIn: folder), &status) == 0 { kinds[key] = status.st_mode & S_IFMT }
        }
        return kinds
    }

    /// The repository the manifest is in: the nearest folder above it (or itself) with a `.git`,
    /// else the manifest's own folder; its real path, links resolved.
    static func repositoryRoot(of folder: String) -> String {
        guard let start = realPath(folder) else { return folder }
        var candidate = start
        while true {
            if access(candidate + "/.git", F_OK) == 0 { return candidate }
            guard let slash = candidate.lastIndex(of: "/"), candidate != "/" else { return start }
            candidate = slash == candidate.startIndex ? "/" : String(candidate[..<slash])
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The file at `path`, when it is (with links resolved) inside `root`.
    static func read(_ path: String, inside root: String) -> DeliveredFileContents {
        guard let real = realPath(path) else { return .unreadable(ManifestFile.reason(errno)) }
        guard real.hasPrefix(root == "/" ? "/" : root + "/") else { return .outside(root) }
        return read(real)
    }

    static func read(_ path: String) -> DeliveredFileContents {
        // A FIFO or a device would block or never end: only a regular file is opened, and
        // without waiting.
        var before = stat()
        guard stat(path, &before) == 0 else { return .unreadable(ManifestFile.reason(errno)) }
        guard before.st_mode & S_IFMT == S_IFREG else { return .unreadable("is not a regular file") }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return .unreadable(ManifestFile.reason(errno)) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .unreadable(ManifestFile.reason(errno)) }
        guard status.st_mode & S_IFMT == S_IFREG else { return .unreadable("is not a regular file") }
        guard Int(status.st_size) <= limit else { return .tooLarge(Int(status.st_size)) }
        guard let bytes = ManifestFile.readBytes(descriptor, limit: limit, expected: Int(status.st_size)) else {
            return .unreadable(ManifestFile.reason(errno))
        }
        guard bytes.count <= limit else { return .tooLarge(bytes.count) }
        guard let text = String(validating: bytes, as: UTF8.self) else { return .binary }
        return .text(text)
    }
}
