/// Lays out `SwiftCode` in lines of at most `width` characters where it can: an expression that
/// fits on its line stays on it; a call that does not has one argument per line, and a literal
/// one element per line (with a trailing comma, as Swift allows in literals). Blocks always
/// have one statement per line. A single literal longer than the line stays whole.
struct SwiftLayout {
    /// The longest line it aims for.
    var width = 120
    /// One level of indentation.
    var indentation = "    "

    /// The lines of `code` at `indent` levels, with `prefix` before it on its first line (`let
    /// stack = `, `image: `) and `suffix` after it on its last (`,`).
    func lines(_ code: SwiftCode, indent: Int, prefix: String = "", suffix: String = "") -> [String] {
        let margin = String(repeating: indentation, count: indent)
        if let flat = flat(code), margin.count + prefix.count + flat.count + suffix.count <= width {
            return [margin + prefix + flat + suffix]
        }
        switch code {
        case .text(let text):
            return [margin + prefix + text + suffix]
        case .call(let callee, let arguments, let block):
            var result: [String]
            if arguments.isEmpty {
                result = [margin + prefix + callee]
            } else if let flatArguments = flatArguments(arguments),
                margin.count + prefix.count + callee.count + flatArguments.count + " {".count <= width
            {
                // The call fits on its line; only its block does not.
                result = [margin + prefix + callee + flatArguments]
            } else {
                result = [margin + prefix + callee + "("]
                for (index, argument) in arguments.enumerated() {
                    result += lines(
                        argument.value, indent: indent + 1, prefix: argument.label.map { $0 + ": " } ?? "",
                        suffix: index == arguments.count - 1 ? "" : ",")
                }
                result.append(margin + ")")
            }
            guard let block else {
                result[result.count - 1] += suffix
                return result
            }
            guard !block.isEmpty else {
                result[result.count - 1] += " {}" + suffix
                return result
            }
            result[result.count - 1] += " {"
            for statement in block {
                result += lines(statement, indent: indent + 1)
            }
            result.append(margin + "}" + suffix)
            return result
        case .array(let items):
            var result = [margin + prefix + "["]
            for item in items {
                result += lines(item, indent: indent + 1, suffix: ",")
            }
            result.append(margin + "]" + suffix)
            return result
        case .dictionary(let entries):
            var result = [margin + prefix + "["]
            for entry in entries {
                let key = flat(entry.key) ?? ""
                result += lines(entry.value, indent: indent + 1, prefix: key + ": ", suffix: ",")
            }
            result.append(margin + "]" + suffix)
            return result
        }
    }

    /// The expression on one line; nil when it holds a block with statements, which always
    /// takes lines of its own.
    func flat(_ code: SwiftCode) -> String? {
        switch code {
        case .text(let text):
            return text
        case .call(let callee, let arguments, let block):
            if let block, !block.isEmpty { return nil }
            let call = arguments.isEmpty && block != nil ? callee : flatArguments(arguments).map { callee + $0 }
            guard let call else { return nil }
            return block == nil ? call : call + " {}"
        case .array(let items):
            let texts = items.compactMap(flat)
            return texts.count == items.count ? "[" + texts.joined(separator: ", ") + "]" : nil
        case .dictionary(let entries):
            guard !entries.isEmpty else { return "[:]" }
            let texts = entries.compactMap { entry in
                flat(entry.key).flatMap { key in flat(entry.value).map { key + ": " + $0 } }
            }
            return texts.count == entries.count ? "[" + texts.joined(separator: ", ") + "]" : nil
        }
    }

    /// `(label: value, value)` on one line, or nil.
    func flatArguments(_ arguments: [SwiftCode.Argument]) -> String? {
        let texts = arguments.compactMap { argument in
            flat(argument.value).map { (argument.label.map { $0 + ": " } ?? "") + $0 }
        }
        return texts.count == arguments.count ? "(" + texts.joined(separator: ", ") + ")" : nil
    }
}
