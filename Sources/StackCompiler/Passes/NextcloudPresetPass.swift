/// Reads apps with `preset: nextcloud`; adds what the image needs to install itself and to run
/// behind the proxy: the administrator account (a generated secret), trusted domains and proxy
/// settings, Redis for file locking and sessions when there are several replicas, a service
/// that runs Nextcloud's background jobs, and the hook that tells waiting replicas the install
/// is done (see the run-once step in `EntrypointsPass`). Runs after `DatabaseInitPass`, which
/// hands over the database connection.
struct NextcloudPresetPass: BuildPass {
    /// Overlay networks come from these ranges; Nextcloud must trust the proxy's address in them.
    static let trustedProxies = "10.0.0.0/8 172.16.0.0/12 192.168.0.0/16"
    static let hookPath = "/docker-entrypoint-hooks.d/before-starting/10-stackc-installed.sh"

    func run(_ stack: ResolvedStack, _ output: inout BuildOutput) {
        for app in stack.apps where app.preset == .nextcloud {
            let admin = output.requireSecret("\(app.name)-admin-password", recipe: .loginPassword(user: "admin"))
            var environment: [(String, String)] = [
                ("NEXTCLOUD_ADMIN_USER", "admin"),
                ("NEXTCLOUD_ADMIN_PASSWORD_FILE", "/run/secrets/\(admin)"),
                ("TRUSTED_PROXIES", Self.trustedProxies),
                ("APACHE_DISABLE_REWRITE_IP", "1"),
            ]
            if let route = app.route {
                let scheme = route.https ? "https" : "http"
                environment += [("NEXTCLOUD_TRUSTED_DOMAINS", route.host), ("OVERWRITEHOST", route.host),
                                ("OVERWRITEPROTOCOL", scheme), ("OVERWRITECLIURL", "\(scheme)://\(route.host)")]
            }
            let replicated = AppServicesPass.taskCount(app.replicas, stack) > 1
            if replicated {
                environment += addRedis(for: app, &output)
                let hook = output.addConfigFile(key: "\(app.name)-installed-hook", path: "nextcloud/\(app.name)-installed.sh",
                                                contents: Self.hook(header: output.headerLines), executable: true)
                output.swarm.updateService(app.name) { $0.configs.append((hook, Self.hookPath, 0o555)) }
            }
            if let folder = app.volumes.first(where: { $0.path == "/var/www/html" }) ?? app.volumes.first, replicated {
                environment.append(("STACKC_RUN_ONCE_DIR", folder.path))
            }
            output.swarm.updateService(app.name) { service in
                for (key, value) in environment { service.setEnvironment(key, value) }
                service.secrets.append((admin, admin))
                service.stopGracePeriod = TimeSpan(seconds: 30)
            }
            addCron(for: app, &output)
        }
    }

    /// A Redis server of the app's own, on a network only the two share.
    func addRedis(for app: App, _ output: inout BuildOutput) -> [(String, String)] {
        let name = "\(app.name)-redis", network = "\(app.name)-cache"
        output.swarm.addNetwork(network, SwarmNetwork(attachable: false, internal: true))
        var redis = SwarmService(image: "redis:7.4")
        redis.command = .list(["redis-server", "--save", "", "--appendonly", "no"])
        redis.networks = [network]
        redis.healthcheck = SwarmHealthcheck(test: ["CMD", "redis-cli", "ping"], interval: TimeSpan(seconds: 10),
                                             timeout: TimeSpan(seconds: 3), retries: 5, startPeriod: TimeSpan(seconds: 5))
        output.swarm.setService(name, redis)
        output.swarm.updateService(app.name) { $0.networks.append(network) }
        return [("REDIS_HOST", name), ("REDIS_HOST_PORT", "6379")]
    }

    /// Nextcloud's background jobs, every five minutes, from the same image and volumes.
    func addCron(for app: App, _ output: inout BuildOutput) {
        guard let service = output.swarm.services.first(where: { $0.name == app.name })?.service else { return }
        var cron = SwarmService(image: service.image)
        cron.entrypoint = ["/cron.sh"]
        cron.environment = service.environment
        cron.networks = service.networks.filter { $0 != AppServicesPass.publicNetwork }
        cron.volumes = service.volumes
        cron.secrets = service.secrets
        var deploy = SwarmDeploy()
        deploy.constraints = service.deploy.constraints
        cron.deploy = deploy
        output.swarm.setService("\(app.name)-cron", cron)
    }

    /// Runs in every replica just before Apache starts, after install or upgrade: the marker
    /// lets replicas waiting in the run-once step go on.
    static func hook(header: [String]) -> String {
        (["#!/bin/sh"] + header.map { "# \($0)" } + [
            "# Nextcloud hook (before-starting): installation is done; tell the waiting replicas.",
            "set -eu",
            "touch \"${STACKC_RUN_ONCE_DIR:-/var/www/html}/.stackc-installed\"",
        ]).joined(separator: "\n") + "\n"
    }
}
