import Foundation
import Testing

@testable import StackDescription

/// Every key of the manifest has its parameter, written with the manifest's spelling and the
/// shorthand forms the manifest accepts.
@Suite struct DescriptionKeyTests {
    /// The keys `SyntaxDecoder` accepts for an app (`SyntaxDecoder.appKeys`).
    static let appKeys: Set<String> = [
        "image", "build", "preset", "replicas", "port", "host", "path", "https", "sticky", "auth",
        "roles", "database", "env", "secrets", "volumes", "backup", "depends_on", "health",
        "metrics", "placement", "resources", "update", "command", "entrypoint", "ports", "files",
        "extra_hosts",
    ]

    func everything() -> Stack {
        Stack("full", domain: "full.test") {
            TLS(mode: .acme, email: "ops@full.org")
            Proxy(kind: .haproxy, dashboard: "stats", replicas: 1)
            Cluster(
                managers: 1, workers: 2, provision: .manual, address: "10.0.0.11", vip: "10.0.0.10",
                box: "bento/debian-12", cpus: 4, memory: .gigabytes(4), disk: "20G", storageDriver: .zfs,
                sharedStorage: .local, sshKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG admin@host"],
                docker: Cluster.Docker(metrics: false, mirror: true))
            Registry(host: "images", users: ["ci"], mirror: true, backup: .cron("30 2 * * *"))
            Identity(
                host: "sso", realm: "people", database: "pg", roles: ["staff"], groups: ["team": ["staff"]],
                replicas: 2
            ) {
                User(
                    "bob", email: "bob@full.org", firstName: "Bob", lastName: "Byte", roles: ["staff"], groups: ["team"]
                )
            }
            Monitoring(
                metrics: true, logs: true,
                alerts: Alerts(
                    email: "ops@full.org", webhook: "https://hooks.full.org/a", smtp: "mail.full.org:465",
                    from: "alerts@full.org", user: "alerts"),
                grafana: Grafana(host: "dash", auth: .oidc, adminRole: "staff", editorRole: "staff"),
                retention: .days(30), logRetention: "7d")
            Databases {
                Database(
                    "pg", engine: .postgres, version: "17", backup: .weekly,
                    placement: Placement(role: .manager, labels: ["disk": "ssd"], maxPerNode: 1, node: "manager-1"))
            }
            Backup(target: "s3://full-backups/prod", keep: 14)
            Apps {
                App(
                    "web", image: "web:1.0", build: "./web", preset: .generic, replicas: 2, port: 8080, host: "www",
                    path: "/", https: true, sticky: true, auth: .off, roles: ["staff"], database: "pg",
                    env: ["TZ": "UTC"], secrets: ["api-key"], volumes: ["data": "/data"], backup: false,
                    dependsOn: ["pg"],
                    health: Health(
                        command: "curl -fs localhost:8080", interval: .seconds(10), timeout: "2s",
                        retries: 3, startPeriod: .minutes(1)),
                    metrics: Metrics(port: 9100, path: "/m", interval: .seconds(15)),
                    placement: Placement(role: .worker),
                    ports: ["5432:5432", Port(target: 53, published: 53, protocol: .udp, mode: .host)],
                    files: ["/etc/web.conf": "./web.conf"], extraHosts: ["www.full.test": "vip"],
                    resources: Resources(
                        cpus: 0.5, memory: "512M", reserve: Reservation(cpus: 0.25, memory: .megabytes(256))),
                    update: Update(
                        order: .stopFirst, parallelism: 2, failureAction: .continue, delay: "10s", monitor: "30s"),
                    command: ["web", "--serve"], entrypoint: "/entrypoint.sh")
                App("worker", image: "worker:1.0", replicas: .global, backup: .hourly, health: .off, metrics: 9100)
            }
        }
    }

    @Test func everyAppKeyIsWritten() throws {
        let json = try DescriptionJSON(StackInterchange.encode(everything()))
        let web = try #require(json.value("apps", "web") as? [String: Any])
        #expect(Set(web.keys) == Self.appKeys)
    }

    @Test func everySectionKeyIsWritten() throws {
        let json = try DescriptionJSON(StackInterchange.encode(everything()))
        func keys(_ path: String...) -> Set<String> {
            var current: Any? = json.manifest
            for key in path { current = (current as? [String: Any])?[key] }
            return Set((current as? [String: Any] ?? [:]).keys)
        }
        #expect(keys("tls") == ["mode", "email"])
        #expect(keys("proxy") == ["kind", "dashboard", "replicas"])
        #expect(
            keys("cluster") == [
                "managers", "workers", "provision", "address", "vip", "box", "cpus", "memory", "disk",
                "storage_driver", "shared_storage", "ssh_keys", "docker",
            ])
        #expect(keys("cluster", "docker") == ["metrics", "mirror"])
        #expect(keys("registry") == ["host", "users", "mirror", "backup"])
        #expect(keys("identity") == ["host", "realm", "database", "roles", "groups", "users", "replicas"])
        #expect(keys("monitoring") == ["metrics", "logs", "alerts", "grafana", "retention", "log_retention"])
        #expect(keys("monitoring", "alerts") == ["email", "webhook", "smtp", "from", "user"])
        #expect(keys("monitoring", "grafana") == ["host", "auth", "admin_role", "editor_role"])
        #expect(keys("databases", "pg") == ["engine", "version", "backup", "placement"])
        #expect(keys("databases", "pg", "placement") == ["role", "labels", "max_per_node", "node"])
        #expect(keys("backup") == ["target", "keep"])
        #expect(keys("apps", "web", "health") == ["command", "interval", "timeout", "retries", "start_period"])
        #expect(keys("apps", "web", "metrics") == ["port", "path", "interval"])
        #expect(keys("apps", "web", "resources") == ["cpus", "memory", "reserve"])
        #expect(keys("apps", "web", "resources", "reserve") == ["cpus", "memory"])
        #expect(keys("apps", "web", "update") == ["order", "parallelism", "failure_action", "delay", "monitor"])
        let user = try #require((json.value("identity", "users") as? [[String: Any]])?.first)
        #expect(Set(user.keys) == ["name", "email", "first_name", "last_name", "roles", "groups"])
    }

    @Test func valuesAreTheManifestsWords() throws {
        let json = try DescriptionJSON(StackInterchange.encode(everything()))
        #expect(json.value("cluster", "provision") as? String == "none")
        #expect(json.value("cluster", "shared_storage") as? String == "none")
        #expect(json.value("cluster", "memory") as? String == "4G")
        #expect(json.value("proxy", "dashboard") as? String == "stats")
        #expect(json.value("registry", "mirror") as? Bool == true)
        #expect(json.value("registry", "backup") as? String == "30 2 * * *")
        #expect(json.value("monitoring", "retention") as? String == "30d")
        #expect(json.value("identity", "groups") as? [String: [String]] == ["team": ["staff"]])
        #expect(json.value("apps", "web", "auth") as? String == "none")
        #expect(json.value("apps", "web", "backup") as? Bool == false)
        #expect(json.value("apps", "web", "health", "command") as? String == "curl -fs localhost:8080")
        #expect(json.value("apps", "web", "health", "start_period") as? String == "1m")
        #expect(json.value("apps", "web", "ports", "0") as? String == "5432:5432")
        #expect(json.texts("apps", "web", "ports", "1") == nil)  // a list item, not a key path
        let port = try #require((json.value("apps", "web", "ports") as? [Any])?.last as? [String: Any])
        #expect(port.mapValues { "\($0)" } == ["target": "53", "published": "53", "protocol": "udp", "mode": "host"])
        #expect(json.value("apps", "web", "resources", "cpus") as? Double == 0.5)
        #expect(json.value("apps", "web", "resources", "reserve", "memory") as? String == "256M")
        #expect(json.value("apps", "web", "update", "order") as? String == "stop-first")
        #expect(json.value("apps", "web", "update", "failure_action") as? String == "continue")
        #expect(json.value("apps", "web", "command") as? [String] == ["web", "--serve"])
        #expect(json.value("apps", "web", "entrypoint") as? String == "/entrypoint.sh")
        #expect(json.value("apps", "web", "extra_hosts") as? [String: String] == ["www.full.test": "vip"])
        #expect(json.value("apps", "worker", "replicas") as? String == "global")
        #expect(json.value("apps", "worker", "health") as? String == "none")
        #expect(json.value("apps", "worker", "metrics") as? Int == 9100)
        #expect(json.value("apps", "worker", "backup") as? String == "hourly")
    }

    @Test func stringsAreEscaped() throws {
        let awkward = "quote \" backslash \\ newline \n tab \t bell \u{7} café ☃ \u{2028}"
        let stack = Stack(
            unregistered: "s", domain: nil, position: here(),
            sections: [
                Apps { App("a", image: "a:1", env: ["TEXT": EnvironmentValue(awkward)]) }.section
            ])
        let json = try DescriptionJSON(StackInterchange.encode(stack))
        #expect(json.value("apps", "a", "env", "TEXT") as? String == awkward)
        #expect(!json.text.contains("\n"))
    }
}
