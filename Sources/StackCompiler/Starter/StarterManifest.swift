import YAML

/// The manifest `stackc init` writes: one routed app that builds as it is, the main sections
/// with comments that say what each key does and where the documentation is, and the optional
/// sections (databases, identity, monitoring, backups) and app keys written out as comments,
/// ready to be uncommented. Its tests lint both: as written, and with every optional line
/// uncommented.
struct StarterManifest {
    /// The stack's name, its domain, and the path the file is written to (for the commands its
    /// comments show).
    let name: String
    let domain: String
    let path: String

    /// One line of the manifest.
    enum Line {
        /// A comment (`#` and the text).
        case comment(String)
        /// YAML the manifest has.
        case yaml(String)
        /// YAML written as a comment: an option to uncomment.
        case option(String)
        case blank
    }

    /// Where a reader learns more.
    static let documentation = [
        "The language, key by key: docs/reference.md in stackc's repository (its decisions:",
        "docs/manifest.md); every diagnostic code: docs/diagnostics.md; the commands: docs/tools.md.",
    ]

    /// The text; with `optionsEnabled`, every option is written as YAML instead of a comment.
    /// A run of options is commented at the indentation of its least indented line (`# env:`
    /// under an app, `# databases:` at the top), so that removing that `# ` enables it.
    func text(optionsEnabled: Bool = false) -> String {
        let lines = lines
        var text: [String] = []
        var index = 0
        while index < lines.count {
            guard case .option = lines[index] else {
                switch lines[index] {
                case .comment(let comment): text.append(comment.isEmpty ? "#" : "# " + comment)
                case .yaml(let yaml): text.append(yaml)
                case .blank, .option: text.append("")
                }
                index += 1
                continue
            }
            var run: [String] = []
            while index < lines.count, case .option(let option) = lines[index] {
                run.append(option)
                index += 1
            }
            let indent = run.map { $0.prefix { $0 == " " }.count }.min() ?? 0
            text += optionsEnabled ? run : run.map { String($0.prefix(indent)) + "# " + $0.dropFirst(indent) }
        }
        return text.joined(separator: "\n") + "\n"
    }

    var lines: [Line] {
        header + [.blank] + top + [.blank] + platform + [.blank] + options + [.blank] + apps
    }

    /// The name and the domain as the comments show them: a text with a line break would end
    /// its comment (and the checker refuses such a name or domain anyway).
    var shownName: String { Self.commentSafe(name) ? name : "NAME" }
    var shownDomain: String { Self.commentSafe(domain) ? domain : "DOMAIN" }

    /// What the file is and the commands that read it.
    var header: [Line] {
        let file = Self.commentSafe(path) ? path : "FILE"
        var lines: [Line] = [
            .comment(
                "The stack '\(shownName)', started by `stackc init`: it lints clean and builds as it is; make it yours."
            ),
            .comment(""),
            .comment("  stackc lint \(file)     every problem, with its line and what would be right"),
            .comment("  stackc build \(file)    writes out/\(shownName)/: stack.yml, deploy.sh, RUNBOOK.md, ..."),
            .comment("  stackc graph \(file)    the stack as a diagram (Mermaid; --format dot, --svg)"),
            .comment(""),
            .comment("out/\(shownName)/RUNBOOK.md then says how to deploy it, step by step."),
        ]
        lines += Self.documentation.map(Line.comment)
        return lines
    }

    /// The format, the name and the domain.
    var top: [Line] {
        [
            .comment(
                "The format's version (only 1 exists), and the stack's name: `docker stack deploy ... \(shownName)`."),
            .yaml("stackc: 1"),
            .yaml(Self.yaml("name", name)),
            .comment("Hosts given as one label are under the domain: `host: www` is www.\(shownDomain)."),
            .yaml(Self.yaml("domain", domain)),
        ]
    }

    /// TLS, the proxy and the cluster, each at its default.
    var platform: [Line] {
        [
            .comment("HTTPS certificates. selfsigned: one wildcard certificate deploy.sh makes (browsers warn);"),
            .comment("acme: Let's Encrypt (needs `email:` and a domain public DNS serves); provided: your own"),
            .comment("certificate and key, as Docker secrets."),
            .yaml("tls:"),
            .yaml("  mode: selfsigned"),
            .blank,
            .comment("The edge proxy every host goes through: traefik or haproxy. `dashboard: true` shows its"),
            .comment("dashboard at proxy.\(shownDomain), behind a password deploy.sh makes."),
            .yaml("proxy:"),
            .yaml("  kind: traefik"),
            .blank,
            .comment("The nodes. Without `provision` you bring the swarm; `provision: vagrant` (or ignition) also"),
            .comment("writes what makes the machines and forms the swarm (out/\(shownName)/nodes/)."),
            .yaml("cluster:"),
            .yaml("  managers: 1"),
            .yaml("  workers: 0"),
        ]
    }

    /// The optional sections, as comments.
    var options: [Line] {
        [
            .comment("Uncomment what you need (remove the `# ` before the keys)."),
            .comment(""),
            .comment("Database servers (postgres, mariadb or redis): each app that names one gets its own"),
            .comment("database, user and generated password there; `backup` dumps it on a schedule."),
            .option("databases:"),
            .option("  db:"),
            .option("    engine: postgres"),
            .option("    version: \"16\""),
            .option("    backup: daily"),
            .blank,
            .comment("Single sign-on (Keycloak at auth.\(shownDomain)): apps with `auth: oidc` log in through it."),
            .comment("Users set their own password at first sign-in."),
            .option("identity:"),
            .option("  database: db"),
            .option("  roles: [staff]"),
            .option("  users:"),
            .option("    - {name: alice, email: alice@\(shownDomain), roles: [staff]}"),
            .blank,
            .comment("Metrics (Prometheus), logs (Loki) and dashboards (Grafana at grafana.\(shownDomain))."),
            .option("monitoring:"),
            .option("  metrics: true"),
            .option("  logs: true"),
            .blank,
            .comment("Where backups go (a folder on the node, or s3://bucket/prefix) and how many are kept."),
            .option("backup:"),
            .option("  target: /backups"),
            .option("  keep: 7"),
        ]
    }

    /// One app, with its optional keys as comments.
    var apps: [Line] {
        [
            .comment("The workloads, by name: each is the Swarm service \(shownName)_<name>."),
            .yaml("apps:"),
            .yaml("  web:"),
            .yaml("    image: nginx:1.27-alpine  # pin a version: a tag, or a digest"),
            .yaml("    replicas: 2               # tasks; `global` runs one on every node"),
            .yaml("    port: 80                  # the port the container serves"),
            .yaml("    host: www                 # https://www.\(shownDomain)/ leads here (`path: /api` for a part)"),
            .yaml("    health: /                 # the path Swarm and the proxy check"),
            .option("    database: db              # its own database on db (DATABASE_URL, *_FILE secrets)"),
            .option("    depends_on: [db]          # starts once db answers"),
            .option("    auth: oidc                # only the realm's users (needs identity); basic: a password"),
            .option("    env:"),
            .option("      LOG_LEVEL: info"),
        ]
    }

    /// `key: value` with the value quoted as YAML needs it.
    static func yaml(_ key: String, _ value: String) -> String {
        var text = YAMLEmitter.emit(.mapping([(key, .string(value))]))
        while text.last == "\n" { text.removeLast() }
        return text
    }

    /// Whether `text` can stand in a comment: no line break or other control character.
    static func commentSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }
}
