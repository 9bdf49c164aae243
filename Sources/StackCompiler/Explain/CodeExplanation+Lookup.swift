import StackDiagnostics

extension CodeExplanation {
    /// Every code stackc reports, in the order of `docs/diagnostics.md`.
    public static let all: [CodeExplanation] = files + structure + descriptions + meaning + warnings + mistakes

    /// The explanation of `word`: a code in any case (`E101`, `e101`) or a code's name
    /// (`unknown-key`); nil when there is none.
    public static func named(_ word: String) -> CodeExplanation? {
        let wanted = word.lowercased()
        return all.first { $0.code.rawValue.lowercased() == wanted || $0.code.name == wanted }
    }

    /// What a code stackc no longer reports was, for a word that names one (`W307`).
    public static func retiredDocumentation(_ word: String) -> String? {
        retired.first { $0.code.lowercased() == word.lowercased() }.map { paragraph($0.documentation) }
    }

    /// The code or name closest to a misspelled `word`, for a did-you-mean.
    public static func suggestion(for word: String) -> String? {
        let candidates = all.flatMap { [$0.code.rawValue, $0.code.name] }
        return Suggestion.closest(to: word, in: candidates)
    }
}
