import Foundation
import Testing

@testable import StackCompiler

/// The backup jobs as files: the schedule's longest gap, the alert rules as Prometheus
/// evaluates them (promtool), and the files that must agree: each job's repository, folder,
/// script, secrets and placement in `stack.yml` against the plan, the restore steps and
/// `deploy.sh`; node-exporter reading the jobs' records; an S3 target.
@Suite struct BackupTests {
    // MARK: Schedules

    @Test(arguments: [
        ("0 * * * *", 3600), ("0 3 * * *", 86_400), ("0 3 * * 0", 7 * 86_400), ("15 */6 * * *", 6 * 3600),
        ("*/5 * * * *", 300), ("0 3 1 * *", 31 * 86_400), ("0 9 * * 1-5", 3 * 86_400 - 0),
        ("30 2 1,15 * *", 17 * 86_400), ("0 0 1 1 *", 366 * 86_400),
    ])
    func longestGapOfASchedule(cron: String, seconds: Int) {
        #expect(CronTimes(Schedule(cron: cron)).longestGap?.seconds == seconds, "\(cron)")
    }

    @Test func aScheduleThatNeverFiresHasNoGap() {
        #expect(CronTimes(Schedule(cron: "0 0 30 2 *")).longestGap == nil)
        // Day of month and weekday both given: either day runs (cron's rule), so this one runs.
        #expect(CronTimes(Schedule(cron: "0 0 30 2 1")).longestGap != nil)
    }

    // MARK: Alerts

    static let manifest = """
        stackc: 1
        name: vault
        domain: vault.test
        monitoring:
          metrics: true
          alerts:
            email: ops@vault.test
        databases:
          pg:
            backup: daily
        apps:
          notes:
            image: nginx:1.27-alpine
            database: pg
          files:
            image: nginx:1.27-alpine
            volumes:
              uploads: /srv/uploads
            backup: hourly
        """

    /// Prometheus evaluates the generated rules as the schedules say: an hourly source whose
    /// newest backup is 2h50m old is fine at 1h59m of age and alerting at 2h01m; a daily
    /// source that never succeeded is missing only after 25 hours; a failed run alerts at once.
    @Test func alertsFireWhenTheNewestBackupIsOlderThanItsScheduleAllows() throws {
        let built = try #require(BuildSupport.build(path: "vault.yml", text: Self.manifest))
        let rules = try #require(built.tree.file("prometheus/rules/backups.yml")?.contents)
        let folder = try BuildSupport.makeTemporaryFolder("promtool-backups")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(rules.utf8).write(to: folder.appendingPathComponent("backups.yml"))
        let check = try #require(try Tools.run("promtool", ["check", "rules", "backups.yml"], in: folder))
        #expect(check.status == 0, "\(check.summary)")
        // The series start at time 0: the last success of `files` was at 0 (value 0), its last
        // run failed from minute 200 on.
        let test = """
            rule_files: [backups.yml]
            evaluation_interval: 1m
            tests:
              - interval: 1m
                input_series:
                  - series: 'stackc_backup_last_success_timestamp_seconds{source="files"}'
                    values: '0x1600'
                  - series: 'stackc_backup_last_run_success{source="files"}'
                    values: '1x199 0x1400'
                alert_rule_test:
                  - {eval_time: 119m, alertname: BackupTooOld, exp_alerts: []}
                  - eval_time: 121m
                    alertname: BackupTooOld
                    exp_alerts:
                      - exp_labels: {severity: warning, source: files}
                        exp_annotations:
                          summary: the newest backup of files is older than its schedule (0 * * * *) allows (2h)
                  - {eval_time: 199m, alertname: BackupFailed, exp_alerts: []}
                  - eval_time: 201m
                    alertname: BackupFailed
                    exp_alerts:
                      - exp_labels: {severity: warning, source: files}
                        exp_annotations:
                          summary: 'the last backup run of files failed: docker service logs of its job say why'
                  - {eval_time: 24h, alertname: BackupMissing, exp_alerts: []}
                  - eval_time: 1510m
                    alertname: BackupMissing
                    exp_alerts:
                      - exp_labels: {severity: warning, source: pg}
                        exp_annotations:
                          summary: no backup of pg has succeeded for 25h (schedule 0 3 * * *)

            """
        try Data(test.utf8).write(to: folder.appendingPathComponent("backups.test.yml"))
        let run = try #require(try Tools.run("promtool", ["test", "rules", "backups.test.yml"], in: folder))
        #expect(run.status == 0, "\(run.summary)")
        let config = try #require(built.tree.file("prometheus/prometheus.yml")?.contents)
        #expect(config.contains("- rules/backups.yml\n"), "Prometheus does not load the backups' rules")
    }

    // MARK: Files that agree

    static let s3Manifest = """
        stackc: 1
        name: offsite
        domain: offsite.test
        backup:
          target: s3://company-backups/swarm
          keep: 14
        registry:
          host: registry
          backup: weekly
        databases:
          pg:
            backup: '30 1 * * *'
        apps:
          notes:
            image: nginx:1.27-alpine
            database: pg
        """

    static let cases: [(name: String, text: String)] =
        PrometheusTests.committed("manifests") + [("vault.yml", manifest), ("offsite.yml", s3Manifest)]

    static func services(_ built: BuildSupport.Built) throws -> [String: PyYAMLValue] {
        let text = try #require(built.tree.file("stack.yml")?.contents)
        return try #require(try PyYAMLValue.read(text)?["services"]?.pairs)
    }

    @Test(arguments: cases.map(\.name))
    func everyJobAgreesWithItsPlanRestoreStepsAndDeployScript(name: String) throws {
        let text = try #require(Self.cases.first { $0.name == name }?.text)
        let built = try #require(BuildSupport.build(path: name, text: text))
        let plan = BuildPipeline.contribute(
            built.stack, sourceDirectory: ".", files: FilesRead(), passes: BuildPipeline.passes)
        guard let backups = plan.backups else {
            #expect(BackupPass.sources(built.stack).isEmpty, "\(name): sources but no backups")
            return
        }
        #expect(BackupPass.sourceNames(built.stack) == backups.jobs.map(\.name))
        let services = try Self.services(built)
        let deploy = try #require(built.tree.file("deploy.sh")?.contents)
        let stack = built.stack.name
        #expect(services[PlatformNames.backupScheduler] != nil, "\(name): no scheduler")
        #expect(
            services[PlatformNames.backupScheduler]?["deploy"]?["placement"]?["constraints"]?.items?.compactMap(
                \.string)
                == ["node.role == manager"])
        #expect(services[PlatformNames.backupTools]?["deploy"]?["mode"]?.string == "global")
        #expect(!backups.jobs.isEmpty)
        for job in backups.jobs {
            let service = try #require(services[job.service], "\(name): no service \(job.service)")
            let environment = service["environment"]?.pairs ?? [:]
            let repository = try #require(environment["RESTIC_REPOSITORY"]?.string)
            #expect(repository == backups.repository(of: job.name))
            #expect(
                environment["RESTIC_PASSWORD_FILE"]?.string == "/run/secrets/\(PlatformNames.backupPasswordSecret)")
            let labels = service["deploy"]?["labels"]?.pairs ?? [:]
            #expect(labels["swarm.cronjob.enable"]?.string == "true")
            #expect(labels["swarm.cronjob.schedule"]?.string == job.schedule.cron)
            #expect(service["deploy"]?["replicas"]?.int == 0)
            #expect(service["deploy"]?["restart_policy"]?["condition"]?.string == "none")
            // The script it runs is the generated file.
            let configs = service["configs"]?.items ?? []
            #expect(configs.contains { $0["target"]?.string == BackupPass.scriptPath })
            #expect(built.tree.file(job.scriptPath) != nil, "\(name): no \(job.scriptPath)")
            // The secrets it mounts are the stack's.
            let secretKeys = Set(
                (try PyYAMLValue.read(built.tree.file("stack.yml")!.contents)?["secrets"]?.pairs ?? [:]).keys)
            for secret in service["secrets"]?.items ?? [] {
                #expect(secretKeys.contains(secret["source"]?.string ?? ""), "\(name): \(job.service) mounts \(secret)")
            }
            let binds = (service["volumes"]?.items ?? []).filter { $0["type"]?.string == "bind" }
            let steps = BackupRestoreSteps.steps(job, backups, plan)
            let onNode = backups.repositoryOnNode(of: job.name)
            #expect(steps.commands.contains { $0.contains("RESTIC_REPOSITORY=\"${RESTIC_REPOSITORY:-\(onNode)}\"") })
            switch backups.target {
            case .folder(let folder):
                // The folder bound in is where the restore looks, and deploy.sh makes it.
                #expect(
                    binds.contains { $0["source"]?.string == folder && $0["target"]?.string == BackupPlan.jobMount })
                #expect(onNode == folder + repository.dropFirst(BackupPlan.jobMount.count))
                #expect(deploy.contains("mkdir -p \(ShellQuoting.quote(folder))"))
                // Always the same node, which keeps the repository.
                let constraints = service["deploy"]?["placement"]?["constraints"]?.items?.compactMap(\.string) ?? []
                #expect(
                    constraints.contains {
                        $0.hasPrefix("node.labels.stackc.pin.\(stack).") || $0.hasPrefix("node.labels.stackc.node ==")
                    },
                    "\(name): \(job.service) is not kept on one node: \(constraints)")
            case .s3(let bucket, let prefix):
                #expect(binds.allSatisfy { $0["target"]?.string != BackupPlan.jobMount })
                #expect(repository == "s3:s3.amazonaws.com/\(bucket)/\(prefix)/\(stack)/\(job.name)")
                for key in [PlatformNames.backupS3AccessKeySecret, PlatformNames.backupS3SecretKeySecret] {
                    #expect(service["secrets"]?.items?.contains { $0["source"]?.string == key } == true)
                    // deploy.sh stops before anything changes when the operator has not made it.
                    #expect(deploy.contains("\(stack)_\(key)"), "\(name): deploy.sh does not check \(key)")
                }
            }
            // A dump runs on the node of its database, as the restore's `docker exec` expects.
            switch job.source {
            case .postgres(let server, _), .mariadb(let server, _), .redis(let server):
                let own = service["deploy"]?["placement"]?["constraints"]?.items?.compactMap(\.string) ?? []
                let database =
                    services[server]?["deploy"]?["placement"]?["constraints"]?.items?.compactMap(\.string) ?? []
                let pins = database.filter { $0.hasPrefix("node.labels.stackc.") }
                #expect(
                    !pins.isEmpty && Set(pins).isSubset(of: Set(own)),
                    "\(name): \(job.service) \(own) vs \(database)")
            case .volumes(let volumes, _):
                let mounted = (service["volumes"]?.items ?? []).filter { $0["type"]?.string == "volume" }
                for volume in volumes {
                    #expect(
                        mounted.contains {
                            $0["source"]?.string == volume
                                && $0["target"]?.string == "\(BackupPass.sourcePath)/\(volume)"
                                && "\($0["read_only"].map { "\($0)" } ?? "")".contains("True")
                        }, "\(name): \(job.service) does not mount \(volume) read-only")
                }
            }
        }
        // node-exporter reads the records where the jobs write them.
        if built.stack.monitoring.metrics {
            let exporter = try #require(services[PlatformService.nodeExporter.name])
            #expect(
                exporter["command"]?.items?.compactMap(\.string).contains(
                    "--collector.textfile.directory=\(BackupPass.metricsPath)") == true)
            #expect(
                exporter["volumes"]?.items?.contains {
                    $0["source"]?.string == PlatformNames.backupMetricsVolume
                        && $0["target"]?.string == BackupPass.metricsPath
                } == true)
        }
    }
}
