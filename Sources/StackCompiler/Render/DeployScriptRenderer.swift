/// Reads the finished plan (and the edge proxy's secrets): the secrets to make, the volume
/// folders on shared storage, the images to build; writes `deploy.sh`, which makes the stack
/// run: it creates every missing secret (never printing one), prepares `/data` folders, builds
/// and pushes images, logs in to the registry with retries, deploys, and waits until every
/// service has its replicas, or says which did not. Running it again changes only what is
/// missing.
enum DeployScriptRenderer {
    static func render(_ plan: FinishedPlan, edge: RenderedEdge?) -> String {
        let secrets = plan.secrets + (edge?.plan.secrets ?? [])
        var lines: [String] = ["#!/usr/bin/env bash"]
        lines += plan.context.headerLines.map { "# \($0)" }
        lines += [
            "#",
            "# Deploys the stack '\(plan.context.stackName)' from a swarm manager: ./deploy.sh",
            "# Environment: STACKC_CREDENTIALS_DIR (where generated login passwords are kept, mode 700),",
            "# STACKC_DEPLOY_TIMEOUT (seconds to wait for convergence, default 600),",
            "# STACKC_RESOLVE_IMAGE (docker stack deploy --resolve-image: always, changed or never).",
            "set -euo pipefail",
            "cd \"$(dirname \"$0\")\"",
            "",
            "STACK=\(ShellQuoting.quote(plan.context.stackName))",
            "CREDENTIALS_DIR=\"${STACKC_CREDENTIALS_DIR:-$HOME/.config/stackc/$STACK}\"",
            "DEPLOY_TIMEOUT=\"${STACKC_DEPLOY_TIMEOUT:-600}\"",
            "RESOLVE_IMAGE=\"${STACKC_RESOLVE_IMAGE:-always}\"",
            "",
        ]
        lines += Self.library.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines += ["", "need docker \"the Docker CLI\"", "need openssl \"openssl, to make passwords and certificates\""]
        if secrets.contains(where: { if case .htpasswd? = $0.recipe { return true } else { return false } }) {
            lines.append("need htpasswd \"htpasswd (Debian: apache2-utils), to hash login passwords\"")
        }
        lines += ["require_manager", "", "# Secrets: created only when missing."]
        lines += secretLines(secrets)
        let folders = (plan.volumes + (edge?.plan.volumes ?? [])).compactMap(\.volume.sharedFolder)
        if !folders.isEmpty {
            lines += ["", "# Folders on the shared storage for the volumes of replicated apps."]
            lines += folders.map { "ensure_folder \(ShellQuoting.quote($0))" }
        }
        if !plan.deploySteps.isEmpty {
            lines += ["", "# Images built from source, pushed to the stack's registry."]
            for step in plan.deploySteps {
                switch step {
                case .registryLogin(let host, let user, let secret):
                    lines.append("registry_login \(ShellQuoting.words([host, user, secret]))")
                case .buildAndPush(let image, let context):
                    lines.append("build_and_push \(ShellQuoting.words([image, context]))")
                }
            }
        }
        lines += [
            "", "log \"deploying stack $STACK\"",
            "docker stack deploy --prune --with-registry-auth --resolve-image \"$RESOLVE_IMAGE\" -c stack.yml \"$STACK\"",
            "wait_for_convergence",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    static func secretLines(_ secrets: [PlannedSecret]) -> [String] {
        var lines: [String] = []
        var certificates: [String: (certificate: String?, key: String?)] = [:]
        var domains: [String] = []
        for secret in secrets {
            guard let recipe = secret.recipe else { continue }
            switch recipe {
            case .randomPassword:
                lines.append("ensure_random_secret \(ShellQuoting.quote(secret.name))")
            case .loginPassword(let user):
                lines.append("ensure_login_secret \(ShellQuoting.words([secret.name, user]))")
            case .htpasswd(let users):
                lines.append("ensure_htpasswd_secret \(ShellQuoting.words([secret.name] + users))")
            case .provided(let what):
                lines.append("ensure_provided_secret \(ShellQuoting.words([secret.name, what]))")
            case .selfSignedCertificate(let domain, let part):
                if certificates[domain] == nil { domains.append(domain) }
                var pair = certificates[domain] ?? (nil, nil)
                if part == .certificate { pair.certificate = secret.name } else { pair.key = secret.name }
                certificates[domain] = pair
            }
        }
        for domain in domains {
            guard let pair = certificates[domain], let certificate = pair.certificate, let key = pair.key else {
                preconditionFailure("internal error: a certificate for \(domain) without its key")
            }
            lines.append("ensure_certificate \(ShellQuoting.words([certificate, key, domain]))")
        }
        return lines
    }

    /// Functions the generated calls use. Static text: nothing from the manifest is in it.
    static let library = #"""
        log() { printf '%s deploy: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
        die() { log "error: $*"; exit 1; }
        need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is needed: $2"; }

        require_manager() {
          local control
          control=$(docker info --format '{{.Swarm.ControlAvailable}}' 2>/dev/null) || die "cannot reach the Docker engine"
          [ "$control" = "true" ] || die "run this on a swarm manager ('docker swarm init' makes one)"
        }

        secret_exists() { docker secret inspect "$1" >/dev/null 2>&1; }

        # Reads the value from standard input; it never appears in arguments or output.
        create_secret() {
          docker secret create --label "com.docker.stack.namespace=$STACK" --label "com.stackc.generated=true" "$1" - >/dev/null
          log "created secret $1"
        }

        random_password() { openssl rand -hex 32 | tr -d '\n'; }

        ensure_random_secret() {
          secret_exists "$1" && return 0
          random_password | create_secret "$1"
        }

        # A password for a person's account: the secret holds it, and so does a file in
        # CREDENTIALS_DIR (mode 600), so that the operator can log in. Never printed.
        ensure_login_secret() {
          local name=$1 user=$2 password
          secret_exists "$name" && return 0
          (umask 077 && mkdir -p "$CREDENTIALS_DIR")
          password=$(random_password)
          (umask 077 && printf '%s\n' "$password" >"$CREDENTIALS_DIR/$name.$user")
          printf '%s' "$password" | create_secret "$name"
          log "the password of $user is in $CREDENTIALS_DIR/$name.$user"
        }

        # A login password for people is also kept in CREDENTIALS_DIR (mode 600), never printed.
        ensure_htpasswd_secret() {
          local name=$1 user password lines=""
          shift
          secret_exists "$name" && return 0
          (umask 077 && mkdir -p "$CREDENTIALS_DIR")
          for user in "$@"; do
            password=$(random_password)
            (umask 077 && printf '%s\n' "$password" >"$CREDENTIALS_DIR/$name.$user")
            lines+="$(htpasswd -nbB "$user" "$password")"$'\n'
          done
          printf '%s' "$lines" | create_secret "$name"
          log "passwords for $name are in $CREDENTIALS_DIR/$name.<user>"
        }

        ensure_provided_secret() {
          secret_exists "$1" || die "the secret '$1' is missing: $2; create it with 'docker secret create $1 FILE'"
        }

        # One wildcard certificate for the domain and its subdomains, valid for 825 days.
        ensure_certificate() {
          local certificate=$1 key=$2 domain=$3 folder
          if secret_exists "$certificate" && secret_exists "$key"; then return 0; fi
          if secret_exists "$certificate" || secret_exists "$key"; then
            die "only one of '$certificate' and '$key' exists; remove it to make a new pair"
          fi
          folder=$(mktemp -d)
          openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 825 -subj "/CN=*.$domain" \
            -addext "subjectAltName=DNS:*.$domain,DNS:$domain" -keyout "$folder/key.pem" -out "$folder/cert.pem" 2>/dev/null \
            || { rm -rf "$folder"; die "openssl could not make a certificate for $domain"; }
          create_secret "$certificate" <"$folder/cert.pem"
          create_secret "$key" <"$folder/key.pem"
          rm -rf "$folder"
        }

        ensure_folder() {
          [ -d "$(dirname "$1")" ] || mkdir -p "$(dirname "$1")" 2>/dev/null || die "cannot create $1: is the shared storage mounted?"
          mkdir -p "$1"
        }

        registry_login() {
          local host=$1 user=$2 secret=$3 attempt
          [ -f "$CREDENTIALS_DIR/$secret.$user" ] || die "no password for $user in $CREDENTIALS_DIR/$secret.$user"
          for attempt in 1 2 3 4 5 6 7 8 9 10; do
            if docker login --username "$user" --password-stdin "$host" <"$CREDENTIALS_DIR/$secret.$user" >/dev/null 2>&1; then
              log "logged in to $host"
              return 0
            fi
            log "registry $host not ready (attempt $attempt of 10), retrying in $((attempt * 3))s"
            sleep $((attempt * 3))
          done
          die "cannot log in to $host"
        }

        build_and_push() {
          log "building $1 from $2"
          docker build --tag "$1" "$2"
          docker push "$1"
        }

        # Every service of the stack at its desired replicas, or a report of those that are not.
        # `docker service ls` shows replicas as "2/3", "3/3 (max 1 per node)", or for a job (the
        # database init) "0/1 (1/1 completed)": a job is done when all its tasks completed.
        wait_for_convergence() {
          local deadline=$((SECONDS + DEPLOY_TIMEOUT)) pending listing name replicas shown
          while :; do
            pending=""
            # An engine that does not answer is no success: keep waiting.
            if ! listing=$(docker service ls --filter "label=com.docker.stack.namespace=$STACK" --format '{{.Name}} {{.Replicas}}'); then
              pending="(the engine did not list the services) "
            fi
            while read -r name replicas; do
              [ -n "$name" ] || continue
              shown=$replicas
              case "$replicas" in *" completed)") replicas=${replicas##*(} ;; esac
              replicas=${replicas%% *}
              [ "${replicas%%/*}" = "${replicas#*/}" ] || pending+="$name ($shown) "
            done <<<"$listing"
            if [ -z "$pending" ]; then
              log "every service of $STACK has its replicas"
              return 0
            fi
            if [ "$SECONDS" -ge "$deadline" ]; then
              log "not converged after ${DEPLOY_TIMEOUT}s: $pending"
              for name in $pending; do
                case "$name" in "$STACK"_*)
                  docker service ps --no-trunc --filter desired-state=running --format '  {{.Name}} {{.CurrentState}} {{.Error}}' "$name" >&2 || true ;;
                esac
              done
              return 1
            fi
            sleep 5
          done
        }
        """#
}
