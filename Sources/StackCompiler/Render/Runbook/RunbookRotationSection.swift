/// The runbook's rotation of secrets, one kind at a time, with the commands for each secret of
/// the stack: Swarm cannot change a secret, and `deploy.sh` makes only missing ones, so a new
/// value means removing the services that mount the secret and the secret, then deploying.
enum RunbookRotationSection {
    static func lines(_ facts: RunbookFacts) -> [String] {
        guard !facts.secrets.isEmpty else { return [] }
        var lines = ["### Rotate secrets", ""]
        lines += [
            "Swarm cannot change a secret's value: a new value is a new secret, and a secret a service mounts cannot "
                + "be removed. Two kinds of names here carry a version, 8 hex digits of what they hold: the htpasswd "
                + "secrets (of their users) and a self-signed certificate that names hosts the wildcard does not "
                + "cover (of those hosts). When the manifest changes those, the build names a new secret, "
                + "`deploy.sh` makes it (keeping the passwords it kept for users already there), deploys, and then "
                + "removes the earlier versions. Every other name stays the same, so to give a secret a new value "
                + "you remove the services that mount it and the secret, and run `./deploy.sh`, which makes the "
                + "secret again and brings the services back. Those services are down in between.",
            "",
        ]
        var groups: [(title: String, intro: String, secrets: [PlannedSecret])] = [
            ("Generated keys and service passwords", generatedIntro, []),
            ("Database users", databaseUserIntro, []),
            ("Database administrators", databaseAdminIntro, []),
            ("People's passwords", loginIntro, []),
            ("Passwords at the proxy and the registry (htpasswd)", htpasswdIntro, []),
            ("The certificate", certificateIntro(facts), []),
            ("Secrets you provide", providedIntro, []),
            ("The backups' password", backupIntro, []),
        ]
        for secret in facts.secrets {
            let index: Int
            switch RunbookSecrets.kind(secret, facts) {
            case .generated, .oidcClient: index = 0
            case .databaseUser: index = 1
            case .databaseAdmin: index = 2
            case .login: index = 3
            case .htpasswd: index = 4
            case .selfSignedCertificate: index = 5
            case .providedFile: index = 5
            case .providedValue: index = 6
            case .backupPassword: index = 7
            }
            groups[index].secrets.append(secret)
        }
        for group in groups where !group.secrets.isEmpty {
            lines += ["#### \(group.title)", "", group.intro, ""]
            if group.title == "The certificate" {
                lines += certificateLines(group.secrets, facts)
                continue
            }
            for secret in group.secrets {
                lines += [
                    "\(Markdown.code(secret.name)): \(RunbookSecrets.what(secret, facts)).\(note(secret, facts))", "",
                ]
                lines += Markdown.shell(commands(secret, facts)) + [""]
            }
        }
        if facts.overview.tls.mode == .acme, facts.plan.edge != nil, !facts.hosts.isEmpty {
            lines += [
                "#### The certificates", "",
                "Traefik renews the ACME certificates itself, about 30 days before they expire; they are in "
                    + "the volume \(Markdown.code(facts.swarmName(PlatformNames.acmeVolume))) "
                    + "(`/letsencrypt/acme.json` in the proxy).",
                "",
            ]
        }
        return lines
    }

    static let generatedIntro =
        "Services read these when they start. For a new value, remove the services that mount it and the secret; "
        + "`deploy.sh` makes a new one."
    static let databaseUserIntro =
        "Each user's password is set from its secret again and again: by the server's init job on every deploy "
        + "(PostgreSQL, MariaDB), or by the server itself each time it starts (Redis, which writes its users from "
        + "their secrets). For a new password, remove the services that mount the secret (the user, the job or the "
        + "server) and the secret; `deploy.sh` makes a new one, which is set and read as they start again."
    static let databaseAdminIntro =
        "The server takes its administrator password only when its volume is first initialised, and the init job "
        + "signs in with it: change it inside the server first, on the node that runs it, then replace the secret "
        + "with the same value."
    static let loginIntro =
        "The application takes these once, at its first start: change the password in the application first, then "
        + "keep the new one where `deploy.sh` keeps it and replace the secret with it (jobs that sign in with it "
        + "read the secret)."
    static let htpasswdIntro =
        "To give a user a new password, remove the password `deploy.sh` kept for the user and the secret; "
        + "`deploy.sh` makes a new password for that user and keeps the others'. To add or remove users, change "
        + "the manifest instead: the secret's name changes with its users."
    static let backupIntro =
        "Every repository holds a key for this password, so the new one goes into each repository first, on the "
        + "node that holds it; then the secret and the kept file get it. Until then, keep the old one: "
        + "it still reads every snapshot."
    static let providedIntro =
        "Replace the secret with the new value, after removing the services that mount it."

    static func certificateIntro(_ facts: RunbookFacts) -> String {
        switch facts.overview.tls.mode {
        case .selfsigned:
            return "Make a new self-signed certificate before the current one expires (825 days; "
                + "`openssl x509 -enddate` in the first deploy's step shows when): remove the services that mount it "
                + "and both secrets; `deploy.sh` makes a new pair, and the nodes' engines trust the new one for the "
                + "registry as `registry-trust` restarts."
        case .provided, .acme:
            return "Replace both secrets with the new certificate and key, after removing the services that mount "
                + "them."
        }
    }

    /// A sentence after the secret's name that says what else its rotation does, if anything.
    static func note(_ secret: PlannedSecret, _ facts: RunbookFacts) -> String {
        switch RunbookSecrets.kind(secret, facts) {
        case .oidcClient:
            return " The realm job sets the new secret in Keycloak."
        case .generated:
            if case .cookieKey? = secret.recipe { return " Everyone signed in through it signs in again." }
            if secret.key == PlatformNames.grafanaSecretKeySecret {
                return " Grafana can no longer read what it encrypted with the old key (stored sign-in tokens)."
            }
            return ""
        case .databaseUser(_, let consumer):
            if facts.apps[consumer]?.preset == .nextcloud {
                return " Nextcloud copied this password into its `config.php` when it installed: after the rotation, "
                    + "set it there too (`php occ config:system:set dbpassword`, as `www-data` in its container)."
            }
            return ""
        case .databaseAdmin(let database):
            switch database.engine {
            case .postgres:
                return " First, on the node that runs \(Markdown.code(facts.swarmName(database.name))), into "
                    + "`\(database.name)-admin-password.new`, which you then copy to this folder on the manager:"
            case .mariadb:
                return " First change it in the server: `ALTER USER 'root'@'%' IDENTIFIED BY …` and the same for "
                    + "`'root'@'localhost'`, in the `mariadb` client of its container, signed in as `root` with the "
                    + "current password (`/run/secrets/\(secret.key)` there); put the new one into "
                    + "`\(database.name)-admin-password.new` in this folder on the manager, then:"
            case .redis:
                return ""
            }
        case .login(let user):
            let place: String
            if secret.key == PlatformNames.grafanaAdminSecret {
                place = "Grafana (Administration, Users, or `grafana cli admin reset-admin-password` in its container)"
            } else if secret.key == PlatformNames.keycloakAdminSecret {
                place = "Keycloak's admin console (realm `master`, user `\(user)`, Credentials)"
            } else if let app = facts.overview.apps.first(where: {
                $0.preset == .nextcloud && secret.key == PlatformNames.nextcloudAdminSecret(app: $0.name)
            }) {
                place =
                    "Nextcloud (`php occ user:resetpassword \(user)` as `www-data` in a container of "
                    + "\(Markdown.code(app.name)))"
            } else {
                place = "the application that uses it"
            }
            return " Change it in \(place), then:"
        case .htpasswd(let users):
            if secret.key == PlatformNames.registryPasswordSecret {
                return " Whoever pushes as \(Markdown.codes(users)) logs in again with the new password."
            }
            return ""
        case .selfSignedCertificate, .providedFile, .providedValue, .backupPassword:
            return ""
        }
    }

    /// The commands that give one secret a new value.
    static func commands(_ secret: PlannedSecret, _ facts: RunbookFacts) -> [String] {
        let name = ShellQuoting.quote(secret.name)
        let remove = removeServices(facts.services(mountingSecret: secret.key), facts)
        switch RunbookSecrets.kind(secret, facts) {
        case .generated, .oidcClient, .databaseUser:
            return remove + ["docker secret rm \(name)", "./deploy.sh"]
        case .databaseAdmin(let database):
            let file = "\(database.name)-admin-password.new"
            var lines: [String] = []
            if database.engine == .postgres {
                let service = facts.swarmName(database.name)
                lines += [
                    "# On the node that runs \(service):",
                    "container=$(docker ps --quiet --filter label=com.docker.swarm.service.name=\(service) "
                        + "| head -n 1)",
                    "(umask 077 && openssl rand -hex 32 | tr -d '\\n' >\(file))",
                    "{ printf \"ALTER ROLE postgres WITH PASSWORD '\"; cat \(file); printf \"';\\n\"; } "
                        + "| docker exec -i \"$container\" psql --quiet --username postgres --dbname postgres",
                    "# Then on the manager, in this folder, with \(file) copied here:",
                ]
            }
            return lines + remove + [
                "docker secret rm \(name)",
                "\(facts.createGeneratedSecret(secret.name)) <\(file)",
                "rm \(file)",
                "./deploy.sh",
            ]
        case .login(let user):
            let kept = "\"$CREDENTIALS_DIR\"/\(ShellQuoting.quote("\(secret.name).\(user)"))"
            return [
                facts.credentialsDirectoryLine,
                "read -r -s -p \(ShellQuoting.quote("the new password of \(user): ")) password",
                "(umask 077 && printf '%s\\n' \"$password\" >\(kept))",
            ] + remove + [
                "docker secret rm \(name)",
                "printf '%s' \"$password\" | \(facts.createGeneratedSecret(secret.name))",
                "unset password",
                "./deploy.sh",
            ]
        case .htpasswd(let users):
            let kept = secret.keptPasswords(stack: facts.stack)
            let pick =
                users.count == 1
                ? "USER_NAME=\(quotedAlways(users[0])) # its only user"
                : "USER_NAME='' # fill in: one of \(users.joined(separator: ", "))"
            return [
                facts.credentialsDirectoryLine, pick,
                "rm -f \"$CREDENTIALS_DIR\"/\(ShellQuoting.quote(kept)).\"${USER_NAME:?fill in USER_NAME above}\"",
            ] + remove + ["docker secret rm \(name)", "./deploy.sh"]
        case .providedValue:
            return remove + ["docker secret rm \(name)"] + RunbookSecrets.createProvided(secret, facts) + [
                "./deploy.sh"
            ]
        case .selfSignedCertificate, .providedFile:
            return remove + ["docker secret rm \(name)", "./deploy.sh"]
        case .backupPassword:
            return backupPasswordCommands(secret, remove: remove, facts)
        }
    }

    /// A new password for every repository (`restic key passwd` on each node that holds some,
    /// anywhere for S3), then the secret and the kept file, from the same file.
    static func backupPasswordCommands(_ secret: PlannedSecret, remove: [String], _ facts: RunbookFacts) -> [String] {
        guard let backups = facts.plan.backups, let kept = facts.keptFiles(secret).first?.file else { return [] }
        let repositories = backups.jobs.map { backups.repositoryOnNode(of: $0.name) }
        var lines = [
            "# 1. On each node that holds repositories (the table of the backups), as root:",
            "(",
            "  set -euo pipefail",
            "  export RESTIC_PASSWORD_FILE=\"${RESTIC_PASSWORD_FILE:-$HOME/.config/stackc/\(facts.stack)/\(kept)}\"",
            "  NEW_PASSWORD_FILE='' # fill in: a file holding the new password, the same on every node",
        ]
        if case .s3 = backups.target {
            lines.append(
                "  : \"${AWS_ACCESS_KEY_ID:?set AWS_ACCESS_KEY_ID}\" "
                    + "\"${AWS_SECRET_ACCESS_KEY:?set AWS_SECRET_ACCESS_KEY}\"")
        }
        // An array: a loop over one word is a mistake to shellcheck (SC2043).
        lines += [
            "  repositories=(\(ShellQuoting.words(repositories)))", "  for repository in \"${repositories[@]}\"; do",
        ]
        if case .folder = backups.target { lines.append("    [ -d \"$repository\" ] || continue") }
        lines += [
            "    restic --repo \"$repository\" key passwd --new-password-file \"${NEW_PASSWORD_FILE:?fill in above}\"",
            "  done",
            ")",
            "# 2. Then on the manager, in this folder, with the same file:",
            facts.credentialsDirectoryLine,
            "NEW_PASSWORD_FILE='' # fill in: the file with the new password",
            "install -m 600 \"${NEW_PASSWORD_FILE:?fill in NEW_PASSWORD_FILE above}\" "
                + "\"$CREDENTIALS_DIR\"/\(ShellQuoting.quote(kept))",
        ]
        return lines + remove + [
            "docker secret rm \(ShellQuoting.quote(secret.name))",
            "head -n 1 \"$CREDENTIALS_DIR\"/\(ShellQuoting.quote(kept)) | tr -d '\\n' "
                + "| \(facts.createGeneratedSecret(secret.name))",
            "./deploy.sh",
        ]
    }

    /// The certificate and its key go together.
    static func certificateLines(_ secrets: [PlannedSecret], _ facts: RunbookFacts) -> [String] {
        var services: [String] = []
        for secret in secrets {
            for service in facts.services(mountingSecret: secret.key) where !services.contains(service) {
                services.append(service)
            }
        }
        var block = removeServices(services, facts)
        block.append("docker secret rm \(ShellQuoting.words(secrets.map(\.name)))")
        if facts.overview.tls.mode == .provided {
            for secret in secrets {
                let variable = secret.key == PlatformNames.tlsKeySecret ? "KEY_FILE" : "CERTIFICATE_FILE"
                let what = secret.key == PlatformNames.tlsKeySecret ? "the new PEM private key" : "the new PEM chain"
                block.insert("\(variable)='' # fill in: \(what)", at: 0)
                block.append(
                    "docker secret create \(ShellQuoting.quote(secret.name)) - "
                        + "<\"${\(variable):?fill in \(variable) above}\"")
            }
        }
        block.append("./deploy.sh")
        return Markdown.shell(block) + [""]
    }

    /// A word in quotes even when it needs none: an assignment of a bare word that names a
    /// command (`USER_NAME=admin`) reads to shellcheck like a mistake (SC2209).
    static func quotedAlways(_ word: String) -> String {
        let quoted = ShellQuoting.quote(word)
        return quoted == word ? "'\(word)'" : quoted
    }

    static func removeServices(_ services: [String], _ facts: RunbookFacts) -> [String] {
        services.isEmpty ? [] : ["docker service rm \(ShellQuoting.words(services.map(facts.swarmName)))"]
    }
}
