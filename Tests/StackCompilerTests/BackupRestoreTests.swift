import Foundation
import Testing

@testable import StackCompiler

/// The generated backup jobs and the runbook's restore steps, run for real: a PostgreSQL server
/// (and MariaDB where installed) of the test's own on 127.0.0.1 with data, Debian's restic, a
/// folder standing in for a volume. The job's script runs as generated, pointed at the test's
/// server and folders through its documented `STACKC_*` variables and restic's own; the
/// restore block runs as the runbook shows it, with `docker` replaced by a stand-in that runs
/// `docker exec`'s command here and answers `docker volume inspect` with the test's folder.
/// The restore block run is the one `RUNBOOK.md` shows.
@Suite(.serialized) struct BackupRestoreTests {
    static let keep = 3

    static let manifest = """
        stackc: 1
        name: vault
        domain: vault.test
        backup:
          keep: \(keep)
        databases:
          pg:
            backup: daily
          maria:
            engine: mariadb
            backup: '15 */6 * * *'
        apps:
          notes:
            image: nginx:1.27-alpine
            database: pg
          shop:
            image: nginx:1.27-alpine
            database: maria
          files:
            image: nginx:1.27-alpine
            volumes:
              uploads: /srv/uploads
              index: /srv/index
            backup: hourly
        """

    static let adminPassword = #"admin 'pass' with \ and $HOME"#

    /// The build, its plan, and a scratch folder with restic's password.
    struct Setup {
        var built: BuildSupport.Built
        var plan: FinishedPlan
        var folder: URL
        var restic: URL

        var repository: URL { folder.appendingPathComponent("repository") }
        var passwordFile: URL { folder.appendingPathComponent("restic-password") }
        var metrics: URL { folder.appendingPathComponent("metrics") }
        var secrets: URL { folder.appendingPathComponent("secrets") }

        func job(_ name: String) throws -> BackupJob {
            try #require(plan.backups?.jobs.first { $0.name == name })
        }

        /// The job's script as generated, with its secrets read from the test's folder.
        func script(_ job: BackupJob) throws -> URL {
            let text = try #require(GeneratedScript.text(built, job.scriptPath))
            // The volume jobs read no secret of their own (restic's password comes from its variable).
            let secretsHere = text.contains("/run/secrets/") ? [("/run/secrets/", secrets.path + "/")] : []
            return try GeneratedScript.write(GeneratedScript.rewrite(text, secretsHere), to: folder, as: "job.sh")
        }

        /// What every run of restic in the test is given.
        var resticEnvironment: [String] {
            [
                "RESTIC_REPOSITORY=\(repository.path)", "RESTIC_PASSWORD_FILE=\(passwordFile.path)",
                "RESTIC_CACHE_DIR=\(folder.appendingPathComponent("cache").path)",
            ]
        }

        /// Runs the job's script with `sh`, as its image does.
        func runJob(_ job: BackupJob, _ environment: [String]) throws -> ToolRun? {
            let script = try self.script(job)
            return try Tools.run(
                "env",
                resticEnvironment + [
                    "STACKC_RESTIC=\(restic.path)", "STACKC_BACKUP_METRICS=\(metrics.path)",
                    "TMPDIR=\(folder.path)",
                ] + environment + ["sh", script.path])
        }

        /// The runbook's restore block of `job`, taken from `RUNBOOK.md` (it must be there, fenced,
        /// exactly as the restore steps make it), run with bash and the stand-in docker first on PATH.
        func restore(_ job: BackupJob, _ environment: [String], secretsHere: Bool = false) throws -> ToolRun? {
            let backups = try #require(plan.backups)
            let steps = BackupRestoreSteps.steps(job, backups, plan).commands.joined(separator: "\n")
            let runbook = try #require(built.tree.file("RUNBOOK.md")?.contents)
            let blocks = runbook.components(separatedBy: "```sh\n").dropFirst().map {
                $0.components(separatedBy: "\n```").first ?? ""
            }
            var block = try #require(blocks.first { $0 == steps }, "RUNBOOK.md has no restore block of \(job.name)")
            if secretsHere { block = GeneratedScript.rewrite(block, [("/run/secrets/", secrets.path + "/")]) }
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            return try Tools.run(
                "env",
                resticEnvironment + [
                    "PATH=\(folder.appendingPathComponent("bin").path):\(restic.deletingLastPathComponent().path):\(path)",
                    "DOCKER_LOG=\(folder.appendingPathComponent("docker.log").path)",
                ] + environment + ["bash", "-c", block])
        }

        func snapshots(host: String) throws -> Int? {
            guard
                let run = try Tools.run(
                    "env", resticEnvironment + [restic.path, "snapshots", "--host", host, "--json"])
            else { return nil }
            #expect(run.status == 0, "restic snapshots: \(run.summary)")
            let list = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [Any]
            return list?.count
        }

        func record(_ source: String) -> String {
            (try? String(contentsOf: metrics.appendingPathComponent("\(source).prom"), encoding: .utf8)) ?? ""
        }
    }

    /// A stand-in for the docker CLI: `ps` names one container, `exec -i ID CMD...` runs CMD
    /// here, `volume inspect` answers `$STANDIN_VOLUME_<name>`, and everything is logged.
    static let dockerStandin = #"""
        #!/bin/sh
        printf '%s\n' "$*" >>"$DOCKER_LOG"
        case "$1" in
          ps) [ -n "${STANDIN_CONTAINERS:-}" ] && printf '%s\n' $STANDIN_CONTAINERS; exit 0 ;;
          exec) shift; [ "$1" = -i ] && shift; shift; exec "$@" ;;
          pause|unpause) exit 0 ;;
          service) exit 0 ;;
          volume)
            name=$(printf '%s' "$5" | tr -c 'a-zA-Z0-9\n' '_')
            eval "printf '%s\n' \"\$STANDIN_VOLUME_$name\""
            ;;
          *) echo "docker stand-in: unexpected: $*" >&2; exit 1 ;;
        esac
        """#

    static func setUp() throws -> Setup? {
        guard let restic = Tools.locate("restic") else {
            Issue.record("restic is not installed: run scripts/setup.sh (make test does)")
            return nil
        }
        guard let built = BuildSupport.build(path: "vault.yml", text: manifest) else { return nil }
        let plan = BuildPipeline.contribute(
            built.stack, sourceDirectory: ".", files: FilesRead(), passes: BuildPipeline.passes)
        let folder = try BuildSupport.makeTemporaryFolder("backup")
        let setup = Setup(built: built, plan: plan, folder: folder, restic: restic)
        for sub in ["secrets", "bin", "metrics"] {
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        try Data("a repository password".utf8).write(to: setup.passwordFile)
        try Data(adminPassword.utf8).write(to: setup.secrets.appendingPathComponent("pg-admin-password"))
        try Data(adminPassword.utf8).write(to: setup.secrets.appendingPathComponent("maria-admin-password"))
        try GeneratedScript.write(dockerStandin, to: folder.appendingPathComponent("bin"), as: "docker")
        return setup
    }

    @Test func postgresDumpsRestoreAndKeepTheNewest() throws {
        let setup = try #require(try Self.setUp())
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let server = try #require(try PostgresServer.start(adminPassword: Self.adminPassword))
        defer { server.stop() }
        func sql(_ database: String, _ text: String) throws -> String {
            let run = try #require(
                try server.psql(user: "postgres", password: Self.adminPassword, database: database, text))
            #expect(run.status == 0, "\(text): \(run.summary)")
            return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        _ = try sql("postgres", "CREATE DATABASE notes")
        _ = try sql("notes", "CREATE TABLE note (id int PRIMARY KEY, body text); INSERT INTO note VALUES (1, 'kept')")
        let job = try setup.job("pg")
        let serverAddress = ["STACKC_DB_HOST=127.0.0.1", "STACKC_DB_PORT=\(server.port)"]

        let first = try #require(try setup.runJob(job, serverAddress))
        #expect(first.status == 0, "\(first.summary)")
        #expect(setup.record("pg").contains("stackc_backup_last_run_success{source=\"pg\"} 1"))
        let success = setup.record("pg").components(separatedBy: "\n")
            .first { $0.hasPrefix("stackc_backup_last_success_timestamp_seconds{source=\"pg\"} ") }
        #expect(success != nil, "no time of the last success in: \(setup.record("pg"))")

        // Retention: keep + 2 runs in all leave exactly `keep` snapshots.
        for _ in 1..<(Self.keep + 2) {
            let run = try #require(try setup.runJob(job, serverAddress))
            #expect(run.status == 0, "\(run.summary)")
        }
        #expect(try setup.snapshots(host: "pg") == Self.keep)

        // The data goes; the runbook's steps bring it back.
        _ = try sql("notes", "DROP TABLE note")
        let restored = try #require(
            try setup.restore(
                job,
                [
                    "STANDIN_CONTAINERS=pgcontainer", "PGHOST=127.0.0.1", "PGPORT=\(server.port)",
                    "PGPASSWORD=\(Self.adminPassword)",
                ]))
        #expect(restored.status == 0, "\(restored.summary)")
        #expect(try sql("notes", "SELECT body FROM note WHERE id = 1") == "kept")

        // A failing run (the server gone) says so, and keeps the time of the last success.
        let lastSuccess = try #require(
            setup.record("pg").components(separatedBy: "\n")
                .first { $0.hasPrefix("stackc_backup_last_success_timestamp_seconds{source=\"pg\"} ") })
        server.stop()
        let failed = try #require(try setup.runJob(job, serverAddress))
        #expect(failed.status != 0)
        #expect(setup.record("pg").contains("stackc_backup_last_run_success{source=\"pg\"} 0"))
        #expect(setup.record("pg").contains(lastSuccess + "\n"))
        #expect(try setup.snapshots(host: "pg") == Self.keep, "a failed dump must not become a snapshot")
    }

    @Test(
        .enabled(if: MariaDBServer.isInstalled, "needs mariadb-server (Debian package; scripts/setup.sh installs it)"))
    func mariadbDumpsRestore() throws {
        let setup = try #require(try Self.setUp())
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let server = try #require(try MariaDBServer.start(adminPassword: Self.adminPassword))
        defer { server.stop() }
        func sql(_ text: String) throws -> String {
            let run = try #require(try server.administer(text))
            #expect(run.status == 0, "\(text): \(run.summary)")
            return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        _ = try sql(
            "CREATE DATABASE shop; CREATE TABLE shop.item (id int PRIMARY KEY, name text) ENGINE=InnoDB; INSERT INTO shop.item VALUES (7, 'kept')"
        )
        let job = try setup.job("maria")
        let run = try #require(
            try setup.runJob(job, ["STACKC_DB_HOST=127.0.0.1", "STACKC_DB_PORT=\(server.port)"]))
        #expect(run.status == 0, "\(run.summary)")
        _ = try sql("DROP TABLE shop.item")
        // The restore's `mariadb` runs here as the container's would: root, password from its secret.
        let restored = try #require(
            try setup.restore(
                job,
                [
                    "STANDIN_CONTAINERS=mariacontainer", "MYSQL_HOST=127.0.0.1", "MYSQL_TCP_PORT=\(server.port)",
                ], secretsHere: true))
        #expect(restored.status == 0, "\(restored.summary)")
        #expect(try sql("SELECT name FROM shop.item WHERE id = 7").contains("kept"))
    }

    @Test func volumesArePausedCopiedAndRestored() throws {
        let setup = try #require(try Self.setUp())
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let job = try setup.job("files")
        let sources = setup.folder.appendingPathComponent("volumes")
        let uploads = sources.appendingPathComponent("files-uploads")
        let index = sources.appendingPathComponent("files-index")
        let manager = FileManager.default
        try manager.createDirectory(at: uploads.appendingPathComponent("2026/12"), withIntermediateDirectories: true)
        try manager.createDirectory(at: index, withIntermediateDirectories: true)
        try Data("a photo".utf8).write(to: uploads.appendingPathComponent("2026/12/photo.jpg"))
        try Data("an index".utf8).write(to: index.appendingPathComponent("index.db"))
        try manager.setAttributes(
            [.posixPermissions: 0o640], ofItemAtPath: uploads.appendingPathComponent("2026/12/photo.jpg").path)

        let run = try #require(
            try setup.runJob(
                job,
                [
                    "STACKC_SOURCE_ROOT=\(sources.path)", "STANDIN_CONTAINERS=writer1 writer2",
                    "PATH=\(setup.folder.appendingPathComponent("bin").path):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")",
                    "DOCKER_LOG=\(setup.folder.appendingPathComponent("docker.log").path)",
                ]))
        #expect(run.status == 0, "\(run.summary)")
        let log = (try? String(contentsOf: setup.folder.appendingPathComponent("docker.log"), encoding: .utf8)) ?? ""
        let calls = log.components(separatedBy: "\n")
        // Both volumes' writers found by volume, paused before the copy and resumed after it.
        #expect(calls.contains { $0.contains("--filter volume=vault_files-uploads") })
        #expect(calls.contains { $0.contains("--filter volume=vault_files-index") })
        let pause = calls.firstIndex { $0.hasPrefix("pause ") && $0.contains("writer1") && $0.contains("writer2") }
        let resume = calls.firstIndex { $0.hasPrefix("unpause ") && $0.contains("writer1") }
        #expect(pause != nil && resume != nil && pause! < resume!, "docker calls: \(log)")
        #expect(try setup.snapshots(host: "files") == 1)
        try expectNodeExporterServes(setup.metrics, source: "files")

        // The volumes change and lose files; the runbook's steps put them back as they were.
        try manager.removeItem(at: uploads.appendingPathComponent("2026"))
        try Data("written later".utf8).write(to: uploads.appendingPathComponent("stray"))
        try Data("changed".utf8).write(to: index.appendingPathComponent("index.db"))
        let restored = try #require(
            try setup.restore(
                job,
                [
                    "STANDIN_VOLUME_vault_files_uploads=\(uploads.path)",
                    "STANDIN_VOLUME_vault_files_index=\(index.path)",
                ]))
        #expect(restored.status == 0, "\(restored.summary)")
        let photo = uploads.appendingPathComponent("2026/12/photo.jpg")
        #expect((try? String(contentsOf: photo, encoding: .utf8)) == "a photo")
        #expect(
            (try? manager.attributesOfItem(atPath: photo.path)[.posixPermissions] as? Int) == 0o640)
        #expect(!manager.fileExists(atPath: uploads.appendingPathComponent("stray").path))
        #expect((try? String(contentsOf: index.appendingPathComponent("index.db"), encoding: .utf8)) == "an index")
        let restoreLog =
            (try? String(contentsOf: setup.folder.appendingPathComponent("docker.log"), encoding: .utf8)) ?? ""
        #expect(restoreLog.contains("service scale vault_files=0"))
        #expect(restoreLog.contains("service scale vault_files=1"))
    }

    /// The freshness file as node-exporter's textfile collector serves it: the real exporter
    /// on loopback reads the folder the job wrote, and its page has the source's metrics.
    func expectNodeExporterServes(_ folder: URL, source: String) throws {
        guard let exporter = Tools.locate("prometheus-node-exporter") else {
            Issue.record("prometheus-node-exporter is not installed: run scripts/setup.sh (make test does)")
            return
        }
        let port = try Loopback.freePort()
        let process = try RunningProcess(
            exporter,
            [
                "--collector.disable-defaults", "--collector.textfile",
                "--collector.textfile.directory=\(folder.path)", "--web.listen-address=127.0.0.1:\(port)",
            ])
        defer { process.end() }
        var page = ""
        _ = RunningProcess.poll(seconds: 20) {
            guard process.isRunning else { return true }
            page = (try? Tools.run("curl", ["-fsS", "http://127.0.0.1:\(port)/metrics"]))??.stdout ?? ""
            return !page.isEmpty
        }
        #expect(
            page.contains("\(BackupJobScript.Metric.lastRunSucceeded){source=\"\(source)\"} 1"), "\(process.summary)")
        #expect(page.contains("\(BackupJobScript.Metric.lastSuccess){source=\"\(source)\"} "))
        // A malformed file would show here as a scrape error of the textfile collector.
        #expect(page.contains("\nnode_textfile_scrape_error 0\n"), "\(page)")
    }
}
