/// Reads the whole resolved stack; contributes the stack overview (`StackOverview`): the apps
/// and databases as the manifest gives them, the platform sections, the cluster, and what each
/// service stackc adds is for, which `RUNBOOK.md` explains. Adds no service, file or secret.
struct StackOverviewPass: BuildPass {
    /// Only what a rendered file reads: `lint` does not need it.
    var affectsDiagnostics: Bool { false }

    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        guard plan.context.renders else { return }
        plan.setOverview(
            StackOverview(
                domain: stack.domain, domainIsPrivate: stack.domain.map(TLSRules.isPrivate) ?? true, tls: stack.tls,
                proxy: stack.proxy, cluster: stack.cluster, apps: stack.apps, databases: stack.databases,
                registry: stack.registry, identity: stack.identity, monitoring: stack.monitoring,
                platformRoles: Self.platformRoles(stack)))
    }

    /// What each service stackc adds is for, in words an operator reads in a table. Services a
    /// stack does not have are left out by the renderer, which lists the plan's services.
    static func platformRoles(_ stack: ResolvedStack) -> [(service: String, role: String)] {
        var roles: [(service: String, role: String)] = []
        switch stack.proxy.kind {
        case .traefik:
            roles.append((PlatformService.traefik.name, "edge proxy (Traefik): HTTPS and every route, on the managers"))
        case .haproxy:
            roles.append(
                (PlatformService.haproxy.name, "edge proxy (HAProxy): HTTPS and every route, on the managers"))
        }
        if let identity = stack.identity {
            roles += [
                (PlatformService.keycloak.name, "identity provider (Keycloak), realm `\(identity.realm)`"),
                (
                    PlatformNames.realmSyncService,
                    "job, on every deploy: brings the running realm in line with "
                        + "`\(PlatformNames.realmFile(identity.realm))`"
                ),
            ]
        }
        if let registry = stack.registry {
            roles.append(
                (
                    PlatformService.registry.name,
                    "the stack's image registry, users \(registry.users.map { "`\($0)`" }.joined(separator: ", "))"
                ))
            if registry.mirrorHost != nil {
                roles.append((PlatformService.registryMirror.name, "pull-through mirror of Docker Hub for the nodes"))
            }
            roles.append(
                (
                    PlatformNames.registryTrustService,
                    "on every node: makes the node's engine trust the edge certificate for the registry"
                ))
        }
        for app in stack.apps where app.preset == .nextcloud {
            roles += [
                (PlatformNames.nextcloudCron(app: app.name), "Nextcloud's background jobs for `\(app.name)`"),
                (PlatformNames.nextcloudRedis(app: app.name), "Redis for the file locks and sessions of `\(app.name)`"),
            ]
        }
        for app in stack.apps where SingleSignOn.mechanism(app) == .signInProxy {
            roles.append(
                (PlatformNames.signInProxy(app: app.name), "sign-in proxy (oauth2-proxy) in front of `\(app.name)`"))
        }
        if SingleSignOn.guardsWithSignIn(stack) {
            for guarded in SingleSignOn.guardedServices(stack) {
                roles.append(
                    (
                        PlatformNames.signInProxy(app: guarded.service),
                        "sign-in proxy (oauth2-proxy) in front of \(guarded.title)"
                    ))
            }
        }
        for database in stack.databases where database.engine != .redis {
            let consumers = database.consumers.map { "`\($0)`" }.joined(separator: ", ")
            roles.append(
                (
                    PlatformNames.databaseInitService(database.name),
                    "job, on every deploy: the databases and users of \(consumers) on `\(database.name)`"
                ))
        }
        roles += [
            (PlatformService.prometheus.name, "metrics (Prometheus) and the alert rules"),
            (PlatformService.nodeExporter.name, "on every node: the node's metrics"),
            (PlatformService.cadvisor.name, "on every node: the containers' metrics"),
            (PlatformService.alertmanager.name, "sends the alerts (Alertmanager)"),
            (PlatformService.grafana.name, "dashboards (Grafana)"),
            (PlatformService.loki.name, "the logs (Loki)"),
            (PlatformService.fluentBit.name, "on every node: ships the containers' logs to Loki"),
            (PlatformNames.backupScheduler, "starts the backup jobs on their schedules (swarm-cronjob), on a manager"),
            (PlatformNames.backupTools, "on every node: puts restic where the backup jobs find it"),
        ]
        return roles
    }
}
