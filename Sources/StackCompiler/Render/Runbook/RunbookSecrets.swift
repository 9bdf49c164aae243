/// What each secret of the stack is, in the runbook's words, and how the operator creates one
/// that `deploy.sh` does not make.
enum RunbookSecrets {
    /// A secret by what it is for, which decides how it is rotated.
    enum Kind {
        /// The administrator password of a database server, set when its volume is first made.
        case databaseAdmin(Database)
        /// A consumer's password on a database server, which its init job sets on every run.
        case databaseUser(Database, consumer: String)
        /// The secret an OIDC client and Keycloak share, which the realm job sets on every run.
        case oidcClient(String)
        /// Any other random value a service reads when it starts (a cookie key, an encryption key).
        case generated
        /// A person's password, which the application takes once, at its first start.
        case login(user: String)
        /// The password of the backups' restic repositories, which each repository holds a key for.
        case backupPassword
        /// htpasswd lines (the proxy's logins, the registry's).
        case htpasswd(users: [String])
        /// The self-signed certificate or its key.
        case selfSignedCertificate
        /// A file the operator provides (a certificate or its key).
        case providedFile(what: String)
        /// A value the operator provides (a relay's password, the manifest's own `secrets`).
        case providedValue(what: String)
    }

    static func kind(_ secret: PlannedSecret, _ facts: RunbookFacts) -> Kind {
        switch secret.recipe {
        case nil:
            return .providedValue(what: "the manifest's own secret")
        case .provided(let what)?:
            let isFile = secret.key == PlatformNames.tlsCertificateSecret || secret.key == PlatformNames.tlsKeySecret
            return isFile ? .providedFile(what: what) : .providedValue(what: what)
        case .selfSignedCertificate?:
            return .selfSignedCertificate
        case .htpasswd(let users)?:
            return .htpasswd(users: users)
        case .loginPassword(let user)?:
            if secret.key == facts.plan.backups?.passwordSecret { return .backupPassword }
            return .login(user: user)
        case .randomPassword?, .cookieKey?:
            if let owner = facts.databaseSecrets[secret.key] {
                return owner.consumer.map { .databaseUser(owner.database, consumer: $0) }
                    ?? .databaseAdmin(owner.database)
            }
            let prefix = "oidc-"
            let suffix = "-client-secret"
            if secret.key.hasPrefix(prefix), secret.key.hasSuffix(suffix),
                secret.key.count > prefix.count + suffix.count
            {
                return .oidcClient(String(secret.key.dropFirst(prefix.count).dropLast(suffix.count)))
            }
            return .generated
        }
    }

    /// What the secret is, for a table cell.
    static func what(_ secret: PlannedSecret, _ facts: RunbookFacts) -> String {
        switch kind(secret, facts) {
        case .databaseAdmin(let database):
            return "administrator password of \(Markdown.code(database.name)) (\(database.engine.rawValue))"
        case .databaseUser(let database, let consumer):
            return "password of the user \(Markdown.code(consumer)) on \(Markdown.code(database.name))"
        case .oidcClient(let client):
            return "secret of the realm's OIDC client \(Markdown.code(client))"
        case .generated:
            if case .cookieKey? = secret.recipe { return "key that seals the sign-in proxy's cookies" }
            if secret.key == PlatformNames.grafanaSecretKeySecret { return "key Grafana encrypts what it stores with" }
            return "random value (32 bytes as hex)"
        case .login(let user):
            return "password of \(Markdown.code(user)), also kept in the credentials folder"
        case .backupPassword:
            return "password of the backups' restic repositories, also kept in the credentials folder"
        case .htpasswd(let users):
            return "htpasswd lines of \(Markdown.codes(users)), passwords kept in the credentials folder"
        case .selfSignedCertificate:
            if case .selfSignedCertificate(let domain, _, let part)? = secret.recipe {
                return part == .certificate
                    ? "self-signed certificate for `*.\(domain)` (825 days)" : "the key of that certificate"
            }
            return "self-signed certificate"
        case .providedFile(let what), .providedValue(let what):
            return "you provide: \(what)"
        }
    }

    /// The commands that create a secret the operator provides: from a file (a certificate), or
    /// from a value read without echo.
    static func createProvided(_ secret: PlannedSecret, _ facts: RunbookFacts) -> [String] {
        let name = ShellQuoting.quote(secret.name)
        switch kind(secret, facts) {
        case .providedFile:
            let what = secret.key == PlatformNames.tlsKeySecret ? "the PEM private key" : "the PEM certificate chain"
            return [
                "FILE='' # fill in: \(what)",
                "docker secret create \(name) - <\"${FILE:?fill in FILE above}\"",
            ]
        default:
            return [
                "read -r -s -p \(ShellQuoting.quote("the value of \(secret.name), not shown: ")) value",
                "printf '%s' \"$value\" | docker secret create \(name) -",
                "unset value",
            ]
        }
    }
}
