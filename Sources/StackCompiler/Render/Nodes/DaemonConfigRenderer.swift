/// `nodes/daemon.json`: the Docker daemon settings every node gets (`/etc/docker/daemon.json`).
/// Only what the stack needs, never a key a provisioner or a harness sets as a `dockerd` flag
/// (a key given both ways stops the daemon): no `data-root`, `hosts`, `iptables` or `bridge`,
/// and `storage-driver` only when it is not the default.
enum DaemonConfigRenderer {
    static func render(_ nodes: NodePlan, logging: ServiceLogging?) -> String {
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
        if let address = nodes.engineMetricsAddress { members.append(("metrics-addr", .string(address))) }
        if let mirror = nodes.mirrorURL { members.append(("registry-mirrors", .array([.string(mirror)]))) }
        if nodes.storageDriver != .overlay2 {
            members.append(("storage-driver", .string(nodes.storageDriver.rawValue)))
        }
        return JSONWriter.write(.object(members))
    }
}
