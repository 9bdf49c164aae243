/// Reads `databases` and their consumers (apps with `database:`, Keycloak); contributes, per
/// PostgreSQL or MariaDB server, a password secret for each consumer, an idempotent init script
/// (`postgres/<db>-init.sh` or `mariadb/<db>-init.sh`) and a one-shot job service that runs it.
/// The script is a config named after its content, so a deploy that adds a consumer runs the
/// job again; running it again changes nothing else. Each consumer app gets the connection in
/// the variables its image reads; so does each consumer of a Redis server, whose users the
/// server's start script makes (`RedisUsers`).
struct DatabaseInitPass: BuildPass {
    /// Writes scripts and a job nothing waits for: `lint` does not need it.
    var affectsDiagnostics: Bool { false }

    func contribute(_ stack: ResolvedStack, to plan: inout BuildPlan) {
        for database in stack.databases where !database.consumers.isEmpty {
            plan.reading(["databases.\(database.name)"])
            guard database.engine != .redis else {
                // The server's start script makes the users (RedisUsers): no job.
                for app in database.consumers.compactMap(stack.app) {
                    if app.database == database.name {
                        plan.reading(["databases.\(database.name)", "apps.\(app.name).database"])
                    }
                    let secret = plan.requireSecret(
                        PlatformNames.databasePasswordSecret(database: database.name, consumer: app.name),
                        recipe: .randomPassword)
                    handConnection(database, to: app, secret: secret, &plan)
                    plan.reading(["databases.\(database.name)"])
                }
                continue
            }
            let folder = database.engine == .postgres ? "postgres" : "mariadb"
            var service = PlannedService(image: DatabaseServersPass.engine(database).image)
            service.kind = .job
            let admin = PlatformNames.databaseAdminSecret(database.name)
            service.secrets = [(admin, admin)]
            for consumer in database.consumers {
                // An app's password is for its `database`, as the app's connection is.
                if stack.app(consumer)?.database == database.name {
                    plan.reading(["databases.\(database.name)", "apps.\(consumer).database"])
                }
                let secret = plan.requireSecret(
                    PlatformNames.databasePasswordSecret(database: database.name, consumer: consumer),
                    recipe: .randomPassword)
                plan.reading(["databases.\(database.name)"])
                service.secrets.append((secret, secret))
                if let app = stack.app(consumer) { handConnection(database, to: app, secret: secret, &plan) }
            }
            let name = PlatformNames.databaseInitService(database.name)
            // The script is written only when the plan is rendered.
            let header = plan.context.headerLines
            let passwords = zip(database.consumers, service.secrets.dropFirst().map(\.source))
            let databaseOrigin = plan.origin
            let calls = passwords.map { consumer, secret in
                (
                    "ensure_database \(ShellQuoting.words([consumer, "/run/secrets/\(secret)"]))",
                    plan.origin(Self.consumerKeys(database, consumer, stack))
                )
            }
            let key = plan.addConfigFile(
                key: name, path: "\(folder)/\(database.name)-init.sh",
                annotated: Self.script(database, calls: calls, header: header, origin: databaseOrigin),
                executable: true)
            service.files = [(key, "/stackc/db-init.sh", 0o555)]
            service.entrypoint = ["bash", "/stackc/db-init.sh"]
            service.networks = [PlatformNames.databaseNetwork(database.name)]
            service.restart = PlannedService.RestartPolicy(
                condition: .onFailure, delay: TimeSpan(seconds: 10), maxAttempts: 30, window: nil)
            plan.addService(name, service)
        }
    }

    /// Mounts the password and sets the variables the app's image reads.
    func handConnection(_ database: Database, to app: App, secret: String, _ plan: inout BuildPlan) {
        let keys = plan.origin.keys
        plan.reading(["databases.\(database.name)", "apps.\(app.name).database"])
        defer { plan.reading(keys) }
        let port = PlatformNames.port(of: database.engine)
        let variables: [(String, String)]
        switch (app.preset, database.engine) {
        case (.nextcloud, .postgres):
            variables = [
                ("POSTGRES_HOST", database.name), ("POSTGRES_DB", app.name), ("POSTGRES_USER", app.name),
                ("POSTGRES_PASSWORD_FILE", "/run/secrets/\(secret)"),
            ]
        case (.nextcloud, _):
            variables = [
                ("MYSQL_HOST", database.name), ("MYSQL_DATABASE", app.name), ("MYSQL_USER", app.name),
                ("MYSQL_PASSWORD_FILE", "/run/secrets/\(secret)"),
            ]
        case (.generic, _):
            // DATABASE_PASSWORD and DATABASE_URL are made from the file by the entrypoint wrapper.
            variables = [
                ("DATABASE_ENGINE", database.engine.rawValue), ("DATABASE_HOST", database.name),
                // Redis: the logical database all consumers share (users do not separate keys).
                ("DATABASE_PORT", String(port)), ("DATABASE_NAME", database.engine == .redis ? "0" : app.name),
                ("DATABASE_USER", app.name),
                ("DATABASE_PASSWORD_FILE", "/run/secrets/\(secret)"),
            ]
        }
        plan.amend(app.name, .environment(variables))
        plan.amend(app.name, .mountSecret(source: secret, target: secret))
    }

    /// The keys a consumer of `database` names it with: an app's `database`, or the identity's.
    static func consumerKeys(_ database: Database, _ consumer: String, _ stack: ResolvedStack) -> [ManifestKeyPath] {
        let named: ManifestKeyPath = stack.app(consumer) != nil ? "apps.\(consumer).database" : "identity.database"
        return ["databases.\(database.name)", named]
    }

    /// The script, each consumer's call with that consumer's origin, every other line the
    /// database's.
    static func script(
        _ database: Database, calls: [(line: String, origin: OutputOrigin)], header: [String], origin: OutputOrigin
    ) -> () -> OriginText {
        {
            let text = script(database, calls: calls.map(\.line), header: header)
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            var annotated = OriginText()
            // The calls are the lines before the last.
            let tail = lines.suffix(calls.count + 1)
            lines.removeLast(calls.count + 1)
            annotated.append(lines.map { $0 + "\n" }.joined(), origin)
            for (line, call) in zip(tail, calls) { annotated.append(line + "\n", call.origin) }
            annotated.append(tail.last.map { $0 + "\n" } ?? "", origin)
            return annotated
        }
    }

    static func script(_ database: Database, calls: [String], header: [String]) -> String {
        var lines =
            ["#!/usr/bin/env bash"] + header.map { "# \($0)" } + [
                "#",
                "# Creates each consumer's database and user on '\(database.name)' when missing, and sets",
                "# the user's password from its secret. Safe to run any number of times.",
                "set -euo pipefail",
                "SERVER=\(ShellQuoting.quote(database.name))",
                "ADMIN_PASSWORD_FILE=/run/secrets/\(ShellQuoting.quote(PlatformNames.databaseAdminSecret(database.name)))",
                "DEADLINE=\"${STACKC_DB_WAIT:-300}\"",
                "",
            ]
        lines += (database.engine == .postgres ? postgresLibrary : mariadbLibrary).split(
            separator: "\n", omittingEmptySubsequences: false
        ).map(String.init)
        lines += ["", "wait_for_server"] + calls + ["log \"every database on $SERVER is ready\""]
        return lines.joined(separator: "\n") + "\n"
    }

    /// PostgreSQL: psql, with each password handed over on its standard input (never on a
    /// command line); `\getenv` would be simpler but needs psql 15, and `version:` may be older.
    static let postgresLibrary = #"""
        log() { printf '%s db-init: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
        export PGHOST="${STACKC_DB_HOST:-$SERVER}" PGPORT="${STACKC_DB_PORT:-5432}" PGUSER="${STACKC_DB_ADMIN:-postgres}" PGDATABASE=postgres
        PGPASSWORD=$(cat "$ADMIN_PASSWORD_FILE")
        export PGPASSWORD

        wait_for_server() {
          local waited=0 delay=1
          until pg_isready --quiet; do
            [ "$waited" -lt "$DEADLINE" ] || { log "gave up waiting for $PGHOST:$PGPORT after ${DEADLINE}s"; exit 1; }
            [ "$waited" -gt 0 ] || log "waiting for $PGHOST:$PGPORT (at most ${DEADLINE}s)"
            sleep "$delay"
            waited=$((waited + delay))
            delay=$((delay < 10 ? delay * 2 : 10))
          done
        }

        # A consumer's password from its secret; an unreadable or empty secret stops the job, so that
        # it never clears a password.
        read_password() {
          local value
          value=$(cat "$1") || { log "cannot read the password of '$2' from $1"; exit 1; }
          [ -n "$value" ] || { log "the password of '$2' in $1 is empty"; exit 1; }
          printf '%s' "$value"
        }

        ensure_database() {
          local name=$1 password literal
          password=$(read_password "$2" "$name")
          # A psql single-quoted value: backslashes and quotes doubled.
          literal=${password//\\/\\\\}
          literal=${literal//\'/\'\'}
          {
            printf '\\set password %s\n' "'$literal'"
            cat <<'SQL'
        SELECT format('CREATE ROLE %I LOGIN', :'name') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name') \gexec
        ALTER ROLE :"name" WITH LOGIN PASSWORD :'password';
        SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name') \gexec
        ALTER DATABASE :"name" OWNER TO :"name";
        REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
        GRANT ALL ON DATABASE :"name" TO :"name";
        SQL
          } | psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 -v name="$name"
          log "database and user '$name' ready"
        }
        """#

    /// MariaDB: the mariadb client, reading the password from a file it is given.
    static let mariadbLibrary = #"""
        log() { printf '%s db-init: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
        HOST="${STACKC_DB_HOST:-$SERVER}"
        PORT="${STACKC_DB_PORT:-3306}"
        OPTIONS=$(mktemp)
        trap 'rm -f "$OPTIONS"' EXIT
        chmod 600 "$OPTIONS"
        printf '[client]\nuser=root\npassword="%s"\n' "$(sed 's/[\\"]/\\&/g' "$ADMIN_PASSWORD_FILE")" >"$OPTIONS"

        sql() { mariadb --defaults-extra-file="$OPTIONS" --host="$HOST" --port="$PORT" --batch "$@"; }

        wait_for_server() {
          local waited=0 delay=1
          until sql -e 'SELECT 1' >/dev/null 2>&1; do
            [ "$waited" -lt "$DEADLINE" ] || { log "gave up waiting for $HOST:$PORT after ${DEADLINE}s"; exit 1; }
            [ "$waited" -gt 0 ] || log "waiting for $HOST:$PORT (at most ${DEADLINE}s)"
            sleep "$delay"
            waited=$((waited + delay))
            delay=$((delay < 10 ? delay * 2 : 10))
          done
        }

        # A consumer's password from its secret; an unreadable or empty secret stops the job, so that
        # it never sets an empty password.
        read_password() {
          local value
          value=$(cat "$1") || { log "cannot read the password of '$2' from $1"; exit 1; }
          [ -n "$value" ] || { log "the password of '$2' in $1 is empty"; exit 1; }
          printf '%s' "$value"
        }

        ensure_database() {
          local name=$1 password
          password=$(read_password "$2" "$name")
          # An SQL string: backslashes and single quotes escaped with a backslash.
          password=${password//\\/\\\\}
          password=${password//\'/\\\'}
          sql <<SQL
        CREATE DATABASE IF NOT EXISTS \`$name\`;
        CREATE USER IF NOT EXISTS '$name'@'%' IDENTIFIED BY '$password';
        ALTER USER '$name'@'%' IDENTIFIED BY '$password';
        GRANT ALL PRIVILEGES ON \`$name\`.* TO '$name'@'%';
        SQL
          log "database and user '$name' ready"
        }
        """#
}
