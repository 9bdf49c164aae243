// Converted by stackc from manifests/haproxy-lab.yml.
import StackDescription

let stack = Stack("lb", domain: "lb.test") {
    Proxy(kind: .haproxy, dashboard: "stats")
    Cluster(
        managers: 1,
        workers: 3,
        provision: .vagrant,
        address: "192.168.42.11",
        disk: .gigabytes(10),
        storageDriver: .zfs,
        sharedStorage: .glusterfs
    )
    Apps {
        App(
            "webapp",
            image: "nginxdemos/hello:0.4",
            replicas: 4,
            port: 80,
            host: "www",
            https: false,
            sticky: true,
            volumes: ["content": "/usr/share/nginx/html"],
            health: "/"
        )
    }
}
