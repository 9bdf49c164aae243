import StackDiagnostics

extension OutputFolder.Staleness {
    /// `check`'s findings as diagnostics for the tools' formats: one `F003 stale-output` error
    /// per file that differs from what build writes, is missing, or is left from an earlier
    /// build, at that file (under `prefix`, `out/<stack>/`), without a line.
    func diagnostics(prefix: String, manifest: String) -> [Diagnostic] {
        let help = "run 'stackc build \(manifest)' and commit the result"
        func finding(_ path: String, _ what: String) -> Diagnostic {
            Diagnostic(
                code: .staleOutput, severity: .error, message: "'\(prefix)\(path)' \(what)", path: prefix + path,
                span: nil, help: help)
        }
        return stale.map { finding($0, "is not what 'stackc build \(manifest)' writes") }
            + missing.map { finding($0, "is missing: 'stackc build \(manifest)' writes it") }
            + extra.map { finding($0, "is left from an earlier build: 'stackc build \(manifest)' no longer writes it") }
    }
}
