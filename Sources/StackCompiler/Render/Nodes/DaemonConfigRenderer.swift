/// `nodes/daemon.json`, or `nodes/daemon/<node>.json` where nodes differ: the Docker daemon
/// settings of the nodes (`/etc/docker/daemon.json`). The engine's metrics listen on the node's
/// own cluster address, where Prometheus scrapes them, not on every interface (they have no
/// login). Only what the stack needs, never a key a provisioner or a harness sets as a `dockerd` flag
/// (a key given both ways stops the daemon): no `data-root`, `hosts`, `iptables` or `bridge`,
/// and `storage-driver` only when it is not the default.
enum DaemonConfigRenderer {
    /// Whether the nodes' settings differ (the metrics address is each node's own).
    static func differsByNode(_ nodes: NodePlan) -> Bool { nodes.engineMetricsPort != nil }

    /// The settings of every node, made once: call the result with the node.
    static func render(_ nodes: NodePlan, logging: ServiceLogging?) -> (Node) -> String {
        let shared = members(nodes, logging: logging)
        return { node in
            var members = shared
            if let port = nodes.engineMetricsPort {
                members.insert(("metrics-addr", .string("\(node.address):\(port)")), at: 4)
            }
            return JSONWriter.write(.object(members))
        }
    }

    static func members(_ nodes: NodePlan, logging: ServiceLogging?) -> [(String, JSONValue)] {
        // Every container's log as the log shipper reads it (json-file), rotated; the stack's
        // services say the same in `stack.yml`, this covers whatever else runs on the node.
        let rotation = logging ?? ServiceLogging(maxSize: "10m", maxFiles: 3)
        var logOptions: [(String, JSONValue)] = [
            ("max-file", .string(String(rotation.maxFiles))), ("max-size", .string(rotation.maxSize)),
        ]
        if !rotation.labels.isEmpty {
            logOptions.insert(("labels", .string(rotation.labels.joined(separator: ","))), at: 0)
        }
        var members: [(String, JSONValue)] = [
            // The classic image store: the storage drivers below and cAdvisor's view of containers
            // need it (Engine 29 makes the containerd store the default on new installs).
            ("features", .object([("containerd-snapshotter", .bool(false))])),
            // Swarm mode refuses to run with live restore.
            ("live-restore", .bool(false)),
            ("log-driver", .string("json-file")),
            ("log-opts", .object(logOptions)),
        ]
        if let mirror = nodes.mirrorURL { members.append(("registry-mirrors", .array([.string(mirror)]))) }
        if nodes.cluster.storageDriver != .overlay2 {
            members.append(("storage-driver", .string(nodes.cluster.storageDriver.rawValue)))
        }
        return members
    }
}
