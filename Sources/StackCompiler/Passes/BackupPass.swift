/// Reads `backup` (the defaults) and every `backup:` schedule (apps' volumes, databases, the
/// registry); contributes one scheduled job per source, the scheduler that starts them, the
/// service that puts restic on every node, the repositories' password, and the `BackupPlan` the
/// runbook and the alerts read.
///
/// The tool is restic: it encrypts, deduplicates, prunes by count and reads folders and S3
/// alike, and Debian packages it, so the tests run the real thing. The scheduler is
/// swarm-cronjob: it starts a service of zero replicas on its labels' schedule, so each job is
/// an ordinary Swarm service (placement, secrets, networks, logs) that runs to completion.
/// Each job copies consistently: databases as logical dumps over their network, volumes with
/// the tasks that write them paused on the job's node (pausing, unlike stopping, does not make
/// Swarm start a replacement). A job runs on the node of the state it copies (the plan pins it
/// beside), and with a folder target always on the same node, which keeps that repository.
struct BackupPass: BuildPass {
    static let resticImage = "restic/restic:0.18.0"
    static let schedulerImage = "crazymax/swarm-cronjob:1.16.0"
    /// The volume jobs pause tasks through the node's engine.
    static let dockerCLIImage = "docker:28.5-cli"
    /// Where a job finds restic (the tools volume) and its freshness files.
    static let toolsPath = "/stackc/tools"
    static let metricsPath = "/stackc/backup-metrics"
    /// Where a volume job mounts each volume it copies: `<this>/<volume key>`.
    static let sourcePath = "/source"
    static let scriptPath = "/stackc/backup.sh"

    /// Writes files and adds services nothing waits for: `lint` does not need it.
    var affectsDiagnostics: Bool { false }

    /// A source the manifest asks to back up.
    struct Source {
        enum Kind {
            case app(App)
            case database(Database)
            case registry
        }
        var name: String
        var kind: Kind
        var schedule: Schedule
    }

    /// Apps with volumes (the checker warns about one without), databases, and the registry, in
    /// the manifest's order.
    static func sources(_ stack: ResolvedStack) -> [Source] {
        var sources: [Source] = []
        for app in stack.apps {
            if let schedule = app.backup, !app.volumes.isEmpty {
                sources.append(Source(name: app.name, kind: .app(app), schedule: schedule))
            }
        }
        for database in stack.databases {
            if let schedule = database.backup {
                sources.append(Source(name: database.name, kind: .database(database), schedule: schedule))
            }
        }
        if let schedule = stack.registry?.backup {
            sources.append(Source(name: PlatformService.registry.name, kind: .registry, schedule: schedule))
        }
        return sources
    }

    /// The names of `sources(stack)`, without copying the apps (the checker reads them for
    /// every manifest: one job's name per source).
    static func sourceNames(_ stack: ResolvedStack) -> [String] {
        var names: [String] = []
        for app in stack.apps where app.backup != nil && !app.volumes.isEmpty { names.append(app.name) }
        for database in stack.databases where database.backup != nil { names.append(database.name) }
        if stack.registry?.backup != nil { names.append(PlatformService.registry.name) }
        return names
    }

    /// `backup.target` as the plan says it.
    static func target(_ stack: ResolvedStack) -> BackupPlan.Target {
        let target = stack.backup.target
        guard target.hasPrefix("s3://") else { return .folder(target) }
        let path = target.dropFirst("s3://".count).split(separator: "/").map(String.init)
        return .s3(bucket: path.first ?? "", prefix: path.dropFirst().joined(separator: "/"))
    }

    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        let sources = Self.sources(stack)
        guard !sources.isEmpty else { return }
        let keys = plan.origin.keys
        // The password (and the bucket's keys) are for every source's backup.
        plan.reading(sources.flatMap(Self.manifestKeys))
        var backups = BackupPlan(
            stack: stack.name, target: Self.target(stack), keep: stack.backup.keep,
            passwordSecret: plan.requireSecret(
                PlatformNames.backupPasswordSecret, recipe: .loginPassword(user: Self.passwordKeeper)),
            s3Secrets: nil, jobs: [])
        if case .s3 = backups.target {
            backups.s3Secrets = (
                plan.requireSecret(
                    PlatformNames.backupS3AccessKeySecret,
                    recipe: .provided(what: "the access key id of the S3 bucket the backups go to")),
                plan.requireSecret(
                    PlatformNames.backupS3SecretKeySecret,
                    recipe: .provided(what: "the secret access key of the S3 bucket the backups go to"))
            )
        }
        plan.reading(keys)
        plan.addVolume(PlatformNames.backupToolsVolume, PlannedVolume(perNode: true))
        plan.addVolume(PlatformNames.backupMetricsVolume, PlannedVolume(perNode: true))
        addScheduler(&plan)
        addTools(&plan)
        for source in sources {
            plan.reading(Self.manifestKeys(of: source))
            let job = Self.job(source, stack)
            backups.jobs.append(job)
            addJobService(job, source, backups, stack, &plan)
        }
        plan.reading(keys)
        plan.setBackups(backups)
    }

    /// The account name under which `deploy.sh` keeps the repositories' password in the
    /// operator's credentials folder.
    static let passwordKeeper = "restic"

    /// The key that asks for a source's backup (its `backup`, when written; else the source).
    static func manifestKeys(of source: Source) -> [ManifestKeyPath] {
        switch source.kind {
        case .app(let app): return [app.keySpans.backup != nil ? "apps.\(app.name).backup" : "apps.\(app.name)"]
        case .database(let database):
            return [database.backupSpan != nil ? "databases.\(database.name).backup" : "databases.\(database.name)"]
        case .registry: return ["registry"]
        }
    }

    static func job(_ source: Source, _ stack: ResolvedStack) -> BackupJob {
        let kind: BackupJob.Source
        switch source.kind {
        case .app(let app):
            kind = .volumes(
                app.volumes.map { PlatformNames.appVolume(app: app.name, volume: $0.name) }, owner: app.name)
        case .database(let database):
            switch database.engine {
            case .postgres: kind = .postgres(server: database.name, databases: database.consumers)
            case .mariadb: kind = .mariadb(server: database.name, databases: database.consumers)
            case .redis: kind = .redis(server: database.name)
            }
        case .registry:
            kind = .volumes([PlatformNames.registryVolume], owner: PlatformService.registry.name)
        }
        return BackupJob(
            name: source.name, service: PlatformNames.backupJob(source.name), source: kind, schedule: source.schedule,
            longestGap: CronTimes(source.schedule).longestGap, scriptPath: "backup/\(source.name).sh")
    }

    func addJobService(
        _ job: BackupJob, _ source: Source, _ backups: BackupPlan, _ stack: ResolvedStack, _ plan: inout BuildPlan
    ) {
        let header = plan.context.headerLines
        let script = plan.addConfigFile(
            key: job.service, path: job.scriptPath,
            contents: BackupJobScript.render(job, backups, header: header), executable: true)
        var service: PlannedService
        switch job.source {
        case .volumes(let volumes, _):
            service = PlannedService(image: Self.dockerCLIImage)
            for volume in volumes {
                let target = "\(Self.sourcePath)/\(volume)"
                service.volumes.append((volume, target))
                service.readOnlyVolumeTargets.insert(target)
            }
            service.hostPaths.append(("/var/run/docker.sock", "/var/run/docker.sock", false))
        case .postgres(let server, _), .mariadb(let server, _):
            service = PlannedService(image: DatabaseServersPass.engine(source.database!).image)
            let admin = PlatformNames.databaseAdminSecret(server)
            service.secrets.append((admin, admin))
            service.networks = [PlatformNames.databaseNetwork(server)]
            service.placement.beside = server
        case .redis(let server):
            service = PlannedService(image: DatabaseServersPass.engine(source.database!).image)
            let secret = PlatformNames.redisBackupSecret(server)
            service.secrets.append((secret, secret))
            service.networks = [PlatformNames.databaseNetwork(server)]
            service.placement.beside = server
        }
        service.kind = .scheduled
        service.restart = PlannedService.RestartPolicy(condition: .never)
        service.labels = [
            ("swarm.cronjob.enable", "true"), ("swarm.cronjob.schedule", job.schedule.cron),
            // A run still copying when the next is due is left to finish.
            ("swarm.cronjob.skip-running", "true"),
        ]
        service.entrypoint = ["/bin/sh", Self.scriptPath]
        service.files = [(script, Self.scriptPath, 0o555)]
        service.volumes += [
            (PlatformNames.backupToolsVolume, Self.toolsPath), (PlatformNames.backupMetricsVolume, Self.metricsPath),
        ]
        service.readOnlyVolumeTargets.insert(Self.toolsPath)
        service.secrets.append((backups.passwordSecret, backups.passwordSecret))
        service.environment = [
            ("RESTIC_REPOSITORY", backups.repository(of: job.name)),
            ("RESTIC_PASSWORD_FILE", "/run/secrets/\(backups.passwordSecret)"),
        ]
        switch backups.target {
        case .folder(let folder):
            service.hostPaths.append((folder, BackupPlan.jobMount, false))
            service.placement.oneNode = true
        case .s3:
            if let secrets = backups.s3Secrets {
                service.secrets += [
                    (secrets.accessKeyID, secrets.accessKeyID), (secrets.secretAccessKey, secrets.secretAccessKey),
                ]
            }
        }
        plan.addService(job.service, service)
    }

    /// swarm-cronjob on a manager, where the Swarm API answers.
    func addScheduler(_ plan: inout BuildPlan) {
        var scheduler = PlannedService(image: Self.schedulerImage)
        scheduler.hostPaths = [("/var/run/docker.sock", "/var/run/docker.sock", false)]
        scheduler.environment = [("LOG_LEVEL", "info"), ("TZ", "UTC")]
        scheduler.placement.role = .manager
        plan.addService(PlatformNames.backupScheduler, scheduler)
    }

    /// On every node, copies restic's binary from its image into the tools volume, then idles:
    /// a job finds it on whichever node it runs, including nodes that join later.
    func addTools(_ plan: inout BuildPlan) {
        var tools = PlannedService(image: Self.resticImage)
        tools.kind = .global
        tools.entrypoint = ["/bin/sh", "-c", Self.toolsCommand]
        tools.volumes = [(PlatformNames.backupToolsVolume, Self.toolsPath)]
        tools.stopGracePeriod = TimeSpan(seconds: 2)
        plan.addService(PlatformNames.backupTools, tools)
    }

    /// Replaces the copy atomically (a job may be starting it), then sleeps until stopped.
    static let toolsCommand =
        "cp /usr/bin/restic \(toolsPath)/restic.new && chmod 755 \(toolsPath)/restic.new && mv -f \(toolsPath)/restic.new \(toolsPath)/restic && exec sleep 2147483647"
}

extension BackupPass.Source {
    var database: Database? {
        if case .database(let database) = kind { return database }
        return nil
    }
}
