/// The users of a Redis server and how it gets them: one per consumer (named after the app),
/// three of the platform's (`PlatformNames.redisAdminUser`, `.redisHealthUser`,
/// `.redisBackupUser`), each with a password secret `deploy.sh` makes, and the built-in
/// `default` user off, so nothing runs without signing in. The server starts through
/// `redis/<db>-start.sh` (a config): it reads the mounted secrets, writes each user with the
/// SHA-256 of its password (never the password) to an ACL file in a private folder of the
/// container, and starts the image's own entrypoint with `--aclfile`. No password is in the
/// output, on a command line or in the server's data volume. Rules need Redis 6.2 or later
/// (`&*`, `resetchannels`).
enum RedisUsers {
    /// One ACL user: its name, the secret holding its password, and what it may do.
    struct User: Equatable {
        var name: String
        var secret: String
        var rules: [String]
    }

    /// Where the server mounts its start script.
    static let scriptPath = "/stackc/redis-start.sh"

    /// An application's rules: every key and channel (consumers of one server share its
    /// keyspace), every command but those that act on the server rather than on data (`@admin`:
    /// CONFIG, ACL, SHUTDOWN, MONITOR, DEBUG, SAVE, replication, CLIENT KILL and LIST) and those
    /// that hurt the other consumers or the server (`@dangerous`: FLUSHALL, FLUSHDB, SWAPDB, KEYS,
    /// which blocks the server while it walks every key, MIGRATE, RESTORE, SORT), except INFO,
    /// which many clients (Sidekiq, BullMQ) read for the server's version and which changes nothing.
    static let applicationRules = ["~*", "&*", "+@all", "-@admin", "-@dangerous", "+info"]
    /// The operator's user, for what applications may not (ACL LOG shows what they were refused).
    static let adminRules = ["~*", "&*", "+@all"]
    /// The health check's user: PING and nothing else.
    static let healthRules = ["resetkeys", "resetchannels", "-@all", "+ping"]
    /// The backup job's user: `redis-cli --rdb` sends `REPLCONF capa eof` and `REPLCONF rdb-only
    /// 1`, then `SYNC`. Without REPLCONF it still gets a snapshot, but the server makes it on its
    /// own disk and keeps the connection as a replica's.
    static let backupRules = ["resetkeys", "resetchannels", "-@all", "+sync", "+replconf"]
    /// The built-in user, off, without password or rights: a client that has not signed in can
    /// run nothing but AUTH and HELLO.
    static let defaultUserLine = "user default off resetpass resetkeys resetchannels -@all"

    /// The platform's users, then one per consumer, in the order of the manifest.
    static func users(of database: Database) -> [User] {
        let platform = [
            (PlatformNames.redisAdminUser, adminRules), (PlatformNames.redisHealthUser, healthRules),
            (PlatformNames.redisBackupUser, backupRules),
        ]
        return (platform + database.consumers.map { ($0, applicationRules) }).map { name, rules in
            User(
                name: name, secret: PlatformNames.databasePasswordSecret(database: database.name, consumer: name),
                rules: rules)
        }
    }

    /// Makes `service` (the server) start through the script with every user's secret mounted.
    static func configure(_ service: inout PlannedService, _ database: Database, _ plan: inout BuildPlan) {
        let users = users(of: database)
        for user in users {
            service.mountSecret(plan.requireSecret(user.secret, recipe: .randomPassword), at: user.secret)
        }
        let header = plan.context.headerLines
        let key = plan.addConfigFile(
            key: PlatformNames.redisStartConfig(database.name), path: "redis/\(database.name)-start.sh",
            contents: script(database, users: users, header: header), executable: true)
        service.files = [(key, scriptPath, 0o555)]
        service.entrypoint = ["/bin/sh", scriptPath]
        // The image's own entrypoint and command (KnownImages), which the script runs.
        service.command = .words(["docker-entrypoint.sh", "redis-server"])
    }

    /// The health check: PING as the health user, whose password reaches `redis-cli` in its
    /// environment (`REDISCLI_AUTH`), not its arguments; healthy only when the answer is PONG
    /// (`redis-cli` exits 0 on an error reply too).
    static func healthTest(_ database: Database) -> PlannedService.HealthCheck.Test {
        let secret = PlatformNames.databasePasswordSecret(
            database: database.name, consumer: PlatformNames.redisHealthUser)
        return .shell(
            "REDISCLI_AUTH=\"$(cat /run/secrets/\(secret))\" && export REDISCLI_AUTH && "
                + "[ \"$(redis-cli --user \(PlatformNames.redisHealthUser) ping)\" = PONG ]")
    }

    static func script(_ database: Database, users: [User], header: [String]) -> String {
        var lines =
            ["#!/bin/sh"] + header.map { "# \($0)" } + [
                "#",
                "# Starts the Redis server '\(database.name)' with its users: writes each user, with the SHA-256 of",
                "# the password in its secret (never the password), to an ACL file in a private folder, then",
                "# runs the image's own entrypoint and command, given as arguments, with --aclfile. The default",
                "# user is off: nothing runs without signing in.",
                "set -eu",
                "SERVER=\(ShellQuoting.quote(database.name))",
                "",
            ]
        lines += library.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines += ["", "printf '%s\\n' \(ShellQuoting.quote(defaultUserLine)) >\"$ACL_FILE\""]
        for user in users {
            lines.append(
                "user \(ShellQuoting.words([user.name, "/run/secrets/\(user.secret)", user.rules.joined(separator: " ")]))"
            )
        }
        lines += [
            "",
            "# The server runs as the image's user 'redis' (its entrypoint steps down from root).",
            "if [ \"$(id -u)\" = 0 ] && id redis >/dev/null 2>&1; then chown -R redis \"$ACL_DIR\"; fi",
            "log \"users of $SERVER: $USERS; the default user is off\"",
            "exec \"$@\" --aclfile \"$ACL_FILE\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The functions the generated lines call. Static text: nothing from the manifest is in it.
    static let library = #"""
        log() { printf '%s redis-start: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

        # Only this process's user may read the folder and the file.
        umask 077
        ACL_DIR=$(mktemp -d)
        ACL_FILE="$ACL_DIR/users.acl"
        USERS=""

        # The SHA-256 of the password of user $1 in the file $2, read as clients read it (without
        # trailing newlines). An unreadable or empty secret stops the start: no user is left without
        # a password.
        password_digest() {
          [ -r "$2" ] || { log "cannot read the password of '$1' from $2"; exit 1; }
          password=$(cat "$2")
          [ -n "$password" ] || { log "the password of '$1' in $2 is empty"; exit 1; }
          digest=$(printf '%s' "$password" | sha256sum)
          digest=${digest%% *}
          [ "${#digest}" -eq 64 ] || { log "cannot hash the password of '$1' (sha256sum)"; exit 1; }
          printf '%s' "$digest"
        }

        # user NAME SECRET RULES: the user's line in the ACL file.
        user() {
          digest=$(password_digest "$1" "$2")
          printf 'user %s on #%s %s\n' "$1" "$digest" "$3" >>"$ACL_FILE"
          USERS="${USERS:+$USERS }$1"
        }
        """#
}
