/// How `deploy.sh` creates a secret the stack expects when it does not exist yet (the secret
/// itself is a `PlannedSecret`). stackc never writes a secret value: it writes the recipe.
enum DeploySecret {
    /// How the value is made.
    enum Recipe: Equatable {
        /// 32 random bytes as hex (a password only services use; safe in URLs).
        case randomPassword
        /// 16 random bytes as 32 hex digits, which the authenticating proxy reads as base64: a
        /// 24-byte AES key for its cookies (it accepts 16, 24 or 32 bytes).
        case cookieKey
        /// A random password for a person's account, also kept in the operator's private
        /// credentials folder so they can log in.
        case loginPassword(user: String)
        /// An htpasswd (bcrypt) line for each user, each with a random password that deploy.sh
        /// keeps in the operator's private credentials folder.
        case htpasswd(users: [String])
        /// The certificate (`part == .certificate`) or key of one wildcard certificate for the
        /// domain and the hosts it does not cover (`names`: hosts outside it, or more than one
        /// label under it), made with openssl.
        case selfSignedCertificate(domain: String, names: [String], part: CertificatePart)
        /// Supplied by the operator; deploy.sh stops with instructions when it is missing.
        case provided(what: String)
    }

    /// Which file of a certificate pair.
    enum CertificatePart: String {
        case certificate, key
    }
}
