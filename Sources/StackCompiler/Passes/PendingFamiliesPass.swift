/// Reads the sections whose artifacts later work adds (proxy, identity, monitoring, registry,
/// nodes, backups, database initialisation, deploy script, runbook); adds one warning for each
/// one the manifest uses, so nobody mistakes the output for complete. The front end already
/// checks these sections fully.
struct PendingFamiliesPass: BuildPass {
    func run(_ stack: ResolvedStack, _ output: inout BuildOutput) {
        let pending = Self.families(stack).filter(\.0).map(\.1)
        guard !pending.isEmpty else { return }
        output.warn(Codes.notGeneratedYet, "checked but not generated yet by this stackc: " + pending.joined(separator: "; "),
                    help: "stack.yml, the edge proxy, database initialisation, entrypoints and deploy.sh are generated; see the README's status table for the rest")
    }

    static func families(_ stack: ResolvedStack) -> [(Bool, String)] {
        return [
            (stack.identity != nil || stack.registry != nil || stack.monitoring.grafana != nil,
             "routes to platform services (Keycloak, registry, Grafana)"),
            (stack.databases.contains { $0.engine == .redis && !$0.consumers.isEmpty }, "per-consumer users on Redis servers"),
            (stack.apps.contains { $0.auth == .oidc }, "OIDC for apps (auth: oidc)"),
            (stack.identity != nil, "identity (Keycloak service and realm)"),
            (stack.monitoring.metrics || stack.monitoring.logs || stack.monitoring.grafana != nil,
             "monitoring (Prometheus, Alertmanager, Loki, log shipper, Grafana)"),
            (stack.registry != nil, "registry (registry and mirror services)"),
            (stack.cluster.provision != .none || stack.cluster.vip != nil, "node provisioning (\(stack.cluster.provision.rawValue), daemon.json, keepalived)"),
            (stack.apps.contains { $0.backup != nil } || stack.databases.contains { $0.backup != nil } || stack.registry?.backup != nil,
             "backup jobs"),
            (true, "RUNBOOK.md"),
        ]
    }
}
