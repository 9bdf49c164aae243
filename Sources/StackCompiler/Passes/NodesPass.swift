/// Reads `cluster` (and what the nodes' engines need from `registry` and `monitoring`);
/// contributes the node plan: what brings the machines up, forms the swarm, and holds the
/// virtual IP. Only for a manifest that describes its cluster.
struct NodesPass: BuildPass {
    /// No diagnostics, no services: only files.
    var affectsDiagnostics: Bool { false }

    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        let cluster = stack.cluster
        guard cluster.isDescribed, !cluster.nodes.isEmpty else { return }
        plan.setNodes(
            NodePlan(
                stack: stack.name, cluster: cluster,
                virtualRouterID: Self.virtualRouterID(stack: stack.name),
                engineMetricsPort: cluster.dockerMetrics ? MetricsPass.engineMetricsPort : nil,
                mirrorURL: cluster.dockerMirror ? stack.registry?.mirrorURL : nil,
                hosts: Self.hosts(stack), edgeCheckURL: "http://127.0.0.1:80/", backupFolder: Self.backupFolder(stack)))
    }

    /// The folder every node makes for the backups' repositories (a job runs on the node of what
    /// it copies).
    static func backupFolder(_ stack: ResolvedStack) -> String? {
        guard !BackupPass.sourceNames(stack).isEmpty, case .folder(let folder) = BackupPass.target(stack) else {
            return nil
        }
        return folder
    }

    /// 1–255 from the stack's name, so that two stacks on one network do not share a router id
    /// by default.
    static func virtualRouterID(stack: String) -> Int {
        let digest = SHA256.digest(Array(stack.utf8))
        return Int(digest[0]) % 255 + 1
    }

    /// The registry's and the mirror's hosts, for a domain no public DNS serves.
    static func hosts(_ stack: ResolvedStack) -> [NodePlan.HostsEntry] {
        guard let registry = stack.registry, let domain = stack.domain, TLSRules.isPrivate(domain) else { return [] }
        let names = [registry.host] + (registry.mirrorHost.map { [$0] } ?? [])
        let address = stack.cluster.vip ?? stack.cluster.nodes.first?.address ?? "127.0.0.1"
        return [NodePlan.HostsEntry(address: address, names: names)]
    }
}
