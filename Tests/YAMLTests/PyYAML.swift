import Foundation

/// Reads YAML texts with PyYAML's `safe_load`: a YAML 1.1 reader written independently of
/// libyaml, so that emitted text is checked against the resolution rules Docker's tooling
/// grew up with, not only against the library that wrote it.
///
/// The interpreter is `$PYTHON` or `python3`, as in `scripts/setup.sh`, which installs PyYAML.
enum PyYAML {
    /// A value as Python built it: scalars as their Python type name and text (the string
    /// itself for `str`, `repr` otherwise), mappings with their key order.
    indirect enum Value: Equatable, CustomStringConvertible {
        case scalar(type: String, text: String)
        case map([Pair])
        case seq([Value])

        /// A string scalar.
        static func str(_ text: String) -> Value { .scalar(type: "str", text: text) }

        var description: String {
            switch self {
            case .scalar(let type, let text): return "\(type)(\(text.debugDescription))"
            case .map(let pairs): return "{" + pairs.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
            case .seq(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
            }
        }
    }

    /// One key and value of a mapping.
    struct Pair: Equatable {
        let key: Value
        let value: Value
    }

    /// Python or PyYAML could not be run: the test fails with this message rather than skip.
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// What PyYAML made of one text.
    enum Outcome: Equatable {
        case value(Value)
        /// The exception PyYAML raised, as `Type: message`.
        case error(String)
    }

    /// Each text's value, or PyYAML's error for it.
    static func load(_ documents: [String]) throws -> [Outcome] {
        let output = try run(documents)
        guard let results = try JSONSerialization.jsonObject(with: output) as? [[String: Any]] else {
            throw Unavailable(description: "PyYAML helper printed something that is not a JSON list")
        }
        return try results.map { entry in
            if let error = entry["error"] as? String { return .error(error) }
            guard let value = entry["ok"] else { throw Unavailable(description: "PyYAML helper: malformed entry") }
            return .value(try convert(value))
        }
    }

    private static let script = """
        import json, sys
        import yaml
        def tag(v):
            if isinstance(v, dict):
                return {"map": [[tag(k), tag(x)] for k, x in v.items()]}
            if isinstance(v, list):
                return {"seq": [tag(x) for x in v]}
            return [type(v).__name__, v if isinstance(v, str) else repr(v)]
        with open(sys.argv[1], encoding="utf-8") as f:
            docs = json.load(f)
        out = []
        for d in docs:
            try:
                out.append({"ok": tag(yaml.safe_load(d))})
            except Exception as e:
                out.append({"error": "%s: %s" % (type(e).__name__, e)})
        sys.stdout.write(json.dumps(out))
        """

    /// Runs the helper on a file holding the texts as a JSON list (a file, not stdin, so that
    /// an interpreter that dies early cannot kill the test run with SIGPIPE).
    private static func run(_ documents: [String]) throws -> Data {
        let input = FileManager.default.temporaryDirectory
            .appendingPathComponent("stackc-pyyaml-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: documents).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let python = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", script, input.path]
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw Unavailable(
                description: "cannot start \(python) to check YAML with PyYAML (run scripts/setup.sh): \(error)")
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Unavailable(
                description: """
                    \(python) with PyYAML is required to check emitted YAML (run scripts/setup.sh); \
                    it exited with status \(process.terminationStatus): \(errors)
                    """)
        }
        return output
    }

    private static func convert(_ json: Any) throws -> Value {
        if let pair = json as? [String], pair.count == 2 { return .scalar(type: pair[0], text: pair[1]) }
        if let object = json as? [String: Any], let entries = object["map"] as? [[Any]] {
            return .map(
                try entries.map { entry in
                    guard entry.count == 2 else { throw Unavailable(description: "PyYAML helper: bad pair") }
                    return Pair(key: try convert(entry[0]), value: try convert(entry[1]))
                })
        }
        if let object = json as? [String: Any], let items = object["seq"] as? [Any] {
            return .seq(try items.map(convert))
        }
        throw Unavailable(description: "PyYAML helper: unexpected value \(json)")
    }
}
