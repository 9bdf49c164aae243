import StackDiagnostics

extension CodeExplanation {
    /// The codes of a well-formed manifest that means something that cannot be deployed (`E2xx`).
    static let meaning: [CodeExplanation] = [
        CodeExplanation(
            Codes.unknownReference,
            documentation: """
                a name refers to something that does not exist: an app's `database`, a `depends_on` entry (apps,
                databases, `identity`, `registry`), a role of an app, group or user, a group of a user,
                `identity.database`, Grafana's `admin_role` or `editor_role`, a `placement.node` the cluster does not
                have (the expected note lists the nodes). The help note suggests the closest defined name (`pgg` →
                `pg`).
                """,
            fails: """
                stackc: 1
                name: shop
                databases:
                  pg: {}
                apps:
                  web:
                    image: nginx:1.27
                    database: pgg
                """,
            fixed: """
                stackc: 1
                name: shop
                databases:
                  pg: {}
                apps:
                  web:
                    image: nginx:1.27
                    database: pg
                """),
        CodeExplanation(
            Codes.dependencyCycle,
            documentation: """
                `depends_on` loops (`web` → `api` → `web`, or an app on itself). One error per group of apps that wait
                for each other, however many loops the group holds, with its shortest loop through the group's first
                app as the example (a loop of more than 12 apps is shortened in the middle) and, when the group is
                larger, how many apps it has; at the dependency that closes the example. Each entrypoint would wait
                for the other forever: remove dependencies until no app waits for itself.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    depends_on: [api]
                  api:
                    image: nginx:1.27
                    depends_on: [web]
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    depends_on: [api]
                  api:
                    image: nginx:1.27
                """),
        CodeExplanation(
            Codes.duplicateRoute,
            documentation: """
                two apps or platform services (identity, registry, mirror, proxy dashboard, Grafana, Prometheus,
                Alertmanager) are routed at the same host and path, after short hosts are expanded with the domain and
                case is ignored. An app with `auth: oidc` behind a sign-in proxy also takes `<path>/oauth2` on its
                host, where the sign-in flow is routed; a route deeper inside it (`/oauth2/callback`) would win over
                it and receive the sign-in's codes, and is refused too. Give one another host or a different `path`; a
                note points at the route written first. A platform service takes its **whole host**: an app at any
                path on it is refused too, since it would receive what browsers keep for that host (the monitoring
                password, the sign-in cookie, Grafana's session) and could shadow the service's pages or its sign-in
                callback.
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
                  blog:
                    image: nginx:1.27
                    port: 80
                    host: www
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
                  blog:
                    image: nginx:1.27
                    port: 80
                    host: www
                    path: /blog
                """),
        CodeExplanation(
            Codes.oidcWithoutIdentity,
            documentation: """
                `auth: oidc` on an app, or Grafana's `auth: oidc`, without an `identity` section. Add `identity:`
                (Keycloak), or use `auth: basic`.
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
                    auth: oidc
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
                    auth: basic
                """),
        CodeExplanation(
            Codes.oidcWithoutHTTPS,
            documentation: """
                `auth: oidc` together with `https: false`. OIDC tokens must not travel over plain HTTP: remove `https:
                false`.
                """,
            fails: """
                stackc: 1
                name: shop
                domain: shop.example.org
                identity: {}
                databases:
                  pg: {}
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: www
                    auth: oidc
                    https: false
                """,
            fixed: """
                stackc: 1
                name: shop
                domain: shop.example.org
                identity: {}
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
            Codes.missingPort,
            documentation: """
                a routed app (`host`) or an app with a `health` check has no `port`, and its preset does not supply
                one. Add the port the container serves.
                """,
            fails: """
                stackc: 1
                name: shop
                domain: shop.example.org
                apps:
                  web:
                    image: nginx:1.27
                    host: www
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
            Codes.buildWithoutRegistry,
            documentation: """
                an app has `build:` but the stack has no `registry` to push the image to. Add a `registry:` section,
                or use a published `image`.
                """,
            fails: ExampleInput(
                """
                stackc: 1
                name: shop
                apps:
                  api:
                    build: ./api
                """,
                files: [
                    (
                        "api/Dockerfile",
                        """
                        FROM python:3.12-slim
                        CMD ["python3", "-m", "http.server"]
                        """
                    )
                ]),
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
                        CMD ["python3", "-m", "http.server"]
                        """
                    )
                ])),
        CodeExplanation(
            Codes.storageDriverNeedsDisk,
            documentation: """
                `storage_driver: zfs` or `btrfs` without a `disk` for its pool. Add `disk: 20G` under `cluster`, or
                keep `overlay2`.
                """,
            fails: """
                stackc: 1
                name: shop
                cluster:
                  storage_driver: zfs
                apps:
                  web:
                    image: nginx:1.27
                """,
            fixed: """
                stackc: 1
                name: shop
                cluster:
                  storage_driver: zfs
                  disk: 20G
                apps:
                  web:
                    image: nginx:1.27
                """),
        CodeExplanation(
            Codes.vipOutsideNetwork,
            documentation: """
                the virtual IP is not in the nodes' /24 (or is its network or broadcast address). Choose an unused
                address in the nodes' network.
                """,
            fails: """
                stackc: 1
                name: shop
                cluster:
                  address: 192.168.56.101
                  vip: 192.168.57.10
                apps:
                  web:
                    image: nginx:1.27
                """,
            fixed: """
                stackc: 1
                name: shop
                cluster:
                  address: 192.168.56.101
                  vip: 192.168.56.10
                apps:
                  web:
                    image: nginx:1.27
                """),
        CodeExplanation(
            Codes.vipIsNodeAddress,
            documentation: """
                the virtual IP is the address of one of the nodes (the message names it). Choose an address no node
                takes; nodes take consecutive addresses from `cluster.address`, managers first.
                """,
            fails: """
                stackc: 1
                name: shop
                cluster:
                  managers: 3
                  address: 192.168.56.101
                  vip: 192.168.56.102
                apps:
                  web:
                    image: nginx:1.27
                """,
            fixed: """
                stackc: 1
                name: shop
                cluster:
                  managers: 3
                  address: 192.168.56.101
                  vip: 192.168.56.100
                apps:
                  web:
                    image: nginx:1.27
                """),
        CodeExplanation(
            Codes.noWorkers,
            documentation: """
                `placement.role: worker` on an app or database while the cluster has no workers. Set
                `cluster.workers`, or place it on managers.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    placement:
                      role: worker
                """,
            fixed: """
                stackc: 1
                name: shop
                cluster:
                  workers: 1
                apps:
                  web:
                    image: nginx:1.27
                    placement:
                      role: worker
                """),
        CodeExplanation(
            Codes.unplaceableReplicas,
            documentation: """
                `max_per_node` × eligible nodes is less than `replicas`, so some tasks could never be scheduled;
                eligible nodes are the workers, the managers, all nodes, or the one node `placement.node` names. Also
                an app that publishes a port in `mode: host` with more `replicas` than eligible nodes: two tasks on
                one node cannot both bind it. Lower `replicas`, raise `max_per_node`, or add nodes.
                """,
            fails: """
                stackc: 1
                name: shop
                cluster:
                  workers: 2
                apps:
                  web:
                    image: nginx:1.27
                    replicas: 3
                    placement:
                      role: worker
                      max_per_node: 1
                """,
            fixed: """
                stackc: 1
                name: shop
                cluster:
                  workers: 3
                apps:
                  web:
                    image: nginx:1.27
                    replicas: 3
                    placement:
                      role: worker
                      max_per_node: 1
                """),
        CodeExplanation(
            Codes.volumeNeedsSharedStorage,
            documentation: """
                an app with a named volume runs more than one task (`replicas` > 1, or `global` on more than one node)
                but `cluster.shared_storage` is `none`: each task would see a different, local volume. Set
                `shared_storage` (nfs, glusterfs, cephfs) or run one replica. Not reported on a one-node cluster, or
                for an app pinned with `placement.node`: there every task mounts the same local volume.
                """,
            fails: """
                stackc: 1
                name: shop
                cluster:
                  workers: 2
                apps:
                  web:
                    image: nginx:1.27
                    replicas: 2
                    volumes:
                      content: /usr/share/nginx/html
                """,
            fixed: """
                stackc: 1
                name: shop
                cluster:
                  workers: 2
                  shared_storage: nfs
                apps:
                  web:
                    image: nginx:1.27
                    replicas: 2
                    volumes:
                      content: /usr/share/nginx/html
                """),
        CodeExplanation(
            Codes.acmeWithoutEmail,
            documentation: """
                `tls.mode: acme` without `tls.email` for the ACME account. Add the e-mail address.
                """,
            fails: """
                stackc: 1
                name: shop
                domain: shop.example.org
                tls:
                  mode: acme
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: www
                """,
            fixed: """
                stackc: 1
                name: shop
                domain: shop.example.org
                tls:
                  mode: acme
                  email: admin@shop.example.org
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: www
                """),
        CodeExplanation(
            Codes.domainRequired,
            documentation: """
                something is routed (an app's `host`, identity, registry, mirror, dashboard, Grafana) but the manifest
                has no `domain`. Prometheus and Alertmanager are routed only when the manifest has a `domain`; without
                one they stay inside the stack. Add a top-level `domain:`; short hosts expand under it and the
                certificate covers it.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: www
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
            Codes.addressOverflow,
            documentation: """
                the nodes, numbered on from `cluster.address`, run past `.254` of its /24. Start lower, or use fewer
                nodes.
                """,
            fails: """
                stackc: 1
                name: shop
                cluster:
                  managers: 3
                  workers: 2
                  address: 192.168.56.251
                apps:
                  web:
                    image: nginx:1.27
                """,
            fixed: """
                stackc: 1
                name: shop
                cluster:
                  managers: 3
                  workers: 2
                  address: 192.168.56.101
                apps:
                  web:
                    image: nginx:1.27
                """),
        CodeExplanation(
            Codes.wrongDatabaseEngine,
            documentation: """
                `identity.database` names a database that is not postgres; Keycloak needs postgres. Name a postgres
                database.
                """,
            fails: """
                stackc: 1
                name: shop
                domain: shop.example.org
                identity:
                  database: db
                databases:
                  db:
                    engine: mariadb
                apps:
                  web:
                    image: nginx:1.27
                """,
            fixed: """
                stackc: 1
                name: shop
                domain: shop.example.org
                identity:
                  database: db
                databases:
                  db:
                    engine: postgres
                apps:
                  web:
                    image: nginx:1.27
                """),
        CodeExplanation(
            Codes.mirrorWithoutRegistry,
            documentation: """
                `cluster.docker.mirror: true`, but the stack runs no registry mirror. Set `registry.mirror: true`, or
                remove `docker.mirror`.
                """,
            fails: """
                stackc: 1
                name: shop
                domain: shop.example.org
                registry: {}
                cluster:
                  docker:
                    mirror: true
                apps:
                  web:
                    image: nginx:1.27
                """,
            fixed: """
                stackc: 1
                name: shop
                domain: shop.example.org
                registry:
                  mirror: true
                cluster:
                  docker:
                    mirror: true
                apps:
                  web:
                    image: nginx:1.27
                """),
        CodeExplanation(
            Codes.imageOrBuild,
            documentation: """
                an app has neither `image` nor `build` (a preset brings its own image: `preset: nextcloud` needs
                neither), or has both. Give exactly one: a published image, or a build context whose image goes to the
                stack's registry.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  web:
                    port: 80
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                """),
        CodeExplanation(
            Codes.nameConflict,
            documentation: """
                two Swarm services would have the same name: an app named like a database, or an app or database named
                like a service stackc adds (`traefik`, `keycloak`, `registry`, `grafana`, `prometheus`, `<app>-cron`
                and `<app>-redis` of a Nextcloud app, `<database>-init`, `backup-<source>`, `backup-scheduler`, …) or
                like the `depends_on` words `identity` and `registry`; or an app named `default` names a Redis
                database (each of its apps is a Redis user of its name, and `default` is Redis's own, which stackc
                turns off); or an app named `admin` names a PostgreSQL or MariaDB database (its password secret,
                `<database>-admin-password`, would be the server administrator's). Rename it.
                """,
            fails: """
                stackc: 1
                name: shop
                databases:
                  pg: {}
                apps:
                  pg:
                    image: nginx:1.27
                """,
            fixed: """
                stackc: 1
                name: shop
                databases:
                  pg: {}
                apps:
                  web:
                    image: nginx:1.27
                """),
        CodeExplanation(
            Codes.acmeNeedsTraefik,
            documentation: """
                `tls.mode: acme` with `proxy.kind: haproxy`: HAProxy has no ACME client. Use Traefik, or obtain the
                certificate elsewhere and use `tls.mode: provided`.
                """,
            fails: """
                stackc: 1
                name: shop
                domain: shop.example.org
                proxy:
                  kind: haproxy
                tls:
                  mode: acme
                  email: admin@shop.example.org
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: www
                """,
            fixed: """
                stackc: 1
                name: shop
                domain: shop.example.org
                proxy:
                  kind: traefik
                tls:
                  mode: acme
                  email: admin@shop.example.org
                apps:
                  web:
                    image: nginx:1.27
                    port: 80
                    host: www
                """),
        CodeExplanation(
            Codes.mountOverlap,
            documentation: """
                a file of an app's `files` is delivered on the path of one of its volumes or inside it (`volumes:
                {conf: /etc/nginx}` with `files: {/etc/nginx/nginx.conf: …}`). A note points at the volume. Deliver
                the file elsewhere, or mount the volume at another path.
                """,
            fails: ExampleInput(
                """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    volumes:
                      conf: /etc/nginx
                    files:
                      /etc/nginx/nginx.conf: nginx.conf
                """,
                files: [
                    (
                        "nginx.conf",
                        """
                        events {}
                        http {
                            server { listen 80; }
                        }
                        """
                    )
                ]),
            fixed: ExampleInput(
                """
                stackc: 1
                name: shop
                apps:
                  web:
                    image: nginx:1.27
                    volumes:
                      content: /usr/share/nginx/html
                    files:
                      /etc/nginx/nginx.conf: nginx.conf
                """,
                files: [
                    (
                        "nginx.conf",
                        """
                        events {}
                        http {
                            server { listen 80; }
                        }
                        """
                    )
                ])),
        CodeExplanation(
            Codes.portConflict,
            documentation: """
                a published port (with its protocol) is published twice in the stack, by two apps or by one app twice
                (a note points at the first), or is 80 or 443 over TCP while the edge proxy serves anything (an app's
                `host`, identity, registry, mirror, the dashboard, Grafana). Publish another port; route HTTP apps
                through the proxy with `host`.
                """,
            fails: """
                stackc: 1
                name: shop
                apps:
                  db-admin:
                    image: adminer:4.8.1
                    ports: ["8080:8080"]
                  mail:
                    image: axllent/mailpit:v1.21
                    ports: ["8080:8025"]
                """,
            fixed: """
                stackc: 1
                name: shop
                apps:
                  db-admin:
                    image: adminer:4.8.1
                    ports: ["8080:8080"]
                  mail:
                    image: axllent/mailpit:v1.21
                    ports: ["8025:8025"]
                """),
        CodeExplanation(
            Codes.presetImageMismatch,
            documentation: """
                `preset: nextcloud` with an `-fpm` image (a tag with `fpm` in it): it runs PHP-FPM, FastCGI on port
                9000, while the preset routes and checks HTTP on port 80. Reported at the image; the help names the
                Apache variant of the same tag (`nextcloud:30-fpm-alpine` → `nextcloud:30-apache`).
                """,
            fails: """
                stackc: 1
                name: shop
                domain: shop.example.org
                databases:
                  pg: {}
                apps:
                  cloud:
                    preset: nextcloud
                    image: nextcloud:30-fpm-alpine
                    host: cloud
                    database: pg
                """,
            fixed: """
                stackc: 1
                name: shop
                domain: shop.example.org
                databases:
                  pg: {}
                apps:
                  cloud:
                    preset: nextcloud
                    image: nextcloud:30-apache
                    host: cloud
                    database: pg
                """),
        CodeExplanation(
            Codes.signInNeedsTraefik,
            documentation: """
                `auth: oidc` on an app without OIDC of its own (not `preset: nextcloud`) while `proxy.kind` is
                `haproxy`: such apps sign in through an authenticating proxy that stackc wires into Traefik's
                forward-auth only, and a protected app is never routed open. Use Traefik (the default), or `auth:
                basic`.
                """,
            fails: """
                stackc: 1
                name: shop
                domain: shop.example.org
                proxy:
                  kind: haproxy
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
                """,
            fixed: """
                stackc: 1
                name: shop
                domain: shop.example.org
                proxy:
                  kind: traefik
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
            Codes.loginBypassed,
            documentation: """
                an app with `auth: oidc` or `auth: basic` publishes the port the proxy routes to (`ports` with that
                target): the published port reaches the app on every node without the login. Remove that entry of
                `ports`; other ports of the app may be published.
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
                    auth: basic
                    ports: ["8080:80"]
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
                    auth: basic
                """),
        CodeExplanation(
            Codes.presetNeedsOwnHost,
            documentation: """
                `preset: nextcloud` with a `path` other than `/`: Nextcloud serves at the root of its host (its URLs,
                redirects and OIDC callbacks). Give it a host of its own.
                """,
            fails: """
                stackc: 1
                name: shop
                domain: shop.example.org
                databases:
                  pg: {}
                apps:
                  cloud:
                    preset: nextcloud
                    image: nextcloud:30-apache
                    host: www
                    path: /cloud
                    database: pg
                """,
            fixed: """
                stackc: 1
                name: shop
                domain: shop.example.org
                databases:
                  pg: {}
                apps:
                  cloud:
                    preset: nextcloud
                    image: nextcloud:30-apache
                    host: cloud
                    database: pg
                """),
        CodeExplanation(
            Codes.driverNotOnCoreOS,
            documentation: """
                `storage_driver: zfs` with `provision: ignition`: Fedora CoreOS has no ZFS (no package, no kernel
                module), so the nodes could not start Docker. Use `btrfs` (Ignition formats the data disk with it) or
                `overlay2`, or provision Debian with Vagrant.
                """,
            fails: """
                stackc: 1
                name: shop
                cluster:
                  provision: ignition
                  disk: 20G
                  storage_driver: zfs
                  ssh_keys:
                    - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG5hbWVkLWZvci1hbi1leGFtcGxlLW9ubHktbm90LWEta2V5 admin@laptop
                apps:
                  web:
                    image: nginx:1.27
                """,
            fixed: """
                stackc: 1
                name: shop
                cluster:
                  provision: ignition
                  disk: 20G
                  storage_driver: btrfs
                  ssh_keys:
                    - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG5hbWVkLWZvci1hbi1leGFtcGxlLW9ubHktbm90LWEta2V5 admin@laptop
                apps:
                  web:
                    image: nginx:1.27
                """),
        CodeExplanation(
            Codes.ignitionWithoutKeys,
            documentation: """
                `provision: ignition` without `ssh_keys`: Fedora CoreOS's `core` user has no password, so with no key
                nobody could log in, and `nodes/join-nodes.sh` (which brings the other nodes their join tokens over
                SSH) could not reach them: only `manager-1` would form a swarm. Add your public key(s) under
                `cluster.ssh_keys`.
                """,
            fails: """
                stackc: 1
                name: shop
                cluster:
                  provision: ignition
                apps:
                  web:
                    image: nginx:1.27
                """,
            fixed: """
                stackc: 1
                name: shop
                cluster:
                  provision: ignition
                  ssh_keys:
                    - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG5hbWVkLWZvci1hbi1leGFtcGxlLW9ubHktbm90LWEta2V5 admin@laptop
                apps:
                  web:
                    image: nginx:1.27
                """),
    ]
}
