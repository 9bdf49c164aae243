import Glibc
import StackCompiler

/// Reads the files apps deliver into their containers (`files`), relative to the manifest's
/// folder, for the compiler, which reads none itself.
enum DeliveredFiles {
    /// Bytes read at most: one past what a Swarm config holds, so the compiler can say it is too
    /// large without this reading a disk image.
    static let limit = 500 * 1024

    static func read(_ stack: ResolvedStack, manifest: String) -> [String: DeliveredFileContents] {
        let folder = manifest.split(separator: "/", omittingEmptySubsequences: false).dropLast()
            .joined(separator: "/")
        var contents: [String: DeliveredFileContents] = [:]
        for source in stack.deliveredFileSources {
            let path = source.hasPrefix("/") || folder.isEmpty ? source : folder + "/" + source
            contents[source] = read(path)
        }
        return contents
    }

    static func read(_ path: String) -> DeliveredFileContents {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .unreadable(ManifestFile.reason(errno)) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .unreadable(ManifestFile.reason(errno)) }
        guard status.st_mode & S_IFMT == S_IFREG else { return .unreadable("is not a regular file") }
        guard Int(status.st_size) <= limit else { return .tooLarge(Int(status.st_size)) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count <= limit {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return .unreadable(ManifestFile.reason(errno)) }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        guard bytes.count <= limit else { return .tooLarge(bytes.count) }
        guard let text = String(validating: bytes, as: UTF8.self) else { return .binary }
        return .text(text)
    }
}
