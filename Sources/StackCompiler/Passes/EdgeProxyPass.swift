/// Reads `proxy`, `tls` and `domain`; contributes the edge proxy's settings. The proxy's
/// service, configuration and labels are rendered from the finished plan, whose routes any pass
/// may contribute (`TraefikRenderer`, `HAProxyRenderer`).
struct EdgeProxyPass: BuildPass {
    /// Only settings for the renderers: `lint` does not need it.
    var affectsDiagnostics: Bool { false }

    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        var edge =
            EdgePlan(
                kind: stack.proxy.kind, replicas: stack.proxy.replicas, dashboardHost: stack.proxy.dashboardHost,
                tls: stack.tls, domain: stack.domain ?? stack.name, stackName: stack.name,
                sharedFolder: PlatformNames.sharedFolder(stack, volume: PlatformNames.acmeVolume),
                registryHosts: stack.registry.map { [$0.host] + ($0.mirrorHost.map { [$0] } ?? []) } ?? [],
                registryTrust: stack.trustsRegistryCertificate,
                metrics: stack.monitoring.metrics)
        edge.certificateKeys = Self.certificateKeys(stack)
        plan.setEdge(edge)
    }
}
