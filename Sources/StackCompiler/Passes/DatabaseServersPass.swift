/// Reads `databases`; contributes one server service per entry with its data volume, its own
/// network, a health check the image itself can run, and the administrator password as a
/// secret (a Redis server: its users, `RedisUsers`). Consumers (apps with `database:`) join the
/// server's network.
struct DatabaseServersPass: BuildPass {
    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        let apps = Set(stack.apps.map(\.name))
        for database in stack.databases {
            plan.reading(["databases.\(database.name)"])
            let network = PlatformNames.databaseNetwork(database.name)
            plan.addNetwork(network, PlannedNetwork(attachable: true, internal: true, encrypted: true))
            let engine = Self.engine(database)
            var service = PlannedService(image: engine.image)
            service.port = PlatformNames.port(of: database.engine)
            service.networks = [network]
            let volume = PlatformNames.databaseVolume(database.name)
            plan.addVolume(volume)
            service.volumes = [(volume, engine.dataPath)]
            if let secretVariable = engine.passwordFileVariable {
                let secret = plan.requireSecret(
                    PlatformNames.databaseAdminSecret(database.name), recipe: .randomPassword)
                service.secrets = [(secret, secret)]
                service.environment = [(secretVariable, "/run/secrets/\(secret)")]
            }
            if database.engine == .redis { RedisUsers.configure(&service, database, &plan) }
            service.health = PlannedService.HealthCheck(
                test: engine.healthTest, interval: TimeSpan(seconds: 10), timeout: TimeSpan(seconds: 5), retries: 5,
                startPeriod: TimeSpan(seconds: 30))
            service.placement = PlannedPlacement(database.placement).nodesOnly
            // One writer on one volume: never run two servers at once during an update.
            service.update = PlannedService.UpdatePolicy(
                parallelism: 1, delay: nil, failureAction: .rollback, monitor: nil, order: .stopFirst)
            service.rollback = PlannedService.UpdatePolicy(
                parallelism: 1, delay: nil, failureAction: .pause, monitor: nil, order: .stopFirst)
            service.stopGracePeriod = TimeSpan(seconds: 60)
            plan.addService(database.name, service)
            for consumer in database.consumers where apps.contains(consumer) {
                plan.reading(["databases.\(database.name)", "apps.\(consumer).database"])
                plan.amend(consumer, .joinNetwork(network))
            }
        }
    }

    /// What differs between the engines.
    struct Engine {
        var image: String
        var dataPath: String
        var passwordFileVariable: String?
        var healthTest: PlannedService.HealthCheck.Test
    }

    static func engine(_ database: Database) -> Engine {
        switch database.engine {
        case .postgres:
            return Engine(
                image: "postgres:\(database.version)", dataPath: "/var/lib/postgresql/data",
                passwordFileVariable: "POSTGRES_PASSWORD_FILE",
                healthTest: .shell("pg_isready -U postgres -h 127.0.0.1 || exit 1"))
        case .mariadb:
            return Engine(
                image: "mariadb:\(database.version)", dataPath: "/var/lib/mysql",
                passwordFileVariable: "MARIADB_ROOT_PASSWORD_FILE",
                healthTest: .exec(["healthcheck.sh", "--connect", "--innodb_initialized"]))
        case .redis:
            return Engine(
                image: "redis:\(database.version)", dataPath: "/data", passwordFileVariable: nil,
                healthTest: RedisUsers.healthTest(database))
        }
    }
}
