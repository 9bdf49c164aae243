import Foundation
import Testing

@testable import StackCompiler

#if canImport(Glibc)
    import Glibc
#endif

/// The generated database init jobs, run against a real server the test starts on 127.0.0.1
/// (PostgreSQL; MariaDB where it is installed): each creates every consumer's database and user
/// with the password from its secret, changes nothing when run again, updates a password whose
/// secret changed, keeps consumers out of each other's databases, and stops (keeping the old
/// password) when a secret is missing. The copy of the script run differs from the generated
/// one only in where it reads secrets (`/run/secrets/` → the test's folder); the server's
/// address comes from the documented STACKC_DB_HOST and STACKC_DB_PORT.
@Suite(.serialized) struct DatabaseInitTests {
    /// Three consumers of each server: on `pg` Keycloak (through `identity`) and two apps, one
    /// with a `-`; on `maria` three apps.
    static let manifest = """
        stackc: 1
        name: dbinit
        domain: dbinit.test
        identity:
          database: pg
        databases:
          pg: {}
          maria: {engine: mariadb}
        apps:
          my-app:
            image: nginx:1.27-alpine
            database: pg
          api:
            image: nginx:1.27-alpine
            database: pg
          shop-db-user:
            image: nginx:1.27-alpine
            database: maria
          blog:
            image: nginx:1.27-alpine
            database: maria
          wiki:
            image: nginx:1.27-alpine
            database: maria
        """

    /// Passwords as an operator might put in a secret: spaces, quotes, backslashes, `$`, `:`.
    static let awkwardPasswords = [
        #"it's a "quoted" pass\word"#,
        "0123456789abcdef0123456789abcdef",
        #"p@ss:w/rd%$HOME `id` \\n;"#,
    ]

    static let adminPassword = #"admin pass 'with' \ quotes"#

    @Test func postgresCreatesEveryConsumerOnceAndUpdatesChangedPasswords() throws {
        let server = try #require(try PostgresServer.start(adminPassword: Self.adminPassword))
        defer { server.stop() }
        try exercise(server, database: "pg", script: "postgres/pg-init.sh", consumers: ["keycloak", "my-app", "api"])
    }

    @Test(
        .enabled(if: MariaDBServer.isInstalled, "needs mariadb-server (Debian package; scripts/setup.sh installs it)"))
    func mariadbCreatesEveryConsumerOnceAndUpdatesChangedPasswords() throws {
        let server = try #require(try MariaDBServer.start(adminPassword: Self.adminPassword))
        defer { server.stop() }
        try exercise(
            server, database: "maria", script: "mariadb/maria-init.sh", consumers: ["shop-db-user", "blog", "wiki"])
    }

    /// The whole scenario against a running server.
    func exercise(_ server: some TestDatabaseServer, database: String, script path: String, consumers: [String]) throws
    {
        let built = try #require(BuildSupport.build(path: "dbinit.yml", text: Self.manifest))
        #expect(built.stack.database(database)?.consumers == consumers)
        let script = try #require(GeneratedScript.text(built, path))
        let folder = try BuildSupport.makeTemporaryFolder("db-init")
        defer { try? FileManager.default.removeItem(at: folder) }
        let secrets = folder.appendingPathComponent("secrets")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
        let scriptURL = try GeneratedScript.write(
            GeneratedScript.rewrite(script, [("/run/secrets/", secrets.path + "/")]), to: folder, as: "init.sh")
        try write(Self.adminPassword, secret: "\(database)-admin-password", in: secrets)
        var passwords: [String: String] = [:]
        for (consumer, password) in zip(consumers, Self.awkwardPasswords) {
            passwords[consumer] = password
            try write(
                password, secret: PlatformNames.databasePasswordSecret(database: database, consumer: consumer),
                in: secrets)
        }
        func runInit() throws -> ToolRun? {
            try Tools.run(
                "env",
                [
                    "STACKC_DB_HOST=127.0.0.1", "STACKC_DB_PORT=\(server.port)", "STACKC_DB_WAIT=20", "bash",
                    scriptURL.path,
                ])
        }

        let first = try #require(try runInit())
        #expect(first.status == 0, "\(first.summary)")
        for consumer in consumers {
            #expect(first.stderr.contains("database and user '\(consumer)' ready"), "\(first.summary)")
        }
        let afterFirst = try #require(try server.catalog())

        // A second run succeeds and changes no database, user or grant.
        let second = try #require(try runInit())
        #expect(second.status == 0, "\(second.summary)")
        #expect(try server.catalog() == afterFirst)

        // Each consumer logs in to its own database and cannot use another's.
        for consumer in consumers {
            let own = try #require(try server.login(consumer, password: passwords[consumer]!, database: consumer))
            #expect(own.status == 0 && own.stdout.hasPrefix(consumer), "\(consumer): \(own.summary)")
            for other in consumers where other != consumer {
                let foreign = try #require(try server.login(consumer, password: passwords[consumer]!, database: other))
                #expect(
                    foreign.status != 0 && foreign.stderr.contains(server.deniedDatabase),
                    "\(consumer) → \(other): \(foreign.summary)")
            }
        }
        let wrong = try #require(
            try server.login(consumers[0], password: passwords[consumers[1]]!, database: consumers[0]))
        #expect(wrong.status != 0 && wrong.stderr.contains(server.deniedPassword), "\(wrong.summary)")

        // A changed secret: the next run sets the new password; the old one stops working.
        let changed = #"new 'secret' for \ "\#(consumers[1])""#
        try write(
            changed, secret: PlatformNames.databasePasswordSecret(database: database, consumer: consumers[1]),
            in: secrets)
        let third = try #require(try runInit())
        #expect(third.status == 0, "\(third.summary)")
        let withNew = try #require(try server.login(consumers[1], password: changed, database: consumers[1]))
        #expect(withNew.status == 0, "\(withNew.summary)")
        let withOld = try #require(
            try server.login(consumers[1], password: passwords[consumers[1]]!, database: consumers[1]))
        #expect(withOld.status != 0, "\(withOld.summary)")
        #expect(try server.catalog() == afterFirst)

        // A missing secret stops the job with a message; it does not clear the password.
        let last = consumers[2]
        try FileManager.default.removeItem(
            at: secrets.appendingPathComponent(PlatformNames.databasePasswordSecret(database: database, consumer: last))
        )
        let missing = try #require(try runInit())
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("cannot read the password of '\(last)'"), "\(missing.summary)")
        let kept = try #require(try server.login(last, password: passwords[last]!, database: last))
        #expect(kept.status == 0, "\(kept.summary)")
    }

    /// With no server, the job waits (one log line), then gives up at its deadline.
    @Test(arguments: [("pg", "postgres/pg-init.sh"), ("maria", "mariadb/maria-init.sh")])
    func givesUpOnAServerThatDoesNotAnswer(database: String, path: String) throws {
        let built = try #require(BuildSupport.build(path: "dbinit.yml", text: Self.manifest))
        let script = try #require(GeneratedScript.text(built, path))
        let folder = try BuildSupport.makeTemporaryFolder("db-init-down")
        defer { try? FileManager.default.removeItem(at: folder) }
        try write("x", secret: "\(database)-admin-password", in: folder)
        let scriptURL = try GeneratedScript.write(
            GeneratedScript.rewrite(script, [("/run/secrets/", folder.path + "/")]), to: folder, as: "init.sh")
        // The client must be there for the job to try at all; PostgreSQL's is always installed.
        guard database == "pg" || Tools.locate("mariadb") != nil else { return }
        let run = try #require(
            try Tools.run(
                "env",
                [
                    "STACKC_DB_HOST=127.0.0.1", "STACKC_DB_PORT=\(try Loopback.freePort())",
                    "STACKC_DB_WAIT=2", "bash", scriptURL.path,
                ]))
        #expect(run.status == 1)
        let waiting = run.stderr.split(separator: "\n").filter { $0.contains("db-init: waiting for 127.0.0.1") }
        #expect(waiting.count == 1, "one line per wait: \(run.summary)")
        #expect(run.stderr.contains("gave up waiting for 127.0.0.1"), "\(run.summary)")
    }

    func write(_ value: String, secret: String, in folder: URL) throws {
        try Data(value.utf8).write(to: folder.appendingPathComponent(secret))
    }
}

/// A database server a test runs on 127.0.0.1 for the init job.
protocol TestDatabaseServer {
    /// The TCP port it listens on.
    var port: Int { get }
    /// What the client says when a user may not use a database.
    var deniedDatabase: String { get }
    /// What the client says for a wrong password.
    var deniedPassword: String { get }
    /// Connects over TCP as `user` to `database` and prints the user's name.
    func login(_ user: String, password: String, database: String) throws -> ToolRun?
    /// The databases, users and grants, as the administrator sees them (no password hashes).
    func catalog() throws -> String?
}

/// A PostgreSQL server of the test's own, in a temporary folder, listening on 127.0.0.1 and a
/// free port, with scram-sha-256 authentication and a known password for `postgres`. As root it
/// runs as the `postgres` user (initdb and postgres refuse root). The server runs in the
/// foreground as the test's own process (not daemonised by pg_ctl, whose daemon would inherit
/// Foundation's process-watching descriptor and keep `Process` waiting), so stopping it is a
/// signal to its PID.
final class PostgresServer: TestDatabaseServer {
    let folder: URL
    let binaries: URL
    let port: Int
    let adminPassword: String
    private var process: RunningProcess?
    var data: URL { folder.appendingPathComponent("data") }
    let deniedDatabase = "permission denied for database"
    let deniedPassword = "password authentication failed"

    private init(folder: URL, binaries: URL, port: Int, adminPassword: String) {
        self.folder = folder
        self.binaries = binaries
        self.port = port
        self.adminPassword = adminPassword
    }

    /// The newest installed server's programs (Debian: /usr/lib/postgresql/<major>/bin).
    static func binaries() -> URL? {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let majors = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).compactMap(Int.init)
            .sorted()
        return majors.reversed().lazy.map { root.appendingPathComponent("\($0)/bin") }
            .first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("initdb").path) }
    }

    /// Initialises and starts a server, waiting at most 30 s for it to accept connections;
    /// records an issue and returns nil when that fails.
    static func start(adminPassword: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws
        -> PostgresServer?
    {
        guard let binaries = binaries() else {
            Issue.record(
                "no PostgreSQL server programs in /usr/lib/postgresql/*/bin: run scripts/setup.sh (make test does)",
                sourceLocation: sourceLocation)
            return nil
        }
        let server = PostgresServer(
            folder: try BuildSupport.makeTemporaryFolder("postgres"), binaries: binaries,
            port: try Loopback.freePort(), adminPassword: adminPassword)
        if let failure = try server.launch() {
            Issue.record("\(failure)", sourceLocation: sourceLocation)
            server.stop()
            return nil
        }
        return server
    }

    /// initdb, then the server; what went wrong, or nil.
    private func launch() throws -> String? {
        let passwordFile = folder.appendingPathComponent("admin-password")
        try Data(adminPassword.utf8).write(to: passwordFile)
        if getuid() == 0 {
            guard let chown = try Tools.run("chown", ["-R", "postgres:", folder.path]), chown.status == 0 else {
                return "cannot give \(folder.path) to the postgres user"
            }
        }
        guard
            let (initdbTool, initdbArguments) = asServer(
                "initdb",
                [
                    "-D", data.path, "-U", "postgres", "--auth=scram-sha-256",
                    "--pwfile=\(passwordFile.path)", "--no-sync", "--no-locale", "-E", "UTF8",
                ])
        else { return "setpriv is not installed (util-linux)" }
        let initdb = try Tools.run(initdbTool, initdbArguments, in: folder)
        guard initdb.status == 0 else { return "initdb failed: \(initdb.summary)" }
        guard
            let (tool, arguments) = asServer(
                "postgres",
                [
                    "-D", data.path, "-k", folder.path, "-p", String(port),
                    "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                ])
        else { return "setpriv is not installed (util-linux)" }
        let process = try RunningProcess(tool, arguments)
        self.process = process
        let ready = RunningProcess.poll(seconds: 30) {
            guard process.isRunning else { return true }
            return (try? Tools.run("pg_isready", ["-q", "-h", "127.0.0.1", "-p", String(port)]))??.status == 0
        }
        guard ready, process.isRunning else { return "postgres did not start: \(process.summary)" }
        return nil
    }

    /// A server program and its arguments, run as the postgres user when the test runs as root.
    private func asServer(_ program: String, _ arguments: [String]) -> (URL, [String])? {
        let executable = binaries.appendingPathComponent(program)
        guard getuid() == 0 else { return (executable, arguments) }
        guard let setpriv = Tools.locate("setpriv") else { return nil }
        return (setpriv, ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", executable.path] + arguments)
    }

    /// Stops the server at once (SIGQUIT, its immediate shutdown; SIGKILL if it lingers) and
    /// removes the folder.
    func stop() {
        if let process {
            if process.isRunning { kill(process.pid, SIGQUIT) }
            _ = process.wait(seconds: 15)
            process.end()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// One query over TCP as `user`, unaligned and without headers.
    func psql(user: String, password: String, database: String, _ sql: String) throws -> ToolRun? {
        try Tools.run(
            "env",
            [
                "PGPASSWORD=\(password)", "PGCONNECT_TIMEOUT=10", "psql", "--no-psqlrc", "-h", "127.0.0.1", "-p",
                String(port),
                "-U", user, "-d", database, "-A", "-t", "-c", sql,
            ])
    }

    func login(_ user: String, password: String, database: String) throws -> ToolRun? {
        // The user, and the owner of the database.
        try psql(
            user: user, password: password, database: database,
            "SELECT current_user || ' ' || pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")
    }

    /// `\l` (databases, owners, access lists) and the roles.
    func catalog() throws -> String? {
        var text = ""
        for sql in [
            #"\l"#,
            "SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, rolconnlimit FROM pg_roles ORDER BY 1",
        ] {
            guard let run = try psql(user: "postgres", password: adminPassword, database: "postgres", sql) else {
                return nil
            }
            guard run.status == 0 else {
                Issue.record("psql failed: \(run.summary)")
                return nil
            }
            text += run.stdout
        }
        return text
    }
}

/// A MariaDB server of the test's own, in a temporary folder, listening on 127.0.0.1 and a free
/// port, with `root@'%'` having a known password (as the official image's
/// MARIADB_ROOT_PASSWORD gives it). Runs in the foreground as the test's own process.
final class MariaDBServer: TestDatabaseServer {
    let folder: URL
    let port: Int
    private var process: RunningProcess?
    let deniedDatabase = "Access denied for user"
    let deniedPassword = "Access denied for user"

    static var isInstalled: Bool {
        server != nil && Tools.locate("mariadb-install-db") != nil && Tools.locate("mariadb") != nil
    }
    static var server: URL? {
        Tools.locate("mariadbd")
            ?? ["/usr/sbin/mariadbd"].map(URL.init(fileURLWithPath:)).first {
                FileManager.default.isExecutableFile(atPath: $0.path)
            }
    }

    private init(folder: URL, port: Int) {
        self.folder = folder
        self.port = port
    }

    static func start(adminPassword: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws
        -> MariaDBServer?
    {
        let server = MariaDBServer(
            folder: try BuildSupport.makeTemporaryFolder("mariadb"), port: try Loopback.freePort())
        if let failure = try server.launch(adminPassword: adminPassword) {
            Issue.record("\(failure)", sourceLocation: sourceLocation)
            server.stop()
            return nil
        }
        return server
    }

    var socket: String { folder.appendingPathComponent("socket").path }
    var asRoot: [String] { getuid() == 0 ? ["--user=root"] : [] }

    private func launch(adminPassword: String) throws -> String? {
        guard let binary = Self.server else { return "mariadbd is not installed" }
        let data = folder.appendingPathComponent("data").path
        guard
            let install = try Tools.run(
                "mariadb-install-db",
                [
                    "--no-defaults", "--datadir=\(data)", "--skip-test-db",
                    "--auth-root-authentication-method=normal",
                ] + asRoot)
        else { return "no mariadb-install-db" }
        guard install.status == 0 else { return "mariadb-install-db failed: \(install.summary)" }
        let process = try RunningProcess(
            binary,
            [
                "--no-defaults", "--datadir=\(data)", "--socket=\(socket)", "--port=\(port)",
                "--bind-address=127.0.0.1", "--skip-name-resolve", "--skip-log-bin",
                "--pid-file=\(folder.appendingPathComponent("pid").path)",
            ] + asRoot)
        self.process = process
        let ready = RunningProcess.poll(seconds: 60) {
            guard process.isRunning else { return true }
            return (try? administer("SELECT 1"))??.status == 0
        }
        guard ready, process.isRunning else { return "mariadbd did not start: \(process.summary)" }
        let literal =
            "'" + adminPassword.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
            + "'"
        // mariadb-install-db also makes password-less root@127.0.0.1, root@::1 and root@<host>;
        // the image keeps only root@localhost and root@'%'.
        let sql =
            "DELETE FROM mysql.global_priv WHERE User = 'root' AND Host <> 'localhost'; FLUSH PRIVILEGES; "
            + "CREATE USER 'root'@'%' IDENTIFIED BY \(literal); GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
        guard let grant = try administer(sql), grant.status == 0 else { return "cannot create root@'%'" }
        return nil
    }

    /// SQL as root over the server's socket.
    func administer(_ sql: String) throws -> ToolRun? {
        try Tools.run(
            "mariadb",
            ["--no-defaults", "--socket=\(socket)", "--user=root", "--batch", "--skip-column-names", "-e", sql])
    }

    func stop() {
        if let process {
            if process.isRunning { kill(process.pid, SIGTERM) }
            _ = process.wait(seconds: 30)
            process.end()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    func login(_ user: String, password: String, database: String) throws -> ToolRun? {
        try Tools.run(
            "env",
            [
                "MYSQL_PWD=\(password)", "mariadb", "--no-defaults", "--host=127.0.0.1", "--port=\(port)",
                "--user=\(user)",
                "--connect-timeout=10", "--batch", "--skip-column-names", "--database=\(database)", "-e",
                "SELECT CURRENT_USER()",
            ])
    }

    func catalog() throws -> String? {
        guard
            let run = try administer(
                "SHOW DATABASES; SELECT User, Host FROM mysql.user ORDER BY 1, 2; SELECT Host, Db, User FROM mysql.db ORDER BY 1, 2, 3;"
            ),
            run.status == 0
        else { return nil }
        return run.stdout
    }
}
