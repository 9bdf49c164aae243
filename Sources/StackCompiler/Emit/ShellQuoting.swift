/// The one quoting helper for POSIX shell text: every value stackc puts into a script goes
/// through here.
enum ShellQuoting {
    /// `text` as one shell word: unchanged when it is made only of safe characters, otherwise in
    /// single quotes (with `'` written as `'\''`).
    static func quote(_ text: String) -> String {
        let safe =
            !text.isEmpty
            && text.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                        || "@%+=:,./_-".unicodeScalars.contains(scalar))
            }
        if safe { return text }
        return "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    /// Several words, each quoted, joined by spaces.
    static func words(_ words: [String]) -> String {
        words.map(quote).joined(separator: " ")
    }
}
