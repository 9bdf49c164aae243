/// An HAProxy configuration as sections of directives, so that the pass builds a typed value and
/// one writer decides the layout: a section line, then its directives indented by four spaces.
struct HAProxyConfig {
    /// One `global`, `defaults`, `resolvers`, `frontend`, `backend` or `userlist` section.
    struct Section {
        /// The section line, such as `backend web`.
        var header: String
        /// Its directives, in order.
        var lines: [String]
    }

    var sections: [Section] = []

    /// The configuration file's text: header comments, then the sections separated by blank lines.
    func render(header: [String]) -> String {
        var out = header.map { "# \($0)\n" }.joined()
        for section in sections {
            out += "\n\(section.header)\n"
            out += section.lines.map { "    \($0)\n" }.joined()
        }
        return out
    }

    /// A quoted HAProxy argument: double quotes, with `"` and `\` escaped. `$` is left as it is,
    /// because HAProxy expands `${NAME}` inside double quotes and the configuration uses that for
    /// password hashes; text from the manifest reaching here (stack and route names) has no `$`.
    static func quote(_ text: String) -> String {
        var out = "\""
        for character in text {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }
}
