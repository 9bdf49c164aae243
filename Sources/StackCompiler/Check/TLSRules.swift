import StackDiagnostics

/// Certificates: ACME needs an e-mail and a domain the public internet can reach.
enum TLSRules: CheckRule {
    static let privateSuffixes = [
        ".test", ".local", ".internal", ".localhost", ".invalid", ".example", ".lan", ".home.arpa",
    ]

    static func check(_ syntax: ManifestSyntax, _ stack: ResolvedStack, _ report: inout DiagnosticSink) {
        guard let tls = syntax.tls, let mode = tls.mode, mode.value == .acme else { return }
        if let kind = syntax.proxy?.kind, kind.value == .haproxy {
            report.error(
                Codes.acmeNeedsTraefik, "'tls.mode: acme' needs Traefik: HAProxy has no ACME client", at: mode.span,
                expected: "'proxy.kind: traefik', or 'tls.mode: selfsigned' or 'provided'",
                help: "obtain the certificate elsewhere and use 'tls.mode: provided' with HAProxy")
        }
        if !tls.emailWritten {
            report.error(
                Codes.acmeWithoutEmail, "'tls.mode: acme' needs an 'email' for the ACME account", at: mode.span,
                expected: "'email:' under 'tls'", help: "add 'email: you@example.org' under 'tls'")
        }
        if let domain = syntax.domain, isPrivate(domain.value) {
            report.warning(
                Codes.acmePrivateDomain,
                "the domain '\(domain.value)' cannot be public, so ACME certificates cannot be issued for it",
                at: domain.span, help: "use 'tls.mode: selfsigned' for a lab domain")
        }
    }

    static func isPrivate(_ domain: String) -> Bool {
        let lowered = "." + domain.lowercased()
        return lowered == ".localhost" || privateSuffixes.contains { lowered.hasSuffix($0) } || !domain.contains(".")
    }
}
