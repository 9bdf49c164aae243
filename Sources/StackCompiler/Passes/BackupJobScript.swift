/// The script a backup job runs (`backup/<source>.sh`): copy the source consistently, store the
/// copy as one restic snapshot, keep the newest `keep`, and record the run for node-exporter's
/// textfile collector. POSIX sh, since the volume jobs run in Docker's Alpine CLI image. Dumps
/// are made under `$TMPDIR` (the container's `/tmp`). The `STACKC_*` variables exist for the tests, which run the same script against real servers on
/// loopback; in the stack none is set.
enum BackupJobScript {
    /// The metric names the freshness files hold (and the alert rules read).
    enum Metric {
        static let lastSuccess = "stackc_backup_last_success_timestamp_seconds"
        static let lastRun = "stackc_backup_last_run_timestamp_seconds"
        static let lastRunSucceeded = "stackc_backup_last_run_success"
        static let snapshots = "stackc_backup_snapshots"
    }

    static func render(_ job: BackupJob, _ backups: BackupPlan, header: [String]) -> String {
        var lines = ["#!/bin/sh"] + header.map { "# \($0)" }
        lines += ["#"] + summary(job, backups).map { "# \($0)" }
        lines += [
            "set -eu",
            "SOURCE=\(ShellQuoting.quote(job.name))",
            "KEEP=\(backups.keep)",
            "RESTIC=\"${STACKC_RESTIC:-\(BackupPass.toolsPath)/restic}\"",
            "METRICS_DIR=\"${STACKC_BACKUP_METRICS:-\(BackupPass.metricsPath)}\"",
        ]
        if let secrets = backups.s3Secrets {
            lines += [
                "AWS_ACCESS_KEY_ID=$(cat \(ShellQuoting.quote("/run/secrets/\(secrets.accessKeyID)")))",
                "AWS_SECRET_ACCESS_KEY=$(cat \(ShellQuoting.quote("/run/secrets/\(secrets.secretAccessKey)")))",
                "export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY",
            ]
        }
        lines += common.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines += copy(job, stack: backups.stack).split(separator: "\n", omittingEmptySubsequences: false).map(
            String.init)
        lines += [
            "",
            "log \"starting (repository $RESTIC_REPOSITORY)\"",
            "[ -x \"$RESTIC\" ] || fail \"restic is not at $RESTIC yet: the backup-tools service puts it on every node\"",
            "open_repository",
            "copy_source",
            "keep_newest",
            "SUCCEEDED=1",
            "log \"done: $(count_snapshots) snapshots kept\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    static func summary(_ job: BackupJob, _ backups: BackupPlan) -> [String] {
        let what: String
        switch job.source {
        case .volumes(let volumes, let service):
            what =
                "Copies the volumes of '\(service)' (\(volumes.joined(separator: ", "))) with the containers on this node that mount them paused."
        case .postgres(let server, _):
            what = "Dumps every database of the PostgreSQL server '\(server)' (pg_dump), and its roles (pg_dumpall)."
        case .mariadb(let server, _):
            what = "Dumps every database of the MariaDB server '\(server)' (mariadb-dump --single-transaction)."
        case .redis(let server):
            what = "Copies the data of the Redis server '\(server)' as a replica receives it (redis-cli --rdb)."
        }
        return [
            what,
            "Stores the copy as one restic snapshot in \(backups.repository(of: job.name)), keeps the newest",
            "\(backups.keep), and records the run in $METRICS_DIR/\(job.name).prom for node-exporter.",
        ]
    }

    /// Logging, the repository, retention and the freshness file: the same in every job.
    static let common = #"""
        SUCCEEDED=0
        STARTED=$(date +%s)

        log() { printf '%s backup %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$SOURCE" "$*" >&2; }
        fail() { log "$*"; exit 1; }

        open_repository() {
          if ! "$RESTIC" cat config >/dev/null 2>&1; then
            log "no repository yet: creating it"
            "$RESTIC" init >/dev/null || fail "cannot create the repository $RESTIC_REPOSITORY"
          fi
        }

        # One snapshot per run; the host is the source's name, so that the tasks' changing host names
        # do not split the snapshots into groups that are never pruned.
        store() {
          "$RESTIC" backup --quiet --host "$SOURCE" --tag stackc "$@" || fail "restic could not store the copy"
        }

        keep_newest() {
          "$RESTIC" forget --quiet --host "$SOURCE" --group-by host --keep-last "$KEEP" --prune \
            || fail "restic could not remove the snapshots beyond the newest $KEEP"
        }

        count_snapshots() {
          "$RESTIC" snapshots --host "$SOURCE" --json | grep -o '"short_id"' | wc -l | tr -d ' '
        }

        # The freshness file, replaced whole: the time of the last success survives a failed run.
        record() {
          mkdir -p "$METRICS_DIR" || return 0
          file="$METRICS_DIR/$SOURCE.prom"
          last=$STARTED
          if [ "$SUCCEEDED" != 1 ]; then
            last=$(sed -n 's/^stackc_backup_last_success_timestamp_seconds{[^}]*} //p' "$file" 2>/dev/null || true)
          fi
          {
            printf '# HELP stackc_backup_last_run_timestamp_seconds When the last backup run of the source started.\n'
            printf '# TYPE stackc_backup_last_run_timestamp_seconds gauge\n'
            printf 'stackc_backup_last_run_timestamp_seconds{source="%s"} %s\n' "$SOURCE" "$STARTED"
            printf '# HELP stackc_backup_last_run_success Whether the last backup run of the source succeeded.\n'
            printf '# TYPE stackc_backup_last_run_success gauge\n'
            printf 'stackc_backup_last_run_success{source="%s"} %s\n' "$SOURCE" "$SUCCEEDED"
            if [ -n "$last" ]; then
              printf '# HELP stackc_backup_last_success_timestamp_seconds When the newest backup of the source started.\n'
              printf '# TYPE stackc_backup_last_success_timestamp_seconds gauge\n'
              printf 'stackc_backup_last_success_timestamp_seconds{source="%s"} %s\n' "$SOURCE" "$last"
            fi
          } >"$file.tmp" && mv -f "$file.tmp" "$file"
        }
        """#

    /// `copy_source` and what it needs, per kind of source.
    static func copy(_ job: BackupJob, stack: String) -> String {
        func server(_ name: String, secret: String) -> String {
            "\nSERVER=\(ShellQuoting.quote(name))\nDEFAULT_PASSWORD_FILE=\(ShellQuoting.quote("/run/secrets/\(secret)"))\n"
        }
        switch job.source {
        case .volumes(let volumes, _):
            return volumesCopy(volumes, stack: stack)
        case .postgres(let name, _):
            return server(name, secret: PlatformNames.databaseAdminSecret(name)) + postgresCopy
        case .mariadb(let name, _):
            return server(name, secret: PlatformNames.databaseAdminSecret(name)) + mariadbCopy
        case .redis(let name):
            return server(name, secret: PlatformNames.redisBackupSecret(name)) + redisCopy
        }
    }

    static func volumesCopy(_ volumes: [String], stack: String) -> String {
        let paths = ShellQuoting.words(volumes)
        let names = volumes.map { "\(stack)_\($0)" }.joined(separator: " ")
        return "\n" + #"""
            VOLUMES=\#(ShellQuoting.quote(names))
            SOURCES="${STACKC_SOURCE_ROOT:-\#(BackupPass.sourcePath)}"
            PAUSED=""

            resume() {
              [ -z "$PAUSED" ] && return 0
              # shellcheck disable=SC2086 # one word per container
              docker unpause $PAUSED >/dev/null || log "could not resume: $PAUSED"
              PAUSED=""
            }

            finish() {
              status=$?
              resume
              record
              exit "$status"
            }
            trap finish EXIT
            trap 'exit 1' INT TERM

            # Every container on this node that mounts one of the volumes, but this job's own.
            writers() {
              for volume in $VOLUMES; do
                docker ps --quiet --no-trunc --filter "volume=$volume"
              done | grep -v "^$(hostname)" | sort -u | tr '\n' ' '
            }

            # Paused, the containers that write the volumes leave them consistent for the copy; Swarm
            # does not replace a paused task, as it would a stopped one.
            copy_source() {
              PAUSED=$(writers)
              if [ -n "$PAUSED" ]; then
                log "pausing the containers that write $VOLUMES on this node: $PAUSED"
                # shellcheck disable=SC2086 # one word per container
                docker pause $PAUSED >/dev/null || fail "could not pause $PAUSED"
              else
                log "no container on this node writes $VOLUMES: copying them as they are"
              fi
              # Relative to their mounts, the volumes are /<volume>/... in the snapshot.
              cd "$SOURCES"
              store \#(paths)
              resume
            }
            """#
    }

    /// The dumps go to a private folder first: a failed dump never becomes a snapshot.
    static let dumpFolder = #"""
        SPOOL=$(mktemp -d)
        DUMPS="$SPOOL/$SOURCE"
        finish() {
          status=$?
          rm -rf "$SPOOL"
          record
          exit "$status"
        }
        trap finish EXIT
        trap 'exit 1' INT TERM
        mkdir "$DUMPS"
        """#

    static let postgresCopy =
        dumpFolder + "\n"
            + #"""
            PGHOST="${STACKC_DB_HOST:-$SERVER}"
            PGPORT="${STACKC_DB_PORT:-5432}"
            PGUSER="${STACKC_DB_ADMIN:-postgres}"
            PGPASSWORD=$(cat "${STACKC_DB_PASSWORD_FILE:-$DEFAULT_PASSWORD_FILE}")
            export PGHOST PGPORT PGUSER PGPASSWORD

            # The roles first (globals.sql), then each database in a file of its own, which a restore
            # replays into that database: --clean drops each object before it is made again.
            copy_source() {
              pg_dumpall --globals-only --no-role-passwords >"$DUMPS/globals.sql" || fail "pg_dumpall failed"
              databases=$(psql --no-psqlrc --tuples-only --no-align --dbname=postgres \
                --command="SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres' ORDER BY 1") \
                || fail "cannot list the databases of $PGHOST"
              for database in $databases; do
                pg_dump --clean --if-exists --dbname="$database" --file="$DUMPS/$database.sql" \
                  || fail "pg_dump of $database failed"
              done
              log "dumped: $(echo "$databases" | tr '\n' ' ')"
              # Relative to the spool, the dumps are /<source>/... in the snapshot.
              cd "$SPOOL"
              store "$SOURCE"
            }
            """#

    static let mariadbCopy =
        dumpFolder + "\n"
            + #"""
            HOST="${STACKC_DB_HOST:-$SERVER}"
            PORT="${STACKC_DB_PORT:-3306}"
            OPTIONS="$SPOOL/client.cnf"
            PASSWORD_FILE="${STACKC_DB_PASSWORD_FILE:-$DEFAULT_PASSWORD_FILE}"
            printf '[client]\nuser=%s\npassword="%s"\n' "${STACKC_DB_ADMIN:-root}" "$(sed 's/[\\"]/\\&/g' "$PASSWORD_FILE")" \
              >"$OPTIONS"

            sql() { mariadb --defaults-extra-file="$OPTIONS" --host="$HOST" --port="$PORT" --batch --skip-column-names "$@"; }

            # Each database in a file of its own, consistent through one transaction (InnoDB).
            copy_source() {
              databases=$(sql -e "SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') ORDER BY 1") \
                || fail "cannot list the databases of $HOST"
              for database in $databases; do
                mariadb-dump --defaults-extra-file="$OPTIONS" --host="$HOST" --port="$PORT" --single-transaction \
                  --routines --events --triggers --databases "$database" >"$DUMPS/$database.sql" \
                  || fail "mariadb-dump of $database failed"
              done
              log "dumped: $(echo "$databases" | tr '\n' ' ')"
              # Relative to the spool, the dumps are /<source>/... in the snapshot.
              cd "$SPOOL"
              store "$SOURCE"
            }
            """#

    static let redisCopy =
        dumpFolder + "\n"
            + #"""
            HOST="${STACKC_DB_HOST:-$SERVER}"
            PORT="${STACKC_DB_PORT:-6379}"
            REDISCLI_AUTH=$(cat "${STACKC_DB_PASSWORD_FILE:-$DEFAULT_PASSWORD_FILE}")
            export REDISCLI_AUTH

            # What a new replica receives: a consistent snapshot made by the server.
            copy_source() {
              redis-cli -h "$HOST" -p "$PORT" --user "${STACKC_DB_ADMIN:-\#(PlatformNames.redisBackupUser)}" --rdb "$DUMPS/dump.rdb" >/dev/null \
                || fail "redis-cli could not copy the data of $HOST"
              # Relative to the spool, the dumps are /<source>/... in the snapshot.
              cd "$SPOOL"
              store "$SOURCE"
            }
            """#
}
