/// The one writer of Markdown text for generated documents: code spans, table rows and fenced
/// blocks, each escaped so that a value from the manifest cannot end them early.
enum Markdown {
    /// `text` as a code span: fenced with one more backtick than the longest run inside it.
    static func code(_ text: String) -> String {
        // Bytes, not Characters: most spans have no backtick, and a runbook has many spans.
        guard text.utf8.contains(UInt8(ascii: "`")) else { return "`" + text + "`" }
        var longest = 0
        var run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let padding = text.hasPrefix("`") || text.hasSuffix("`") ? " " : ""
        return fence + padding + text + padding + fence
    }

    /// Several code spans, joined by commas.
    static func codes(_ texts: [String]) -> String {
        texts.map(code).joined(separator: ", ")
    }

    /// A table: the header, its rule, then one row per entry. A `|` in a cell is escaped and a
    /// line break becomes a space, so every row stays one row.
    static func table(_ header: [String], _ rows: [[String]]) -> [String] {
        func row(_ cells: [String]) -> String {
            let escaped = cells.map { cell in
                guard cell.utf8.contains(where: { $0 == UInt8(ascii: "|") || $0 == UInt8(ascii: "\n") }) else {
                    return cell
                }
                return cell.map { $0 == "|" ? "\\|" : $0 == "\n" ? " " : String($0) }.joined()
            }
            return "| " + escaped.joined(separator: " | ") + " |"
        }
        return [row(header), row(header.map { _ in "---" })] + rows.map(row)
    }

    /// A fenced block in `language`, followed by nothing: the caller adds the blank lines.
    static func block(_ language: String, _ lines: [String]) -> [String] {
        let fence = lines.contains { $0.hasPrefix("```") } ? "````" : "```"
        return [fence + language] + lines + [fence]
    }

    /// A shell block (`sh`): complete, valid bash that `shellcheck` accepts.
    static func shell(_ lines: [String]) -> [String] {
        block("sh", lines)
    }
}
