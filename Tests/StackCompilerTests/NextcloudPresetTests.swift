import Foundation
import Testing

@testable import StackCompiler

/// The Nextcloud preset, read from the generated stack.yml as Docker would (PyYAML): the database
/// handed over through the image's own variables with the password as a `_FILE`, the admin
/// account from a secret, trusted domains, proxy settings, Redis only with several tasks, the
/// background-jobs service, the /status.php health check, and the run-once start-up (wrapper,
/// install hook, shared folder) only when more than one task shares the volume.
@Suite struct NextcloudPresetTests {
    /// A Nextcloud on PostgreSQL with `replicas` and `https`.
    static func manifest(replicas: String = "3", https: Bool = true) -> String {
        """
        stackc: 1
        name: cloud
        domain: cloud.test
        cluster:
          managers: 1
          workers: 2
          shared_storage: nfs
        databases:
          pg: {}
        apps:
          files:
            preset: nextcloud
            image: nextcloud:29-apache
            replicas: \(replicas)
            host: files
            https: \(https)
            database: pg
            volumes:
              html: /var/www/html
        """
    }

    /// The generated stack file's services, and the tree.
    static func services(_ name: String, _ text: String) throws -> (services: [String: PyYAMLValue], tree: OutputTree)?
    {
        guard let built = BuildSupport.build(path: name, text: text), let stackFile = built.tree.file("stack.yml")
        else { return nil }
        let document = try #require(try PyYAMLValue.read(stackFile.contents))
        return (try #require(document["services"]?.pairs), built.tree)
    }

    static func names(_ value: PyYAMLValue?) -> [String] {
        value?.items?.compactMap(\.string) ?? value?.pairs?.keys.sorted() ?? []
    }

    static func environment(_ service: PyYAMLValue?) -> [String: String] {
        (service?["environment"]?.pairs ?? [:]).compactMapValues(\.string)
    }

    static func secrets(_ service: PyYAMLValue?) -> [String] {
        (service?["secrets"]?.items ?? []).compactMap { $0["target"]?.string }
    }

    static func configTargets(_ service: PyYAMLValue?) -> [String] {
        (service?["configs"]?.items ?? []).compactMap { $0["target"]?.string }
    }

    @Test func replicatedOnPostgres() throws {
        let (services, tree) = try #require(try Self.services("cloud.yml", Self.manifest()))
        let files = services["files"]
        let environment = Self.environment(files)
        // The database, in the variables the image reads; the password only as a file.
        #expect(environment["POSTGRES_HOST"] == "pg")
        #expect(environment["POSTGRES_DB"] == "files")
        #expect(environment["POSTGRES_USER"] == "files")
        #expect(environment["POSTGRES_PASSWORD_FILE"] == "/run/secrets/pg-files-password")
        #expect(environment["POSTGRES_PASSWORD"] == nil && environment["NEXTCLOUD_ADMIN_PASSWORD"] == nil)
        #expect(environment["NEXTCLOUD_ADMIN_USER"] == "admin")
        #expect(environment["NEXTCLOUD_ADMIN_PASSWORD_FILE"] == "/run/secrets/files-admin-password")
        #expect(Set(Self.secrets(files)).isSuperset(of: ["pg-files-password", "files-admin-password"]))
        #expect(files?["networks"]?.items?.compactMap(\.string).contains("db-pg") == true)
        // Behind the proxy.
        #expect(environment["NEXTCLOUD_TRUSTED_DOMAINS"] == "files.cloud.test")
        #expect(environment["OVERWRITEHOST"] == "files.cloud.test")
        #expect(environment["OVERWRITEPROTOCOL"] == "https")
        #expect(environment["OVERWRITECLIURL"] == "https://files.cloud.test")
        // Only the proxy's network is trusted to say who the client is: its fixed range.
        let stackText = try #require(tree.file("stack.yml")).contents
        let stackFile = try #require(try PyYAMLValue.read(stackText))
        let subnet = try #require(stackFile["networks"]?["public"]?["ipam"]?["config"]?.items?.first?["subnet"]?.string)
        #expect(environment["TRUSTED_PROXIES"] == subnet)
        #expect(subnet.hasPrefix("10.") && subnet.hasSuffix(".0/24") && subnet != "10.0.0.0/24", "\(subnet)")
        #expect(
            Self.names(services["traefik"]?["networks"]) == ["public"],
            "the proxy reaches the app only through the network Nextcloud trusts")
        #expect(environment["APACHE_DISABLE_REWRITE_IP"] == "1")
        // Several tasks: Redis for locking and sessions, on a network of their own.
        #expect(environment["REDIS_HOST"] == "files-redis")
        #expect(environment["REDIS_HOST_PORT"] == "6379")
        let redis = try #require(services["files-redis"])
        #expect(redis["image"]?.string?.hasPrefix("redis:") == true)
        let redisNetworks = Set(redis["networks"]?.items?.compactMap(\.string) ?? [])
        #expect(
            !redisNetworks.isEmpty
                && redisNetworks.isSubset(of: Set(files?["networks"]?.items?.compactMap(\.string) ?? [])))
        // The health check, and the run-once start-up.
        #expect(
            Self.healthTest(files)?.contains("http://127.0.0.1:80/status.php") == true,
            "\(String(describing: files?["healthcheck"]))")
        #expect(files?["entrypoint"]?.items?.compactMap(\.string) == ["/bin/sh", "/stackc/entrypoint.sh"])
        #expect(files?["command"]?.items?.compactMap(\.string) == ["/entrypoint.sh", "apache2-foreground"])
        #expect(tree.file("entrypoints/files.sh")?.contents.contains("\nrun_once /var/www/html\n") == true)
        #expect(tree.file("nextcloud/files-installed.sh") != nil)
        #expect(Self.configTargets(files).contains(NextcloudPresetPass.hookPath))
        #expect(environment["STACKC_RUN_ONCE_DIR"] == "/var/www/html")
        // Background jobs: one task of the same image, volumes and database.
        let cron = try #require(services["files-cron"])
        #expect(cron["image"]?.string == "nextcloud:29-apache")
        #expect(cron["entrypoint"]?.items?.compactMap(\.string) == ["/cron.sh"])
        #expect(cron["deploy"]?["replicas"]?.int == 1)
        #expect(cron["volumes"]?.items?.compactMap { $0["target"]?.string } == ["/var/www/html"])
        #expect(Self.environment(cron)["POSTGRES_PASSWORD_FILE"] == "/run/secrets/pg-files-password")
        #expect(Self.secrets(cron).contains("pg-files-password"))
        #expect(
            cron["networks"]?.items?.compactMap(\.string).contains("public") == false,
            "the proxy does not route to cron")
    }

    @Test func oneTaskHasNoRedisAndNoRunOnce() throws {
        let (services, tree) = try #require(try Self.services("cloud.yml", Self.manifest(replicas: "1")))
        let files = services["files"]
        let environment = Self.environment(files)
        #expect(environment["REDIS_HOST"] == nil)
        #expect(services["files-redis"] == nil)
        #expect(environment["STACKC_RUN_ONCE_DIR"] == nil)
        #expect(tree.file("nextcloud/files-installed.sh") == nil)
        #expect(!Self.configTargets(files).contains(NextcloudPresetPass.hookPath))
        // No wrapper is needed: the image reads the database password file itself.
        #expect(tree.file("entrypoints/files.sh") == nil)
        #expect(files?["entrypoint"] == nil)
        // The rest of the preset is there.
        #expect(environment["POSTGRES_PASSWORD_FILE"] == "/run/secrets/pg-files-password")
        #expect(environment["NEXTCLOUD_TRUSTED_DOMAINS"] == "files.cloud.test")
        #expect(services["files-cron"] != nil)
        #expect(Self.healthTest(files)?.contains("/status.php") == true)
    }

    @Test func plainHTTPOverwritesTheProtocolWithHTTP() throws {
        let (services, _) = try #require(try Self.services("cloud.yml", Self.manifest(replicas: "1", https: false)))
        let environment = Self.environment(services["files"])
        #expect(environment["OVERWRITEPROTOCOL"] == "http")
        #expect(environment["OVERWRITECLIURL"] == "http://files.cloud.test")
    }

    @Test func onMariaDBTheMySQLVariables() throws {
        let office = try #require(SyntheticManifests.all.first { $0.name == "office.yml" })
        let (services, tree) = try #require(try Self.services(office.name, office.text))
        let environment = Self.environment(services["cloud"])
        #expect(environment["MYSQL_HOST"] == "db")
        #expect(environment["MYSQL_DATABASE"] == "cloud")
        #expect(environment["MYSQL_USER"] == "cloud")
        #expect(environment["MYSQL_PASSWORD_FILE"] == "/run/secrets/db-cloud-password")
        #expect(environment.keys.filter { $0.hasPrefix("POSTGRES_") }.isEmpty)
        // The Apache image starts with apache2-foreground (the fpm variants are refused, E224);
        // two tasks: Redis and the run-once step.
        #expect(
            services["cloud"]?["command"]?.items?.compactMap(\.string) == ["/entrypoint.sh", "apache2-foreground"])
        #expect(environment["REDIS_HOST"] == "cloud-redis")
        #expect(
            tree.file("entrypoints/cloud.sh")?.contents.contains("\nwait_for_tcp db 3306\nrun_once /var/www/html\n")
                == true)
    }

    /// `replicas: global` on three nodes is three tasks: the run-once step and Redis.
    @Test func globalOnSeveralNodesCountsAsSeveralTasks() throws {
        let team = try #require(SyntheticManifests.all.first { $0.name == "team.yml" })
        let (services, tree) = try #require(try Self.services(team.name, team.text))
        #expect(Self.environment(services["files"])["REDIS_HOST"] == "files-redis")
        #expect(tree.file("entrypoints/files.sh")?.contents.contains("\nrun_once /var/www/html\n") == true)
        #expect(Self.configTargets(services["files"]).contains(NextcloudPresetPass.hookPath))
    }

    /// The health check's command, as one string.
    static func healthTest(_ service: PyYAMLValue?) -> String? {
        service?["healthcheck"]?["test"]?.items?.compactMap(\.string).joined(separator: " ")
    }
}
