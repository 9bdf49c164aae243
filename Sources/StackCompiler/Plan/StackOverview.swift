/// What the stack is in the manifest's own terms, for the file that explains it to people
/// (`RUNBOOK.md`): its apps and databases as the manifest gives them, the platform sections,
/// the cluster, and what each service stackc adds is for. Set by `StackOverviewPass`; the plan
/// says how things run, this says what they are. Holds the resolved values themselves, not
/// copies of their fields.
struct StackOverview {
    var domain: String?
    /// True when no public DNS can serve the domain (`.test`, `.internal`, a single label...):
    /// people reach its hosts through their own `/etc/hosts` or local DNS.
    var domainIsPrivate: Bool
    var tls: TLSSettings
    var proxy: ProxySettings
    var cluster: Cluster
    var apps: [App]
    var databases: [Database]
    var registry: RegistrySettings?
    var identity: IdentitySettings?
    var monitoring: MonitoringSettings
    /// What each service stackc adds besides the apps and database servers is for, by service
    /// name, in the order the stack has them; a service missing here is described by its image.
    var platformRoles: [(service: String, role: String)]
}
