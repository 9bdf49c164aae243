import Foundation
import Testing

@testable import StackCompiler

/// The JSON writer's exact text and escaping, checked against Python's `json` module, and
/// SHA-256 against the FIPS 180 vectors and `sha256sum`.
@Suite struct EmitTests {
    // MARK: JSON

    static let sample: JSONValue = .object([
        ("name", .string("campus")),
        ("replicas", .int(3)),
        ("ratio", .double(0.25)),
        ("enabled", .bool(true)),
        ("disabled", .bool(false)),
        ("nothing", .null),
        ("tags", .array([.string("web"), .string("db")])),
        ("empty_object", .object([])),
        ("empty_array", .array([])),
        (
            "nested",
            .object([
                ("list", .array([.object([("a", .int(1))]), .array([]), .array([.int(-2), .double(2)])])),
                ("path", .string("/var/www/html")),
            ])
        ),
    ])

    @Test func writesNestedValuesWithTwoSpaceIndentation() {
        let expected = """
            {
              "name": "campus",
              "replicas": 3,
              "ratio": 0.25,
              "enabled": true,
              "disabled": false,
              "nothing": null,
              "tags": [
                "web",
                "db"
              ],
              "empty_object": {},
              "empty_array": [],
              "nested": {
                "list": [
                  {
                    "a": 1
                  },
                  [],
                  [
                    -2,
                    2.0
                  ]
                ],
                "path": "/var/www/html"
              }
            }

            """
        #expect(JSONWriter.write(Self.sample) == expected)
    }

    @Test func writesScalarsAtTheRoot() {
        #expect(JSONWriter.write(.object([])) == "{}\n")
        #expect(JSONWriter.write(.array([])) == "[]\n")
        #expect(JSONWriter.write(.string("x")) == "\"x\"\n")
        #expect(JSONWriter.write(.int(.min)) == "-9223372036854775808\n")
        #expect(JSONWriter.write(.null) == "null\n")
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() {
        let text = "q\" b\\ s/ n\n t\t r\r bell\u{7} nul\u{0} esc\u{1B} us\u{1F} del\u{7F} ls\u{2028} ps\u{2029}"
        let expected = #""q\" b\\ s/ n\n t\t r\r bell\u0007 nul\u0000 esc\u001b us\u001f del\u007f ls\u2028 ps\u2029""#
        #expect(JSONWriter.quote(text) == expected)
    }

    @Test func keepsNonASCIIAsUTF8() {
        #expect(JSONWriter.quote("café 日本 😀 a\u{301}") == "\"café 日本 😀 a\u{301}\"")
        #expect(JSONWriter.write(.object([("ключ", .string("значение"))])) == "{\n  \"ключ\": \"значение\"\n}\n")
    }

    @Test func writesDoublesInShortestRoundTripForm() {
        #expect(JSONWriter.text(of: 0.1) == "0.1")
        #expect(JSONWriter.text(of: 2) == "2.0")
        #expect(JSONWriter.text(of: -0.0) == "-0.0")
        #expect(JSONWriter.text(of: 123_456.789) == "123456.789")
        #expect(JSONWriter.text(of: 0.0001) == "0.0001")
        #expect(JSONWriter.text(of: 1e15) == "1000000000000000.0")
        // Exponents only far from ordinary magnitudes.
        #expect(JSONWriter.text(of: 1e-5) == "1e-05")
        #expect(JSONWriter.text(of: 1e300) == "1e+300")
        // JSON has no NaN or infinity.
        #expect(JSONWriter.text(of: .nan) == "null")
        #expect(JSONWriter.text(of: .infinity) == "null")
    }

    @Test func outputIsDeterministicAndKeepsMemberOrder() {
        let value = JSONValue.object([("z", .int(1)), ("a", .int(2)), ("m", .int(3))])
        #expect(JSONWriter.write(value) == JSONWriter.write(value))
        #expect(JSONWriter.write(value) == "{\n  \"z\": 1,\n  \"a\": 2,\n  \"m\": 3\n}\n")
        #expect(value != .object([("a", .int(2)), ("z", .int(1)), ("m", .int(3))]))
    }

    @Test func pythonReadsBackTheSameValues() throws {
        let values: [JSONValue] = [
            Self.sample,
            .array([
                .string(""), .string("q\" b\\ s/ \n\t\r\u{0}\u{7}\u{1B}\u{7F}\u{2028}é日😀"),
                .string(String(repeating: "x", count: 10_000)),
            ]),
            .array([
                .int(.max), .int(.min), .int(0), .double(-0.0), .double(1e-5), .double(1e300), .double(0.1),
                .double(.leastNonzeroMagnitude), .double(123_456.789), .double(9.5e15),
            ]),
            .object([("", .null), ("a/b", .object([("nested", .array([.array([.array([])])]))]))]),
        ]
        let parsed = try PythonJSON.load(values.map(JSONWriter.write))
        for (value, python) in zip(values, parsed) {
            #expect(python.value == PythonJSON.Value(value), "\(python.value)")
        }
    }

    /// Python's `json.dumps(…, indent=2, ensure_ascii=False)` writes the same layout, so text
    /// without the few characters the two escape differently must come out byte for byte equal.
    @Test func matchesPythonsIndentedLayout() throws {
        let text = JSONWriter.write(Self.sample)
        let parsed = try PythonJSON.load([text])
        #expect(parsed.first?.redumped == text)
    }

    // MARK: SHA-256

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ])
    func matchesFIPSVectors(message: String, digest: String) {
        #expect(SHA256.hex(message) == digest)
    }

    @Test func matchesTheMillionAVector() {
        let digest = SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000))
        #expect(digest == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func hashesStringsAsUTF8() {
        #expect(SHA256.hex("é") == SHA256.hex([0xC3, 0xA9]))
    }

    /// Lengths around the padding boundaries: 55 bytes is the longest message whose length
    /// field still fits in its last block, 56 needs a second block, 64 is one whole block.
    @Test func matchesSha256sumAroundBlockBoundaries() throws {
        var state: UInt64 = 0xC0FF_EE00_5EED
        let lengths = [1, 3, 55, 56, 57, 63, 64, 65, 111, 119, 120, 127, 128, 129, 1_000, 4_096, 100_003]
        let inputs = lengths.map { length in
            (0..<length).map { _ -> UInt8 in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 33)
            }
        }
        let expected = try sha256sum(inputs)
        for (index, input) in inputs.enumerated() {
            #expect(SHA256.hex(input) == expected[index], "length \(input.count)")
        }
    }
}

// MARK: - Helpers (file-private: the test module is shared with other suites)

/// The lowercase hex digests `sha256sum` prints for each input.
private func sha256sum(_ inputs: [[UInt8]]) throws -> [String] {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackc-sha-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let files = try inputs.enumerated().map { index, bytes -> String in
        let file = directory.appendingPathComponent("\(index).bin")
        try Data(bytes).write(to: file)
        return file.path
    }
    let output = try runTool("sha256sum", files)
    let digests = output.split(separator: "\n").map { String($0.prefix(64)) }
    guard digests.count == inputs.count else {
        throw ToolFailure(description: "sha256sum printed \(digests.count) lines for \(inputs.count) files")
    }
    return digests
}

/// A tool the tests need could not be run: the test fails with this message, it does not skip.
private struct ToolFailure: Error, CustomStringConvertible {
    let description: String
}

/// Runs `tool` found on PATH and returns its standard output; throws with its stderr otherwise.
private func runTool(_ tool: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    do {
        try process.run()
    } catch {
        throw ToolFailure(description: "cannot start \(tool) (run scripts/setup.sh): \(error)")
    }
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw ToolFailure(
            description: "\(tool) exited with status \(process.terminationStatus) (run scripts/setup.sh): \(errors)")
    }
    return String(decoding: output, as: UTF8.self)
}

/// Reads JSON texts with Python's `json` module (`$PYTHON`, else `python3`): each text's value
/// with Python's types and member order, and the text `json.dumps(indent=2)` makes of it.
private enum PythonJSON {
    /// A value as Python built it: scalars as type name and `repr` (the text itself for `str`).
    indirect enum Value: Equatable, CustomStringConvertible {
        case scalar(type: String, text: String)
        case object([Member])
        case array([Value])

        /// The value Python should build from `json`.
        init(_ json: JSONValue) {
            switch json {
            case .string(let text): self = .scalar(type: "str", text: text)
            case .int(let number): self = .scalar(type: "int", text: String(number))
            case .double(let number):
                // Python's repr is also the shortest round-trip text, but prefers exponents from
                // 1e16 where Swift switches at 2^53; normalise both through Double.
                self =
                    number.isFinite
                    ? .scalar(type: "float", text: "\(number)") : .scalar(type: "NoneType", text: "None")
            case .bool(let flag): self = .scalar(type: "bool", text: flag ? "True" : "False")
            case .null: self = .scalar(type: "NoneType", text: "None")
            case .object(let members): self = .object(members.map { Member(key: $0.0, value: Value($0.1)) })
            case .array(let items): self = .array(items.map(Value.init))
            }
        }

        init(python json: Any) throws {
            if let pair = json as? [String], pair.count == 2 {
                let (type, text) = (pair[0], pair[1])
                // Compare floats by value: see `init(_:)`.
                self = .scalar(type: type, text: type == "float" ? Double(text).map { "\($0)" } ?? text : text)
            } else if let object = json as? [String: Any], let members = object["obj"] as? [[Any]] {
                self = .object(
                    try members.map { member in
                        guard member.count == 2, let key = member[0] as? String else {
                            throw ToolFailure(description: "bad member")
                        }
                        return Member(key: key, value: try Value(python: member[1]))
                    })
            } else if let object = json as? [String: Any], let items = object["arr"] as? [Any] {
                self = .array(try items.map { try Value(python: $0) })
            } else {
                throw ToolFailure(description: "python helper: unexpected \(json)")
            }
        }

        var description: String {
            switch self {
            case .scalar(let type, let text): return "\(type)(\(text.debugDescription))"
            case .object(let members):
                return "{" + members.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
            case .array(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
            }
        }
    }

    /// One member of an object.
    struct Member: Equatable {
        let key: String
        let value: Value
    }

    /// What Python made of one text.
    struct Parsed {
        let value: Value
        /// `json.dumps(value, indent=2, ensure_ascii=False)` plus a newline.
        let redumped: String
    }

    private static let script = """
        import json, sys
        def tag(v):
            if isinstance(v, tuple):
                return {"obj": [[k, tag(x)] for k, x in v[1]]}
            if isinstance(v, list):
                return {"arr": [tag(x) for x in v]}
            return [type(v).__name__, v if isinstance(v, str) else repr(v)]
        def plain(v):
            if isinstance(v, tuple):
                return dict((k, plain(x)) for k, x in v[1])
            if isinstance(v, list):
                return [plain(x) for x in v]
            return v
        with open(sys.argv[1], encoding="utf-8") as f:
            texts = json.load(f)
        out = []
        for t in texts:
            v = json.loads(t, object_pairs_hook=lambda pairs: ("obj", pairs))
            out.append({"value": tag(v), "dump": json.dumps(plain(v), indent=2, ensure_ascii=False) + "\\n"})
        sys.stdout.write(json.dumps(out))
        """

    /// Parses each text with Python; throws when Python cannot be run or rejects a text.
    static func load(_ texts: [String]) throws -> [Parsed] {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent(
            "stackc-json-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: texts).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let python = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"
        let output = try runTool(python, ["-c", script, input.path])
        guard let entries = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]] else {
            throw ToolFailure(description: "python helper printed something that is not a JSON list")
        }
        return try entries.map { entry in
            guard let value = entry["value"], let dump = entry["dump"] as? String else {
                throw ToolFailure(description: "python helper: malformed entry")
            }
            return Parsed(value: try Value(python: value), redumped: dump)
        }
    }
}
