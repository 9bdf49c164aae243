import FoundationEssentials
import Glibc

/// Compiling a description with `swiftc` into one self-contained program. The compile runs in
/// a private folder in the cache, where swiftc also leaves its by-products (it writes one beside
/// the library archive it is given, so the archive is linked there rather than named where it
/// is installed); the program is renamed into place whole, and the folder removed.
struct DescriptionCompile {
    /// One error swiftc reported in the description.
    struct CompilerError {
        let line: Int
        let column: Int
        let message: String
    }

    /// swiftc's exit status; nil when it could not start.
    var status: Int32?
    /// What swiftc printed (its diagnostics, naming the file as the user did).
    var output: [UInt8] = []
    /// The errors in `output` about the description itself.
    var errors: [CompilerError] = []

    /// Compiles `path` (as the user named it) into `program`.
    static func compile(_ path: String, into program: String, cache: String, toolchain: DescriptionToolchain)
        -> DescriptionCompile
    {
        var result = DescriptionCompile()
        var template = Array((cache + "/compile-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { return result }
        let folder = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let archive = folder + "/libStackDescription.a"
        guard symlink(toolchain.archive, archive) == 0 else { return result }
        var arguments = [
            toolchain.swiftc, "-module-name", "StackFile", "-I", toolchain.modules, archive, path, "-o",
            folder + "/program",
        ]
        #if os(Linux)
            // A self-contained program: a cached description keeps running after the
            // toolchain changes, and starts without loading the Swift runtime's libraries.
            arguments.insert("-static-stdlib", at: 1)
        #endif
        guard let output = ChildProcess.pipeForChild() else { return result }
        defer { close(output.read) }
        let pid = ChildProcess.spawn(arguments, descriptors: [(output.write, 1), (output.write, 2)])
        close(output.write)
        guard let pid else { return result }
        result.output = ChildProcess.readToEnd(output.read, limit: 16 << 20)
        result.status = ChildProcess.wait(pid).exitStatus ?? 1
        result.errors = errors(in: result.output, path: path)
        if result.status == 0, rename(folder + "/program", program) != 0 { result.status = nil }
        return result
    }

    /// `path:line:column: error: message` lines.
    static func errors(in output: [UInt8], path: String) -> [CompilerError] {
        let prefix = path + ":"
        return String(decoding: output, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard line.hasPrefix(prefix) else { return nil }
            let parts = line.dropFirst(prefix.count).split(
                separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, let number = Int(parts[0]), let column = Int(parts[1]), parts[2] == " error"
            else { return nil }
            return CompilerError(line: number, column: column, message: String(parts[3].drop { $0 == " " }))
        }
    }
}
