/// Reads `databases`; adds one server service per entry with its data volume, its own network,
/// a health check the image itself can run, and the administrator password as an external
/// secret. Consumers (apps with `database:`) join the server's network.
struct DatabaseServersPass: BuildPass {
    func run(_ stack: ResolvedStack, _ output: inout BuildOutput) {
        let apps = Set(stack.apps.map(\.name))
        for database in stack.databases {
            let network = "db-\(database.name)"
            output.swarm.addNetwork(network, SwarmNetwork(attachable: true, internal: true))
            let engine = Self.engine(database)
            var service = SwarmService(image: engine.image)
            service.networks = [network]
            let volume = "\(database.name)-data"
            output.swarm.addVolume(volume, SwarmVolume())
            service.volumes = [(volume, engine.dataPath)]
            if let secretVariable = engine.passwordFileVariable {
                let secret = output.requireSecret("\(database.name)-admin-password", recipe: .randomPassword)
                service.secrets = [(secret, secret)]
                service.environment = [(secretVariable, "/run/secrets/\(secret)")]
            }
            service.healthcheck = SwarmHealthcheck(test: engine.healthTest, interval: TimeSpan(seconds: 10),
                                                   timeout: TimeSpan(seconds: 5), retries: 5, startPeriod: TimeSpan(seconds: 30))
            var deploy = SwarmDeploy()
            deploy.constraints = AppServicesPass.constraints(database.placement)
            // One writer on one volume: never run two servers at once during an update.
            deploy.updateConfig = SwarmUpdateConfig(parallelism: 1, delay: nil, failureAction: "rollback", monitor: nil, order: "stop-first")
            deploy.rollbackConfig = SwarmUpdateConfig(parallelism: 1, delay: nil, failureAction: "pause", monitor: nil, order: "stop-first")
            service.deploy = deploy
            service.stopGracePeriod = TimeSpan(seconds: 60)
            output.swarm.setService(database.name, service)
            for consumer in database.consumers where apps.contains(consumer) {
                output.swarm.updateService(consumer) { $0.networks.append(network) }
            }
        }
    }

    /// What differs between the engines.
    struct Engine {
        var image: String
        var dataPath: String
        var passwordFileVariable: String?
        var healthTest: [String]
    }

    static func engine(_ database: Database) -> Engine {
        switch database.engine {
        case .postgres:
            return Engine(image: "postgres:\(database.version)", dataPath: "/var/lib/postgresql/data",
                          passwordFileVariable: "POSTGRES_PASSWORD_FILE",
                          healthTest: ["CMD-SHELL", "pg_isready -U postgres -h 127.0.0.1 || exit 1"])
        case .mariadb:
            return Engine(image: "mariadb:\(database.version)", dataPath: "/var/lib/mysql",
                          passwordFileVariable: "MARIADB_ROOT_PASSWORD_FILE",
                          healthTest: ["CMD", "healthcheck.sh", "--connect", "--innodb_initialized"])
        case .redis:
            return Engine(image: "redis:\(database.version)", dataPath: "/data", passwordFileVariable: nil,
                          healthTest: ["CMD", "redis-cli", "ping"])
        }
    }
}
