/// The certificate the edge proxy serves, shared by the Traefik and HAProxy passes: a
/// wildcard certificate made at deploy time (`selfsigned`), the operator's (`provided`), or
/// none, because the proxy obtains them itself (`acme`).
struct EdgeCertificate {
    /// The secret holding the PEM certificate (with its chain).
    var certificateSecret: String
    /// The secret holding the PEM private key.
    var keySecret: String

    /// Declares the certificate's secrets; nil for ACME.
    static func require(_ stack: ResolvedStack, _ output: inout BuildOutput) -> EdgeCertificate? {
        let domain = stack.domain ?? stack.name
        switch stack.tls.mode {
        case .acme:
            return nil
        case .selfsigned:
            return EdgeCertificate(
                certificateSecret: output.requireSecret("tls-certificate", recipe: .selfSignedCertificate(domain: domain, part: .certificate)),
                keySecret: output.requireSecret("tls-key", recipe: .selfSignedCertificate(domain: domain, part: .key)))
        case .provided:
            return EdgeCertificate(
                certificateSecret: output.requireSecret("tls-certificate", recipe: .provided(what: "the PEM certificate chain for *.\(domain) and \(domain)")),
                keySecret: output.requireSecret("tls-key", recipe: .provided(what: "the PEM private key of that certificate")))
        }
    }
}
