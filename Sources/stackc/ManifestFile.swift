import FoundationEssentials
import Glibc
import StackDiagnostics

/// Reads a manifest from disk.
enum ManifestFile {
    /// Files larger than this are refused before reading, so a mistaken path to a disk image
    /// cannot exhaust memory.
    static let maxBytes = 64 * 1024 * 1024

    /// The file's contents, or an error message for the user.
    static func read(_ path: String) -> Result<SourceFile, ManifestReadError> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(ManifestReadError(path: path, reason: reason(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            return .failure(ManifestReadError(path: path, reason: reason(errno)))
        }
        guard status.st_mode & S_IFMT != S_IFDIR else {
            return .failure(ManifestReadError(path: path, reason: "is a directory"))
        }
        // The size stat gives may be 0 for a pipe: read, and see.
        guard let bytes = readBytes(descriptor, limit: maxBytes, expected: Int(status.st_size)) else {
            return .failure(ManifestReadError(path: path, reason: reason(errno)))
        }
        guard bytes.count <= maxBytes else {
            return .failure(
                ManifestReadError(path: path, reason: "larger than \(maxBytes / 1024 / 1024) MiB; not a manifest"))
        }
        return .success(SourceFile(path: path, bytes: bytes))
    }

    /// The bytes of an open file, up to one past `limit` (so that a caller sees it is larger),
    /// or nil with `errno` set when reading fails.
    static func readBytes(_ descriptor: Int32, limit: Int, expected: Int) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(max(expected, 0), limit) + 1)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count <= limit {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return bytes
    }

    /// What an `errno` from opening or reading means, in the words users know.
    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT, ENOTDIR: return "no such file"
        case EACCES, EPERM: return "permission denied"
        case EISDIR: return "is a directory"
        default: return String(cString: strerror(code))
        }
    }
}

extension ManifestFile {
    /// How generated files name the manifest at `path`: relative to the root of the repository
    /// it is in (the nearest folder above it with a `.git`), whatever the working directory;
    /// outside a repository, as `displayPath` names it.
    static func headerPath(_ path: String) -> String {
        repositoryPath(path) ?? displayPath(path)
    }

    /// `path` relative to the root of the repository it is in (the nearest folder above it
    /// with a `.git`), or nil when it is in none or does not exist. The tools' formats name files
    /// so (`--format sarif`, `--format github`): code scanning and the Actions runner resolve
    /// paths against the checkout, whichever folder stackc ran in.
    static func repositoryPath(_ path: String) -> String? {
        guard let real = DeliveredFiles.realPath(path), let slash = real.lastIndex(of: "/") else { return nil }
        let root = DeliveredFiles.repositoryRoot(of: slash == real.startIndex ? "/" : String(real[..<slash]))
        let prefix = root == "/" ? "/" : root + "/"
        guard access(root + "/.git", F_OK) == 0, real.hasPrefix(prefix) else { return nil }
        return String(real.dropFirst(prefix.count))
    }

    /// `path` relative to `workingDirectory`, with `.` and `..` resolved lexically:
    /// `manifests/a.yml`, `./manifests/a.yml` and `$PWD/manifests/a.yml` all give
    /// `manifests/a.yml`; a manifest outside the working directory gives `../…`.
    static func displayPath(_ path: String, workingDirectory: String = FileManager.default.currentDirectoryPath)
        -> String
    {
        let target = normalized(path.hasPrefix("/") ? path : workingDirectory + "/" + path)
        let base = normalized(workingDirectory)
        var common = 0
        while common < min(target.count, base.count), target[common] == base[common] { common += 1 }
        let relative = Array(repeating: "..", count: base.count - common) + target[common...]
        return relative.isEmpty ? "." : relative.joined(separator: "/")
    }

    /// The components of an absolute path without `.`, `..` or empty ones.
    private static func normalized(_ absolute: String) -> [String] {
        var components: [String] = []
        for component in absolute.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(String(component))
            }
        }
        return components
    }
}

/// A manifest that could not be read.
struct ManifestReadError: Error {
    let path: String
    let reason: String
    /// What could not be done with it: `read`, or `compile` for a `stack.swift`.
    var verb = "read"

    var message: String { "stackc: cannot \(verb) '\(path)': \(reason)\n" }
}
