import StackDiagnostics
import YAML

/// Where each place of a described manifest was written in `stack.swift`, so that a diagnostic
/// about a place in the JSON form points at the Swift call that wrote it.
///
/// The JSON form lists, for every key and list item (by its path), the call that wrote it:
/// the line, and the column of the call's opening parenthesis (where Swift's default
/// `#column` points). The checks report places in the JSON text; the JSON is written in the
/// manifest's order, so the place a diagnostic names is the key or value that starts last at
/// or before it. Its call is shown from the start of the callee's name (`App`,
/// `Cluster.Docker`), underlined to the parenthesis.
public struct DescriptionLocations: Sendable {
    /// A place in the JSON text and the Swift span of the call that wrote it, in text order.
    struct Entry: Sendable {
        let json: SourceLocation
        let swift: SourceSpan
    }

    let entries: [Entry]
    /// The `Stack(` call: for places before the first key (the manifest as a whole).
    let stack: SourceSpan
    /// The Swift file the spans are in (and the JSON's spans carry, as it has the same path).
    let file: SourceFileID

    /// The locations of `manifest` (read from the JSON text) from the program's list `written`.
    init(manifest: YAMLNode, written: YAMLItems, source: SourceFile) {
        var spans: [String: SourceSpan] = [:]
        for location in written {
            guard let pairs = location.pairs,
                let path = pairs.first(where: { $0.keyText == "path" })?.value.items,
                let line = pairs.first(where: { $0.keyText == "line" })?.value.scalar?.int,
                let column = pairs.first(where: { $0.keyText == "column" })?.value.scalar?.int
            else { continue }
            spans[Self.key(path.map(Self.element))] = Self.callSpan(line: line, column: column, in: source)
        }
        let stack =
            spans[Self.key(["k:stackc"])] ?? SourceSpan(file: source.id, start: SourceLocation(line: 1, column: 1))
        var entries: [Entry] = []
        func walk(_ node: YAMLNode, path: [String]) {
            if let pairs = node.pairs {
                for pair in pairs {
                    let inner = path + ["k:" + pair.keyText]
                    let swift = spans[Self.key(inner)] ?? stack
                    entries.append(Entry(json: pair.key.span.start, swift: swift))
                    entries.append(Entry(json: pair.value.span.start, swift: swift))
                    walk(pair.value, path: inner)
                }
            } else if let items = node.items {
                for (index, item) in items.enumerated() {
                    let inner = path + ["i:\(index)"]
                    entries.append(Entry(json: item.span.start, swift: spans[Self.key(inner)] ?? stack))
                    walk(item, path: inner)
                }
            }
        }
        walk(manifest, path: [])
        entries.sort { $0.json < $1.json }
        self.entries = entries
        self.stack = stack
        self.file = source.id
    }

    /// A path element of the JSON form: a key (a string) or a list index (a number).
    static func element(_ node: YAMLNode) -> String {
        guard let scalar = node.scalar else { return "" }
        return (scalar.quoted ? "k:" : "i:") + scalar.text
    }

    static func key(_ path: [String]) -> String { path.joined(separator: "\u{1}") }

    /// The Swift span of the place in the JSON text at `location`.
    func swiftSpan(at location: SourceLocation) -> SourceSpan {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].json <= location { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? stack : entries[low - 1].swift
    }

    /// `diagnostics` with every span in the JSON text moved to the Swift call that wrote the
    /// place, sorted again (Swift order is not JSON order).
    public func remap(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var bag = DiagnosticBag()
        bag.report(
            contentsOf: diagnostics.map { diagnostic in
                var moved = diagnostic
                moved.span = moved.span.map(remap)
                moved.notes = moved.notes.map { note in
                    var note = note
                    note.span = note.span.map(remap)
                    return note
                }
                return moved
            })
        return bag.sorted
    }

    func remap(_ span: SourceSpan) -> SourceSpan {
        span.file == file ? swiftSpan(at: span.start) : span
    }

    /// The span of the call whose argument list opens at `line`:`column` (a byte column, as
    /// Swift's `#column` counts): from the start of the callee's name to the parenthesis, or
    /// the one character there when no name precedes it.
    static func callSpan(line: Int, column: Int, in source: SourceFile) -> SourceSpan {
        let text = Array((source.lineText(line) ?? "").utf8)
        let open = column - 1
        guard open > 0, open <= text.count else {
            return SourceSpan(file: source.id, start: SourceLocation(line: max(line, 1), column: max(column, 1)))
        }
        func isNameByte(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F || byte == 0x2E
        }
        var end = open
        while end > 0, text[end - 1] == 0x20 { end -= 1 }
        var start = end
        while start > 0, isNameByte(text[start - 1]) { start -= 1 }
        if start == end { start = open }
        func scalarColumn(_ byteIndex: Int) -> Int {
            String(decoding: text[..<byteIndex], as: UTF8.self).unicodeScalars.count + 1
        }
        return SourceSpan(
            file: source.id, start: SourceLocation(line: line, column: scalarColumn(start)),
            length: max(1, scalarColumn(end) - scalarColumn(start)))
    }
}
