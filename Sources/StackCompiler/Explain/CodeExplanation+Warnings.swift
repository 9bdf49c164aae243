import StackDiagnostics

extension CodeExplanation {
    /// The warnings (`W3xx`): the build succeeds, but the manifest probably does not say what its author meant.
    static let warnings: [CodeExplanation] = [
        CodeExplanation(
            Codes.stickySingleReplica,
            documentation: """
                `sticky: true` on an app with one replica (or none) has no effect. Remove it, or raise `replicas`.
                """,
            fails: """
                stackc: 1
                name: shop
                domain: shop.example.org
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: www
                    sticky: true
                """,
            fixed: """
                stackc: 1
                name: shop
                domain: shop.example.org
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: www
                    replicas: 2
                    sticky: true
                """),
        CodeExplanation(
            Codes.managerCount,
            documentation: """
                an even number of managers, or more than 7. Raft needs a majority: an even count tolerates no more
                failures than one fewer, and more than 7 slows consensus. Use 1, 3, 5 or 7.
                """,
            fails: """
                stackc: 1
                name: shop
                cluster:
                  managers: 2
                apps:
                  web:
                    image: nginx:1.27
                """,
            fixed: """
                stackc: 1
                name: shop
                cluster:
                  managers: 3
                apps:
                  web:
                    image: nginx:1.27
                """),
        CodeExplanation(
            Codes.plainHTTP,
            documentation: """
                `https: false`: the app is served over plain HTTP. Remove it unless something in front of the proxy
                terminates TLS.
                """,
            fails: """
                stackc: 1
                name: shop
                domain: shop.example.org
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: www
                    https: false
                """,
            fixed: """
                stackc: 1
                name: shop
                domain: shop.example.org
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: www
                """),
        CodeExplanation(
            Codes.acmePrivateDomain,
            documentation: """
                `tls.mode: acme` with a domain that cannot be public (`.test`, `.local`, `.internal`, `.localhost`,
                `.invalid`, `.example`, `.lan`, `.home.arpa`, `localhost`, or a single label): Let's Encrypt cannot
                issue for it. Use `selfsigned` for a lab, or a real domain.
                """,
            fails: """
                stackc: 1
                name: shop
                domain: shop.test
                tls:
                  mode: acme
                  email: admin@shop.test
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: www
                """,
            fixed: """
                stackc: 1
                name: shop
                domain: shop.test
                tls:
                  mode: selfsigned
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: www
                """),
        CodeExplanation(
            Codes.metricsWithoutMonitoring,
            documentation: """
                an app has `metrics`, but `monitoring.metrics` is off, so nothing scrapes it. Turn monitoring on, or
                remove `metrics`. Not reported when `monitoring.metrics` (or the `monitoring` section) is written with
                a value that has an error of its own, such as `metrics: yes`.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    metrics: 9113
                """,
            fixed: """
                stackc: 1
                name: shop
                monitoring:
                  metrics: true
                  grafana: false
                apps:
                  web:
                    image: nginx:1.27
                    metrics: 9113
                """),
        CodeExplanation(
            Codes.backupWithoutVolumes,
            documentation: """
                an app has a `backup` schedule but no volumes to back up. Remove `backup`, or add `volumes`.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    backup: daily
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    volumes:
                      content: /usr/share/nginx/html
                    backup: daily
                """),
        CodeExplanation(
            Codes.unknownImageStart,
            documentation: """
                reported by the build (`build`, `check` and `lint`): an app needs a start-up wrapper (it waits for
                `depends_on`, reads secrets into its environment, or installs once) but stackc does not know how its
                image starts, so the wrapper cannot hand over to it; the app is left as it is. The warning points at
                the app's name. Add `entrypoint:` (the image's ENTRYPOINT, or `[]` when it has none) and `command:` to
                the app. For a `build:` app, stackc reads the start from its Dockerfile (see `docs/swarm.md`); the
                warning names the Dockerfile and says why: its final stage sets no ENTRYPOINT and its base image is
                not one stackc knows, it has no `FROM`, or it could not be read (`W322`). Adding ENTRYPOINT (and CMD)
                to the final stage also answers it.
                """,
            fails: """
                stackc: 1
                name: shop
                databases:
                  pg: {}
                apps:
                  api:
                    image: ghcr.io/example/api:1.4
                    database: pg
                    depends_on: [pg]
                """,
            fixed: """
                stackc: 1
                name: shop
                databases:
                  pg: {}
                apps:
                  api:
                    image: ghcr.io/example/api:1.4
                    entrypoint: ["/usr/local/bin/api"]
                    command: ["serve"]
                    database: pg
                    depends_on: [pg]
                """),
        CodeExplanation(
            Codes.noEffect,
            documentation: """
                a key that does nothing where it is: `path`, `https` or `sticky` on an app without `host` (the proxy
                does not route it), or `roles` on an app without `auth: oidc`; `monitoring.alerts` or `retention`
                without `metrics: true`; `log_retention` without `logs: true`; the mail relay's `smtp`, `from` or
                `user` under `monitoring.alerts` without `email`; Grafana with neither metrics nor logs; Grafana's
                `admin_role` or `editor_role` when it does not sign in with OIDC; `max_per_node` on a database (one
                task); `cluster.box` with `provision: none`, `cluster.cpus` or `memory` without `provision: vagrant`
                (not when `provision` itself is wrong: that has its own error; nor when `metrics` or `logs` is written
                with a value that has one, such as `metrics: yes`). Remove the key, or add what it needs.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    path: /shop
                """,
            fixed: """
                stackc: 1
                name: shop
                domain: shop.example.org
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: www
                    path: /shop
                """),
        CodeExplanation(
            Codes.envLooksLikeAppKey,
            documentation: """
                a variable of an app's `env` is named exactly like an app key in lower case (`host`, `sticky`,
                `replicas`, `port`, `image`, …): most likely the key lost its indentation and landed under `env`
                (`env: {TZ: UTC, host: www}`), where it does nothing for the app. Environment variables are usually
                upper case; move the key out of `env`, or rename the variable if it is really meant.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    env:
                      TZ: UTC
                      replicas: 2
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    replicas: 2
                    env:
                      TZ: UTC
                """),
        CodeExplanation(
            Codes.unpinnedImage,
            documentation: """
                an app's `image` has no tag, or the tag `latest` (and no digest). The stack file does not change when
                the tag moves, so `docker stack deploy` updates nothing, and with `--resolve-image never`
                (`STACKC_RESOLVE_IMAGE=never`, or no registry at hand) each node keeps whatever image it pulled first
                under that name. Pin a version tag (`nginx:1.27`); a `build:` app's image is tagged by stackc and is
                not reported.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                """),
        CodeExplanation(
            Codes.userWithoutEmail,
            documentation: """
                an identity user without `email` while something signs in through the realm that needs one: an app
                behind an authenticating proxy (`auth: oidc` on an app without OIDC of its own), Prometheus (and
                Alertmanager) behind theirs (with an identity and Traefik), or Grafana with `auth: oidc` (the default
                with an identity). oauth2-proxy admits only users with a verified e-mail address, and Grafana (since
                11.2) signs up no user without one, so this user could sign in to Keycloak but to none of those; the
                message names them (the first three apps and how many more). Add `email`.
                """,
            fails: """
                stackc: 1
                name: shop
                domain: shop.example.org
                identity:
                  users:
                    - name: alice
                databases:
                  pg: {}
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: www
                    auth: oidc
                """,
            fixed: """
                stackc: 1
                name: shop
                domain: shop.example.org
                identity:
                  users:
                    - name: alice
                      email: alice@shop.example.org
                databases:
                  pg: {}
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: www
                    auth: oidc
                """),
        CodeExplanation(
            Codes.longScrapeInterval,
            documentation: """
                an app's `metrics.interval` above 2m (and under 5m, which is `E104`): Prometheus forgets a series 5m
                after its last sample, so a single missed scrape leaves the app's series and its `up` gone until the
                next one (dashboards gap, `TargetDown` starts over). Prometheus advises at most 2m; use that or less.
                """,
            fails: """
                stackc: 1
                name: shop
                monitoring:
                  metrics: true
                  grafana: false
                apps:
                  web:
                    image: nginx:1.27
                    metrics:
                      port: 9113
                      interval: 3m
                """,
            fixed: """
                stackc: 1
                name: shop
                monitoring:
                  metrics: true
                  grafana: false
                apps:
                  web:
                    image: nginx:1.27
                    metrics:
                      port: 9113
                      interval: 1m
                """),
        CodeExplanation(
            Codes.missingImageTool,
            documentation: """
                reported by the build (`build`, `check` and `lint`): an image stackc knows cannot run what it asks of
                it: an HTTP health check in an image with neither `wget`, `curl` nor `python3` (it would never be healthy), a shell
                `health.command` or a start-up wrapper in an image without `/bin/sh` (a `build:` app whose
                Dockerfile's final stage is `FROM scratch`). Give `health: {command: [...]}` (a list runs without a
                shell) or `health: none`; see `docs/swarm.md`.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  api:
                    image: gcr.io/distroless/static-debian12:nonroot
                    port: 8080
                    health: /healthz
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  api:
                    image: gcr.io/distroless/static-debian12:nonroot
                    port: 8080
                    health:
                      command: ["/api", "healthcheck"]
                """),
        CodeExplanation(
            Codes.unknownImageTools,
            documentation: """
                reported by the build (`build`, `check` and `lint`): stackc does not know whether the image has `wget`
                or `curl` for its HTTP health check. If it has neither, give `health: {command: [...]}` or `health: none`.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  api:
                    image: ghcr.io/example/api:1.4
                    port: 8080
                    health: /healthz
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  api:
                    image: ghcr.io/example/api:1.4
                    port: 8080
                    health:
                      command: ["/api", "healthcheck"]
                """),
        CodeExplanation(
            Codes.unreadableDockerfile,
            documentation: """
                reported by the build (`build`, `check` and `lint`, also for a manifest with errors): the Dockerfile
                of a `build:` app (`<build>/Dockerfile`, relative to the manifest's folder) cannot be read: missing,
                not a regular file, larger than 500 KB, not UTF-8 text, or (with links resolved) outside the
                manifest's repository. The warning points at the app's `build` value and names the file as the
                manifest gives it (`./python_app/Dockerfile`); how the image starts is unknown (`W308` when a start-up
                wrapper needs it), and when the file is not there `deploy.sh` cannot build the image (it stops before
                changing anything). Fix `build`, or add the Dockerfile.
                """,
            fails: """
                stackc: 1
                name: shop
                domain: shop.example.org
                registry: {}
                apps:
                  api:
                    build: ./api
                """,
            fixed: ExampleInput(
                """
                stackc: 1
                name: shop
                domain: shop.example.org
                registry: {}
                apps:
                  api:
                    build: ./api
                """,
                files: [
                    (
                        "api/Dockerfile",
                        """
                        FROM python:3.12-slim
                        COPY . /app
                        CMD ["python3", "/app/main.py"]
                        """
                    )
                ])),
    ]

    /// Codes no longer reported, and what they were: `stackc explain` still knows them.
    public static let retired: [(code: String, documentation: String)] = [
        (
            "W307",
            """
            retired: it warned at each key that asked for something stackc checked but did not generate yet (identity,
            monitoring, the registry, nodes, and last backups and Redis users). Every family of the language is
            generated now.
            """
        ),
        (
            "W312",
            """
            retired: it warned that nothing moved the virtual IP to the one ACME proxy. The generated keepalived
            (`nodes/keepalived/`) tracks the proxy on each manager, so the VIP goes where the proxy answers.
            """
        ),
    ]
}
