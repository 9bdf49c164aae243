import YAML

/// The alerts on each backup source's freshness (`prometheus/rules/backups.yml`), per stack
/// since each source's schedule allows its own age. The jobs record their runs in files that
/// node-exporter's textfile collector serves (`BackupJobScript.Metric`): a source's newest backup
/// older than the longest gap of its schedule plus an hour (a run's own time), no backup at all
/// after that long, or a last run that failed.
enum BackupAlertRules {
    /// The time a run may take beyond the schedule's longest gap.
    static let slack = TimeSpan(seconds: 3600)

    /// The rules of one source.
    static func rules(_ job: BackupJob) -> [AlertRules.Rule] {
        var rules: [AlertRules.Rule] = []
        let selector = "{source=\"\(job.name)\"}"
        if let gap = job.longestGap {
            let allowed = TimeSpan(seconds: gap.seconds + slack.seconds)
            rules.append(
                AlertRules.Rule(
                    name: "BackupTooOld",
                    expression:
                        "time() - max(\(BackupJobScript.Metric.lastSuccess)\(selector)) > \(allowed.seconds)",
                    duration: "0s", severity: "warning",
                    summary:
                        "the newest backup of \(job.name) is older than its schedule (\(job.schedule.cron)) allows (\(allowed.prometheusString))"
                ))
            rules.append(
                AlertRules.Rule(
                    name: "BackupMissing",
                    expression: "absent(\(BackupJobScript.Metric.lastSuccess)\(selector))",
                    duration: allowed.prometheusString, severity: "warning",
                    summary:
                        "no backup of \(job.name) has succeeded for \(allowed.prometheusString) (schedule \(job.schedule.cron))"
                ))
        }
        rules.append(
            AlertRules.Rule(
                name: "BackupFailed",
                expression: "max(\(BackupJobScript.Metric.lastRunSucceeded)\(selector)) == 0",
                duration: "0s", severity: "warning",
                summary: "the last backup run of \(job.name) failed: docker service logs of its job say why"))
        return rules
    }

    static func document(_ jobs: [BackupJob]) -> YAMLValue {
        let entries: [YAMLValue] = jobs.flatMap { job in
            rules(job).map { $0.yaml(labels: [("source", job.name)]) }
        }
        return .mapping([
            ("groups", .sequence([.mapping([("name", .string("stackc-backups")), ("rules", .sequence(entries))])]))
        ])
    }
}
