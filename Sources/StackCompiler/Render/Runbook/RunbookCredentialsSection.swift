/// The runbook's section on where credentials are kept: the folder `deploy.sh` keeps people's
/// passwords in (and what `nodes/` keeps there), which login each file is for, and the secrets
/// in the swarm by name. Never a value.
enum RunbookCredentialsSection {
    static func lines(_ facts: RunbookFacts) -> [String] {
        var lines = ["## Where credentials are kept", ""]
        lines += [
            "`deploy.sh` keeps the passwords people log in with in `$STACKC_CREDENTIALS_DIR`, by default "
                + "`$HOME/.config/stackc/\(facts.stack)` of the user who runs it on the manager (mode 700, files 600). "
                + "Keep a copy somewhere safe: `deploy.sh` on another manager needs the same folder"
                + (facts.plan.buildsImages ? " (it stops before pushing images without the registry's password)" : "")
                + ", and a secret made again without its file gets a new password.",
            "",
        ]
        var rows: [[String]] = []
        for secret in facts.secrets {
            let hosts = facts.loginHosts(secret)
            for (file, user) in facts.keptFiles(secret) {
                rows.append([
                    Markdown.code(file), Markdown.code(user),
                    hosts.isEmpty ? "–" : Markdown.codes(hosts),
                    Markdown.code(secret.name),
                ])
            }
        }
        if let nodes = facts.plan.nodes, nodes.cluster.provision == .ignition {
            if nodes.cluster.vip != nil {
                rows.append(["`vrrp-password`", "–", "keepalived on the managers (made by `nodes/join-nodes.sh`)", "–"])
            }
            if nodes.cluster.sharedStorage == .cephfs {
                rows.append(["`ceph.secret`", "`client.\(facts.stack)`", "the Ceph cluster (you put it there)", "–"])
            }
        }
        if rows.isEmpty {
            lines += ["This stack keeps nothing there: it has no login `deploy.sh` makes a password for.", ""]
        } else {
            lines += Markdown.table(["file in the credentials folder", "user", "where it is used", "secret"], rows)
            lines += ["", "To log in, read the password from its file:", ""]
            if let file = facts.secrets.lazy.flatMap({ facts.keptFiles($0) }).first?.file {
                lines += Markdown.shell([
                    facts.credentialsDirectoryLine,
                    "cat \"$CREDENTIALS_DIR\"/\(ShellQuoting.quote(file))",
                ])
                lines.append("")
            }
        }
        if let identity = facts.overview.identity, !identity.users.isEmpty {
            lines += [
                "The realm's users (\(Markdown.codes(identity.users.map(\.name)))) are created without a password; "
                    + "Keycloak asks each for one once an administrator lets them in (the admin console, realm "
                    + "\(Markdown.code(identity.realm)), Users, Credentials: a temporary password, or a reset e-mail).",
                "",
            ]
        }
        if let nodes = facts.plan.nodes, nodes.cluster.provision == .vagrant {
            lines += [
                "The swarm's join tokens" + (nodes.cluster.vip != nil ? " and the VRRP password" : "")
                    + " pass through `nodes/.swarm/` on your machine "
                    + "(never committed: `nodes/.gitignore`).",
                "",
            ]
        }
        lines += [
            "The secrets in the swarm are listed in [First deploy](#first-deploy); `docker secret ls` shows them, "
                + "and `docker secret inspect` their labels and dates, never their values: only the services that "
                + "mount one read it, at `/run/secrets/`.",
            "",
        ]
        return lines
    }
}
