import StackDiagnostics

/// Reads the sections whose artifacts later work adds (proxy, identity, monitoring, registry,
/// nodes, backups, database initialisation, deploy script, runbook); adds one warning for each
/// one the manifest uses, so nobody mistakes the output for complete. The front end already
/// checks these sections fully.
struct PendingFamiliesPass: BuildPass {
    /// One family of artifacts: whether the manifest asks for it, and where it first does.
    struct Family {
        var used: Bool
        var name: String
        var span: SourceSpan?
    }

    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        let pending = Self.families(stack).filter(\.used)
        guard !pending.isEmpty else { return }
        // At the first place in the file that asks for one of them; the runbook, which every
        // stack gets, at the top.
        let span = Self.first(pending.map(\.span)) ?? stack.sectionSpans.manifest
        plan.warn(
            Codes.notGeneratedYet,
            "checked but not generated yet by this stackc: " + pending.map(\.name).joined(separator: "; "),
            at: span,
            help:
                "stack.yml, the edge proxy, database initialisation, entrypoints and deploy.sh are generated; see the README's status table for the rest"
        )
    }

    static func families(_ stack: ResolvedStack) -> [Family] {
        let sections = stack.sectionSpans
        let redis = stack.databases.first { $0.engine == .redis && !$0.consumers.isEmpty }
        let oidc = stack.apps.first { $0.auth == .oidc }
        let backedUpApp = stack.apps.first { $0.backup != nil }
        let backedUpDatabase = stack.databases.first { $0.backup != nil }
        let backsUpRegistry = stack.registry?.backup != nil
        return [
            Family(
                used: stack.identity != nil || stack.registry != nil || stack.monitoring.grafana != nil,
                name: "routes to platform services (Keycloak, registry, Grafana)",
                span: first([
                    sections.identity, sections.registry, stack.monitoring.grafana != nil ? sections.monitoring : nil,
                ])),
            Family(used: redis != nil, name: "per-consumer users on Redis servers", span: redis?.span),
            Family(used: oidc != nil, name: "OIDC for apps (auth: oidc)", span: oidc?.span),
            Family(used: stack.identity != nil, name: "identity (Keycloak service and realm)", span: sections.identity),
            Family(
                used: stack.monitoring.metrics || stack.monitoring.logs || stack.monitoring.grafana != nil,
                name: "monitoring (Prometheus, Alertmanager, Loki, log shipper, Grafana)", span: sections.monitoring),
            Family(
                used: stack.registry != nil, name: "registry (registry and mirror services)", span: sections.registry),
            Family(
                used: stack.cluster.provision != .none || stack.cluster.vip != nil,
                name: "node provisioning (" + provisioningParts(stack).joined(separator: ", ") + ")",
                span: sections.cluster),
            Family(
                used: backedUpApp != nil || backedUpDatabase != nil || backsUpRegistry, name: "backup jobs",
                span: first([backedUpApp?.span, backedUpDatabase?.span, backsUpRegistry ? sections.registry : nil])),
            Family(used: true, name: "RUNBOOK.md", span: nil),
        ]
    }

    /// What node provisioning would write for this cluster.
    static func provisioningParts(_ stack: ResolvedStack) -> [String] {
        var parts: [String] = []
        switch stack.cluster.provision {
        case .vagrant: parts += ["Vagrantfile", "daemon.json"]
        case .ignition: parts += ["Ignition configs", "daemon.json"]
        case .none: break
        }
        if stack.cluster.vip != nil { parts.append("keepalived for the virtual IP") }
        return parts
    }

    /// The span that comes first in the file.
    static func first(_ spans: [SourceSpan?]) -> SourceSpan? {
        spans.compactMap { $0 }.min { $0.start < $1.start }
    }
}
