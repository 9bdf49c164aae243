/// `docs/diagnostics.md`, whose entry for each code is generated from its `CodeExplanation`:
/// the document's prose (the introduction, the headings) stays as written, and the text of
/// every entry is the explanation's, so the two cannot drift. A test keeps the committed
/// document current.
public enum DiagnosticsDocument {
    /// The width entries are wrapped at.
    static let width = 96

    /// `document` with the entry of every code that has an explanation (or is retired)
    /// replaced by the one generated from it. An entry is a line starting "- `CODE" and the
    /// lines indented under it.
    public static func regenerated(_ document: String) -> String {
        var generated = Dictionary(
            uniqueKeysWithValues: CodeExplanation.all.map {
                ($0.code.rawValue, entry("\($0.code.rawValue) \($0.code.name)", $0.documentation))
            })
        for retired in CodeExplanation.retired {
            generated[retired.code] = entry(retired.code, CodeExplanation.paragraph(retired.documentation))
        }
        var out: [Substring] = []
        var lines = document.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let line = lines.popFirst() {
            guard line.hasPrefix("- `"), let replacement = generated[String(line.dropFirst(3).prefix(4))] else {
                out.append(line)
                continue
            }
            while let next = lines.first, next.hasPrefix("  ") { lines.removeFirst() }
            out += replacement.split(separator: "\n")
        }
        return out.joined(separator: "\n")
    }

    /// One entry: "- `E101 unknown-key` — …", wrapped, continued with two spaces.
    static func entry(_ title: String, _ documentation: String) -> String {
        var lines: [String] = []
        var line = "- `\(title)` —"
        for word in documentation.split(separator: " ") {
            if line.count + 1 + word.count > width, !line.hasSuffix("—") {
                lines.append(line)
                line = "  " + word
                continue
            }
            line += " " + word
        }
        lines.append(line)
        return Self.keepingLineStartsPlain(lines).joined(separator: "\n")
    }

    /// `lines` with a continuation line that would start a list item, a heading or a quote
    /// given the last word of the line before it, so that it stays text of the entry.
    static func keepingLineStartsPlain(_ lines: [String]) -> [String] {
        var lines = lines
        for index in lines.indices.dropFirst() {
            let first = lines[index].dropFirst(2).prefix { $0 != " " }
            guard Self.startsBlock(first), let space = lines[index - 1].lastIndex(of: " ") else { continue }
            let moved = lines[index - 1][lines[index - 1].index(after: space)...]
            lines[index] = "  " + moved + " " + lines[index].dropFirst(2)
            lines[index - 1] = String(lines[index - 1][..<space])
        }
        return lines
    }

    /// True for a word that, first on a line, makes Markdown start a block.
    static func startsBlock(_ word: Substring) -> Bool {
        if ["-", "*", "+", ">", "="].contains(word) || word.hasPrefix("#") { return true }
        return word.dropLast().allSatisfy(\.isNumber) && !word.dropLast().isEmpty
            && (word.hasSuffix(".") || word.hasSuffix(")"))
    }
}
