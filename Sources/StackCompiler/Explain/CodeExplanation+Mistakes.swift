import StackDiagnostics

extension CodeExplanation {
    /// The codes of mistakes in stackc itself (`E9xx`).
    static let mistakes: [CodeExplanation] = [
        CodeExplanation(
            Codes.internalConflict,
            documentation: """
                reported by `stackc build` when two of its passes contribute things that contradict each other: the
                same service or file twice, a change to a service no pass adds, a route or start-up wrapper for a
                service that does not exist (see `docs/architecture.md`). It is never the manifest's fault and nothing
                is written; please report it with the manifest. `stackc convert` reports it too, for a key of a valid
                manifest it has no Swift for (nothing is printed rather than a description that drops the key).
                """,
            withoutExample:
                "it is a mistake in stackc, never in the manifest: a manifest that showed it would be a bug to fix in stackc"
        )
    ]
}
