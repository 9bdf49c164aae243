/// The manifest language: its sections in the order the reference lists them. The meanings
/// follow the spec (`manifest-v1.md`) and `docs/manifest.md`, the defaults
/// `StackResolver`, the keys and shapes `SyntaxDecoder`.
enum ManifestLanguage {
    /// Every mapping of the manifest, the top level first.
    static let sections: [LanguageSection] = [
        top, tls, proxy, cluster, docker, registry, identity, user, monitoring, alerts, grafana, database, placement,
        backup, app, health, metrics, port, resources, reserve, update,
    ]

    /// The section with `id`.
    static func section(_ id: String) -> LanguageSection? { sections.first { $0.id == id } }

    /// The frame of the examples of an app's keys: an app whose image comes from a merge key,
    /// so that an example may give its own `image`.
    static let appFrame = """
        x-app: &app {image: nginx:1.27-alpine}
        apps:
          web:
            <<: *app
            {{KEYS}}
        """

    /// `appFrame` with `lines` before the example, at the app's level.
    static func appFrame(with lines: String) -> String {
        appFrame.replacing("{{KEYS}}", with: lines)
    }

    static let top = LanguageSection(
        id: "top", path: "(top level)", placement: [],
        summary:
            "A manifest is one YAML document describing one Docker Swarm stack: the nodes it runs on, the platform services around it and the apps.",
        keys: [
            LanguageKey(
                "stackc", .constant(.int(1)), .required, default: .none,
                meaning: "The version of the manifest format; only `1` exists.", example: "stackc: 1"),
            LanguageKey(
                "name", .string(.name), .required, default: .none,
                meaning:
                    "The stack's name, as `docker stack deploy` takes it: Swarm names every service `<name>_<service>`, and the output goes to `out/<name>/`.",
                example: "name: shop"),
            LanguageKey(
                "domain", .string(.host), .requiredWhen("anything is routed"), default: .none,
                meaning:
                    "The base domain: a host given as one label (`cloud`) means `cloud.<domain>`, and the certificate and the platform's hosts hang off it.",
                example: "domain: example.org"),
            LanguageKey(
                "tls", .section("tls"), default: .value(.object([("mode", .string("selfsigned"))])),
                meaning: "How HTTPS certificates are obtained.", example: "tls:\n  mode: selfsigned"),
            LanguageKey(
                "proxy", .section("proxy"), default: .value(.object([("kind", .string("traefik"))])),
                meaning: "The edge proxy that routes hosts and paths to apps.", example: "proxy:\n  kind: haproxy"),
            LanguageKey(
                "cluster", .section("cluster"), default: .words("one manager, no provisioning"),
                meaning: "The nodes of the swarm, and how they are brought up.",
                example: "cluster:\n  managers: 3\n  workers: 2"),
            LanguageKey(
                "registry", .section("registry"), default: .none,
                meaning: "A private image registry, and optionally a pull-through mirror of Docker Hub.",
                example: "registry:\n  host: images"),
            LanguageKey(
                "identity", .section("identity"), default: .none,
                meaning: "Single sign-on: Keycloak, with a realm, its roles, groups and users.",
                example: "identity:\n  roles: [staff]", needs: "databases:\n  pg: {}"),
            LanguageKey(
                "monitoring", .section("monitoring"), default: .none,
                meaning: "Metrics, logs, dashboards and alerts.", example: "monitoring:\n  metrics: true"),
            LanguageKey(
                "databases", .map(key: .name, value: .either([.empty, .section("database")])), default: .none,
                meaning:
                    "Shared database servers, by name. Each app or platform service that names one gets its own database and user on it; an empty entry is a postgres server.",
                example: "databases:\n  pg: {}\n  cache: {engine: redis}"),
            LanguageKey(
                "backup", .section("backup"),
                default: .value(.object([("target", .string("/backups")), ("keep", .int(7))])),
                meaning: "Where backups go and how many are kept: the defaults of every `backup:` schedule.",
                example: "backup:\n  target: /srv/backups"),
            LanguageKey(
                "apps", .map(key: .name, value: .section("app")), .required, default: .none,
                meaning: "The workloads, by name; it may be empty (`apps: {}`).",
                example: "apps:\n  web:\n    image: nginx:1.27-alpine"),
        ],
        frame: "{{KEYS}}")

    static let tls = LanguageSection(
        id: "tls", path: "tls", placement: ["tls"],
        summary:
            "How HTTPS certificates are obtained. No private key is written into the output: certificates and keys are made or read at deploy time as Docker secrets.",
        keys: [
            LanguageKey(
                "mode", .word(["selfsigned", "acme", "provided"]), default: .value(.string("selfsigned")),
                meaning:
                    "`selfsigned`: one wildcard certificate for `*.<domain>` and `<domain>`, made by `deploy.sh`; `acme`: Let's Encrypt through the proxy's HTTP challenge; `provided`: the operator supplies the certificate and key as Docker secrets.",
                example: "mode: provided"),
            LanguageKey(
                "email", .string(.email), .requiredWhen("`mode` is `acme`"), default: .none,
                meaning: "The ACME account's e-mail address.",
                example: "mode: acme\nemail: ops@example.org"),
        ],
        frame: "tls:\n  {{KEYS}}", rules: [.whenWord(key: "mode", word: "acme", required: "email")])

    static let proxy = LanguageSection(
        id: "proxy", path: "proxy", placement: ["proxy"],
        summary:
            "The edge proxy. Every routed app gets HTTP→HTTPS redirection and HSTS unless it sets `https: false`.",
        keys: [
            LanguageKey(
                "kind", .word(["traefik", "haproxy"]), default: .value(.string("traefik")),
                meaning:
                    "`traefik`: Traefik v3 with the Swarm provider and labels; `haproxy`: HAProxy finding tasks through DNS (`tasks.<service>`), without a restart when replicas change.",
                example: "kind: haproxy"),
            LanguageKey(
                "dashboard", .either([.boolean, .string(.host)]), default: .value(.bool(false)),
                meaning:
                    "Serve the proxy's dashboard (Traefik) or statistics page (HAProxy) at this host, `true` meaning the host `proxy`; always behind a login.",
                example: "dashboard: traefik"),
            LanguageKey(
                "replicas", .either([.integer(0...1000), .word(["global"])]), default: .value(.string("global")),
                meaning:
                    "How many proxies run, on managers, one per node with host ports: `global` is one on every manager; at most `cluster.managers`, and 0 only when nothing is routed.",
                example: "replicas: 1"),
        ],
        frame: "proxy:\n  {{KEYS}}\n" + appFrame(with: "port: 80\n    host: www"))

    static let cluster = LanguageSection(
        id: "cluster", path: "cluster", placement: ["cluster"],
        summary:
            "The nodes of the swarm: `manager-1`…, then `worker-1`…, with consecutive addresses from `address`, and optionally the files that bring them up.",
        keys: [
            LanguageKey(
                "managers", .integer(1...254), default: .value(.int(1)),
                meaning: "Manager nodes; an even number or more than 7 is a warning (Raft's quorum).",
                example: "managers: 3"),
            LanguageKey(
                "workers", .integer(0...253), default: .value(.int(0)), meaning: "Worker nodes.",
                example: "workers: 2"),
            LanguageKey(
                "provision", .word(["vagrant", "ignition", "none"]), default: .value(.string("none")),
                meaning:
                    "Generate a multi-machine Vagrantfile, or one Ignition config per node (Fedora CoreOS), that bring the nodes up, configure Docker and form the swarm; `none` leaves the nodes to the operator.",
                example: "provision: vagrant"),
            LanguageKey(
                "address", .string(.ipv4), default: .value(.string("192.168.56.101")),
                meaning:
                    "The address of `manager-1`; the other nodes follow one by one, managers first, in the same /24.",
                example: "address: 10.0.0.11"),
            LanguageKey(
                "vip", .string(.ipv4), default: .none,
                meaning:
                    "A virtual address that keepalived moves between the managers; in the nodes' /24 and not a node's address.",
                example: "address: 10.0.0.11\nvip: 10.0.0.10"),
            LanguageKey(
                "box", .string(.text),
                default: .words("`bento/debian-12` with `vagrant`, `stable` with `ignition`"),
                meaning: "The base image of the nodes: a Vagrant box, or the Fedora CoreOS stream.",
                example: "provision: vagrant\nbox: bento/debian-12"),
            LanguageKey(
                "cpus", .integer(1...256), default: .value(.int(2)), meaning: "CPUs of each node (Vagrant).",
                example: "provision: vagrant\ncpus: 4"),
            LanguageKey(
                "memory", .string(.size), default: .value(.string("2G")), meaning: "Memory of each node (Vagrant).",
                example: "provision: vagrant\nmemory: 4G"),
            LanguageKey(
                "disk", .string(.size), default: .none,
                meaning: "An extra data disk on each node, which `storage_driver` and `shared_storage` use.",
                example: "disk: 20G"),
            LanguageKey(
                "storage_driver", .word(["overlay2", "zfs", "btrfs"]), default: .value(.string("overlay2")),
                meaning: "Docker's storage driver; `zfs` and `btrfs` need `disk`.",
                example: "disk: 20G\nstorage_driver: zfs"),
            LanguageKey(
                "shared_storage", .word(["none", "nfs", "glusterfs", "cephfs"]), default: .value(.string("none")),
                meaning:
                    "A folder `/data` shared by every node, where the volumes of apps with more than one task live.",
                example: "shared_storage: nfs"),
            LanguageKey(
                "ssh_keys", .list(.string(.sshKey)), default: .value(.array([])),
                meaning: "Public keys allowed to log in as the nodes' admin user.",
                example:
                    "ssh_keys:\n  - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBhKrXZKJnaB6O+7lcvHCaR8ZTltNDfGTGMRTOgfPaTv admin@laptop"
            ),
            LanguageKey(
                "docker", .section("docker"), default: .words("see `cluster.docker`"),
                meaning: "Settings of the Docker engine on the nodes.", example: "docker:\n  mirror: false"),
        ],
        frame: "cluster:\n  {{KEYS}}")

    static let docker = LanguageSection(
        id: "docker", path: "cluster.docker", placement: ["cluster", "docker"],
        summary: "The Docker engine's settings in the nodes' daemon configuration.",
        keys: [
            LanguageKey(
                "metrics", .boolean, default: .words("`true` when `monitoring.metrics` is"),
                meaning: "Serve the engine's metrics on port 9323 (with `experimental` where needed).",
                example: "metrics: true"),
            LanguageKey(
                "mirror", .boolean, default: .words("`true` when `registry.mirror` is"),
                meaning: "Pull Docker Hub images through the stack's mirror (`registry-mirrors`).",
                example: "mirror: false"),
        ],
        frame: "cluster:\n  docker:\n    {{KEYS}}")

    static let registry = LanguageSection(
        id: "registry", path: "registry", placement: ["registry"],
        summary:
            "A private image registry behind the proxy, which `build` apps are pushed to, and optionally a pull-through mirror of Docker Hub.",
        keys: [
            LanguageKey(
                "host", .string(.host), default: .value(.string("registry")),
                meaning: "Where the registry is served, over HTTPS through the proxy.", example: "host: images"),
            LanguageKey(
                "users", .uniqueList(.string(.name)), default: .value(.array([.string("deploy")])),
                meaning:
                    "Accounts of the registry (htpasswd, bcrypt); their passwords are made at deploy time. The registry never answers without a login.",
                example: "users: [deploy, ci]"),
            LanguageKey(
                "mirror", .either([.boolean, .string(.host)]), default: .value(.bool(false)),
                meaning:
                    "A second registry caching Docker Hub (pull-through) at this host, `true` meaning `mirror`; the nodes use it.",
                example: "mirror: true"),
            LanguageKey(
                "backup", .string(.schedule), default: .none, meaning: "Back up the image store on this schedule.",
                example: "backup: weekly"),
        ],
        frame: "registry:\n  {{KEYS}}")

    static let identity = LanguageSection(
        id: "identity", path: "identity", placement: ["identity"],
        summary:
            "Keycloak, in production mode behind the proxy, with its data on a `databases` server. Every app with `auth: oidc` gets its own confidential client in the realm.",
        keys: [
            LanguageKey(
                "host", .string(.host), default: .value(.string("auth")), meaning: "Keycloak's public host.",
                example: "host: sso"),
            LanguageKey(
                "realm", .excluding(.string(.name), words: ["master"]), default: .words("the stack's name"),
                meaning: "The realm imported at start; not `master`, Keycloak's own.", example: "realm: people"),
            LanguageKey(
                "database", .string(.name), .requiredWhen("there is not exactly one postgres database"),
                default: .words("the only postgres database"),
                meaning: "The database server Keycloak keeps its data on.",
                example: "database: pg"),
            LanguageKey(
                "roles", .uniqueList(.string(.name)), default: .value(.array([])), meaning: "The realm's roles.",
                example: "roles: [staff, admin]"),
            LanguageKey(
                "groups", .map(key: .name, value: .uniqueList(.string(.name))), default: .value(.object([])),
                meaning: "Groups of the realm, each with the realm roles it carries.",
                example: "roles: [staff]\ngroups:\n  team: [staff]"),
            LanguageKey(
                "users", .list(.section("user")), default: .value(.array([])),
                meaning:
                    "Users of the realm. They have no password: each gets a required action to set one at the first login.",
                example: "users:\n  - name: alice\n    email: alice@example.org"),
            LanguageKey(
                "replicas", .integer(1...100), default: .value(.int(1)), meaning: "How many Keycloak tasks run.",
                example: "replicas: 2"),
        ],
        frame: "databases:\n  pg: {}\nidentity:\n  {{KEYS}}")

    static let user = LanguageSection(
        id: "user", path: "identity.users[]", placement: ["identity", "users", "-"],
        summary: "One user of the realm.",
        keys: [
            LanguageKey(
                "name", .string(.name), .required, default: .none, meaning: "The user name.", example: "name: alice"),
            LanguageKey(
                "email", .string(.email), default: .none,
                meaning:
                    "The e-mail address, one user per address (in any case); a sign-in proxy and Grafana admit only users with one (`W313` otherwise).",
                example: "name: alice\nemail: alice@example.org"),
            LanguageKey(
                "first_name", .string(.text), default: .none, meaning: "The given name.",
                example: "name: alice\nemail: alice@example.org\nfirst_name: Alice"),
            LanguageKey(
                "last_name", .string(.text), default: .none, meaning: "The family name.",
                example: "name: alice\nemail: alice@example.org\nlast_name: Liddell"),
            LanguageKey(
                "roles", .uniqueList(.string(.name)), default: .value(.array([])),
                meaning: "Realm roles of the user, from `identity.roles`.",
                example: "name: alice\nemail: alice@example.org\nroles: [staff]"),
            LanguageKey(
                "groups", .uniqueList(.string(.name)), default: .value(.array([])),
                meaning: "Groups the user is in, from `identity.groups`.",
                example: "name: alice\nemail: alice@example.org\ngroups: [team]"),
        ],
        frame: """
            databases:
              pg: {}
            identity:
              roles: [staff]
              groups:
                team: [staff]
              users:
                - {{KEYS}}
            """)

    static let monitoring = LanguageSection(
        id: "monitoring", path: "monitoring", placement: ["monitoring"],
        summary:
            "Prometheus, Loki, Grafana and Alertmanager. An app opts in to scraping with its own `metrics` key.",
        keys: [
            LanguageKey(
                "metrics", .boolean, default: .value(.bool(false)),
                meaning:
                    "Prometheus (finding tasks through the Swarm API), cAdvisor and node-exporter on every node, and the engines' metrics.",
                example: "metrics: true"),
            LanguageKey(
                "logs", .boolean, default: .value(.bool(false)),
                meaning: "Loki, and a log shipper on every node for the containers' logs and the journal.",
                example: "logs: true"),
            LanguageKey(
                "alerts", .either([.boolean, .section("alerts")]), default: .value(.bool(false)),
                meaning:
                    "Alertmanager and rules for the usual failures (a node down, a service below its replicas, disk, memory, a target down); a mapping says where alerts go.",
                example: "metrics: true\nalerts:\n  email: ops@example.org"),
            LanguageKey(
                "grafana", .either([.boolean, .section("grafana")]),
                default: .words("`true` when `metrics` or `logs` is"),
                meaning:
                    "Grafana with its data sources, a dashboard of the cluster and one per app with metrics; a mapping sets its host and sign-in.",
                example: "logs: true\ngrafana:\n  host: dashboards"),
            LanguageKey(
                "retention", .string(.duration), default: .value(.string("15d")),
                meaning: "How long Prometheus keeps metrics; more than 0.", example: "metrics: true\nretention: 30d"),
            LanguageKey(
                "log_retention", .string(.duration), default: .value(.string("15d")),
                meaning: "How long Loki keeps logs, in whole days (at least `1d`).",
                example: "logs: true\nlog_retention: 7d"),
        ],
        frame: "monitoring:\n  {{KEYS}}")

    static let alerts = LanguageSection(
        id: "alerts", path: "monitoring.alerts", placement: ["monitoring", "alerts"],
        summary: "Where Alertmanager sends alerts (`alerts: true` turns the rules on with these left out).",
        keys: [
            LanguageKey(
                "email", .string(.email), default: .none, meaning: "Send alerts to this address by e-mail.",
                example: "email: ops@example.org"),
            LanguageKey(
                "webhook", .string(.url), default: .none, meaning: "Post alerts to this URL.",
                example: "webhook: https://hooks.example.org/alerts"),
            LanguageKey(
                "smtp", .string(.smtpRelay), default: .words("`smtp.<domain>:587`"),
                meaning: "The mail relay e-mail alerts are submitted to (STARTTLS required).",
                example: "email: ops@example.org\nsmtp: mail.example.org:587"),
            LanguageKey(
                "from", .string(.email), default: .words("`alertmanager@<domain>`"),
                meaning: "The sender of alert mails.",
                example: "email: ops@example.org\nfrom: alerts@example.org"),
            LanguageKey(
                "user", .string(.smtpUser), default: .none,
                meaning:
                    "The user Alertmanager signs in to the relay as; the password is the Docker secret `<stack>_alertmanager-smtp-password`, which the operator creates.",
                example: "email: ops@example.org\nuser: alerts@example.org"),
        ],
        frame: "monitoring:\n  metrics: true\n  alerts:\n    {{KEYS}}")

    static let grafana = LanguageSection(
        id: "grafana", path: "monitoring.grafana", placement: ["monitoring", "grafana"],
        summary: "Grafana's host and how users sign in.",
        keys: [
            LanguageKey(
                "host", .string(.host), default: .value(.string("grafana")), meaning: "Grafana's public host.",
                example: "host: dashboards"),
            LanguageKey(
                "auth", .word(["oidc", "basic"]), default: .words("`oidc` when `identity` exists, else `basic`"),
                meaning: "`oidc`: sign in through Keycloak; `basic`: Grafana's own admin login.", example: "auth: basic"
            ),
            LanguageKey(
                "admin_role", .string(.name), default: .none,
                meaning: "The realm role whose users become Grafana admins (with `oidc`).",
                example: "admin_role: admin"),
            LanguageKey(
                "editor_role", .string(.name), default: .none,
                meaning: "The realm role whose users become Grafana editors (with `oidc`).",
                example: "editor_role: staff"),
        ],
        frame: """
            databases:
              pg: {}
            identity:
              roles: [admin, staff]
            monitoring:
              metrics: true
              grafana:
                {{KEYS}}
            """)

    static let database = LanguageSection(
        id: "database", path: "databases.<db>", placement: ["databases", "pg"],
        summary:
            "A database server. Each app or platform service that names it gets its own database and user, made at first start, with a generated password.",
        keys: [
            LanguageKey(
                "engine", .word(["postgres", "mariadb", "redis"]), default: .value(.string("postgres")),
                meaning: "The server.", example: "engine: mariadb"),
            LanguageKey(
                "version", .scalar(.imageTag), default: .words("postgres `17`, mariadb `11.4`, redis `7.4`"),
                meaning: "The image tag of the server.", example: "version: 16-alpine"),
            LanguageKey(
                "backup", .string(.schedule), default: .none, meaning: "Take logical dumps on this schedule.",
                example: "backup: 30 2 * * *"),
            LanguageKey(
                "placement", .section("placement"),
                default: .words(
                    "none: the server is still pinned to one node, the first that meets its constraints, by the node label `stackc.pin.<stack>.<db>` (see docs/swarm.md)"
                ),
                meaning: "Where the server runs; its volume is local to a node, so pin it.",
                example: "placement:\n  node: manager-1"),
        ],
        frame: "databases:\n  pg:\n    {{KEYS}}")

    static let placement = LanguageSection(
        id: "placement", path: "apps.<app>.placement", placement: ["apps", "web", "placement"],
        summary:
            "Which nodes a service's tasks may run on: an app's, or a database server's (`databases.<db>.placement`).",
        keys: [
            LanguageKey(
                "role", .word(["manager", "worker"]), default: .none, meaning: "Only on nodes of this role.",
                example: "role: worker"),
            LanguageKey(
                "labels", .map(key: .labelName, value: .scalar(.labelValue)), default: .value(.object([])),
                meaning: "Only on nodes carrying these node labels.", example: "labels:\n  zone: eu"),
            LanguageKey(
                "max_per_node", .integer(1...1000), default: .none,
                meaning: "At most this many tasks on one node (apps only).", example: "max_per_node: 1"),
            LanguageKey(
                "node", .string(.name), default: .none,
                meaning: "Only on this node of the cluster model (`manager-1`…, `worker-1`…).",
                example: "node: worker-1"),
        ],
        frame: "cluster:\n  workers: 2\n" + appFrame(with: "placement:\n      {{KEYS}}"))

    static let backup = LanguageSection(
        id: "backup", path: "backup", placement: ["backup"],
        summary: "Where backups go and how many are kept, for every `backup:` schedule of the manifest.",
        keys: [
            LanguageKey(
                "target", .string(.backupTarget), default: .value(.string("/backups")),
                meaning:
                    "A folder on the node that runs the backup, or an S3 bucket and prefix whose credentials are secrets.",
                example: "target: s3://backups-example/shop"),
            LanguageKey(
                "keep", .integer(1...10_000), default: .value(.int(7)), meaning: "Archives kept per source.",
                example: "keep: 14"),
        ],
        frame: "databases:\n  pg: {backup: daily}\nbackup:\n  {{KEYS}}")
}
