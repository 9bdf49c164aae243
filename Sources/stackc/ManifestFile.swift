import Foundation
import StackDiagnostics

/// Reads a manifest from disk.
enum ManifestFile {
    /// Files larger than this are refused before reading, so a mistaken path to a disk image
    /// cannot exhaust memory.
    static let maxBytes = 64 * 1024 * 1024

    /// The file's contents, or an error message for the user.
    static func read(_ path: String) -> Result<SourceFile, ManifestReadError> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(ManifestReadError(path: path, reason: "no such file"))
        }
        guard !isDirectory.boolValue else { return .failure(ManifestReadError(path: path, reason: "is a directory")) }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return .failure(ManifestReadError(path: path, reason: "permission denied"))
        }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: maxBytes + 1) ?? Data()
            guard data.count <= maxBytes else {
                return .failure(ManifestReadError(path: path, reason: "larger than \(maxBytes / 1024 / 1024) MiB; not a manifest"))
            }
            return .success(SourceFile(path: path, bytes: [UInt8](data)))
        } catch {
            return .failure(ManifestReadError(path: path, reason: error.localizedDescription))
        }
    }
}

extension ManifestFile {
    /// `path` relative to `workingDirectory`, with `.` and `..` resolved lexically:
    /// `manifests/a.yml`, `./manifests/a.yml` and `$PWD/manifests/a.yml` all give
    /// `manifests/a.yml`; a manifest outside the working directory gives `../…`.
    static func displayPath(_ path: String, workingDirectory: String = FileManager.default.currentDirectoryPath) -> String {
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

    var message: String { "stackc: cannot read '\(path)': \(reason)\n" }
}
