import YAML

/// Reads `registry` and the apps with `build`; contributes the stack's private registry
/// (distribution 2.8, `registry/config.yml`): its image store on a volume (on the shared storage
/// when the cluster has one, else on one node, which pins it), htpasswd (bcrypt) logins for
/// `registry.users` from a secret `deploy.sh` makes, its health and metrics on the debug port,
/// and its route over HTTPS, where the registry asks for the login itself. With `mirror`, a
/// second registry in pull-through cache mode for Docker Hub (`registry/mirror.yml`) at its own
/// host, which answers only the cluster's own networks: the engines that pull through it
/// (`registry-mirrors`) cannot log in to a mirror.
///
/// For the apps built from source it contributes what `deploy.sh` does before the stack is
/// deployed: deploy the proxy and the registry first, log in (with retries while the registry
/// comes up), then build each app, tag it with a hash of its build context, push it, and
/// deploy the stack with that tag (`PlatformNames.builtImage`).
struct RegistryPass: BuildPass {
    /// distribution 2.8: the configuration stays within what Debian's `docker-registry` 2.8.2,
    /// which the tests run, accepts.
    static let image = "registry:2.8.3"
    /// Where the image reads its configuration (2.8; 3.x reads `/etc/distribution/config.yml`).
    static let configPath = "/etc/docker/registry/config.yml"
    static let dataPath = "/var/lib/registry"
    /// Health and metrics, never routed.
    static let debugPort = 5001
    /// Where the registry's htpasswd file is mounted.
    static let htpasswdTarget = "registry-htpasswd"

    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        guard let registry = stack.registry else { return }
        let header = plan.context.headerLines
        plan.addNetwork(PlatformNames.publicNetwork, .edge(stack: stack.name))
        let htpasswd = plan.requireSecret(
            PlatformNames.registryPasswordSecret, recipe: .htpasswd(users: registry.users))
        let config = plan.addConfigFile(
            key: "registry-config", path: "registry/config.yml",
            contents: YAMLEmitter.emit(
                RegistryConfig.registry(htpasswd: "/run/secrets/\(Self.htpasswdTarget)"), header: header))
        var service = Self.service(.registry, stack, config: config, volume: PlatformNames.registryVolume, &plan)
        service.secrets = [(htpasswd, Self.htpasswdTarget)]
        // Apps that wait for it (`depends_on: [registry]`) reach it on theirs, routed or not.
        if stack.apps.contains(where: { $0.dependsOn.contains { $0.kind == .registry } }) {
            service.networks.append(PlatformNames.appsNetwork)
        }
        plan.addService(PlatformService.registry.name, service)
        addRoute(PlatformService.registry.name, host: registry.host, auth: .none, &plan)

        if let mirrorHost = registry.mirrorHost {
            let mirrorConfig = plan.addConfigFile(
                key: "registry-mirror-config", path: "registry/mirror.yml",
                contents: YAMLEmitter.emit(RegistryConfig.mirror(), header: header))
            let mirror = Self.service(
                .registryMirror, stack, config: mirrorConfig, volume: PlatformNames.registryMirrorVolume, &plan)
            plan.addService(PlatformService.registryMirror.name, mirror)
            addRoute(
                PlatformService.registryMirror.name, host: mirrorHost,
                auth: .fromNetworks(Self.clusterNetworks(stack)), &plan)
        }
        addImageBuilds(stack, registry, &plan)
    }

    /// A registry service from `config`, keeping its blobs on `volume`.
    static func service(
        _ name: PlatformService, _ stack: ResolvedStack, config: String, volume: String, _ plan: inout BuildPlan
    ) -> PlannedService {
        var service = PlannedService(image: Self.image)
        service.port = name.port
        service.files = [(config, Self.configPath, 0o444)]
        service.networks = [PlatformNames.publicNetwork]
        plan.addVolume(volume, PlannedVolume(sharedFolder: PlatformNames.sharedFolder(stack, volume: volume)))
        service.volumes = [(volume, Self.dataPath)]
        // The debug port answers once the storage driver does (`health.storagedriver`).
        service.health = .monitoringProbe(
            .exec(["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:\(Self.debugPort)/debug/health"]),
            startPeriod: TimeSpan(seconds: 10))
        // One writer of its store: the old task stops before the new one starts.
        service.writesItsDataAlone(grace: TimeSpan(seconds: 30))
        if stack.monitoring.metrics {
            service.labels = [
                (MetricsPass.Label.port, String(Self.debugPort)), (MetricsPass.Label.path, "/metrics"),
                (MetricsPass.Label.job, name.name),
            ]
            service.networks.append(PlatformNames.monitoringNetwork)
        }
        return service
    }

    /// The route to a registry over HTTPS: large uploads pass (the proxy has no body limit; its
    /// read timeout is raised for the registry, `EdgePlan.registryHosts`).
    func addRoute(_ service: String, host: String, auth: ProxyRoute.Auth, _ plan: inout BuildPlan) {
        plan.addRoute(
            ProxyRoute(
                service: service, host: host, path: "/", port: PlatformService.registry.port ?? 5000, https: true,
                sticky: false, auth: auth, healthPath: nil, healthInterval: nil, expectedTasks: 1))
    }

    /// Where the mirror may be asked from: the private ranges a small cluster's nodes are on
    /// (RFC 1918, loopback, IPv6 unique-local), and each node address of the cluster model
    /// outside them.
    static func clusterNetworks(_ stack: ResolvedStack) -> [String] {
        let privateRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "fc00::/7", "::1/128"]
        let outside = stack.cluster.nodes.map(\.address).filter { !isPrivateIPv4($0) }
        return privateRanges + outside.map { "\($0)/32" }
    }

    /// Whether a dotted IPv4 address is in 10/8, 172.16/12, 192.168/16 or 127/8.
    static func isPrivateIPv4(_ address: String) -> Bool {
        let octets = address.split(separator: ".").compactMap { Int($0) }
        guard octets.count == 4 else { return false }
        switch (octets[0], octets[1]) {
        case (10, _), (127, _), (192, 168): return true
        case (172, let second): return (16...31).contains(second)
        default: return false
        }
    }

    /// Apps built from source: the platform part is deployed first, then `deploy.sh` logs in,
    /// builds, tags with the content and pushes, and the stack is deployed with those tags.
    func addImageBuilds(_ stack: ResolvedStack, _ registry: RegistrySettings, _ plan: inout BuildPlan) {
        let built = stack.apps.filter { $0.build != nil }
        guard !built.isEmpty else { return }
        var first = [PlatformService.registry.name]
        if registry.mirrorHost != nil { first.append(PlatformService.registryMirror.name) }
        plan.addDeployStep(.deployFirst(services: first))
        plan.addDeployStep(
            .registryLogin(host: registry.host, user: registry.deployUser, secret: PlatformNames.registryPasswordSecret)
        )
        for app in built {
            plan.addDeployStep(
                .buildAndPush(
                    repository: PlatformNames.builtImageRepository(
                        registryHost: registry.host, stack: stack.name, app: app.name),
                    tagVariable: PlatformNames.builtImageTagVariable(app: app.name),
                    context: Self.join(plan.context.sourceDirectory, app.build ?? ".")))
        }
    }

    /// `base/relative` without `.` components.
    static func join(_ base: String, _ relative: String) -> String {
        let parts = (base.split(separator: "/") + relative.split(separator: "/")).filter { $0 != "." }
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
