/// Reads each app's `depends_on`, database connection and preset; writes
/// `entrypoints/<app>.sh` (POSIX sh, delivered as a config) for every app that needs work before
/// its image starts: reading `*_FILE` secrets into the environment where the image cannot,
/// waiting for each dependency with a deadline and backoff, and, for replicated presets, the
/// run-once install lock. The wrapper then `exec`s the image's own entrypoint and command.
/// Runs after the passes that add services, so it waits only for services that exist.
struct EntrypointsPass: BuildPass {
    /// Where the wrapper is mounted in the container.
    static let path = "/stackc/entrypoint.sh"

    func run(_ stack: ResolvedStack, _ output: inout BuildOutput) {
        let services = Set(output.swarm.services.map(\.name))
        for app in stack.apps {
            let steps = self.steps(app, stack, services: services, &output)
            guard !steps.isEmpty else { continue }
            guard let start = start(of: app) else {
                output.warn(Codes.unknownImageStart,
                            "app '\(app.name)' needs a start-up wrapper (\(steps.map(\.summary).joined(separator: ", "))), but stackc does not know how its image starts",
                            at: app.span,
                            help: "add 'entrypoint:' (the image's ENTRYPOINT, or [] if it has none) and 'command:' to the app")
                continue
            }
            let script = Self.script(app: app.name, steps: steps.map(\.call), header: output.headerLines)
            let key = output.addConfigFile(key: "\(app.name)-entrypoint", path: "entrypoints/\(app.name).sh", contents: script, executable: true)
            output.swarm.updateService(app.name) { service in
                service.configs.append((key, Self.path, 0o555))
                service.entrypoint = ["/bin/sh", Self.path]
                if app.commandIsShell, let command = app.command?.first {
                    service.command = .string((start.entrypoint.map(ShellQuoting.quote) + [command]).joined(separator: " "))
                } else {
                    service.command = .list(start.entrypoint + start.command)
                }
            }
        }
    }

    /// The image's start: the manifest's `entrypoint` (and `command`), else what stackc knows
    /// of the image, with the manifest's `command` in place of the image's own.
    func start(of app: App) -> KnownImages.Start? {
        let known = app.build == nil ? KnownImages.start(of: app.image) : nil
        guard let entrypoint = app.entrypoint ?? known?.entrypoint else { return nil }
        return KnownImages.Start(entrypoint: entrypoint, command: app.command ?? known?.command ?? [])
    }

    /// One thing the wrapper does, and how the warning names it.
    struct Step {
        var call: String
        var summary: String
    }

    func steps(_ app: App, _ stack: ResolvedStack, services: Set<String>, _ output: inout BuildOutput) -> [Step] {
        var steps: [Step] = []
        if app.preset == .generic, let name = app.database, let database = stack.database(name), database.engine != .redis {
            let scheme = database.engine == .postgres ? "postgres" : "mysql"
            steps.append(Step(call: "export_file DATABASE_PASSWORD \"$DATABASE_PASSWORD_FILE\"", summary: "read the database password"))
            steps.append(Step(call: "export DATABASE_URL=\"\(scheme)://$DATABASE_USER:$DATABASE_PASSWORD@$DATABASE_HOST:$DATABASE_PORT/$DATABASE_NAME\"",
                              summary: "build DATABASE_URL"))
        }
        for dependency in app.dependsOn {
            guard let target = waitTarget(dependency, stack, services: services) else { continue }
            if dependency.kind == .database, app.database != dependency.name {
                // The app must share the server's network to reach it.
                output.swarm.updateService(app.name) { if !$0.networks.contains("db-\(dependency.name)") { $0.networks.append("db-\(dependency.name)") } }
            }
            steps.append(Step(call: target, summary: "wait for '\(dependency.name)'"))
        }
        if let folder = runOnceFolder(app, stack) {
            steps.append(Step(call: "run_once \(ShellQuoting.quote(folder))", summary: "install once"))
        }
        return steps
    }

    /// `wait_for_tcp host port` or `wait_for_http url`, for a service that exists in this stack.
    func waitTarget(_ dependency: Dependency, _ stack: ResolvedStack, services: Set<String>) -> String? {
        switch dependency.kind {
        case .app:
            guard let target = stack.app(dependency.name), services.contains(target.name) else { return nil }
            if let port = target.port, let health = target.health {
                return "wait_for_http \(ShellQuoting.quote("http://\(target.name):\(port)\(health.path)"))"
            }
            if let port = target.port { return "wait_for_tcp \(ShellQuoting.words([target.name, String(port)]))" }
            return "wait_for_name \(ShellQuoting.quote(target.name))"
        case .database:
            guard let database = stack.database(dependency.name), services.contains(database.name) else { return nil }
            let port: Int
            switch database.engine {
            case .postgres: port = 5432
            case .mariadb: port = 3306
            case .redis: port = 6379
            }
            return "wait_for_tcp \(ShellQuoting.words([database.name, String(port)]))"
        case .identity:
            return services.contains("keycloak") ? "wait_for_tcp keycloak 8080" : nil
        case .registry:
            return services.contains("registry") ? "wait_for_tcp registry 5000" : nil
        }
    }

    /// The shared folder where several tasks of a preset install once, if the app needs it.
    func runOnceFolder(_ app: App, _ stack: ResolvedStack) -> String? {
        guard app.preset == .nextcloud, AppServicesPass.taskCount(app.replicas, stack) > 1 else { return nil }
        return app.volumes.first { $0.path == "/var/www/html" }?.path ?? app.volumes.first?.path
    }

    static func script(app: String, steps: [String], header: [String]) -> String {
        var lines = ["#!/bin/sh"] + header.map { "# \($0)" } + [
            "#",
            "# Start-up of app '\(app)': the steps below, then the image's own entrypoint and command,",
            "# given as arguments, run unchanged with exec.",
            "set -eu",
            "APP=\(ShellQuoting.quote(app))",
            "WAIT_TIMEOUT=\"${STACKC_WAIT_TIMEOUT:-300}\"",
            "",
        ]
        lines += library.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines += [""] + steps + ["", "exec \"$@\""]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The functions the steps call: POSIX sh, using whichever of nc, bash, wget or curl the
    /// image has.
    static let library = #"""
log() { printf '%s stackc[%s]: %s\n' "$(date +%H:%M:%S)" "$APP" "$*" >&2; }

export_file() {
  [ -r "$2" ] || { log "cannot read $2 for $1"; exit 1; }
  value=$(cat "$2")
  export "$1=$value"
}

# Calls "$@" until it succeeds, with a growing pause, for at most WAIT_TIMEOUT seconds by the
# clock (a probe itself may take seconds). One line when the wait starts, one when it ends.
retry() {
  what=$1
  shift
  started=$(date +%s)
  delay=1
  announced=""
  until "$@" >/dev/null 2>&1; do
    waited=$(( $(date +%s) - started ))
    if [ "$waited" -ge "$WAIT_TIMEOUT" ]; then
      log "gave up waiting for $what after ${waited}s"
      exit 1
    fi
    [ -n "$announced" ] || log "waiting for $what (at most ${WAIT_TIMEOUT}s)"
    announced=1
    left=$((WAIT_TIMEOUT - waited))
    sleep "$((delay < left ? delay : left))"
    delay=$((delay < 8 ? delay * 2 : 10))
  done
  [ -z "$announced" ] || log "$what is ready after $(( $(date +%s) - started ))s"
}

# Whether something accepts connections on host $1, port $2.
tcp_open() {
  if command -v nc >/dev/null 2>&1; then
    nc -z -w 2 "$1" "$2"
  elif command -v bash >/dev/null 2>&1; then
    bounded bash -c "exec 3<>\"/dev/tcp/\$1/\$2\"" stackc "$1" "$2"
  elif command -v curl >/dev/null 2>&1; then
    # The port is open when curl connected, whatever came back (or did not): its connect
    # time is 0 when the name did not resolve or the connection failed.
    connected=$(curl -s -o /dev/null -m 3 -w '%{time_connect}' "http://$1:$2/" 2>/dev/null || true)
    case $connected in *[1-9]*) return 0 ;; *) return 1 ;; esac
  elif command -v wget >/dev/null 2>&1; then
    # wget exits 4 on a network failure (also a server that says nothing), timeout 124 (143
    # in busybox) when it stopped wget; any other failure came from an answer.
    status=0
    bounded wget -q -t 1 -T 3 -O /dev/null "http://$1:$2/" || status=$?
    [ "$status" -ne 4 ] && [ "$status" -ne 124 ] && [ "$status" -ne 143 ]
  else
    return 1
  fi
}

# Runs "$@" for at most 3 seconds where timeout(1) exists: a connection to a service without
# tasks can hang for minutes.
bounded() {
  if command -v timeout >/dev/null 2>&1; then timeout 3 "$@"; else "$@"; fi
}

http_ok() {
  if command -v wget >/dev/null 2>&1; then
    bounded wget -q -T 3 -O /dev/null "$1"
  else
    curl -fsS -m 3 -o /dev/null "$1"
  fi
}

name_resolves() { getent hosts "$1" || nslookup "$1"; }

wait_for_tcp() { retry "$1:$2" tcp_open "$1" "$2"; }
wait_for_http() { retry "$1" http_ok "$1"; }
wait_for_name() { retry "a task of $1" name_resolves "$1"; }

# Exactly one task installs. Each attempt is a lock folder, $1/.stackc-install.lock/<n>, made
# with mkdir (atomic, also on shared storage): the task that makes it installs, and the image's
# start-up writes the marker when installation is done (a hook); the others wait for the
# marker. While the installer lives, a heartbeat keeps its attempt fresh. An attempt that
# stops being refreshed for STACKC_RUN_ONCE_STALE seconds belonged to a crashed installer: the
# first task to make the next attempt takes over. No task removes a lock another may hold, so
# two tasks never both take over.
run_once() {
  marker="$1/.stackc-installed"
  locks="$1/.stackc-install.lock"
  stale="${STACKC_RUN_ONCE_STALE:-120}"
  attempt=1
  said=""
  while [ ! -f "$marker" ]; do
    mkdir -p "$locks"
    if mkdir "$locks/$attempt" 2>/dev/null; then
      # The marker may have come between the check above and the lock.
      [ ! -f "$marker" ] || break
      hostname >"$locks/$attempt/owner" 2>/dev/null || true
      log "installing; other tasks wait for $marker"
      heartbeat "$$" "$locks/$attempt" "$marker" "$locks" &
      return 0
    fi
    age=$(( $(date +%s) - $(stat -c %Y "$locks/$attempt" 2>/dev/null || date +%s) ))
    if [ "$age" -gt "$stale" ]; then
      log "the installing task stopped refreshing its lock ${age}s ago; the first to notice takes over"
      attempt=$((attempt + 1))
      continue
    fi
    [ -n "$said" ] || log "another task is installing; waiting for $marker"
    said=1
    sleep 2
  done
  rm -rf "$locks"
  log "installation already done"
}

# Refreshes the lock $2 while the installer (process $1) lives; removes every lock ($4) once
# the marker ($3) exists.
heartbeat() {
  while kill -0 "$1" 2>/dev/null && [ ! -f "$3" ]; do
    touch "$2" 2>/dev/null || true
    sleep 1
  done
  [ ! -f "$3" ] || rm -rf "$4"
}
"""#
}
