import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Running the real `stackc` executable, as users do, in throwaway folders.
enum StackcCLI {
    /// The package's root folder (this file is `Tests/stackcTests/BuildCLISupport.swift`).
    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `stackc` that `swift test` built beside the test bundle (or `$STACKC`).
    static func binary(sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        if let override = ProcessInfo.processInfo.environment["STACKC"] { return URL(fileURLWithPath: override) }
        var candidates: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        candidates.append(Bundle.main.bundleURL)
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for folder in candidates {
            let url = folder.appendingPathComponent("stackc")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        Issue.record(
            "no stackc executable beside the tests (looked in \(candidates.map(\.path))): run 'swift build' first, or set STACKC",
            sourceLocation: sourceLocation)
        throw CLIError.noBinary
    }

    enum CLIError: Error { case noBinary }

    /// Runs `stackc arguments…` in `folder`, its streams captured through files.
    static func run(
        _ arguments: [String], in folder: URL, environment extra: [String: String] = [:], executable: URL? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> CLIRun {
        let executable = try executable ?? binary(sourceLocation: sourceLocation)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("stackc-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment.merge(extra) { $1 }
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return CLIRun(
            arguments: arguments, status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

/// One run of `stackc`.
struct CLIRun: CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var stdout: String
    var stderr: String

    var description: String {
        "stackc \(arguments.joined(separator: " ")): exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }
}

/// A throwaway project folder: a manifest, and the `out/` that stackc writes beside it.
struct Workspace {
    let root: URL

    init(_ label: String) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("stackc-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    func write(_ path: String, _ text: String) throws {
        let url = url(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func read(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: url(path)), as: UTF8.self)
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: url(path).path) }

    /// `stackc arguments…` run here.
    func stackc(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> CLIRun {
        try stackc(arguments, environment: [:], sourceLocation: sourceLocation)
    }

    /// `stackc arguments…` run here with `environment` added. Compiled `stack.swift`
    /// descriptions are cached in this folder's `.stackc-cache`, never in the user's cache.
    func stackc(
        _ arguments: [String], environment: [String: String], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> CLIRun {
        var environment = environment
        if environment["STACKC_CACHE_DIR"] == nil { environment["STACKC_CACHE_DIR"] = url(".stackc-cache").path }
        return try StackcCLI.run(arguments, in: root, environment: environment, sourceLocation: sourceLocation)
    }

    /// Every file and folder under `path` (hidden ones included), with what identifies its
    /// version on disk: contents, inode, modification time to the nanosecond, mode.
    func snapshot(_ path: String = ".") throws -> [String: FileState] {
        var result: [String: FileState] = [:]
        let base = url(path)
        guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { return result }
        while let relative = enumerator.nextObject() as? String {
            result[relative] = try FileState(base.appendingPathComponent(relative))
        }
        return result
    }
}

/// A file's identity on disk, to show that a build did not touch it.
struct FileState: Equatable, CustomStringConvertible {
    var contents: Data?
    var inode: UInt64
    var modified: Int64
    var modifiedNanoseconds: Int64
    var mode: UInt32

    init(_ url: URL) throws {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { throw CocoaError(.fileReadNoSuchFile) }
        inode = UInt64(info.st_ino)
        #if canImport(Darwin)
            let time = info.st_mtimespec
        #else
            let time = info.st_mtim
        #endif
        mode = UInt32(info.st_mode)
        let isFile = (info.st_mode & S_IFMT) == S_IFREG
        // A folder's time changes whenever a file is made and removed in it (a staged file the
        // build then discards), which leaves every file as it was: only its existence counts.
        modified = isFile ? Int64(time.tv_sec) : 0
        modifiedNanoseconds = isFile ? Int64(time.tv_nsec) : 0
        contents = isFile ? try Data(contentsOf: url) : nil
    }

    var description: String {
        "inode \(inode), mtime \(modified).\(modifiedNanoseconds), mode \(String(mode, radix: 8)), \(contents.map { "\($0.count) bytes" } ?? "folder")"
    }
}
