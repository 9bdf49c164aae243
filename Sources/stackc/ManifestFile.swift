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

/// A manifest that could not be read.
struct ManifestReadError: Error {
    let path: String
    let reason: String

    var message: String { "stackc: cannot read '\(path)': \(reason)\n" }
}
