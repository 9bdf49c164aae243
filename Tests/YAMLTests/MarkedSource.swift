import StackDiagnostics
import YAML

/// YAML test input with spots marked `1️⃣`…`9️⃣`: the text without the markers, and where each
/// marker was (line, and column in Unicode scalars as libyaml counts them), so tests state
/// where a node or error is by pointing at it instead of hard-coding numbers.
struct MarkedSource {
    /// The text with the markers removed.
    let text: String
    /// Marker number → the location of the character that followed it.
    let marks: [Int: SourceLocation]

    init(_ marked: String) {
        var text = ""
        var marks: [Int: SourceLocation] = [:]
        var line = 1
        var column = 1
        var scalars = marked.unicodeScalars[...]
        while let scalar = scalars.first {
            if ("1"..."9").contains(scalar), let digit = Int(String(scalar)),
                scalars.dropFirst().starts(with: ["\u{FE0F}", "\u{20E3}"])
            {
                marks[digit] = SourceLocation(line: line, column: column)
                scalars = scalars.dropFirst(3)
                continue
            }
            text.unicodeScalars.append(scalar)
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            scalars = scalars.dropFirst()
        }
        self.text = text
        self.marks = marks
    }

    /// The location of marker `number`; fails the test when it is missing.
    subscript(_ number: Int) -> SourceLocation {
        guard let location = marks[number] else {
            preconditionFailure("test error: no marker \(number) in the input")
        }
        return location
    }

    /// The source file for the reader.
    var source: SourceFile { SourceFile(path: "test.yml", text: text) }
}

/// One read of YAML text: the root (nil on errors) and every diagnostic.
struct ReadResult {
    let root: YAMLNode?
    let diagnostics: [Diagnostic]

    /// The codes of the diagnostics, in order.
    var codes: [String] { diagnostics.map(\.code.rawValue) }
}

/// Reads `text` with default limits.
func read(_ text: String) -> ReadResult {
    read(SourceFile(path: "test.yml", text: text))
}

/// Reads raw bytes with default limits.
func read(bytes: [UInt8]) -> ReadResult {
    read(SourceFile(path: "test.yml", bytes: bytes))
}

/// Reads a source file with default limits.
func read(_ source: SourceFile) -> ReadResult {
    var bag = DiagnosticBag()
    let root = YAMLReader().read(source, into: &bag)
    return ReadResult(root: root, diagnostics: bag.all)
}

extension YAMLNode {
    /// The value at a path of mapping keys, for reaching into a document in one expression.
    subscript(_ keys: String...) -> YAMLNode? {
        var node: YAMLNode? = self
        for key in keys {
            node = node?.pairs?.first { $0.keyText == key }?.value
        }
        return node
    }
}

/// A deterministic byte generator (SplitMix64), so "random" inputs are the same on every run.
struct SeededBytes {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` random bytes.
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }
}
