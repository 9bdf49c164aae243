/// The runbook's backups: for each job of the backup plan, what it copies, when, into which
/// restic repository, and on which node; then how to restore it.
///
/// The restore commands are not written here yet: `BackupPlan` will say how each copy is read
/// back, and this section will call that. Until then it says so instead of guessing.
enum RunbookBackupSection {
    static func lines(_ facts: RunbookFacts) -> [String] {
        var lines = ["### Restore a backup", ""]
        guard let backups = facts.plan.backups, !backups.jobs.isEmpty else {
            if facts.overview.backupRequests.isEmpty {
                lines += ["The manifest asks for no backup: nothing of this stack is backed up.", ""]
            } else {
                lines += [
                    "The manifest asks for backups of \(Markdown.codes(facts.overview.backupRequests)), which this "
                        + "stackc does not generate yet (`stackc build` warns, W307): nothing is backed up.",
                    "",
                ]
            }
            return lines
        }
        lines += [
            "Each source has its own restic repository"
                + targetWords(backups.target)
                + ", keeping the last \(backups.keep) snapshots. Its password is the secret "
                + Markdown.code(
                    facts.secret(backups.passwordSecret)?.name ?? backups.passwordSecret)
                + ": without it no backup can be read.",
            "",
        ]
        lines += Markdown.table(
            ["source", "what is copied", "schedule", "repository", "runs on"],
            backups.jobs.map { job in
                [
                    Markdown.code(job.name), sourceWords(job.source, facts), Markdown.code(job.schedule.cron),
                    Markdown.code(backups.repositoryOnNode(of: job.name)), node(of: job, facts),
                ]
            })
        lines.append("")
        var restored = false
        for job in backups.jobs {
            let steps = restoreLines(job, backups, facts)
            guard !steps.isEmpty else { continue }
            restored = true
            lines += ["#### Restore \(Markdown.code(job.name))", ""] + steps + [""]
        }
        if !restored {
            lines += ["The commands that restore each source are not generated yet by this stackc.", ""]
        }
        return lines
    }

    /// The commands that read `job`'s newest snapshot back, when `BackupPlan` says how: none yet.
    static func restoreLines(_ job: BackupJob, _ backups: BackupPlan, _ facts: RunbookFacts) -> [String] {
        []
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
        case .volumes(let volumes, let pausing):
            return "the volumes \(Markdown.codes(volumes.map(facts.swarmName))), with "
                + "\(Markdown.code(pausing))'s tasks on that node paused for the copy"
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
