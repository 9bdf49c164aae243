import StackDiagnostics

extension CodeExplanation {
    /// The codes of keys and values that do not have the shape the language asks for (`E10x`).
    static let structure: [CodeExplanation] = [
        CodeExplanation(
            Codes.unsupportedVersion,
            documentation: """
                `stackc:` is not `1`, the only format version. Write `stackc: 1`.
                """,
            fails: """
                stackc: 2
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                """),
        CodeExplanation(
            Codes.unknownKey,
            documentation: """
                a key the manifest language does not have in this place. The help note suggests the closest known key
                (`replica` → `replicas`, `storage_drivr` → `storage_driver`) and the expected note lists the keys
                allowed there. Keys starting with `x-` are ignored everywhere, for your own anchors and notes.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    replica: 2
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    replicas: 2
                """),
        CodeExplanation(
            Codes.wrongType,
            documentation: """
                a value of the wrong kind: a list where a number belongs, a mapping where a string belongs, an empty
                value. Note that YAML 1.2 reads `yes`/`no`/`on`/`off` as strings, so booleans must be `true`/`false`;
                quote numbers meant as strings (`version: "16"`).
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    replicas: [2]
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    replicas: 2
                """),
        CodeExplanation(
            Codes.missingKey,
            documentation: """
                a required key is absent: `stackc`, `name` or `apps` at the top, `name` of an identity user, `path`
                (or `command`) of a `health` map, `port` of a `metrics` map, `target` and `published` of a `ports`
                entry, or `database` of `identity` when there is not exactly one postgres database to default to. The
                diagnostic points at the start of the mapping that should hold it. Also `smtp` and `from` under
                `monitoring.alerts` when `email` is set and there is no `domain` to default the mail relay from (at
                `email`).
                """,
            fails: """
                stackc: 1
                apps:
                  web:
                    image: nginx:1.27
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                """),
        CodeExplanation(
            Codes.invalidValue,
            documentation: """
                a value of the right type but outside what is allowed: a number out of range (`port: 70000`,
                `replicas: -1`, `managers: 300`), a word that is not one of the choices (`mode: acmee`, with a
                did-you-mean), `backup: true` on an app (give a schedule), `auth` on an app without `host`, a node
                address ending in `.0`, a `health` map with both `path` and `command`, `extra_hosts` mapping a name to
                `vip` without `cluster.vip`, a `placement.role` that the `placement.node` does not have, a
                `monitoring.log_retention` that is not whole days (Loki keeps logs by the day), a zero
                `monitoring.retention` (Prometheus reads it as not set and keeps its default 15 days), an app's
                `metrics.interval` of 0 (Prometheus drops the target) or of 5m or more (Prometheus forgets a series 5m
                after its last sample, so the app's series and `up` would vanish between scrapes; above 2m is `W314`).
                The expected note gives the range or the choices.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    port: 70000
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    port: 8080
                """),
        CodeExplanation(
            Codes.invalidName,
            documentation: """
                a name that is not a DNS label (`[a-z][a-z0-9-]{0,62}`, not ending in `-`): the stack, apps,
                databases, volumes, roles, groups, users. Also environment variable names (letters, digits, `_`, not
                starting with a digit) and secret names (letters, digits, `_`, `-`, `.`; a longer one is `E108`). The
                help note suggests a valid spelling.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  Web_Shop:
                    image: nginx:1.27
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  web-shop:
                    image: nginx:1.27
                """),
        CodeExplanation(
            Codes.invalidFormat,
            documentation: """
                a string that does not parse as what it stands for: a duration (`30s`, `1h30m`), a size (`512M`,
                `2G`), an IPv4 address, a host, an e-mail address, a URL, a mail relay (`host[:port]`), an image
                reference, a schedule (`hourly`, `daily`, `weekly` or five cron fields), an absolute container path, a
                path (an app's `path`, `health` and `metrics.path`: starting with `/`, with no query string or
                fragment, no whitespace or control characters, no quotes, `` ` `` or `\\`; the message says which), an
                SSH public key, a node label, a backup target, a `ports` shorthand (`"8080:80"`, `"53:53/udp"`; the
                help shows the long form), a `files` entry (an absolute container path to a file, a source relative to
                the manifest), an `extra_hosts` name. A `health` value with spaces that is not a path is a command:
                the help shows `health: {command: "…"}`. The expected note shows the format; a bare number where a
                unit is needed gets a help note.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    resources:
                      memory: 512
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    resources:
                      memory: 512M
                """),
        CodeExplanation(
            Codes.duplicateEntry,
            documentation: """
                the same name twice in a list (roles, users, secrets, `depends_on`). Remove the repeat; a note points
                at the first.
                """,
            fails: """
                stackc: 1
                name: shop
                domain: shop.example.org
                identity:
                  roles: [staff, admin, staff]
                databases:
                  pg: {}
                apps:
                  web:
                    image: nginx:1.27
                """,
            fixed: """
                stackc: 1
                name: shop
                domain: shop.example.org
                identity:
                  roles: [staff, admin]
                databases:
                  pg: {}
                apps:
                  web:
                    image: nginx:1.27
                """),
        CodeExplanation(
            Codes.nameTooLong,
            documentation: """
                `<stack>_<name>` would be longer than Swarm's 63 characters for an app, a database or one of the
                platform services stackc adds (`traefik`, `keycloak`, `registry-mirror`, `node-exporter`, …). Shorten
                the stack name or the app's name by the number of characters the help note gives. An app with `auth:
                oidc` behind a sign-in proxy counts with its proxy's name (`<app>-sso`), reported at the app. Also a
                name in an app's `secrets:` longer than Swarm's 64 characters for a secret (those names are used as
                they are).
                """,
            fails: """
                stackc: 1
                name: the-online-shop-of-the-northern-district
                apps:
                  customer-relationship-management:
                    image: nginx:1.27
                """,
            fixed: """
                stackc: 1
                name: north-shop
                apps:
                  customer-relationship-management:
                    image: nginx:1.27
                """),
    ]
}
