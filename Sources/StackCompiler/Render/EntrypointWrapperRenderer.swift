import StackDiagnostics

/// Reads the finished plan's start-up steps; writes `entrypoints/<app>.sh` (POSIX sh, delivered
/// as a config) for every service that still has steps once waits for services the plan does
/// not have are dropped, and says how the service starts through it: the wrapper runs the steps,
/// then `exec`s the image's own entrypoint and command.
struct EntrypointWrapperRenderer {
    /// Where the wrapper is mounted in the container.
    static let path = "/stackc/entrypoint.sh"

    /// One service's wrapper: the file, and the start that runs it.
    struct Wrapper {
        var service: String
        var configKey: String
        var file: PlannedFile
        var entrypoint: [String]
        var command: PlannedService.Command
    }

    /// The wrappers, in the order the plan asked for them, and warnings for services whose
    /// start stackc does not know.
    /// `scripts: false` gives the warnings alone, without writing any script (for `lint`).
    static func render(_ plan: FinishedPlan, scripts: Bool = true) -> (wrappers: [Wrapper], warnings: [Diagnostic]) {
        var wrappers: [Wrapper] = []
        var warnings: [Diagnostic] = []
        for startup in plan.startups {
            let steps = startup.steps.compactMap { step(of: $0, plan, scripts: scripts) }
            guard !steps.isEmpty else { continue }
            guard startup.hasShell, let start = startup.start else {
                if let warning = warning(startup, steps, plan) { warnings.append(warning) }
                continue
            }
            guard scripts else { continue }
            let script = Self.script(
                app: startup.service, steps: steps.flatMap(\.calls), header: plan.context.headerLines)
            let key = PlatformNames.entrypointConfig(app: startup.service)
            let command: PlannedService.Command
            if let shellCommand = startup.shellCommand {
                command = .shell((start.entrypoint.map(ShellQuoting.quote) + [shellCommand]).joined(separator: " "))
            } else {
                command = .words(start.entrypoint + start.command)
            }
            wrappers.append(
                Wrapper(
                    service: startup.service, configKey: key,
                    file: PlannedFile(
                        path: "entrypoints/\(startup.service).sh", contents: script, executable: true, configKey: key,
                        origin: startup.origin ?? .structure("EntrypointWrapperRenderer")),
                    entrypoint: ["/bin/sh", Self.path], command: command))
        }
        return (wrappers, warnings)
    }

    /// Why a service with steps gets no wrapper: its image has no shell, or stackc does not know
    /// how it starts; nil when it gets one.
    static func warning(_ startup: StartupPlan, _ steps: [RenderedStep], _ plan: FinishedPlan) -> Diagnostic? {
        guard !startup.hasShell || startup.start == nil else { return nil }
        var needs = "app '" + startup.service + "' needs a start-up wrapper ("
        for (index, step) in steps.enumerated() {
            if index > 0 { needs += ", " }
            switch step.summary {
            case .text(let text): needs += text.description
            case .waitFor(let name): needs += "wait for '" + name + "'"
            }
        }
        needs += "), but "
        if let explanation = startup.explanation {
            return Diagnostic(
                code: startup.hasShell ? Codes.unknownImageStart : Codes.missingImageTool, severity: .warning,
                message: needs + explanation.reason, path: plan.context.manifestPath, span: startup.span,
                help: explanation.help)
        }
        if !startup.hasShell {
            return Diagnostic(
                code: Codes.missingImageTool, severity: .warning,
                message: needs + "the image '" + startup.image + "' has no shell to run it",
                path: plan.context.manifestPath, span: startup.span,
                help:
                    "use an image with /bin/sh, or make the app wait by itself and remove what needs the wrapper (depends_on)"
            )
        }
        return Diagnostic(
            code: Codes.unknownImageStart, severity: .warning,
            message: needs + "stackc does not know how its image starts", path: plan.context.manifestPath,
            span: startup.span,
            help: "add 'entrypoint:' (the image's ENTRYPOINT, or [] if it has none) and 'command:' to the app")
    }

    /// What a step writes into the script, and how the warning names it.
    struct RenderedStep {
        var calls: [String]
        var summary: Summary

        /// How the warning names the step (made into text only for a warning).
        enum Summary {
            case text(StaticString)
            case waitFor(String)
        }
    }

    /// A step as script lines; nil for a wait whose service the plan does not have.
    static func step(of step: StartupPlan.Step, _ plan: FinishedPlan, scripts: Bool = true) -> RenderedStep? {
        switch step {
        case .databaseURL(let scheme):
            return RenderedStep(
                calls: scripts
                    ? [
                        "export_file DATABASE_PASSWORD \"$DATABASE_PASSWORD_FILE\"",
                        "export DATABASE_URL=\"\(scheme)://$DATABASE_USER:$DATABASE_PASSWORD@$DATABASE_HOST:$DATABASE_PORT/$DATABASE_NAME\"",
                    ] : [], summary: .text("read the database password, build DATABASE_URL"))
        case .exportSecret(let variable, let file):
            return RenderedStep(
                calls: scripts ? ["export_file \(ShellQuoting.words([variable, file]))"] : [],
                summary: .text("read secrets into the environment"))
        case .waitFor(let target):
            guard let name = waitedFor(target, plan) else { return nil }
            return RenderedStep(calls: scripts ? [wait(for: target, plan)] : [], summary: .waitFor(name))
        case .runOnce(let folder):
            return RenderedStep(
                calls: scripts ? ["run_once \(ShellQuoting.quote(folder))"] : [], summary: .text("install once"))
        }
    }

    /// The service a wait names, when the plan has it (and, for a platform service, knows its
    /// port); nil drops the wait.
    static func waitedFor(_ target: StartupPlan.WaitTarget, _ plan: FinishedPlan) -> String? {
        switch target {
        case .app(let name), .database(let name, _):
            return plan.hasService(name) ? name : nil
        case .platform(let platform):
            return plan.hasService(platform.name) && platform.port != nil ? platform.name : nil
        }
    }

    /// `wait_for_http url`, `wait_for_tcp host port` or `wait_for_name host`, for a service
    /// `waitedFor` found.
    static func wait(for target: StartupPlan.WaitTarget, _ plan: FinishedPlan) -> String {
        switch target {
        case .app(let name):
            let endpoint = plan.endpoint(of: name)
            if let port = endpoint.port, let path = endpoint.readinessPath {
                return "wait_for_http \(ShellQuoting.quote("http://\(name):\(port)\(path)"))"
            }
            if let port = endpoint.port { return "wait_for_tcp \(ShellQuoting.words([name, String(port)]))" }
            return "wait_for_name \(ShellQuoting.quote(name))"
        case .database(let name, let port):
            return "wait_for_tcp \(ShellQuoting.words([name, String(port)]))"
        case .platform(let platform):
            return "wait_for_tcp \(ShellQuoting.words([platform.name, String(platform.port ?? 0)]))"
        }
    }

    static func script(app: String, steps: [String], header: [String]) -> String {
        var lines =
            ["#!/bin/sh"] + header.map { "# \($0)" } + [
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
          elif command -v curl >/dev/null 2>&1; then
            curl -fsS -m 3 -o /dev/null "$1"
          elif command -v python3 >/dev/null 2>&1; then
            python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=3)' "$1"
          else
            return 1
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
