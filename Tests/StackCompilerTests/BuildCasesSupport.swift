import Foundation
import Testing

/// One manifest the build tests compile: each of `manifests/*.yml`, and synthetic ones that
/// between them use every feature the stack file carries.
struct BuildCase: Sendable, CustomTestStringConvertible {
    /// The path the manifest is compiled under (relative, as `stackc build` is usually run).
    var path: String
    var text: String
    /// Environment values as the manifest's author meant them, by app: written down here by
    /// hand, not taken from the compiler, so a decoder that loses the text is caught too.
    var expectedEnvironment: [String: [(key: String, value: String)]] = [:]
    /// Commands as the container receives them (after Docker splits a string into words).
    var expectedCommands: [String: [String]] = [:]

    var testDescription: String { path }

    /// The repository's manifests, then the synthetic ones.
    static var all: [BuildCase] {
        let repo = BuildSupport.repoManifestPaths().map { path in
            BuildCase(
                path: path,
                text: (try? String(contentsOf: BuildSupport.repoRoot.appendingPathComponent(path), encoding: .utf8))
                    ?? "")
        }
        return repo + synthetic
    }

    static let synthetic: [BuildCase] = [trickyValues, placement, databases]
}

// MARK: - Values that YAML readers and Docker's interpolation like to change

extension BuildCase {
    /// (variable, the value as written in the manifest, the string it means). Unquoted where
    /// YAML allows, to check that the manifest reader keeps the text as written too.
    static let trickyEnvironment: [(key: String, yaml: String, value: String)] = [
        // YAML 1.1 booleans and nulls, in keys and values.
        ("ON", "on", "on"), ("Y", "y", "y"), ("N", "n", "n"), ("OFF_UPPER", "OFF", "OFF"),
        ("YES_TITLE", "Yes", "Yes"), ("NO_VALUE", "no", "no"), ("TRUE_WORD", "true", "true"),
        ("NULL_WORD", "'null'", "null"), ("TILDE", "'~'", "~"), ("EMPTY", "''", ""),
        // A null value means an empty string: every value is written as a string.
        ("NULL_VALUE", "~", ""),
        // Numbers of YAML 1.1, YAML 1.2 and go-yaml.
        ("SCI", "1e3", "1e3"), ("SCI_SIGNED", "1.5e+3", "1.5e+3"), ("HEX", "0x1F", "0x1F"),
        ("OCTAL", "0777", "0777"), ("OCTAL_12", "0o17", "0o17"), ("BINARY", "0b1010", "0b1010"),
        ("UNDERSCORE", "1_000", "1_000"), ("CLOCK", "12:30", "12:30"), ("SEXAGESIMAL", "190:20:30", "190:20:30"),
        ("FLOAT_CLOCK", "1:30.5", "1:30.5"), ("DATE", "2001-12-14", "2001-12-14"),
        ("TIMESTAMP", "2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"),
        ("INF", ".inf", ".inf"), ("NAN", ".NaN", ".NaN"), ("PLUS", "+1", "+1"), ("MINUS", "-1", "-1"),
        ("DOT_FIVE", ".5", ".5"), ("VERSION", "1.10", "1.10"), ("PORT", "8080", "8080"),
        // Leading indicators and other syntax.
        ("STAR", "'*star'", "*star"), ("AMP", "'&anchor'", "&anchor"), ("DASH", "'- item'", "- item"),
        ("DASH_ONLY", "'-'", "-"), ("COLON", "':colon'", ":colon"), ("QUESTION", "'? q'", "? q"),
        ("BANG", "'!important'", "!important"), ("PERCENT", "'%d'", "%d"), ("AT", "'@home'", "@home"),
        ("BACKTICK", "'`cmd`'", "`cmd`"), ("PIPE", "'|'", "|"), ("GT", "'>'", ">"),
        ("HASH", "'#nocomment'", "#nocomment"), ("SPACE_HASH", "'a #b'", "a #b"),
        ("COLON_SPACE", "'key: value'", "key: value"), ("TRAILING_COLON", "'label:'", "label:"),
        ("BRACKETS", "'[x]'", "[x]"), ("BRACES", "'{x}'", "{x}"), ("COMMA", "',x'", ",x"),
        ("MERGE", "'<<'", "<<"), ("EQUALS", "'='", "="), ("DOC_END", "'...'", "..."), ("DOC_START", "'---'", "---"),
        ("LEADING_SPACE", "'  padded'", "  padded"), ("TRAILING_SPACE", "'padded  '", "padded  "),
        ("QUOTES", #""it's \"quoted\"""#, #"it's "quoted""#), ("BACKSLASH", #"'C:\new\path'"#, #"C:\new\path"#),
        ("URL", "postgres://u:p@db:5432/x?ssl=on#frag", "postgres://u:p@db:5432/x?ssl=on#frag"),
        // Characters only escapes carry.
        ("TAB", #""a\tb""#, "a\tb"), ("NEWLINE", #""line1\nline2""#, "line1\nline2"),
        ("TRAILING_NEWLINE", #""x\n""#, "x\n"), ("UNICODE", "café ☕", "café ☕"),
        ("NBSP", #""a\u00A0b""#, "a\u{A0}b"), ("EMOJI", #""🚀 launch""#, "🚀 launch"),
        // Docker's interpolation: stackc writes `$$` so these reach the container as written.
        ("HOME_REF", "$HOME", "$HOME"), ("BRACED_REF", "'${HOME:-x}'", "${HOME:-x}"),
        ("DOUBLE_DOLLAR", "a$$b", "a$$b"), ("TRAILING_DOLLAR", "cost$", "cost$"), ("ONLY_DOLLAR", "'$'", "$"),
    ]

    static let trickyValues: BuildCase = {
        let env = trickyEnvironment.map { "      \($0.key): \($0.yaml)\n" }.joined()
        let text = """
            stackc: 1
            name: tricky
            cluster:
              managers: 1
              workers: 2
              shared_storage: nfs
            apps:
              env:
                image: alpine:3.20
                replicas: 2
                command: [sleep, infinity]
                secrets: [api-key, tls.cert]
                volumes:
                  data: /srv/data
                env:

            """ + env + """
                  shell:
                    image: alpine:3.20
                    command: "sh -c 'echo $HOME a$$b && exec sleep 1d'"
                  argv:
                    image: alpine:3.20
                    command: [printf, "%s", "$HOME", "a$$b", "on", "~", "12:30", "*x", "- y", ""]

                """
        return BuildCase(
            path: "synthetic/tricky.yml", text: text,
            expectedEnvironment: ["env": trickyEnvironment.map { ($0.key, $0.value) }],
            expectedCommands: [
                "env": ["sleep", "infinity"],
                "shell": ["sh", "-c", "echo $HOME a$$b && exec sleep 1d"],
                "argv": ["printf", "%s", "$HOME", "a$$b", "on", "~", "12:30", "*x", "- y", ""],
            ])
    }()
}

// MARK: - Placement, resources, updates

extension BuildCase {
    static let placement = BuildCase(
        path: "synthetic/placement.yml",
        text: """
            stackc: 1
            name: place
            cluster:
              managers: 3
              workers: 4
              shared_storage: glusterfs
            apps:
              agent:
                image: alpine:3.20
                replicas: global
                command: [sleep, infinity]
                volumes:
                  state: /var/lib/agent
                placement:
                  labels:
                    monitoring: "on"
              front:
                image: nginx:1.27-alpine
                replicas: 6
                volumes:
                  cache: /var/cache/nginx
                placement:
                  role: worker
                  labels:
                    zone: eu-1
                    disk: ssd
                  max_per_node: 2
                resources:
                  cpus: 1.5
                  memory: 1.5G
                  reserve:
                    cpus: 0.25
                    memory: 256M
                update:
                  order: stop-first
                  parallelism: 2
                  failure_action: pause
                  delay: 10s
                  monitor: 1m30s
              admin:
                image: nginx:1.27-alpine
                replicas: 1
                volumes:
                  data: /srv/admin
                placement:
                  role: manager
                resources:
                  cpus: 0.5
                  memory: 300M
              idle:
                image: busybox:1.36
                replicas: 0
                command: sleep 1d

            """, expectedCommands: ["agent": ["sleep", "infinity"], "idle": ["sleep", "1d"]])
}

// MARK: - Database servers

extension BuildCase {
    static let databases = BuildCase(
        path: "synthetic/databases.yml",
        text: """
            stackc: 1
            name: data
            cluster:
              managers: 1
              workers: 2
            databases:
              pg:
                engine: postgres
                version: "16"
                placement:
                  role: manager
                  labels:
                    storage: fast
              maria:
                engine: mariadb
              cache:
                engine: redis
                placement:
                  role: worker
            apps:
              api:
                image: ghcr.io/example/api:1.2
                port: 8080
                health: /healthz
                database: pg
                volumes:
                  uploads: /srv/uploads
                secrets: [api-token]
              shop:
                image: example/shop:2
                database: maria
                env:
                  DB_HOST: maria
              queue:
                image: example/queue:1
                database: cache

            """, expectedEnvironment: ["shop": [("DB_HOST", "maria")]])
}
