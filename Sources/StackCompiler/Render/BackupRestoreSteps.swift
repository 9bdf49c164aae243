/// How to restore each backed-up source, as the runbook shows it: where to run the commands,
/// and one shell block that runs as written (each in a subshell with `set -euo pipefail`, so
/// pasting it stops at the first failure without closing the operator's shell). The tests run
/// these same blocks against real servers and restic.
enum BackupRestoreSteps {
    struct Steps {
        /// Where the block runs, in a sentence.
        var place: String
        /// The shell lines, without the fence.
        var commands: [String]
        /// What to do afterwards, in a sentence (nil when nothing).
        var afterwards: String?
    }

    static func steps(_ job: BackupJob, _ backups: BackupPlan, _ plan: FinishedPlan) -> Steps {
        let stack = plan.context.stackName
        let secret = plan.secrets.first { $0.key == backups.passwordSecret }
        let keptPassword =
            (secret?.keptPasswords(stack: stack) ?? PlatformNames.fitted("\(stack)_\(backups.passwordSecret)")) + "."
            + BackupPass.passwordKeeper
        var lines = [
            "(",
            "  set -euo pipefail",
            "  export RESTIC_REPOSITORY=\"${RESTIC_REPOSITORY:-\(backups.repositoryOnNode(of: job.name))}\"",
            "  # deploy.sh kept the password on the machine it ran on; copy that file here first.",
            "  export RESTIC_PASSWORD_FILE=\"${RESTIC_PASSWORD_FILE:-$HOME/.config/stackc/\(stack)/\(keptPassword)}\"",
        ]
        if backups.s3Secrets != nil {
            lines += [
                "  # The S3 credentials of the bucket, as in the secrets \(PlatformNames.backupS3AccessKeySecret) and \(PlatformNames.backupS3SecretKeySecret).",
                "  : \"${AWS_ACCESS_KEY_ID:?set AWS_ACCESS_KEY_ID}\" \"${AWS_SECRET_ACCESS_KEY:?set AWS_SECRET_ACCESS_KEY}\"",
            ]
        }
        lines += [
            "  # The snapshots, newest last; to restore an older one, set SNAPSHOT to its ID.",
            "  restic snapshots --host \(ShellQuoting.quote(job.name))",
            "  snapshot=\"${SNAPSHOT:-latest}\"",
        ]
        let place = self.place(job, backups, plan)
        switch job.source {
        case .postgres(let server, let databases):
            lines += container(of: "\(stack)_\(server)")
            lines += [
                "  # Each database from its own dump, made with --clean: it drops every object and makes it again.",
                "  databases=(\(ShellQuoting.words(databases.isEmpty ? ["postgres"] : databases)))",
                "  for database in \"${databases[@]}\"; do",
                "    restic dump --host \(ShellQuoting.quote(job.name)) \"$snapshot\" \"/\(job.name)/$database.sql\" \\",
                "      | docker exec -i \"$container\" psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 -U postgres -d \"$database\"",
                "  done",
                ")",
            ]
            return Steps(
                place: place, commands: lines,
                afterwards:
                    "The roles are in `/\(job.name)/globals.sql` of the same snapshot (without passwords: the init job sets them again on the next deploy)."
            )
        case .mariadb(let server, let databases):
            lines += container(of: "\(stack)_\(server)")
            let admin = "/run/secrets/\(PlatformNames.databaseAdminSecret(server))"
            lines += [
                "  # Each database from its own dump (it drops and makes each table again).",
                "  databases=(\(ShellQuoting.words(databases.isEmpty ? ["mysql"] : databases)))",
                "  for database in \"${databases[@]}\"; do",
                "    restic dump --host \(ShellQuoting.quote(job.name)) \"$snapshot\" \"/\(job.name)/$database.sql\" \\",
                "      | docker exec -i \"$container\" sh -c 'MYSQL_PWD=$(cat \(admin)) && export MYSQL_PWD && exec mariadb --user=root'",
                "  done",
                ")",
            ]
            return Steps(place: place, commands: lines, afterwards: nil)
        case .redis(let server):
            let service = "\(stack)_\(server)"
            let volume = "\(stack)_\(PlatformNames.databaseVolume(server))"
            lines += [
                "  # Redis reads dump.rdb when it starts: stop the server, put the copy in place, start it.",
                "  docker service scale \(ShellQuoting.quote(service))=0",
                "  data=$(docker volume inspect --format '{{ .Mountpoint }}' \(ShellQuoting.quote(volume)))",
                "  restic dump --host \(ShellQuoting.quote(job.name)) \"$snapshot\" /\(job.name)/dump.rdb >\"$data/dump.rdb\"",
                "  docker service scale \(ShellQuoting.quote(service))=1",
                ")",
            ]
            return Steps(place: place, commands: lines, afterwards: nil)
        case .volumes(let volumes, _):
            let writers = services(mounting: volumes, plan).filter { $0.name != job.service }
            let scalable = writers.compactMap { entry -> (String, Int)? in
                if case .replicated(let count) = entry.service.kind { return ("\(stack)_\(entry.name)", count) }
                return nil
            }
            if !scalable.isEmpty {
                lines.append("  # Nothing may write the volumes while they are replaced.")
                lines.append("  docker service scale \(ShellQuoting.words(scalable.map { "\($0.0)=0" }))")
            }
            lines += [
                "  restore=$(mktemp -d)",
                "  restic restore --host \(ShellQuoting.quote(job.name)) \"$snapshot\" --target \"$restore\"",
            ]
            for volume in volumes {
                let folder = plan.volumes.first { $0.name == volume }?.volume.sharedFolder
                lines += [
                    "  # \(volume): emptied, then filled from the snapshot (owners and modes kept).",
                    folder.map { "  target=\(ShellQuoting.quote($0))" }
                        ?? "  target=$(docker volume inspect --format '{{ .Mountpoint }}' \(ShellQuoting.quote("\(stack)_\(volume)")))",
                    "  find \"$target\" -mindepth 1 -delete",
                    "  cp -a \"$restore/\(volume)/.\" \"$target/\"",
                ]
            }
            lines.append("  rm -rf \"$restore\"")
            if !scalable.isEmpty {
                lines.append("  docker service scale \(ShellQuoting.words(scalable.map { "\($0.0)=\($0.1)" }))")
            }
            lines.append(")")
            return Steps(place: place, commands: lines, afterwards: nil)
        }
    }

    /// The first task of `service` on this node, or a clear stop.
    static func container(of service: String) -> [String] {
        [
            "  container=$(docker ps --quiet --filter label=com.docker.swarm.service.name=\(service) | head -n 1)",
            "  if [ -z \"$container\" ]; then echo 'no task of \(service) runs on this node' >&2; exit 1; fi",
        ]
    }

    /// The services of the plan that mount any of `volumes`.
    static func services(mounting volumes: [String], _ plan: FinishedPlan) -> [(name: String, service: PlannedService)]
    {
        plan.services.filter { entry in entry.service.volumes.contains { volumes.contains($0.source) } }
    }

    /// The node the commands run on: the one that keeps the repository (a folder target), else
    /// the one that runs the source (`docker exec` and volumes are local).
    static func place(_ job: BackupJob, _ backups: BackupPlan, _ plan: FinishedPlan) -> String {
        let stack = plan.context.stackName
        let placement = plan.service(job.service)?.placement
        let node: String
        if let name = placement?.node {
            node = "on the node `\(name)` (label `\(PlatformNames.nodeNameLabel)=\(name)`)"
        } else if let pin = placement?.pin {
            node =
                "on the node labelled `\(PlatformNames.pinLabel(stack: stack, group: pin))=true` (`docker node ls --filter node.label=\(PlatformNames.pinLabel(stack: stack, group: pin))=true`)"
        } else {
            node = "on any node of the swarm"
        }
        return "As root \(node), with restic installed (Debian: `apt-get install restic`)"
    }
}
