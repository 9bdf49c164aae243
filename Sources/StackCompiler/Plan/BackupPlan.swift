/// What the stack backs up, where to, and how each copy is read back: set by `BackupPass` when
/// the manifest asks for any backup. The pass adds the job services themselves; this plan is
/// what the files around them read (the runbook's restore steps, the alert on a backup's age,
/// the folder `deploy.sh` and the nodes prepare).
///
/// Every source has its own restic repository (`<target>/<stack>/<source>`), so jobs never wait
/// for each other's locks, `keep` applies per source, and a restore names one repository.
struct BackupPlan {
    /// Where the repositories are.
    enum Target: Equatable {
        /// A folder on the node that runs each job (bound into the job at `jobMount`).
        case folder(String)
        /// An S3 bucket and the prefix in it; the credentials are secrets the operator provides.
        case s3(bucket: String, prefix: String)
    }

    var stack: String
    var target: Target
    /// Snapshots kept per source (`restic forget --keep-last`).
    var keep: Int
    /// The key of the secret that holds the repositories' password (one for the stack). It is
    /// also kept in the operator's credentials folder: without it no backup can be read.
    var passwordSecret: String
    /// The keys of the operator's S3 secrets (access key id, secret access key), for `.s3`.
    var s3Secrets: (accessKeyID: String, secretAccessKey: String)?
    var jobs: [BackupJob]

    /// Where a job sees a folder target.
    static let jobMount = "/backup-target"

    /// The restic repository of one source, as restic names it from inside a job.
    func repository(of source: String) -> String {
        switch target {
        case .folder:
            return "\(Self.jobMount)/\(stack)/\(source)"
        case .s3(let bucket, let prefix):
            let path = ([bucket] + (prefix.isEmpty ? [] : [prefix]) + [stack, source]).joined(separator: "/")
            return "s3:s3.amazonaws.com/\(path)"
        }
    }

    /// The same repository as the operator names it on the node that holds it (a folder target)
    /// or anywhere (S3).
    func repositoryOnNode(of source: String) -> String {
        switch target {
        case .folder(let folder):
            return "\(folder)/\(stack)/\(source)"
        case .s3:
            return repository(of: source)
        }
    }
}

/// One source and the scheduled job that copies it.
struct BackupJob {
    /// What is copied, and how a copy stays consistent.
    enum Source {
        /// Named volumes (keys of the plan's volumes) of `owner` (an app, the registry); every
        /// container on the job's node that mounts one of them is paused for the copy. Each volume is a folder named after its key at the root
        /// of the snapshot.
        case volumes([String], owner: String)
        /// `pg_dumpall --globals-only` (`globals.sql`) and one `pg_dump` per database
        /// (`<database>.sql`), from the server `server`.
        case postgres(server: String, databases: [String])
        /// `mariadb-dump --single-transaction` per database (`<database>.sql`).
        case mariadb(server: String, databases: [String])
        /// A snapshot of the Redis server's data (`dump.rdb`), taken as a replica would.
        case redis(server: String)
    }

    /// What the manifest names: the app, the database, or `registry`.
    var name: String
    /// The job's service.
    var service: String
    var source: Source
    var schedule: Schedule
    /// The longest time between two runs of the schedule: the newest snapshot may be this old
    /// (plus the time a run takes) before the alert on its age fires; nil for one that never
    /// fires (the 30th of February), which gets no alert.
    var longestGap: TimeSpan?
    /// The script the job runs (`backup/<name>.sh`), a config delivered into the job.
    var scriptPath: String
}
