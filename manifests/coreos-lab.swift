// Converted by stackc from manifests/coreos-lab.yml.
import StackDescription

let stack = Stack("lab", domain: "b3.swarm") {
    Cluster(
        managers: 3,
        workers: 2,
        provision: .ignition,
        address: "172.17.8.101",
        vip: "172.17.8.100",
        disk: "10GB",
        sharedStorage: .cephfs,
        sshKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBhKrXZKJnaB6O+7lcvHCaR8ZTltNDfGTGMRTOgfPaTv admin@lab"]
    )
    Proxy(kind: .traefik, dashboard: "proxy")
    Registry(host: "registry", users: ["deploy"])
    Monitoring(metrics: true, alerts: Alerts(email: "ops@b3.swarm"), grafana: Grafana(auth: .basic))
    Databases {
        Database("db", engine: .postgres, backup: .daily, placement: Placement(role: .manager))
    }
    Backup(target: "/data/backups", keep: 14)
    Apps {
        App(
            "web",
            image: "nginx:1.27-alpine",
            replicas: 3,
            port: 80,
            host: "app",
            dependsOn: ["api"],
            health: "/healthz",
            placement: Placement(maxPerNode: 1)
        )
        App(
            "api",
            build: "./python_app",
            replicas: 2,
            port: 8000,
            database: "db",
            env: ["LOG_LEVEL": "info", "FEATURE_SIGNUP": "no"],
            dependsOn: ["db"],
            metrics: 8000,
            resources: Resources(cpus: 0.5, memory: .megabytes(256))
        )
    }
}
