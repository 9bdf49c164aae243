/// The sections of an app.
extension ManifestLanguage {
    static let app = LanguageSection(
        id: "app", path: "apps.<app>", placement: ["apps", "web"],
        summary:
            "One workload: a Swarm service with its image, how it is routed, what it is given (a database, environment, secrets, volumes, files) and how it runs.",
        keys: [
            LanguageKey(
                "image", .string(.image), .requiredWhen("there is no `build` and no preset gives one"), default: .none,
                meaning: "The image the service runs; without a tag or with `latest` it is a warning.",
                example: "image: ghcr.io/example/shop:1.4"),
            LanguageKey(
                "build", .string(.buildContext), default: .none,
                meaning:
                    "A folder with a Dockerfile: `deploy.sh` builds the image, tags it `<registry host>/<stack>/<app>` with its content and pushes it; needs `registry`.",
                example: "build: ./api", needs: "registry: {}", frame: "apps:\n  web:\n    {{KEYS}}"),
            LanguageKey(
                "preset", .word(["generic", "nextcloud"]), default: .value(.string("generic")),
                meaning:
                    "Built-in knowledge of an app: its image, port, health check, database settings and OIDC sign-in. `nextcloud` runs `nextcloud:30-apache` on port 80 with `health: /status.php`.",
                example: "image: nextcloud:30-apache\npreset: nextcloud\ndatabase: pg",
                needs: "databases:\n  pg: {}"),
            LanguageKey(
                "replicas", .either([.integer(0...1000), .word(["global"])]), default: .value(.int(1)),
                meaning: "How many tasks run; `global` is one on every node that placement allows.",
                example: "replicas: 3"),
            LanguageKey(
                "port", .integer(1...65535),
                .requiredWhen("the app is routed or has a health check and no preset gives one"),
                default: .words("the preset's"), meaning: "The port the container serves, which the proxy routes to.",
                example: "port: 8080"),
            LanguageKey(
                "host", .string(.host), default: .none, meaning: "Route this host to the app through the proxy.",
                example: "port: 80\nhost: shop"),
            LanguageKey(
                "path", .string(.routePath), default: .value(.string("/")), meaning: "Route only this path prefix.",
                example: "port: 80\nhost: shop\npath: /api"),
            LanguageKey(
                "https", .boolean, default: .value(.bool(true)),
                meaning: "`false` serves the route over plain HTTP, without a redirect (a warning).",
                example: "port: 80\nhost: shop\nhttps: true"),
            LanguageKey(
                "sticky", .boolean, default: .value(.bool(false)),
                meaning: "Session affinity by a secure, HTTP-only cookie (a warning with one replica).",
                example: "port: 80\nhost: shop\nreplicas: 2\nsticky: true"),
            LanguageKey(
                "auth", .word(["none", "oidc", "basic"]), default: .value(.string("none")),
                meaning:
                    "`oidc`: sign in through `identity`, natively where the preset can, else through a sign-in proxy in front of the app; `basic`: htpasswd users from a secret.",
                example: "port: 80\nhost: shop\nauth: oidc", needs: "databases:\n  pg: {}\nidentity: {}"),
            LanguageKey(
                "roles", .uniqueList(.string(.name)), default: .value(.array([])),
                meaning: "With `auth: oidc`: the realm roles let in (empty: any user of the realm).",
                example: "port: 80\nhost: shop\nauth: oidc\nroles: [staff]",
                needs: "databases:\n  pg: {}\nidentity:\n  roles: [staff]"),
            LanguageKey(
                "database", .string(.name), default: .none,
                meaning:
                    "A database of its own on this server, and the connection handed to the app (generic apps get `DATABASE_URL`-style variables and `_FILE` secrets).",
                example: "database: pg", needs: "databases:\n  pg: {}"),
            LanguageKey(
                "env", .map(key: .environmentName, value: .either([.scalar(.text), .empty])),
                default: .value(.object([])),
                meaning: "Environment variables; every value is passed as the text written (an empty value is `\"\"`).",
                example: "env:\n  TZ: Europe/Paris\n  WORKERS: 4"),
            LanguageKey(
                "secrets", .uniqueList(.string(.secretName)), default: .value(.array([])),
                meaning: "External Docker secrets mounted at `/run/secrets/<name>`.", example: "secrets: [api-key]"),
            LanguageKey(
                "volumes", .map(key: .name, value: .string(.containerPath)), default: .value(.object([])),
                meaning: "Named volumes and where they are mounted.", example: "volumes:\n  data: /var/lib/shop"),
            LanguageKey(
                "backup", .either([.string(.schedule), .constant(.bool(false))]), default: .value(.bool(false)),
                meaning: "Archive the app's volumes on this schedule; `false` says there is none.",
                example: "volumes:\n  data: /var/lib/shop\nbackup: daily"),
            LanguageKey(
                "depends_on", .uniqueList(.string(.name)), default: .value(.array([])),
                meaning:
                    "Apps, databases, `identity` or `registry` the app waits for: its start waits until each is reachable (Swarm does not order services).",
                example: "database: pg\ndepends_on: [pg]", needs: "databases:\n  pg: {}"),
            LanguageKey(
                "health", .either([.string(.routePath), .word(["none"]), .section("health")]),
                default: .words("the preset's; none for a generic app"),
                meaning:
                    "A health check used by Swarm and the proxy: the path of an HTTP check, a mapping, or `none` for no check at all.",
                example: "port: 80\nhealth: /healthz"),
            LanguageKey(
                "metrics", .either([.integer(1...65535), .section("metrics")]), default: .none,
                meaning: "Let Prometheus scrape the app: the port, or a mapping.", example: "metrics: 9100",
                needs: "monitoring:\n  metrics: true"),
            LanguageKey(
                "placement", .section("placement"), default: .none, meaning: "Which nodes the tasks may run on.",
                example: "placement:\n  role: manager"),
            LanguageKey(
                "ports", .list(.either([.string(.portShorthand), .section("port")])), default: .value(.array([])),
                meaning:
                    "Ports published on the nodes for traffic that does not go through the HTTP proxy; one per port and protocol in the whole stack.",
                example: "ports:\n  - \"5432:5432\"\n  - {target: 53, published: 53, protocol: udp}"),
            LanguageKey(
                "files", .map(key: .containerFile, value: .string(.fileSource)), default: .value(.object([])),
                meaning:
                    "Files of the repository delivered read-only into the container, as Swarm configs named by a hash of their content: a changed file rolls out.",
                example: "files:\n  /etc/nginx/conf.d/default.conf: ./nginx/default.conf"),
            LanguageKey(
                "extra_hosts", .map(key: .host, value: .either([.string(.ipv4), .word(["vip"])])),
                default: .value(.object([])),
                meaning:
                    "Extra `/etc/hosts` entries in the containers: a host name and an address, or `vip` for `cluster.vip`.",
                example: "extra_hosts:\n  shop.example.org: 10.0.0.10"),
            LanguageKey(
                "resources", .section("resources"), default: .none, meaning: "CPU and memory limits and reservations.",
                example: "resources:\n  cpus: 0.5\n  memory: 512M"),
            LanguageKey(
                "update", .section("update"),
                default: .value(
                    .object([
                        ("order", .string("start-first")), ("parallelism", .int(1)),
                        ("failure_action", .string("rollback")),
                    ])
                ),
                meaning: "How a new version rolls out.", example: "update:\n  order: stop-first"),
            LanguageKey(
                "command", .either([.scalar(.text), .list(.scalar(.text))]), default: .words("the image's"),
                meaning:
                    "The command: a string Docker splits into words as a shell would (without a shell), or a list of arguments as written.",
                example: "command: [nginx, -g, daemon off;]"),
            LanguageKey(
                "entrypoint", .either([.string(.text), .list(.string(.text))]),
                default: .words("the image's, when stackc knows the image or reads its Dockerfile"),
                meaning:
                    "The image's own entrypoint, for images stackc does not know: stackc's start-up wrapper (waiting for `depends_on`, secrets, run-once installs) runs first, then hands over to it.",
                example: "entrypoint: /docker-entrypoint.sh"),
        ],
        frame: appFrame,
        rules: [
            .oneOfKeys(["image", "build"], orWord: (key: "preset", word: "nextcloud")),
            .notTogether(["image", "build"]),
        ])

    static let health = LanguageSection(
        id: "health", path: "apps.<app>.health", placement: ["apps", "web", "health"],
        summary: "A health check: an HTTP `path` on the app's `port`, or a `command` run in the container (not both).",
        keys: [
            LanguageKey(
                "path", .string(.routePath), .requiredWhen("there is no `command`"), default: .none,
                meaning: "The path of an HTTP check on the app's port.", example: "path: /healthz"),
            LanguageKey(
                "command", .either([.scalar(.text), .list(.scalar(.text))]), .requiredWhen("there is no `path`"),
                default: .none,
                meaning:
                    "A command run inside the container instead, for images without an HTTP client: a string for the image's shell, or a list of words run as they are.",
                example: "command: [pg_isready, -q]"),
            LanguageKey(
                "interval", .string(.duration), default: .value(.string("30s")), meaning: "Time between checks.",
                example: "path: /healthz\ninterval: 10s"),
            LanguageKey(
                "timeout", .string(.duration), default: .value(.string("5s")),
                meaning: "How long one check may take.", example: "path: /healthz\ntimeout: 2s"),
            LanguageKey(
                "retries", .integer(1...100), default: .value(.int(3)),
                meaning: "Failed checks in a row that make the task unhealthy.", example: "path: /healthz\nretries: 5"),
            LanguageKey(
                "start_period", .string(.duration), default: .value(.string("60s")),
                meaning: "Time after start during which failures do not count.",
                example: "path: /healthz\nstart_period: 2m"),
        ],
        frame: appFrame(with: "port: 80\n    health:\n      {{KEYS}}"), rules: [.exactlyOne(["path", "command"])])

    static let metrics = LanguageSection(
        id: "metrics", path: "apps.<app>.metrics", placement: ["apps", "web", "metrics"],
        summary: "Where Prometheus scrapes the app (`metrics: 9100` is `metrics: {port: 9100}`).",
        keys: [
            LanguageKey(
                "port", .integer(1...65535), .required, default: .none, meaning: "The port serving the metrics.",
                example: "port: 9100"),
            LanguageKey(
                "path", .string(.routePath), default: .value(.string("/metrics")), meaning: "The metrics' path.",
                example: "port: 9100\npath: /stats"),
            LanguageKey(
                "interval", .string(.duration), default: .words("Prometheus's global interval"),
                meaning: "Time between scrapes: under `5m`, best at most `2m`.", example: "port: 9100\ninterval: 15s"),
        ],
        frame: "monitoring:\n  metrics: true\n" + appFrame(with: "metrics:\n      {{KEYS}}"))

    static let port = LanguageSection(
        id: "port", path: "apps.<app>.ports[]", placement: ["apps", "web", "ports", "-"],
        summary: "One published port (`\"5432:5432\"` is `{published: 5432, target: 5432}`).",
        keys: [
            LanguageKey(
                "target", .integer(1...65535), .required, default: .none, meaning: "The container's port.",
                example: "target: 5432\npublished: 5432"),
            LanguageKey(
                "published", .integer(1...65535), .required, default: .none, meaning: "The port on the nodes.",
                example: "target: 80\npublished: 8080"),
            LanguageKey(
                "protocol", .word(["tcp", "udp"]), default: .value(.string("tcp")), meaning: "The transport.",
                example: "target: 53\npublished: 53\nprotocol: udp"),
            LanguageKey(
                "mode", .word(["ingress", "host"]), default: .value(.string("ingress")),
                meaning:
                    "`ingress`: the port is open on every node and balanced over the tasks; `host`: bound on the nodes running a task, at most one task per node.",
                example: "target: 9000\npublished: 9000\nmode: host"),
        ],
        frame: appFrame(with: "ports:\n      - {{KEYS}}"))

    static let resources = LanguageSection(
        id: "resources", path: "apps.<app>.resources", placement: ["apps", "web", "resources"],
        summary: "Limits of each task; reservations equal the limits unless `reserve` says otherwise.",
        keys: [
            LanguageKey(
                "cpus", .number(minimum: 0.01, maximum: 1024), default: .none,
                meaning: "The CPUs a task may use; fractions allowed.",
                example: "cpus: 0.5"),
            LanguageKey(
                "memory", .string(.size), default: .none, meaning: "The memory a task may use, at least `6M`.",
                example: "memory: 512M"),
            LanguageKey(
                "reserve", .section("reserve"), default: .words("the limits"),
                meaning: "Reservations, when they differ from the limits.",
                example: "cpus: 2\nmemory: 1G\nreserve:\n  cpus: 0.5\n  memory: 256M"),
        ],
        frame: appFrame(with: "resources:\n      {{KEYS}}"))

    static let reserve = LanguageSection(
        id: "reserve", path: "apps.<app>.resources.reserve", placement: ["apps", "web", "resources", "reserve"],
        summary: "What Swarm sets aside for each task; at most the limits.",
        keys: [
            LanguageKey(
                "cpus", .number(minimum: 0.01, maximum: 1024), default: .words("`resources.cpus`"),
                meaning: "CPUs set aside.",
                example: "cpus: 0.25"),
            LanguageKey(
                "memory", .string(.size), default: .words("`resources.memory`"), meaning: "Memory set aside.",
                example: "memory: 256M"),
        ],
        frame: appFrame(with: "resources:\n      cpus: 1\n      memory: 512M\n      reserve:\n        {{KEYS}}"))

    static let update = LanguageSection(
        id: "update", path: "apps.<app>.update", placement: ["apps", "web", "update"],
        summary: "How Swarm rolls out a new version of the service.",
        keys: [
            LanguageKey(
                "order", .word(["start-first", "stop-first"]), default: .value(.string("start-first")),
                meaning: "Start the new task before stopping the old one, or the other way round.",
                example: "order: stop-first"),
            LanguageKey(
                "parallelism", .integer(0...1000), default: .value(.int(1)),
                meaning: "Tasks updated at once (0: all).", example: "parallelism: 2"),
            LanguageKey(
                "failure_action", .word(["rollback", "pause", "continue"]), default: .value(.string("rollback")),
                meaning: "What Swarm does when an updated task fails.", example: "failure_action: pause"),
            LanguageKey(
                "delay", .string(.duration), default: .words("none (Docker's)"),
                meaning: "Pause between batches of tasks.", example: "delay: 10s"),
            LanguageKey(
                "monitor", .string(.duration), default: .words("`5s` (Docker's)"),
                meaning: "How long a new task is watched for failure before the update goes on.",
                example: "monitor: 30s"),
        ],
        frame: appFrame(with: "update:\n      {{KEYS}}"))
}
