/// A key of the manifest, by its path from the top: `apps.nextcloud.replicas`,
/// `identity.users[0]`, `databases.pg`.
public struct ManifestKeyPath: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// One step: a mapping key, or a position in a sequence.
    public enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    /// The path as written: keys separated by dots, positions in brackets (`a.b[2].c`). Kept as
    /// text, read into `components` only when asked (a build names many keys and explains few).
    public let text: String

    public init(_ components: [Component]) {
        var text = ""
        for component in components {
            switch component {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        self.text = text
    }

    public init(_ text: String) { self.text = text }

    /// The steps from the top of the manifest.
    public var components: [Component] {
        var components: [Component] = []
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(part)
            if let bracket = rest.firstIndex(of: "[") {
                if bracket > rest.startIndex { components.append(.key(String(rest[..<bracket]))) }
                rest = rest[bracket...]
                while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                    components.append(.index(Int(rest[rest.index(after: rest.startIndex)..<close]) ?? 0))
                    rest = rest[rest.index(after: close)...]
                }
            } else {
                components.append(.key(String(rest)))
            }
        }
        return components
    }

    public init(stringLiteral text: String) { self.init(text) }

    public init(stringInterpolation: DefaultStringInterpolation) {
        self.init(String(stringInterpolation: stringInterpolation))
    }

    /// The path with one more key.
    public func appending(_ key: String) -> ManifestKeyPath { ManifestKeyPath("\(text).\(key)") }

    /// The path with one more position.
    public func appending(index: Int) -> ManifestKeyPath { ManifestKeyPath("\(text)[\(index)]") }

    public var description: String { text }
}

/// Where a line of a generated file comes from: the pass (or renderer) that wrote it, and the
/// manifest keys it was made from. Recorded while the file is made, never worked out from its
/// text.
public struct OutputOrigin: Hashable, Sendable {
    /// The pass (`AppServicesPass`) or renderer (`StackFileRenderer`) that wrote the line.
    public var producer: String
    /// The keys the line was made from; `name` for what belongs to the whole stack.
    public var keys: [ManifestKeyPath]
    /// True for a line that only the renderer's layout puts there (a `services:` heading, a
    /// header comment): it stands for the keys of what encloses it.
    public var isStructure: Bool

    public init(producer: String, keys: [ManifestKeyPath], isStructure: Bool = false) {
        self.producer = producer
        self.keys = keys
        self.isStructure = isStructure
    }

    /// A renderer's own layout, standing for the stack (or for `keys`).
    static func structure(_ renderer: String, keys: [ManifestKeyPath] = ["name"]) -> OutputOrigin {
        OutputOrigin(producer: renderer, keys: keys, isStructure: true)
    }
}

/// The origin of every line of one file: a table of origins and, for runs of lines, which
/// entry of the table they have (a file is mostly long runs of one origin).
public struct LineOrigins: Sendable {
    /// The distinct origins of the file.
    public private(set) var table: [OutputOrigin] = []
    /// Runs of lines: the entry of `table`, and the number of lines up to the run's end.
    private var runs: [(origin: Int32, end: Int)] = []
    private var positions: [OutputOrigin: Int32] = [:]

    public init() {}

    /// `lines` lines of one origin.
    init(_ origin: OutputOrigin, lines: Int) {
        append(origin, lines: lines)
    }

    /// The number of lines.
    public var count: Int { runs.last?.end ?? 0 }

    /// The origin of line `index` (from 0).
    public subscript(index: Int) -> OutputOrigin {
        var low = 0
        var high = runs.count - 1
        while low < high {
            let middle = (low + high) / 2
            if runs[middle].end <= index { low = middle + 1 } else { high = middle }
        }
        return table[Int(runs[low].origin)]
    }

    /// Adds `lines` lines of `origin`.
    mutating func append(_ origin: OutputOrigin, lines: Int = 1) {
        guard lines > 0 else { return }
        let position: Int32
        if let last = runs.last, table[Int(last.origin)] == origin {
            position = last.origin
        } else if let known = positions[origin] {
            position = known
        } else {
            position = Int32(table.count)
            table.append(origin)
            positions[origin] = position
        }
        if let last = runs.last, last.origin == position {
            runs[runs.count - 1].end += lines
        } else {
            runs.append((position, count + lines))
        }
    }

    /// Adds another file's lines after these.
    mutating func append(contentsOf other: LineOrigins) {
        var start = 0
        for run in other.runs {
            append(other.table[Int(run.origin)], lines: run.end - start)
            start = run.end
        }
    }

    /// The number of lines of a text (a final line without a line break counts).
    static func lineCount(_ text: String) -> Int {
        var count = 0
        var last: UInt8 = 0x0A
        for byte in text.utf8 {
            if byte == 0x0A { count += 1 }
            last = byte
        }
        return last == 0x0A ? count : count + 1
    }
}

/// A text written with the origin of each line, for renderers that write lines.
struct OriginText {
    private(set) var text = ""
    private(set) var origins = LineOrigins()

    init() {}

    /// A text whose lines' origins are known.
    init(text: String, origins: LineOrigins) {
        self.text = text
        self.origins = origins
    }

    /// Appends lines (each ending with a line break) of one origin.
    mutating func append(_ lines: String, _ origin: OutputOrigin) {
        text += lines
        origins.append(origin, lines: LineOrigins.lineCount(lines))
    }
}
