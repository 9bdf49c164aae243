import StackDiagnostics

extension StackCompiler {
    /// What keeps `stackc init` from writing a starter manifest: the diagnostics the manifest
    /// made of its flags would have (a name that is not a DNS label, a domain that is no host
    /// name, a name too long for Swarm beside the app's).
    public struct StarterRefusal: Error, Sendable {
        public var diagnostics: [Diagnostic]
        /// The line the manifest gives the domain on.
        let domainLine: Int

        /// Whether `diagnostic` is about the domain (which `init` may have made of the name).
        public func isAboutDomain(_ diagnostic: Diagnostic) -> Bool {
            diagnostic.span?.start.line == domainLine
        }
    }

    /// The commented starter manifest for a stack `name` under `domain`, to be written at
    /// `path` (which its comments name): checked and built in memory first, and refused unless
    /// it lints clean, without a warning either.
    public static func starterManifest(name: String, domain: String, path: String) -> Result<String, StarterRefusal> {
        let text = StarterManifest(name: name, domain: domain, path: path).text()
        let linted = lint(SourceFile(path: path, bytes: Array(text.utf8)))
        guard linted.diagnostics.isEmpty else {
            let domainLine =
                (text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex {
                    $0.hasPrefix("domain:")
                } ?? -1) + 1
            return .failure(StarterRefusal(diagnostics: linted.diagnostics, domainLine: domainLine))
        }
        return .success(text)
    }
}
