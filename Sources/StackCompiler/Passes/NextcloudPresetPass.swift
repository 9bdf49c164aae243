/// Reads apps with `preset: nextcloud`; contributes what the image needs to install itself and to run
/// behind the proxy: the administrator account (a generated secret), trusted domains and proxy
/// settings, Redis for file locking and sessions when there are several replicas, a service
/// that runs Nextcloud's background jobs, and the hook that tells waiting replicas the install
/// is done (see the run-once step in `EntrypointsPass`). Its environment comes after the
/// database connection `DatabaseInitPass` hands over, because that pass runs first.
struct NextcloudPresetPass: BuildPass {
    static let hookPath = "/docker-entrypoint-hooks.d/before-starting/10-stackc-installed.sh"

    /// Writes files and companions no `depends_on` can name: `lint` does not need it.
    var affectsDiagnostics: Bool { false }

    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        for app in stack.apps where app.preset == .nextcloud {
            plan.reading(["apps.\(app.name)"])
            let admin = plan.requireSecret(
                PlatformNames.nextcloudAdminSecret(app: app.name), recipe: .loginPassword(user: "admin"))
            plan.reading(["apps.\(app.name).preset"])
            var environment: [(key: String, value: String)] = [
                ("NEXTCLOUD_ADMIN_USER", "admin"),
                ("NEXTCLOUD_ADMIN_PASSWORD_FILE", "/run/secrets/\(admin)"),
                // Only the proxy's network: a request from anywhere else cannot set the client's
                // address with X-Forwarded-For.
                ("TRUSTED_PROXIES", PlatformNames.publicSubnet(stack: stack.name)),
                ("APACHE_DISABLE_REWRITE_IP", "1"),
            ]
            if let route = app.route {
                let scheme = route.https ? "https" : "http"
                environment += [
                    ("NEXTCLOUD_TRUSTED_DOMAINS", route.host), ("OVERWRITEHOST", route.host),
                    ("OVERWRITEPROTOCOL", scheme), ("OVERWRITECLIURL", "\(scheme)://\(route.host)"),
                ]
            }
            let replicated = stack.taskCount(app.replicas) > 1
            if replicated {
                environment += addRedis(for: app, &plan)
                let header = plan.context.headerLines
                let hook = plan.addConfigFile(
                    key: PlatformNames.nextcloudInstalledHook(app: app.name),
                    path: "nextcloud/\(app.name)-installed.sh",
                    contents: Self.hook(header: header), executable: true)
                plan.amend(app.name, .mountFile(source: hook, target: Self.hookPath, mode: 0o555))
            }
            if let folder = app.volumes.first(where: { $0.path == "/var/www/html" }) ?? app.volumes.first, replicated {
                environment.append(("STACKC_RUN_ONCE_DIR", folder.path))
            }
            plan.amend(app.name, .environment(environment))
            plan.amend(app.name, .mountSecret(source: admin, target: admin))
            plan.amend(app.name, .stopGracePeriod(TimeSpan(seconds: 30)))
            // Background jobs every five minutes, from the same image, environment and volumes
            // as the app has once every pass has contributed.
            plan.addCompanion(
                Companion(
                    name: PlatformNames.nextcloudCron(app: app.name), of: app.name, entrypoint: ["/cron.sh"],
                    leavesNetworks: [PlatformNames.publicNetwork]))
        }
    }

    /// A Redis server of the app's own, on a network only the two share.
    func addRedis(for app: App, _ plan: inout BuildPlan) -> [(key: String, value: String)] {
        let name = PlatformNames.nextcloudRedis(app: app.name)
        let network = PlatformNames.nextcloudCacheNetwork(app: app.name)
        plan.addNetwork(network, PlannedNetwork(attachable: false, internal: true, encrypted: true))
        var redis = PlannedService(image: "redis:7.4")
        redis.port = PlatformNames.port(of: .redis)
        redis.command = .words(["redis-server", "--save", "", "--appendonly", "no"])
        redis.networks = [network]
        redis.health = PlannedService.HealthCheck(
            test: .exec(["redis-cli", "ping"]), interval: TimeSpan(seconds: 10), timeout: TimeSpan(seconds: 3),
            retries: 5, startPeriod: TimeSpan(seconds: 5))
        plan.addService(name, redis)
        plan.amend(app.name, .joinNetwork(network))
        return [("REDIS_HOST", name), ("REDIS_HOST_PORT", String(PlatformNames.port(of: .redis)))]
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
