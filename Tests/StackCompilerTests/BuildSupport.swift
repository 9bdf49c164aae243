import Foundation
import StackDiagnostics
import Testing

@testable import StackCompiler

/// What the build tests share: the repository, compiling a manifest in memory, writing the tree
/// to a temporary folder, and running the external validators.
enum BuildSupport {
    /// The package's root folder.
    static var repoRoot: URL { Repository.root }

    /// `manifests/*.yml`, as paths relative to the root, sorted.
    static func repoManifestPaths() -> [String] {
        let folder = repoRoot.appendingPathComponent("manifests")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yml") }.sorted().map { "manifests/\($0)" }
    }

    /// A manifest checked and built in memory.
    struct Built {
        var stack: ResolvedStack
        var tree: OutputTree
    }

    /// Checks and builds `text`; records an issue and returns nil when the manifest has errors.
    static func build(path: String, text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Built? {
        let source = SourceFile(path: path, bytes: Array(text.utf8))
        let checked = StackCompiler.check(source)
        guard let stack = checked.stack else {
            let rendered = checked.diagnostics.map { DiagnosticRenderer().render($0, source: source) }.joined(
                separator: "\n")
            Issue.record("\(path) does not compile:\n\(rendered)", sourceLocation: sourceLocation)
            return nil
        }
        return Built(stack: stack, tree: BuildPipeline.build(stack).tree)
    }

    /// A new empty folder under the system's temporary folder.
    static func makeTemporaryFolder(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("stackc-\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes every file of `tree` under `folder`.
    static func write(_ tree: OutputTree, to folder: URL) throws {
        for file in tree.files {
            let url = folder.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.contents.utf8).write(to: url)
        }
    }
}

// MARK: - External tools

/// The outcome of running a tool.
struct ToolRun {
    var status: Int32
    var stdout: String
    var stderr: String

    /// The exit status and both streams, for failure messages.
    var summary: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
}

/// The validators the tests run. They are installed by `scripts/setup.sh` (which `make test`
/// runs first); a missing tool fails the test that needs it, with that advice.
enum Tools {
    /// `name` on the PATH (or in /usr/local/bin, where the machine image puts docker).
    static func locate(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin"]
        return folders.lazy.map { URL(fileURLWithPath: $0).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs `name` with `arguments`; records an issue naming the missing tool and returns nil
    /// when it is not installed.
    static func run(
        _ name: String, _ arguments: [String], in folder: URL? = nil, input: String? = nil,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> ToolRun? {
        guard let executable = locate(name) else {
            Issue.record(
                "'\(name)' is not installed (not on PATH): run scripts/setup.sh (make test does)",
                sourceLocation: sourceLocation)
            return nil
        }
        return try run(executable, arguments, in: folder, input: input)
    }

    /// Runs `executable`, its output captured through files so that neither stream can fill a
    /// pipe and stall the tool.
    static func run(_ executable: URL, _ arguments: [String], in folder: URL? = nil, input: String? = nil) throws
        -> ToolRun
    {
        let scratch = try BuildSupport.makeTemporaryFolder("run")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        process.standardOutput = outHandle
        process.standardError = errHandle
        let inputPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
        try process.run()
        if let input {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
            try inputPipe.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return ToolRun(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

// MARK: - Reading YAML as a YAML 1.1 reader does

/// A document as PyYAML (YAML 1.1, the reader that turns `on` into a boolean) reads it: strings
/// stay strings, every other scalar keeps its Python type name and `repr`.
indirect enum PyYAMLValue: Decodable, CustomStringConvertible {
    case string(String)
    case other(type: String, repr: String)
    case list([PyYAMLValue])
    case map([String: PyYAMLValue])

    private enum Keys: String, CodingKey { case str, other, repr, list, map }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        if let text = try container.decodeIfPresent(String.self, forKey: .str) {
            self = .string(text)
        } else if let items = try container.decodeIfPresent([PyYAMLValue].self, forKey: .list) {
            self = .list(items)
        } else if let pairs = try container.decodeIfPresent([String: PyYAMLValue].self, forKey: .map) {
            self = .map(pairs)
        } else {
            self = .other(
                type: try container.decode(String.self, forKey: .other),
                repr: try container.decode(String.self, forKey: .repr))
        }
    }

    /// The value at `key` of a mapping.
    subscript(key: String) -> PyYAMLValue? {
        if case .map(let pairs) = self { return pairs[key] }
        return nil
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var int: Int? {
        if case .other("int", let repr) = self { return Int(repr) }
        return nil
    }

    var bool: Bool? {
        if case .other("bool", let repr) = self { return repr == "True" }
        return nil
    }

    var items: [PyYAMLValue]? {
        if case .list(let items) = self { return items }
        return nil
    }

    var pairs: [String: PyYAMLValue]? {
        if case .map(let pairs) = self { return pairs }
        return nil
    }

    var isNull: Bool {
        if case .other("NoneType", _) = self { return true }
        return false
    }

    var description: String {
        switch self {
        case .string(let text): return "\"\(text)\" (str)"
        case .other(let type, let repr): return "\(repr) (\(type))"
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .map(let pairs):
            return "{" + pairs.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }

    /// The script: reads YAML on stdin with PyYAML's SafeLoader and prints it as typed JSON.
    /// A mapping key that is not a string is kept, marked, so `on:` read as `True` shows.
    static let script = """
        import json, sys
        try:
            import yaml
        except ImportError:
            sys.exit("PyYAML is not installed: run scripts/setup.sh (make test does)")
        class Loader(yaml.SafeLoader):
            pass
        # docker stack config (go-yaml) prints `=` and `<<` plain as values; YAML 1.1 tags those
        # `!!value` and `!!merge`, which SafeLoader cannot build. stackc itself quotes them.
        for tag in ("value", "merge"):
            Loader.add_constructor("tag:yaml.org,2002:" + tag, lambda loader, node: loader.construct_scalar(node))
        def typed(value):
            if isinstance(value, dict):
                return {"map": {(k if isinstance(k, str) else "!%s %r" % (type(k).__name__, k)): typed(v) for k, v in value.items()}}
            if isinstance(value, list):
                return {"list": [typed(v) for v in value]}
            if isinstance(value, str):
                return {"str": value}
            return {"other": type(value).__name__, "repr": repr(value)}
        json.dump(typed(yaml.load(sys.stdin.read(), Loader=Loader)), sys.stdout)
        """

    /// `text` read by PyYAML; records an issue and returns nil when python3 or PyYAML is
    /// missing or the text is not YAML.
    static func read(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> PyYAMLValue? {
        guard let run = try Tools.run("python3", ["-c", script], input: text, sourceLocation: sourceLocation) else {
            return nil
        }
        guard run.status == 0 else {
            Issue.record("PyYAML could not read the YAML: \(run.summary)", sourceLocation: sourceLocation)
            return nil
        }
        return try JSONDecoder().decode(PyYAMLValue.self, from: Data(run.stdout.utf8))
    }
}
