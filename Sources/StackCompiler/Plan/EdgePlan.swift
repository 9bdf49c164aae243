/// The edge proxy: which one, and what it serves besides the routes (its dashboard, the
/// certificates). The proxy renderer reads it with the finished plan's routes; a stack with
/// neither routes nor a dashboard gets no proxy.
struct EdgePlan {
    var kind: ProxySettings.Kind
    var replicas: Replicas
    /// The dashboard's or stats page's full host name, when exposed.
    var dashboardHost: String?
    var tls: TLSSettings
    /// The domain certificates are made for.
    var domain: String
    var stackName: String
    /// The manifest keys the certificate is made from (the source map of `stackc explain`).
    var certificateKeys: [ManifestKeyPath] = ["name"]
    /// Where the proxy keeps state (Traefik's ACME file) when the cluster has shared storage, so
    /// that the proxy can move; nil keeps it on one node, which pins the proxy there.
    var sharedFolder: String?
    /// The hosts of the stack's registry and mirror, which the nodes' engines pull from
    /// through the proxy: uploads to them take long (the proxy's read timeout is raised), and
    /// with a self-signed certificate every engine is made to trust it for them.
    var registryHosts: [String] = []
    /// Whether a service makes every node's engine trust the certificate for `registryHosts`
    /// (`ResolvedStack.trustsRegistryCertificate`).
    var registryTrust = false
    /// Every host the proxy serves: the routes' and the dashboard's.
    func hosts(_ routes: [ProxyRoute]) -> [String] {
        routes.map(\.host) + (dashboardHost.map { [$0] } ?? [])
    }

    /// Whether the stack's Prometheus scrapes the proxy (on the monitoring network, at a port
    /// that is never routed): `monitoring.metrics`.
    var metrics = false
}
