/// The runbook's backups: for each job of the backup plan, what it copies, when, into which
/// restic repository, and on which node; how to run one now; and, for each source, the restore
/// commands `BackupRestoreSteps` writes (the same blocks `BackupRestoreTests` runs).
enum RunbookBackupSection {
    static func lines(_ facts: RunbookFacts) -> [String] {
        var lines = ["### Restore a backup", ""]
        guard let backups = facts.plan.backups, !backups.jobs.isEmpty else {
            lines += ["The manifest asks for no backup: nothing of this stack is backed up.", ""]
            return lines
        }
        let password = facts.secret(backups.passwordSecret)
        lines += [
            "Each source has its own restic repository" + targetWords(backups.target)
                + ", keeping the last \(backups.keep) snapshots. The repositories' password is the secret "
                + Markdown.code(password?.name ?? backups.passwordSecret)
                + (password.flatMap { facts.keptFiles($0).first }.map {
                    ", kept as `\($0.file)` in the credentials folder"
                } ?? "") + ": without it no backup can be read.",
            "",
        ]
        lines += Markdown.table(
            ["source", "what is copied", "schedule", "repository", "job runs on"],
            backups.jobs.map { job in
                [
                    Markdown.code(job.name), sourceWords(job.source, facts), Markdown.code(job.schedule.cron),
                    Markdown.code(backups.repositoryOnNode(of: job.name)), node(of: job, facts),
                ]
            })
        lines.append("")
        if let job = backups.jobs.first {
            let service = facts.swarmName(job.service)
            lines += [
                "`\(PlatformNames.backupScheduler)` starts each job on its schedule; to run one now (here "
                    + "\(Markdown.code(job.name))'s) and read what it did:",
                "",
            ]
            lines += Markdown.shell(["docker service scale \(service)=1", "docker service logs \(service)"]) + [""]
        }
        for job in backups.jobs {
            let steps = BackupRestoreSteps.steps(job, backups, facts.plan)
            lines += ["#### Restore \(Markdown.code(job.name))", "", "\(steps.place):", ""]
            lines += Markdown.shell(steps.commands) + [""]
            if let afterwards = steps.afterwards { lines += [afterwards, ""] }
        }
        return lines
    }

    static func targetWords(_ target: BackupPlan.Target) -> String {
        switch target {
        case .folder(let folder): return " under \(Markdown.code(folder)) on the node that runs its job"
        case .s3(let bucket, let prefix):
            return " in the S3 bucket \(Markdown.code(bucket))"
                + (prefix.isEmpty ? "" : " under \(Markdown.code(prefix))")
        }
    }

    static func sourceWords(_ source: BackupJob.Source, _ facts: RunbookFacts) -> String {
        switch source {
        case .volumes(let volumes, let owner):
            return "the volumes \(Markdown.codes(volumes.map(facts.swarmName))) of \(Markdown.code(owner)), with "
                + "the containers on that node that mount them paused for the copy"
        case .postgres(let server, let databases):
            return
                "`pg_dumpall --globals-only` and `pg_dump` of \(Markdown.codes(databases)) on \(Markdown.code(server))"
        case .mariadb(let server, let databases):
            return "`mariadb-dump --single-transaction` of \(Markdown.codes(databases)) on \(Markdown.code(server))"
        case .redis(let server):
            return "a snapshot of \(Markdown.code(server))'s data"
        }
    }

    /// Where a job runs: its named node, its pin, its role, or any node.
    static func node(of job: BackupJob, _ facts: RunbookFacts) -> String {
        guard let service = facts.service(job.service) else {
            return Markdown.code(job.service)
        }
        if let node = service.placement.node { return "the node \(Markdown.code(node))" }
        if let pin = service.placement.pin {
            let label = "\(PlatformNames.pinLabel(stack: facts.stack, group: pin))=true"
            return "the node labelled \(Markdown.code(label))"
                + (facts.modelNode(forPin: pin).map { " (\(Markdown.code($0)))" } ?? "")
        }
        if let role = service.placement.role { return "a \(role.rawValue)" }
        return "any node"
    }
}
