import Foundation
import Testing

@testable import StackCompiler

#if canImport(Glibc)
    import Glibc
#endif

/// The users of a Redis server, run for real: the generated start script builds the ACL file
/// from a folder standing in for /run/secrets and starts Debian's `redis-server` on 127.0.0.1
/// with it, as the container would (the image's entrypoint and command are given as the
/// script's arguments: here `redis-server` with the test's port and folders). Each consumer
/// signs in with its own password only, the default user is off, the health check and backup
/// users can do their job and nothing else, and no password is on a command line or in a file.
/// The copy of the script run differs from the generated one only in where it reads secrets.
@Suite(.serialized) struct RedisUsersTests {
    /// Two consumers of `cache`, one app of another database, and one app without any.
    static let manifest = """
        stackc: 1
        name: kv
        domain: kv.test
        databases:
          cache: {engine: redis}
          pg: {}
        apps:
          web:
            image: nginx:1.27-alpine
            database: cache
          jobs:
            image: python:3.12-slim
            entrypoint: []
            command: [python3, -m, jobs]
            database: cache
          api:
            image: nginx:1.27-alpine
            database: pg
          static:
            image: nginx:1.27-alpine
        """

    static let consumers = ["web", "jobs"]
    static let platformUsers = [
        PlatformNames.redisAdminUser, PlatformNames.redisHealthUser, PlatformNames.redisBackupUser,
    ]

    @Test func eachUserSignsInWithItsOwnPasswordAndDoesOnlyItsJob() throws {
        let built = try #require(BuildSupport.build(path: "kv.yml", text: Self.manifest))
        let server = try #require(try RedisUnderTest.start(built))
        defer { server.stop() }

        for consumer in Self.consumers {
            let set = try server.command(as: consumer, ["SET", "key:\(consumer)", "value of \(consumer)"])
            #expect(set == "OK", "\(consumer): \(set)")
        }
        for consumer in Self.consumers {
            // Consumers share the keyspace: each reads the other's key.
            for other in Self.consumers {
                let get = try server.command(as: consumer, ["GET", "key:\(other)"])
                #expect(get == "value of \(other)", "\(consumer) reads \(other)'s key: \(get)")
            }
            // What clients commonly call works; the server's and the other consumers' affairs do not.
            #expect(try server.command(as: consumer, ["INFO", "server"]).contains("redis_version:"))
            #expect(try server.command(as: consumer, ["CLIENT", "SETNAME", "\(consumer)-1"]) == "OK")
            #expect(try server.command(as: consumer, ["PUBLISH", "news", "hello"]) == "0")
            for refused in [["CONFIG", "GET", "maxmemory"], ["ACL", "LIST"], ["FLUSHALL"], ["KEYS", "*"]] {
                let answer = try server.command(as: consumer, refused)
                #expect(answer.hasPrefix("NOPERM"), "\(consumer) \(refused): \(answer)")
            }
        }
        // Another consumer's password signs in nobody.
        let wrong = try server.command(
            as: Self.consumers[0], password: server.passwords[Self.consumers[1]]!, ["GET", "key:web"])
        #expect(wrong.contains("WRONGPASS") && !wrong.contains("value of"), "\(wrong)")

        // Without signing in, nothing runs; the default user is off and has no password.
        let anonymous = try server.command(as: nil, ["GET", "key:web"])
        #expect(anonymous.hasPrefix("NOAUTH"), "\(anonymous)")
        let asDefault = try server.command(as: "default", password: "", ["PING"])
        #expect(!asDefault.contains("PONG"), "\(asDefault)")
        let defaultUser = try server.command(as: PlatformNames.redisAdminUser, ["ACL", "GETUSER", "default"])
        #expect(defaultUser.contains("off") && !defaultUser.contains("nopass"), "\(defaultUser)")
        let users = try server.command(as: PlatformNames.redisAdminUser, ["ACL", "USERS"])
        #expect(
            Set(users.split(separator: "\n").map(String.init))
                == Set(["default"] + Self.platformUsers + Self.consumers),
            "\(users)")

        // The health user pings and does nothing else.
        #expect(try server.command(as: PlatformNames.redisHealthUser, ["PING"]) == "PONG")
        let healthGet = try server.command(as: PlatformNames.redisHealthUser, ["GET", "key:web"])
        #expect(healthGet.hasPrefix("NOPERM"), "\(healthGet)")

        // The backup user takes a snapshot with redis-cli --rdb and reads nothing by itself.
        let snapshot = server.folder.appendingPathComponent("backup.rdb")
        let backup = try #require(
            try Tools.run(
                "env",
                [
                    "REDISCLI_AUTH=\(server.passwords[PlatformNames.redisBackupUser]!)", "redis-cli", "-h", "127.0.0.1",
                    "-p", String(server.port), "--user", PlatformNames.redisBackupUser, "--rdb", snapshot.path,
                ]))
        #expect(backup.status == 0 && !backup.stderr.contains("NOPERM"), "\(backup.summary)")
        let rdb = (try? Data(contentsOf: snapshot)) ?? Data()
        #expect(rdb.starts(with: Data("REDIS".utf8)), "not an RDB file: \(rdb.prefix(16))")
        #expect(rdb.range(of: Data("value of jobs".utf8)) != nil, "the snapshot lacks the data")
        let backupGet = try server.command(as: PlatformNames.redisBackupUser, ["GET", "key:web"])
        #expect(backupGet.hasPrefix("NOPERM"), "\(backupGet)")
    }

    /// The generated health check, run as Docker would (`sh -c`, `$$` read as `$`): healthy
    /// with the health user's password, unhealthy with another.
    @Test func theHealthCheckSignsInAndWantsPong() throws {
        let built = try #require(BuildSupport.build(path: "kv.yml", text: Self.manifest))
        let server = try #require(try RedisUnderTest.start(built))
        defer { server.stop() }
        let document = try #require(try Self.stackFile(built))
        let test = document["services"]?["cache"]?["healthcheck"]?["test"]?.items?.compactMap(\.string) ?? []
        try #require(test.first == "CMD-SHELL" && test.count == 2, "\(test)")
        let healthSecret = PlatformNames.databasePasswordSecret(
            database: "cache", consumer: PlatformNames.redisHealthUser)
        #expect(!test[1].contains(server.passwords[PlatformNames.redisHealthUser]!))
        let command = GeneratedScript.rewrite(
            test[1].replacingOccurrences(of: "$$", with: "$"),
            [("/run/secrets/", server.secrets.path + "/"), ("redis-cli ", "redis-cli -p \(server.port) ")])
        let healthy = try #require(try Tools.run("sh", ["-c", command]))
        #expect(healthy.status == 0, "\(healthy.summary)")

        // The same check with another user's password in the health user's secret fails.
        let secretURL = server.secrets.appendingPathComponent(healthSecret)
        try Data(server.passwords[Self.consumers[0]]!.utf8).write(to: secretURL)
        let unhealthy = try #require(try Tools.run("sh", ["-c", command]))
        #expect(unhealthy.status != 0, "\(unhealthy.summary)")
    }

    /// A consumer's generated variables, through its generated start-up wrapper, make a
    /// DATABASE_URL that signs it in (only the server's address is the test's).
    @Test func theConsumersURLSignsItIn() throws {
        let built = try #require(BuildSupport.build(path: "kv.yml", text: Self.manifest))
        let server = try #require(try RedisUnderTest.start(built))
        defer { server.stop() }
        let document = try #require(try Self.stackFile(built))
        let environment = document["services"]?["web"]?["environment"]?.pairs?.compactMapValues(\.string) ?? [:]
        #expect(environment["DATABASE_USER"] == "web" && environment["DATABASE_ENGINE"] == "redis", "\(environment)")
        let passwordFile = try #require(environment["DATABASE_PASSWORD_FILE"])
        var variables = environment.merging(["DATABASE_HOST": "127.0.0.1", "DATABASE_PORT": String(server.port)]) {
            $1
        }
        variables["DATABASE_PASSWORD_FILE"] = GeneratedScript.rewrite(
            passwordFile, [("/run/secrets/", server.secrets.path + "/")])
        let wrapper = try GeneratedScript.write(
            try #require(GeneratedScript.text(built, "entrypoints/web.sh")), to: server.folder, as: "web.sh")
        let run = try #require(
            try Tools.run(
                "env",
                variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + [
                    "sh", wrapper.path, "sh", "-c",
                    #"printf '%s\n' "$DATABASE_URL" | sed 's/:[0-9a-f]*@/:…@/'; redis-cli --no-auth-warning -u "$DATABASE_URL" SET url-key works"#,
                ]))
        #expect(run.status == 0, "\(run.summary)")
        #expect(run.stdout.hasPrefix("redis://web:…@127.0.0.1:\(server.port)/0\n"), "\(run.summary)")
        #expect(run.stdout.hasSuffix("OK\n"), "\(run.summary)")
        #expect(try server.command(as: "jobs", ["GET", "url-key"]) == "works")
    }

    /// A missing or empty secret stops the start before the server runs: no user is left
    /// without a password.
    @Test(arguments: ["missing", "empty"])
    func aSecretThatCannotBeReadStopsTheStart(kind: String) throws {
        let built = try #require(BuildSupport.build(path: "kv.yml", text: Self.manifest))
        let secret = PlatformNames.databasePasswordSecret(database: "cache", consumer: "jobs")
        let server = try #require(
            try RedisUnderTest.start(built, expectRunning: false) { secrets in
                let url = secrets.appendingPathComponent(secret)
                if kind == "missing" { try FileManager.default.removeItem(at: url) } else { try Data().write(to: url) }
            })
        defer { server.stop() }
        #expect(server.process.wait(seconds: 20) == 1, "\(server.process.summary)")
        let said = kind == "missing" ? "cannot read the password of 'jobs'" : "the password of 'jobs' in"
        #expect(server.process.stderr.contains(said), "\(server.process.summary)")
        #expect(!server.process.stdout.contains("Ready to accept connections"), "\(server.process.summary)")
    }

    /// The server mounts exactly its consumers' secrets (the ones each consumer mounts and
    /// reads its password from) and the platform users', and starts through the script; the
    /// script names each user once, with its own secret; nothing in the output sets a password.
    @Test func theServerMountsItsConsumersSecretsAndThePlatformsOnly() throws {
        let built = try #require(BuildSupport.build(path: "kv.yml", text: Self.manifest))
        let document = try #require(try Self.stackFile(built))
        let services = try #require(document["services"])
        func mounted(_ service: String) -> [String] {
            (services[service]?["secrets"]?.items ?? []).compactMap { $0["target"]?.string }
        }
        var consumerSecrets: [String] = []
        for consumer in Self.consumers {
            let environment = services[consumer]?["environment"]?.pairs?.compactMapValues(\.string) ?? [:]
            let file = try #require(environment["DATABASE_PASSWORD_FILE"], "\(consumer): \(environment)")
            let secret = String(file.dropFirst("/run/secrets/".count))
            #expect(file == "/run/secrets/\(secret)" && mounted(consumer) == [secret], "\(consumer)")
            consumerSecrets.append(secret)
        }
        #expect(Set(consumerSecrets).count == Self.consumers.count, "\(consumerSecrets)")
        let platformSecrets = Self.platformUsers.map {
            PlatformNames.databasePasswordSecret(database: "cache", consumer: $0)
        }
        #expect(platformSecrets.last == PlatformNames.redisBackupSecret("cache"))
        #expect(Set(mounted("cache")) == Set(consumerSecrets + platformSecrets), "\(mounted("cache"))")
        #expect(mounted("cache").count == consumerSecrets.count + platformSecrets.count)
        // Apps of no Redis database get none of them.
        #expect(Set(mounted("api") + mounted("static")).isDisjoint(with: mounted("cache")))
        // deploy.sh makes each of them.
        let secrets = document["secrets"]?.pairs ?? [:]
        for secret in mounted("cache") {
            #expect(secrets[secret]?["external"]?.bool == true, "\(secret): \(String(describing: secrets[secret]))")
        }
        let deploy = try #require(built.tree.file("deploy.sh")).contents
        for secret in mounted("cache") { #expect(deploy.contains("kv_\(secret)"), "deploy.sh does not make \(secret)") }

        // The server starts through the script, mounted from its config.
        let cache = try #require(services["cache"])
        let entrypoint = cache["entrypoint"]?.items?.compactMap(\.string) ?? []
        #expect(entrypoint == ["/bin/sh", RedisUsers.scriptPath], "\(entrypoint)")
        #expect(cache["command"]?.items?.compactMap(\.string) == ["docker-entrypoint.sh", "redis-server"])
        let configs = (cache["configs"]?.items ?? []).compactMap { $0["target"]?.string }
        #expect(configs == [RedisUsers.scriptPath], "\(configs)")

        // Each user once, with its own secret; the default user off.
        let script = try #require(GeneratedScript.text(built, "redis/cache-start.sh"))
        let userLines = script.split(separator: "\n").filter { $0.hasPrefix("user ") }
        let named = userLines.map { $0.split(separator: " ").map(String.init) }
        #expect(named.map { $0[1] } == Self.platformUsers + Self.consumers, "\(userLines)")
        #expect(named.map { $0[2] } == (platformSecrets + consumerSecrets).map { "/run/secrets/\($0)" })
        #expect(script.contains("'user default off resetpass"), "\(script)")
        // No password is set in any generated file: no user has a literal password (`>...`) or
        // none (`nopass`), and no setting names one. The server takes them from the secrets,
        // as digests, when it starts.
        for words in named {
            let rules = words.dropFirst(3).joined(separator: " ").split(separator: " ")
            #expect(!rules.contains { $0.hasPrefix(">") || $0.hasPrefix("'>") || $0.contains("nopass") }, "\(words)")
        }
        for file in built.tree.files {
            for setting in ["requirepass", "masterauth"] {
                #expect(!file.contents.contains(setting), "\(file.path) has '\(setting)'")
            }
        }
    }

    /// The stack file, read by PyYAML.
    static func stackFile(_ built: BuildSupport.Built) throws -> PyYAMLValue? {
        let file = try #require(built.tree.file("stack.yml"))
        return try PyYAMLValue.read(file.contents)
    }

    /// An app named `default` would be Redis's built-in user, which stackc turns off.
    @Test func anAppNamedDefaultCannotUseRedis() {
        let diagnostic = expectOnly(
            Codes.nameConflict,
            in: """
                stackc: 1
                name: kv
                databases:
                  cache: {engine: redis}
                  pg: {}
                apps:
                  1️⃣default: {image: "nginx:1.27-alpine", database: cache}
                """)
        #expect(diagnostic?.help == "rename the app, for example 'default-app'")
        // On PostgreSQL the name is an ordinary user's.
        expectDiagnostics(
            """
            stackc: 1
            name: kv
            databases:
              pg: {}
            apps:
              default: {image: "nginx:1.27-alpine", database: pg}
            """, [])
    }
}

/// Debian's redis-server started by the generated start script, on 127.0.0.1 and a free port,
/// with a folder of the test's own standing in for /run/secrets (random passwords, as deploy.sh
/// makes them) and as the temporary folder the script writes its ACL file to. The script runs
/// the server in its own process (exec), which `stop()` ends by its PID.
final class RedisUnderTest {
    let folder: URL
    let secrets: URL
    let port: Int
    let process: RunningProcess
    /// Each user's password, by user name.
    let passwords: [String: String]

    private init(folder: URL, secrets: URL, port: Int, process: RunningProcess, passwords: [String: String]) {
        self.folder = folder
        self.secrets = secrets
        self.port = port
        self.process = process
        self.passwords = passwords
    }

    /// Writes the secrets (then lets `prepare` change them), starts the script and, when
    /// `expectRunning`, waits at most 20 s for the server to answer; records an issue and returns
    /// nil when that fails.
    static func start(
        _ built: BuildSupport.Built, database: String = "cache", expectRunning: Bool = true,
        prepare: (URL) throws -> Void = { _ in }, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> RedisUnderTest? {
        guard let server = Tools.locate("redis-server"), Tools.locate("redis-cli") != nil else {
            Issue.record(
                "redis-server and redis-cli are not installed: run scripts/setup.sh (make test does)",
                sourceLocation: sourceLocation)
            return nil
        }
        guard let stackDatabase = built.stack.database(database),
            let script = GeneratedScript.text(built, "redis/\(database)-start.sh", sourceLocation: sourceLocation)
        else { return nil }
        let folder = try BuildSupport.makeTemporaryFolder("redis")
        let secrets = folder.appendingPathComponent("secrets")
        let temporary = folder.appendingPathComponent("tmp")
        let data = folder.appendingPathComponent("data")
        for made in [secrets, temporary, data] {
            try FileManager.default.createDirectory(at: made, withIntermediateDirectories: true)
        }
        var passwords: [String: String] = [:]
        for user in RedisUsers.users(of: stackDatabase) {
            let password = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
            passwords[user.name] = password
            try Data(password.utf8).write(to: secrets.appendingPathComponent(user.secret))
        }
        try prepare(secrets)
        let scriptURL = try GeneratedScript.write(
            GeneratedScript.rewrite(script, [("/run/secrets/", secrets.path + "/")], sourceLocation: sourceLocation),
            to: folder, as: "start.sh")
        let port = try Loopback.freePort()
        let process = try RunningProcess(
            URL(fileURLWithPath: "/bin/sh"),
            [
                scriptURL.path, server.path, "--port", String(port), "--bind", "127.0.0.1", "--dir", data.path,
                "--save", "",
            ], environment: ["TMPDIR": temporary.path])
        let redis = RedisUnderTest(folder: folder, secrets: secrets, port: port, process: process, passwords: passwords)
        guard expectRunning else { return redis }
        let answers = RunningProcess.poll(seconds: 20) {
            guard process.isRunning else { return true }
            return ((try? redis.command(as: PlatformNames.redisHealthUser, ["PING"])) ?? "") == "PONG"
        }
        guard answers, process.isRunning else {
            Issue.record("the server did not answer: \(process.summary)", sourceLocation: sourceLocation)
            redis.stop()
            return nil
        }
        return redis
    }

    /// `redis-cli` as `user` (nil: without signing in) with its own password or `password`,
    /// given in the environment; its output, both streams, trimmed.
    func command(as user: String?, password: String? = nil, _ words: [String]) throws -> String {
        var arguments: [String] = []
        if let user {
            arguments += ["REDISCLI_AUTH=\(password ?? passwords[user] ?? "")"]
        }
        arguments += ["redis-cli", "--no-auth-warning", "-h", "127.0.0.1", "-p", String(port)]
        if let user { arguments += ["--user", user] }
        guard let run = try Tools.run("env", arguments + words) else { return "" }
        return (run.stdout + run.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Ends the server by its PID and removes the folder, after checking that no password was
    /// on its command line or in its environment, and that the ACL file the script wrote is
    /// private and holds digests, not passwords.
    func stop() {
        defer {
            process.end()
            try? FileManager.default.removeItem(at: folder)
        }
        guard process.isRunning else { return }
        let visible = ["cmdline", "environ"].compactMap {
            try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(process.pid)/\($0)"))
        }
        let files =
            (FileManager.default.enumerator(atPath: folder.appendingPathComponent("tmp").path)?.allObjects as? [String])
            ?? []
        let aclPaths = files.filter { $0.hasSuffix("users.acl") }.map {
            folder.appendingPathComponent("tmp/\($0)").path
        }
        #expect(aclPaths.count == 1, "ACL files: \(files)")
        for path in aclPaths {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let folderAttributes = try? FileManager.default.attributesOfItem(
                atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
            #expect((attributes?[.posixPermissions] as? Int) == 0o600, "\(path): \(String(describing: attributes))")
            #expect((folderAttributes?[.posixPermissions] as? Int) == 0o700)
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            for password in passwords.values {
                #expect(text.contains("#" + SHA256.hex(password)), "the ACL file lacks a user's digest")
            }
        }
        for (name, password) in passwords {
            for data in visible + aclPaths.compactMap({ FileManager.default.contents(atPath: $0) }) {
                #expect(data.range(of: Data(password.utf8)) == nil, "the password of \(name) is visible")
            }
        }
    }
}
