/// Reads the finished plan (and the edge proxy's secrets): the secrets to make, the volume
/// folders on shared storage, the images to build; writes `deploy.sh`, which makes the stack
/// run: it creates every missing secret (never printing one), prepares `/data` folders, builds
/// and pushes images, logs in to the registry with retries, deploys, and waits until every
/// service has its replicas, or says which did not. Running it again changes only what is
/// missing.
enum DeployScriptRenderer {
    static let name = "DeployScriptRenderer"

    static func render(_ plan: FinishedPlan, edge: RenderedEdge?) -> String {
        render(plan, edge: edge, origins: false).text
    }

    /// The script, and with `origins` the origin of each line: a secret's calls the secret's
    /// (the pass that declared it), a volume's folder the volume's, the rest this renderer's.
    static func render(
        _ plan: FinishedPlan, edge: RenderedEdge?, origins: Bool
    ) -> (text: String, origins: LineOrigins?) {
        let layers = [plan] + (edge.map { [$0.plan] } ?? [])
        let secrets = layers.flatMap(\.secrets)
        let services = layers.flatMap(\.services)
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
            "# Where every node mounts the shared storage: the volumes in stack.yml are folders there.",
            "SHARED_STORAGE=/data",
            "",
        ]
        lines += Self.library.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines += ["", "need docker \"the Docker CLI\"", "need openssl \"openssl, to make passwords and certificates\""]
        if secrets.contains(where: { if case .htpasswd? = $0.recipe { return true } else { return false } }) {
            lines.append("need htpasswd \"htpasswd (Debian: apache2-utils), to hash login passwords\"")
        }
        if plan.buildsImages {
            lines += [
                "need tar \"GNU tar, to hash build contexts\"", "need sha256sum \"sha256sum, to hash build contexts\"",
            ]
        }
        lines.append("require_manager")
        let folders = layers.flatMap(\.volumes).compactMap(\.volume.sharedFolder)
        var preflight = preflightLines(plan, secrets: secrets, services: services)
        if !folders.isEmpty { preflight.append("require_shared_storage") }
        if !preflight.isEmpty {
            lines += ["", "# What the operator provides, checked before anything changes."]
            lines += preflight
        }
        lines += ["", "# Secrets: created only when missing."]
        var marked: [Int: OutputOrigin] = [:]
        let secretOrigins = Dictionary(
            layers.flatMap(\.origins.secrets), uniquingKeysWith: { first, _ in first })
        for (line, keys) in secretCalls(secrets, stack: plan.context.stackName) {
            if origins, let origin = keys.compactMap({ secretOrigins[$0] }).first { marked[lines.count] = origin }
            lines.append(line)
        }
        if !folders.isEmpty {
            lines += ["", "# Folders on the shared storage for the volumes of apps."]
            let volumeOrigins = Dictionary(
                layers.flatMap(\.origins.volumes), uniquingKeysWith: { first, _ in first })
            for (name, volume) in layers.flatMap(\.volumes) {
                guard let folder = volume.sharedFolder else { continue }
                if origins, let origin = volumeOrigins[name] { marked[lines.count] = origin }
                lines.append("ensure_folder \(ShellQuoting.quote(folder))")
            }
        }
        if let backups = plan.backups, case .folder(let folder) = backups.target {
            lines += [
                "",
                "# The folder of the backups' repositories on this node; a job runs on the node of what it",
                "# copies, which needs the folder too (nodes/setup-node.sh makes it on every node).",
                "(umask 077 && mkdir -p \(ShellQuoting.quote(folder)))",
            ]
        }
        let pins = pinLines(services, stackName: plan.context.stackName)
        if !pins.isEmpty {
            lines += ["", "# State on a node's disk: each group stays on the one node labelled for it."]
            lines += pins
        }
        if !plan.deploySteps.isEmpty {
            lines += [
                "",
                "# Images built from source: the proxy and the registry first, then each image, tagged with",
                "# a hash of its build context and pushed; the stack is deployed with exactly those tags.",
            ]
            for step in plan.deploySteps {
                switch step {
                case .deployFirst:
                    lines.append("deploy_first \(ShellQuoting.words(plan.deployedFirst(edge: edge?.plan)))")
                case .registryLogin(let host, let user, let key):
                    guard let secret = secrets.first(where: { $0.key == key }) else { continue }
                    lines.append(
                        "registry_login \(ShellQuoting.words([host, user, secret.keptPasswords(stack: plan.context.stackName)]))"
                    )
                case .buildAndPush(let repository, let variable, let context):
                    lines.append("build_and_push \(ShellQuoting.words([variable, repository, context]))")
                }
            }
        }
        lines += [
            "", "log \"deploying stack $STACK\"",
            "docker stack deploy --prune --with-registry-auth --resolve-image \"$RESOLVE_IMAGE\" -c stack.yml \"$STACK\"",
            "wait_for_convergence",
        ]
        // Versioned secrets (by their users, or a certificate's names): once the stack runs on
        // the current versions, the earlier ones deploy.sh made go.
        let versioned = secrets.filter {
            $0.name != $0.keptPasswords(stack: plan.context.stackName) && $0.recipe != nil
        }
        if !versioned.isEmpty {
            lines += ["", "# Earlier versions of the secrets named after their users or hosts, no longer used."]
            for secret in versioned {
                if origins, let origin = secretOrigins[secret.key] { marked[lines.count] = origin }
                lines.append(
                    "remove_superseded \(ShellQuoting.words([secret.name, secret.keptPasswords(stack: plan.context.stackName)]))"
                )
            }
        }
        let text = lines.joined(separator: "\n") + "\n"
        guard origins else { return (text, nil) }
        var map = LineOrigins()
        let structure = OutputOrigin.structure(name)
        for index in lines.indices { map.append(marked[index] ?? structure) }
        return (text, map)
    }

    /// Checks of what the operator provides: the manifest's own secrets, nodes with the labels
    /// and names placements ask for, and the registry password for image builds. They run
    /// before `deploy.sh` changes anything, and each says what to do.
    static func preflightLines(
        _ plan: FinishedPlan, secrets: [PlannedSecret], services: [(name: String, service: PlannedService)]
    ) -> [String] {
        var lines: [String] = []
        for secret in secrets where secret.recipe == nil {
            let users = services.filter { $0.service.secrets.contains { $0.source == secret.key } }.map(\.name)
            lines.append("require_secret \(ShellQuoting.words([secret.name, users.joined(separator: ", ")]))")
        }
        // Secrets stackc names but the operator makes (a provided certificate, a relay's password).
        var provided = Set<String>()
        for secret in secrets {
            if case .provided(let what)? = secret.recipe, provided.insert(secret.name).inserted {
                lines.append("ensure_provided_secret \(ShellQuoting.words([secret.name, what]))")
            }
        }
        // Named nodes first (a node may be found by its host name and labelled), then every
        // placement with labels or a named node: one node must meet all of it at once.
        var nodes: [String] = []
        var placements: [[String]] = []
        for (_, service) in services {
            if let node = service.placement.node, !nodes.contains(node) { nodes.append(node) }
            guard !service.placement.labels.isEmpty || service.placement.node != nil else { continue }
            var unpinned = service.placement
            unpinned.pin = nil
            let constraints = StackFileRenderer.constraints(unpinned, stackName: plan.context.stackName)
            if !placements.contains(constraints) { placements.append(constraints) }
        }
        lines += nodes.map { "ensure_named_node \(ShellQuoting.words([PlatformNames.nodeNameLabel, $0]))" }
        lines += placements.map { "require_placement \(ShellQuoting.words($0))" }
        for step in plan.deploySteps {
            switch step {
            case .registryLogin(let host, let user, let key):
                guard let secret = secrets.first(where: { $0.key == key }) else { continue }
                let kept = secret.keptPasswords(stack: plan.context.stackName)
                lines.append("require_registry_password \(ShellQuoting.words([host, user, secret.name, kept]))")
            case .buildAndPush(_, _, let context):
                lines.append("require_build_context \(ShellQuoting.quote(context))")
            case .deployFirst:
                break
            }
        }
        return lines
    }

    /// One `ensure_pin` per pin group, with the constraints its node must meet besides the pin.
    static func pinLines(_ services: [(name: String, service: PlannedService)], stackName: String) -> [String] {
        var seen = Set<String>()
        var lines: [String] = []
        for (_, service) in services {
            guard let pin = service.placement.pin, seen.insert(pin).inserted else { continue }
            var unpinned = service.placement
            unpinned.pin = nil
            let label = PlatformNames.pinLabel(stack: stackName, group: pin)
            let constraints = StackFileRenderer.constraints(unpinned, stackName: stackName)
            lines.append("ensure_pin \(ShellQuoting.words([label] + constraints))")
        }
        return lines
    }

    /// The calls that make the secrets, each with the keys of the secrets it makes.
    static func secretCalls(_ secrets: [PlannedSecret], stack: String) -> [(line: String, keys: [String])] {
        var lines: [(line: String, keys: [String])] = []
        var certificates: [String: (certificate: String?, key: String?, names: [String])] = [:]
        var domains: [String] = []
        var certificateKeys: [String: [String]] = [:]
        for secret in secrets {
            guard let recipe = secret.recipe else { continue }
            switch recipe {
            case .randomPassword:
                lines.append(("ensure_random_secret \(ShellQuoting.quote(secret.name))", [secret.key]))
            case .cookieKey:
                lines.append(("ensure_cookie_key_secret \(ShellQuoting.quote(secret.name))", [secret.key]))
            case .loginPassword(let user):
                lines.append(("ensure_login_secret \(ShellQuoting.words([secret.name, user]))", [secret.key]))
            case .htpasswd(let users):
                lines.append(
                    (
                        "ensure_htpasswd_secret \(ShellQuoting.words([secret.name, secret.keptPasswords(stack: stack)] + users))",
                        [secret.key]
                    ))
            case .provided:
                break  // checked with what the operator provides, before anything changes
            case .selfSignedCertificate(let domain, let names, let part):
                if certificates[domain] == nil { domains.append(domain) }
                var pair = certificates[domain] ?? (nil, nil, names)
                if part == .certificate { pair.certificate = secret.name } else { pair.key = secret.name }
                certificateKeys[domain, default: []].append(secret.key)
                certificates[domain] = pair
            }
        }
        for domain in domains {
            guard let pair = certificates[domain], let certificate = pair.certificate, let key = pair.key else {
                preconditionFailure("internal error: a certificate for \(domain) without its key")
            }
            lines.append(
                (
                    "ensure_certificate \(ShellQuoting.words([certificate, key, domain] + pair.names))",
                    certificateKeys[domain] ?? []
                ))
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

        # A cookie key: 32 hex digits (oauth2-proxy reads them as base64, a 24-byte AES key).
        ensure_cookie_key_secret() {
          secret_exists "$1" && return 0
          openssl rand -hex 16 | tr -d '\n' | create_secret "$1"
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

        # htpasswd lines for the users after $2, each with the password kept in
        # CREDENTIALS_DIR/$2.<user> (mode 600), or a new one kept there: the secret of a changed
        # list of users (a new name) keeps the passwords of those already there. Never printed.
        ensure_htpasswd_secret() {
          local name=$1 kept=$2 user password lines=""
          shift 2
          secret_exists "$name" && return 0
          (umask 077 && mkdir -p "$CREDENTIALS_DIR")
          for user in "$@"; do
            if [ -s "$CREDENTIALS_DIR/$kept.$user" ]; then
              password=$(head -n 1 "$CREDENTIALS_DIR/$kept.$user")
            else
              password=$(random_password)
              (umask 077 && printf '%s\n' "$password" >"$CREDENTIALS_DIR/$kept.$user")
            fi
            lines+="$(printf '%s' "$password" | htpasswd -niB "$user")"$'\n'
          done
          printf '%s' "$lines" | create_secret "$name"
          log "passwords for $name are in $CREDENTIALS_DIR/$kept.<user>"
        }

        ensure_provided_secret() {
          secret_exists "$1" || die "the secret '$1' is missing: $2; create it with 'docker secret create $1 FILE'"
        }

        # One wildcard certificate for the domain and its subdomains, and for the hosts after $3
        # (which the wildcard does not cover), valid for 825 days.
        ensure_certificate() {
          local certificate=$1 key=$2 domain=$3 folder names name
          names="DNS:*.$domain,DNS:$domain"
          for name in "${@:4}"; do names+=",DNS:$name"; done
          if secret_exists "$certificate" && secret_exists "$key"; then return 0; fi
          if secret_exists "$certificate" || secret_exists "$key"; then
            die "only one of '$certificate' and '$key' exists; remove it to make a new pair"
          fi
          folder=$(mktemp -d)
          openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 825 -subj "/CN=*.$domain" \
            -addext "subjectAltName=$names" -keyout "$folder/key.pem" -out "$folder/cert.pem" 2>/dev/null \
            || { rm -rf "$folder"; die "openssl could not make a certificate for $domain"; }
          create_secret "$certificate" <"$folder/cert.pem"
          create_secret "$key" <"$folder/key.pem"
          rm -rf "$folder"
        }

        # A folder on the shared storage, which must be mounted: as root, mkdir would otherwise
        # make it on this node's own disk, where no other node sees it.
        require_shared_storage() {
          mountpoint -q "$SHARED_STORAGE" || die "the shared storage is not mounted at $SHARED_STORAGE on this node: mount it (cluster.shared_storage) on every node, then run deploy.sh again"
        }

        ensure_folder() {
          mkdir -p "$1" || die "cannot create $1 on the shared storage"
        }

        # MARK: What the operator provides

        require_secret() {
          secret_exists "$1" || die "the secret '$1' (used by $2) does not exist: create it with 'printf %s VALUE | docker secret create $1 -', then run deploy.sh again"
        }

        \#(SwarmNodeShell.nodeLabels)

        # The nodes that are ready and active, one "hostname id" a line, by host name.
        usable_nodes() {
          docker node ls --format '{{.Hostname}} {{.ID}} {{.Status}} {{.Availability}}' | awk '$3 == "Ready" && $4 == "Active" { print $1, $2 }' | sort
        }

        \#(SwarmNodeShell.labelExists)

        # Some ready, active node meets every constraint of one placement at once (its role,
        # labels and named node).
        require_placement() {
          local host node
          while read -r host node; do
            node_meets "$node" "$@" && return 0
          done < <(usable_nodes)
          die "no ready, active node meets all of: $* (a placement of this stack): label one with 'docker node update --label-add KEY=VALUE NODE', then run deploy.sh again"
        }

        # A node of the cluster model: the node labelled $1=$2, else the node whose host name is
        # $2 (labelled now), else a stop that says how to label one.
        ensure_named_node() {
          local host node
          label_exists "$1=$2" && return 0
          while read -r host node; do
            [ "$host" = "$2" ] || continue
            docker node update --label-add "$1=$2" "$node" >/dev/null
            log "node $host is '$2' of the cluster model (label $1=$2)"
            return 0
          done < <(usable_nodes)
          die "no node is '$2' of the cluster model: label the node that is with 'docker node update --label-add $1=$2 NODE', then run deploy.sh again"
        }

        # The registry's htpasswd secret $3 exists, but not the password deploy.sh kept for $2 when
        # it made it ($4.$2).
        require_registry_password() {
          if secret_exists "$3" && [ ! -f "$CREDENTIALS_DIR/$4.$2" ]; then
            die "images are pushed to $1 as '$2', but its password is not in $CREDENTIALS_DIR/$4.$2: copy that file from where deploy.sh first ran (or set STACKC_CREDENTIALS_DIR)"
          fi
        }

        # A folder with a Dockerfile, for an image deploy.sh builds.
        require_build_context() {
          [ -f "$1/Dockerfile" ] || die "the build context $1 has no Dockerfile (is 'build:' in the manifest right, and is the folder there on this machine?)"
        }

        # MARK: Pins

        # Whether node $1 meets every constraint given ("node.role == manager",
        # "node.labels.KEY == VALUE").
        node_meets() {
          local node=$1 role labels constraint pair
          shift
          role=$(docker node inspect --format '{{.Spec.Role}}' "$node")
          labels=$(node_labels "$node")
          for constraint in "$@"; do
            case $constraint in
              "node.role == "*) [ "$role" = "${constraint#node.role == }" ] || return 1 ;;
              "node.labels."*)
                pair=${constraint#node.labels.}
                grep -qxF "${pair%% == *}=${pair#* == }" <<<"$labels" || return 1
                ;;
            esac
          done
        }

        # Pins a group of services to one node: the node that carries the label $1 keeps it;
        # else the first node, by host name, that is ready, active and meets the constraints
        # after $1 gets it. Their volumes live on that node from the first deploy on.
        ensure_pin() {
          local label=$1 host node
          shift
          label_exists "$label=true" && return 0
          while read -r host node; do
            node_meets "$node" "$@" || continue
            docker node update --label-add "$label=true" "$node" >/dev/null
            log "pinned $label to node $host: the state it keeps stays there"
            return 0
          done < <(usable_nodes)
          die "no ready, active node meets $* for $label"
        }

        # Deploys the platform part (stack.platform.yml: the proxy, the registry) and waits until
        # the services named run.
        deploy_first() {
          log "deploying the platform part of $STACK first: $*"
          docker stack deploy --with-registry-auth --resolve-image "$RESOLVE_IMAGE" -c stack.platform.yml "$STACK"
          wait_for_convergence "$@" || die "the platform part did not come up; images cannot be pushed"
        }

        # Logs in until the registry answers (it may still be starting, or the proxy may not route
        # to it yet).
        registry_login() {
          local host=$1 user=$2 secret=$3 attempt answer
          [ -f "$CREDENTIALS_DIR/$secret.$user" ] || die "no password for $user in $CREDENTIALS_DIR/$secret.$user"
          for attempt in 1 2 3 4 5 6 7 8 9 10; do
            if answer=$(docker login --username "$user" --password-stdin "$host" <"$CREDENTIALS_DIR/$secret.$user" 2>&1); then
              log "logged in to $host as $user"
              return 0
            fi
            log "registry $host does not let $user in yet (attempt $attempt of 10: ${answer##*$'\n'}); retrying in $((attempt * 3))s"
            sleep $((attempt * 3))
          done
          die "cannot log in to the registry $host as $user: is it running ('docker service ps ${STACK}_registry'), does $host lead to the proxy, and does this engine trust its certificate?"
        }

        # The content tag of a build context: a hash of every file's name, bytes and executable bit
        # in it (group and other bits follow the owner's, without write: a checkout's umask
        # changes nothing).
        context_tag() {
          printf 'src-%s' "$(tar -C "$1" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --mode=go=u,go-w -cf - . | sha256sum | cut -c1-16)"
        }

        # Builds the image of context $3 as $2:<content tag> unless this engine has it or the
        # registry does (a deploy from another machine, or after a prune, takes that image),
        # pushes it, and sets the variable $1, which stack.yml reads, to the tag: an unchanged
        # context deploys the same image, and its service is not restarted.
        build_and_push() {
          local variable=$1 repository=$2 context=$3 tag
          [ -d "$context" ] || die "the build context $context does not exist"
          tag=$(context_tag "$context")
          if docker image inspect "$repository:$tag" >/dev/null 2>&1; then
            log "$repository:$tag is built already: its context has not changed"
          elif docker pull --quiet "$repository:$tag" >/dev/null 2>&1; then
            log "$repository:$tag is in the registry already: its context has not changed"
          else
            log "building $repository:$tag from $context"
            docker build --tag "$repository:$tag" "$context" >&2
          fi
          docker push "$repository:$tag" >&2
          log "pushed $repository:$tag"
          export "$variable=$tag"
        }

        # Removes the secrets deploy.sh made as earlier versions of $1 ($2, or $2-<8 hex digits>),
        # once the stack runs on $1; one still in use stays (Swarm refuses to remove it).
        remove_superseded() {
          local name
          for name in $(docker secret ls --filter "label=com.docker.stack.namespace=$STACK" --filter "label=com.stackc.generated=true" --format '{{.Name}}'); do
            [ "$name" != "$1" ] || continue
            [[ $name == "$2" || $name == "$2"-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f] ]] || continue
            if docker secret rm "$name" >/dev/null 2>&1; then log "removed the secret $name, superseded by $1"; fi
          done
        }

        # Every service of the stack at its desired replicas, or a report of those that are not.
        # `docker service ls` shows replicas as "2/3", "3/3 (max 1 per node)", or for a job (the
        # database init) "0/1 (1/1 completed)": a job is done when all its tasks completed.
        # With names, only those services of the stack count.
        wait_for_convergence() {
          local deadline=$((SECONDS + DEPLOY_TIMEOUT)) pending listing name replicas shown wanted=""
          [ "$#" -eq 0 ] || wanted=" $* "
          while :; do
            pending=""
            # An engine that does not answer is no success: keep waiting.
            if ! listing=$(docker service ls --filter "label=com.docker.stack.namespace=$STACK" --format '{{.Name}} {{.Replicas}}'); then
              pending="(the engine did not list the services) "
            fi
            while read -r name replicas; do
              [ -n "$name" ] || continue
              [ -z "$wanted" ] || [[ $wanted == *" ${name#"$STACK"_} "* ]] || continue
              shown=$replicas
              case "$replicas" in *" completed)") replicas=${replicas##*(} ;; esac
              replicas=${replicas%% *}
              [ "${replicas%%/*}" = "${replicas#*/}" ] || pending+="$name ($shown) "
            done <<<"$listing"
            if [ -z "$pending" ]; then
              if [ -n "$wanted" ]; then log "each of${wanted% } has its replicas"; else log "every service of $STACK has its replicas"; fi
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
