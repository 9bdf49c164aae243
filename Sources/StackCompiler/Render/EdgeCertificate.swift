/// The certificate the edge proxy serves, shared by the Traefik and HAProxy renderers: a
/// wildcard certificate made at deploy time (`selfsigned`), the operator's (`provided`), or
/// none, because the proxy obtains them itself (`acme`).
struct EdgeCertificate {
    /// The secret holding the PEM certificate (with its chain).
    var certificateSecret: String
    /// The secret holding the PEM private key.
    var keySecret: String

    /// Declares the certificate's secrets in the proxy's plan; nil for ACME.
    static func require(_ edge: EdgePlan, _ plan: inout BuildPlan) -> EdgeCertificate? {
        let domain = edge.domain
        switch edge.tls.mode {
        case .acme:
            return nil
        case .selfsigned:
            return EdgeCertificate(
                certificateSecret: plan.requireSecret(
                    PlatformNames.tlsCertificateSecret,
                    recipe: .selfSignedCertificate(domain: domain, part: .certificate)),
                keySecret: plan.requireSecret(
                    PlatformNames.tlsKeySecret, recipe: .selfSignedCertificate(domain: domain, part: .key)))
        case .provided:
            return EdgeCertificate(
                certificateSecret: plan.requireSecret(
                    PlatformNames.tlsCertificateSecret,
                    recipe: .provided(what: "the PEM certificate chain for *.\(domain) and \(domain)")),
                keySecret: plan.requireSecret(
                    PlatformNames.tlsKeySecret, recipe: .provided(what: "the PEM private key of that certificate")))
        }
    }
}
