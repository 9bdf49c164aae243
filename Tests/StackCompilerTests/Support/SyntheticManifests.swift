/// Manifests that reach the generators the committed ones do not: every database engine (and
/// more than one consumer each), basic auth, both proxies' dashboards, every TLS mode, the
/// Nextcloud preset with one and several replicas on PostgreSQL and MariaDB, apps with a stated
/// entrypoint, a shell-string command and dependencies of every kind. Used by the tests that
/// look at every generated file (shell checks, secret scan).
enum SyntheticManifests {
    /// (file name, text) pairs; each checks without errors.
    static let all: [(name: String, text: String)] = [
        (
            "engines.yml",
            """
            stackc: 1
            name: engines
            domain: engines.example.org
            tls: {mode: acme, email: ops@example.org}
            proxy: {dashboard: true}
            identity:
              database: pg
            databases:
              pg: {version: "16"}
              maria: {engine: mariadb}
              cache: {engine: redis}
            apps:
              my-app:
                image: nginx:1.27-alpine
                port: 8080
                host: www
                auth: basic
                database: pg
                depends_on: [api, cache, identity]
              api:
                image: ghcr.io/example/api:1.2
                entrypoint: [/usr/local/bin/api]
                command: [serve, --port, "9000"]
                port: 9000
                health: /healthz
                database: maria
              worker:
                image: python:3.12-slim
                entrypoint: []
                command: "python -m worker --queue 'a b'"
                database: pg
                depends_on: [maria, api]
              queue:
                image: python:3.12-slim
                entrypoint: []
                command: [python3, -m, queue]
                database: cache
            """
        ),
        (
            "office.yml",
            """
            stackc: 1
            name: office
            domain: office.test
            tls: {mode: provided}
            proxy: {kind: haproxy, dashboard: stats}
            cluster:
              managers: 1
              workers: 2
              shared_storage: nfs
            databases:
              db: {engine: mariadb}
            apps:
              cloud:
                preset: nextcloud
                image: nextcloud:30-apache
                replicas: 2
                host: files
                database: db
                volumes:
                  html: /var/www/html
                depends_on: [db]
            """
        ),
        (
            "home.yml",
            """
            stackc: 1
            name: home
            domain: home.test
            databases:
              pg: {}
            apps:
              cloud:
                preset: nextcloud
                image: nextcloud:29-apache
                host: cloud
                database: pg
                volumes:
                  html: /var/www/html
            """
        ),
        (
            "team.yml",
            """
            stackc: 1
            name: team
            domain: team.test
            cluster:
              managers: 3
              shared_storage: nfs
            identity:
              database: pg
            registry:
              users: [ci]
            databases:
              pg: {}
            apps:
              files:
                preset: nextcloud
                image: nextcloud:29-apache
                replicas: global
                host: files
                auth: oidc
                database: pg
                volumes:
                  html: /var/www/html
                depends_on: [pg, identity, registry]
              tool:
                build: ./tool
                entrypoint: []
                command: [python, -m, tool]
                port: 8000
                host: tool
                depends_on: [files]
            """
        ),
    ]
}
