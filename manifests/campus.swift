// Converted by stackc from manifests/campus.yml.
import StackDescription

let stack = Stack("campus", domain: "campus.test") {
    TLS(mode: .selfsigned)
    Cluster(managers: 1, workers: 1, provision: .vagrant, address: "192.168.56.101", sharedStorage: .nfs)
    Registry(host: "registry", users: ["ci"], mirror: true)
    Identity(host: "auth", realm: "campus", database: "pg", roles: ["admin", "staff"]) {
        User("alice", email: "alice@campus.test", roles: ["admin"])
        User("bob", email: "bob@campus.test", roles: ["staff"])
    }
    Monitoring(metrics: true, logs: true, grafana: Grafana(host: "grafana", auth: .oidc, adminRole: "admin"))
    Databases {
        Database("pg", engine: .postgres, version: "16", backup: .daily)
    }
    Apps {
        App(
            "nextcloud",
            image: "nextcloud:29-apache",
            preset: .nextcloud,
            replicas: 2,
            host: "cloud",
            sticky: true,
            auth: .oidc,
            roles: ["staff", "admin"],
            database: "pg",
            volumes: ["data": "/var/www/html"],
            backup: .daily,
            dependsOn: ["identity", "pg"]
        )
    }
}
