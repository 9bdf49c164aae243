#!/usr/bin/env bash
# Multi-node acceptance on a real Swarm: one engine per node of the manifest's cluster model,
# each in its own network, UTS (its host name is the model's node name) and mount namespace,
# joined through a bridge at the model's addresses; every engine started with the GENERATED
# nodes/daemon.json (or its own nodes/daemon/<node>.json), the swarm formed by running the
# GENERATED nodes/form-swarm.sh on each node,
# then the stack deployed by its own deploy.sh. It reports, line by line:
#   engine NODE: ...      the engine, its registry mirrors (docker info) and its metrics
#                         address answering /metrics from another node
#   form-swarm: ...       each join (managers first) and the label run on manager-1
#   node NODE: ...        each node of the swarm formed: role, availability, ID, labels
#   rerun: ...            form-swarm.sh again on every formed node: nothing may change
#   labels: ...           the node labels before deploy.sh and whether deploy.sh changed them
#   service ...           convergence (swarm_stack.py converge)
#   placement ...; pin .. where the tasks run, against the deployed stack file's placement
#   drain: ...            the node of --drain SERVICE drained: SERVICE must stay pending
#   result: ...           converged, or FAILED with the reason
#
# Usage: swarm-nodes.sh [--timeout SECONDS] [--observe SECONDS] --drain SERVICE MANIFEST FOLDER
#   MANIFEST   the manifest FOLDER was built from (its `cluster` gives the nodes and addresses)
#   FOLDER     its output folder (stack.yml, deploy.sh, nodes/form-swarm.sh, and nodes/daemon.json
#              or nodes/daemon/<node>.json)
#   --timeout  seconds the stack has to converge (default 300)
#   --observe  seconds the drained service is watched (default 30)
# Exit status: 0 when every check passed, 1 when one did not, 2 when the harness could not run.
#
# Needs root. It reuses swarm-harness.sh (sourced: preflight, images, signals, cleanup) and its
# adaptation of the deployed copy (no IPVS: dnsrr and host-mode ports; no IPsec: overlays not
# encrypted); placement is kept as written. The bridge, the veth pairs and the addresses live
# only in namespaces the run made (the bridge in the namespaces of the run's first process,
# whose PID namespace holds every engine); everything ends with them, and the temporary folder
# is removed, also when the run is interrupted (INT, TERM, HUP).
#
# Environment: STACKC_SWARM_DOCKER, PYTHON as for swarm-harness.sh; STACKC_SWARM_TMPFS_SIZE (the
# engines' shared in-memory folder, default 12g).
set -euo pipefail

nodes_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
nodes_self="$nodes_here/$(basename "${BASH_SOURCE[0]}")"
readonly nodes_here nodes_self
# shellcheck source=swarm-harness.sh
source "$nodes_here/swarm-harness.sh"

bridge=stackc0 # the bridge of the nodes, in the namespaces of the run's first process

fail_setup() {
  printf 'swarm-nodes: %s\n' "$*" >&2
  exit 2
}

# shellcheck disable=SC2317 # reached through the traps
on_signal() {
  say "swarm-nodes: interrupted ($1): stopping the engines and removing everything"
  exit 130
}

# MARK: - Outside

nodes_outside() {
  local timeout=300 observe=30 drained="" manifest="" folder=""
  rerun_with_signals_reset "$nodes_self" "$@"
  while (($# > 0)); do
    case "$1" in
      --timeout) timeout=$2; shift 2 ;;
      --observe) observe=$2; shift 2 ;;
      --drain) drained=$2; shift 2 ;;
      -h | --help) sed -n '2,/^set -euo/p' "$nodes_self" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
      *)
        if [[ -z $manifest ]]; then manifest=$(realpath -m "$1"); else folder=$(realpath -m "$1"); fi
        shift ;;
    esac
  done
  [[ -f $manifest ]] || fail_setup "no manifest given (see --help)"
  [[ -f $folder/stack.yml && -f $folder/deploy.sh ]] || fail_setup "${folder:-(none)} is not an output folder of stackc (no stack.yml and deploy.sh)"
  [[ (-f $folder/nodes/daemon.json || -d $folder/nodes/daemon) && -f $folder/nodes/form-swarm.sh ]] || fail_setup "$folder has no nodes/daemon.json (or nodes/daemon/) and nodes/form-swarm.sh: does the manifest have a 'cluster' with 'provision'?"
  [[ -n $drained ]] || fail_setup "no --drain SERVICE given (see --help)"
  preflight
  local tool
  for tool in nsenter hostname; do
    command -v "$tool" >/dev/null 2>&1 || fail_setup "'$tool' is missing: run scripts/setup.sh (make test does)"
  done
  trap on_exit EXIT
  trap 'on_signal INT' INT
  trap 'on_signal TERM' TERM
  trap 'on_signal HUP' HUP
  temporary=$(mktemp -d "${TMPDIR:-/tmp}/stackc-nodes.XXXXXX")
  cgroup_parent="stackc-nodes-${temporary##*.}"
  say "nodes: temporary folder $temporary"
  if [[ ! -d /etc/docker ]]; then mkdir /etc/docker && made_etc_docker=1; fi
  "$python" "$nodes_here/swarm_nodes.py" model "$manifest" >"$temporary/model" || fail_setup "cannot read the cluster of $manifest"
  local name
  while read -r name _; do
    [[ -f $(daemon_config "$folder" "$name") ]] || fail_setup "$folder has neither nodes/daemon/$name.json nor nodes/daemon.json"
  done <"$temporary/model"
  start_namespaces "$nodes_self" --cluster "$temporary" "$cgroup_parent" "$docker_cli" "$folder" "$timeout" "$observe" "$drained"
  local status=0
  wait "$unshare_pid" || status=$?
  unshare_pid=""
  remove_cgroups
  return "$status"
}

# MARK: - A node: its namespaces, its engine

node_engine_pid=""

# shellcheck disable=SC2317 # reached through the trap
node_teardown() {
  local status=$? waited=0
  trap - EXIT TERM INT HUP
  if [[ -n $node_engine_pid ]] && kill -0 "$node_engine_pid" 2>/dev/null; then
    kill -TERM "$node_engine_pid" 2>/dev/null || true
    while kill -0 "$node_engine_pid" 2>/dev/null && ((waited < 45)); do
      sleep 1
      waited=$((waited + 1))
    done
  fi
  exit "$status"
}

# Runs as the first process of the node's network, UTS and mount namespaces: waits for the
# veth the cluster moves in, takes the model's address, starts the engine with the generated
# daemon.json and stays until TERM.
node_inside() {
  local name=$1 address=$2 prefix=$3 dir=$4 config=$5 waited=0
  cgroup_parent=$6 docker_cli=$7
  trap node_teardown EXIT
  trap 'exit 143' TERM
  trap 'exit 130' INT
  trap 'exit 129' HUP
  hostname "$name"
  until ip link show eth0 >/dev/null 2>&1; do
    ((waited < 300)) || { say "engine $name: no eth0 after 30s"; return 2; }
    sleep 0.1
    waited=$((waited + 1))
  done
  ip link set lo up
  ip addr add "$address/$prefix" dev eth0
  ip link set eth0 up
  # Private to this node: /run (the engine's sockets, plugins, the docker.sock the stack
  # bind-mounts), /etc/docker (key.json, certs.d the stack writes) and /etc/hosts.
  mount -n -t tmpfs -o mode=755 stackc-nodes-run /run
  mount -n -t tmpfs -o mode=755 stackc-nodes-etc /etc/docker
  cp /etc/hosts "$dir/hosts"
  printf '%s %s\n' "$address" "$name" >>"$dir/hosts"
  mount -n --bind "$dir/hosts" /etc/hosts
  mkdir -p "$dir/data" "$dir/exec"
  DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 dockerd --config-file "$config" \
    --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
    --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
    -H "unix://$dir/docker.sock" --containerd-namespace stackc-nodes --containerd-plugins-namespace stackc-nodes-plugins \
    --cgroup-parent "/$cgroup_parent/$name" --shutdown-timeout 10 >"$dir/dockerd.log" 2>&1 &
  node_engine_pid=$!
  waited=0
  until DOCKER_HOST="unix://$dir/docker.sock" "$docker_cli" info >/dev/null 2>&1; do
    if ! kill -0 "$node_engine_pid" 2>/dev/null || ((waited >= 240)); then
      say "engine $name: dockerd did not start; its log ends with:"
      tail -n 30 "$dir/dockerd.log" | sed 's/^/    | /'
      return 2
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  touch /run/docker.sock
  mount -n --bind "$dir/docker.sock" /run/docker.sock
  touch "$dir/ready"
  while kill -0 "$node_engine_pid" 2>/dev/null; do
    wait "$node_engine_pid" || true
  done
  say "engine $name: dockerd ended; its log ends with:"
  tail -n 20 "$dir/dockerd.log" | sed 's/^/    | /'
  return 1
}

# MARK: - The cluster: the bridge, the nodes, the checks

declare -A node_pid=()   # node name → the first process of its namespaces
declare -a node_names=() # in the model's order: managers first
nodes_dir=""             # every node's folder, on one in-memory file system all of them see

# shellcheck disable=SC2317 # reached through the trap
cluster_teardown() {
  local status=$? name waited=0
  trap - EXIT TERM INT HUP
  say "engines: stopping every node's dockerd and its containers"
  for name in "${!node_pid[@]}"; do
    kill -TERM "${node_pid[$name]}" 2>/dev/null || true
  done
  for name in "${!node_pid[@]}"; do
    while kill -0 "${node_pid[$name]}" 2>/dev/null && ((waited < 60)); do
      sleep 1
      waited=$((waited + 1))
    done
  done
  # Every other process of this PID namespace; what is mounted here ends with it.
  kill -KILL -1 2>/dev/null || true
  sleep 1
  umount -l "$nodes_dir" 2>/dev/null || true
  remove_cgroups quietly
  exit "$status"
}

# Runs a command in node $1's namespaces (network, UTS, mount), as a provisioner would on it.
on_node() {
  local name=$1
  shift
  nsenter --target "${node_pid[$name]}" --net --uts --mount -- "$@"
}

# Starts node $1 (role $2, address $3/$4) in its own namespaces, linked to the bridge.
start_node() {
  local name=$1 address=$3 prefix=$4 config pid waited=0
  config=$(daemon_config "$folder" "$name")
  mkdir -p "$nodes_dir/$name"
  unshare --net --uts --mount bash "$nodes_self" --node "$name" "$address" "$prefix" "$nodes_dir/$name" "$config" \
    "$cgroup_parent" "$docker_cli" &
  pid=$!
  node_pid[$name]=$pid
  until [[ $(readlink "/proc/$pid/ns/net" 2>/dev/null) != "$(readlink /proc/self/ns/net)" ]]; do
    if ! kill -0 "$pid" 2>/dev/null || ((waited >= 100)); then
      say "engine $name: its namespaces were not made"
      return 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  ip link add "to-$name" type veth peer name eth0 netns "$pid"
  ip link set "to-$name" master "$bridge" up
}

socket_of() { printf '%s\n' "$nodes_dir/$1/docker.sock"; }

# The generated daemon settings of node $2 in output folder $1: its own file when the nodes'
# differ, else the one of every node.
daemon_config() {
  if [[ -d $1/nodes/daemon ]]; then
    printf '%s\n' "$1/nodes/daemon/$2.json"
  else
    printf '%s\n' "$1/nodes/daemon.json"
  fi
}

# NODE=SOCKET for every node, manager-1 first.
node_sockets() {
  local name
  for name in "${node_names[@]}"; do printf '%s=%s\n' "$name" "$(socket_of "$name")"; done
}

nodes_docker() {
  local name=$1
  shift
  DOCKER_HOST="unix://$(socket_of "$name")" "$docker_cli" "$@"
}

# What each engine says of its generated daemon settings: its registry mirrors, its metrics
# address (asked at the node's address from the next node, over the bridge), its storage
# driver and host name.
check_engines() {
  local name index=0 other address mirrors metrics failed=0
  for name in "${node_names[@]}"; do
    address=$(awk -v n="$name" '$1 == n {print $3}' "$temporary/model")
    other=${node_names[$(((index + 1) % ${#node_names[@]}))]}
    index=$((index + 1))
    mirrors=$(nodes_docker "$name" info --format '{{json .RegistryConfig.Mirrors}}')
    say "engine $name: host name $(nodes_docker "$name" info --format '{{.Name}}'), $(on_node "$name" ip -o -4 addr show dev eth0 | awk '{print $4}') on eth0 (bridge $bridge), storage $(nodes_docker "$name" info --format '{{.Driver}}'), config file $(daemon_config "$folder" "$name")"
    say "engine $name: docker info: registry mirrors $mirrors"
    if metrics=$(on_node "$other" curl -fsS --max-time 10 "http://$address:9323/metrics" 2>&1); then
      say "engine $name: metrics http://$address:9323/metrics answered $other: $(grep -c '^engine_' <<<"$metrics") engine_* samples; engine_daemon_engine_info: $(grep -m1 '^engine_daemon_engine_info' <<<"$metrics" | grep -o '[{,]\(graphdriver\|version\)="[^"]*"' | cut -c2- | paste -sd ' ')"
    else
      say "engine $name: metrics http://$address:9323/metrics did NOT answer $other: ${metrics##*$'\n'}"
      failed=1
    fi
  done
  return "$failed"
}

# Runs the generated form-swarm.sh on node $1 with arguments after it, as root, with `docker`
# on PATH talking to that node's engine through its own /var/run/docker.sock.
form_swarm() {
  local name=$1 status=0
  shift
  on_node "$name" env -u DOCKER_HOST PATH="$shim:$PATH" STACKC_SWARM_CHANNEL="$temporary/channel" STACKC_SWARM_WAIT=120 \
    timeout 300 bash "$folder/nodes/form-swarm.sh" "$@" >"$temporary/form-swarm.log" 2>&1 || status=$?
  say "form-swarm: on $name, form-swarm.sh $*: exit $status"
  sed 's/^/    | /' "$temporary/form-swarm.log"
  return "$status"
}

# The swarm as the engines see it, into file $1.
swarm_state() {
  # shellcheck disable=SC2046 # one NODE=SOCKET a word
  "$python" "$nodes_here/swarm_nodes.py" state "$1" $(node_sockets)
}

# Saves the images the plan names from manager-1's engine and loads them into every other.
share_images() {
  local plan=$1 name
  local -a images=()
  mapfile -t images < <("$python" -c 'import json, sys; print("\n".join(json.load(open(sys.argv[1]))["images"]))' "$plan")
  ((${#images[@]} > 0)) || return 0
  nodes_docker manager-1 save -o "$temporary/images.tar" "${images[@]}"
  for name in "${node_names[@]:1}"; do
    nodes_docker "$name" load -q -i "$temporary/images.tar" >/dev/null &
  done
  wait
  rm -f "$temporary/images.tar"
  for name in "${node_names[@]:1}"; do
    nodes_docker "$name" image inspect "${images[@]}" >/dev/null || { say "images: not loaded into $name"; return 1; }
  done
  say "images: the same ${#images[@]} images loaded into every other engine"
}

# Runs as the first process of the run's namespaces (PID 1 of the PID namespace every engine
# is in): the bridge, the nodes; then the checks, in the background so that a signal is
# handled at once.
cluster_inside() {
  temporary=$1 cgroup_parent=$2 docker_cli=$3 folder=$4
  local name role address prefix waited started status=0
  trap cluster_teardown EXIT
  trap 'exit 143' TERM
  trap 'exit 130' INT
  trap 'exit 129' HUP
  nodes_dir="$temporary/nodes"
  mkdir -p "$nodes_dir" "$temporary/channel" "$temporary/credentials"
  chmod 700 "$temporary/channel" "$temporary/credentials"
  mount -n -t tmpfs -o "size=${STACKC_SWARM_TMPFS_SIZE:-12g},mode=700" stackc-nodes "$nodes_dir"
  ip link set lo up
  ip link add "$bridge" type bridge
  ip link set "$bridge" up
  started=$SECONDS
  while read -r name role address prefix; do
    node_names+=("$name")
    start_node "$name" "$role" "$address" "$prefix"
  done <"$temporary/model"
  waited=0
  for name in "${node_names[@]}"; do
    until [[ -f $nodes_dir/$name/ready ]]; do
      if ! kill -0 "${node_pid[$name]}" 2>/dev/null || ((waited >= 300)); then
        say "result: FAILED: the engine of $name did not start"
        return 2
      fi
      sleep 0.5
      waited=$((waited + 1))
    done
  done
  say "engines: ${#node_names[@]} dockerd $(nodes_docker manager-1 version --format '{{.Server.Version}}') started in $((SECONDS - started))s, one per node, each in its own network, UTS and mount namespace, on bridge $bridge; docker CLI $(nodes_docker manager-1 version --format '{{.Client.Version}}')"
  (cluster_checks "${@:5}") &
  wait "$!" || status=$?
  return "$status"
}

# The checks: the engines, the swarm formed by form-swarm.sh, its rerun, the stack deployed,
# its placement, the drain.
cluster_checks() {
  local timeout=$1 observe=$2 drained=$3 name started waited failed=0 compared
  check_engines || failed=1

  # The swarm, formed by the generated script: managers first, then the label run once all
  # joined (as the managers' timer would).
  engine="$nodes_dir/manager-1"
  mkdir -p "$engine/bin" "$engine/images" "$engine/home" "$engine/host/data"
  if [[ -f /etc/docker/registry/config.yml ]]; then cp /etc/docker/registry/config.yml "$engine/registry-config.yml"; fi
  write_docker_shim
  shim="$engine/bin"
  started=$SECONDS
  for name in "${node_names[@]}"; do
    form_swarm "$name" join "$name" || { say "result: FAILED: form-swarm.sh join $name failed"; return 1; }
  done
  # Once every node joined and is ready, as the managers' timer would find them.
  waited=0
  until (($(nodes_docker manager-1 node ls --format '{{.Status}}' | grep -c '^Ready$') == ${#node_names[@]})); do
    if ((waited >= 120)); then
      say "result: FAILED: not every node is ready in the swarm after 60s:"
      nodes_docker manager-1 node ls | sed 's/^/    | /'
      return 1
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  form_swarm manager-1 label || { say "result: FAILED: form-swarm.sh label failed"; return 1; }
  say "form-swarm: swarm formed and labelled in $((SECONDS - started))s:"
  nodes_docker manager-1 node ls --format '{{.Hostname}} {{.ID}} {{.ManagerStatus}} {{.Status}} {{.Availability}}' | sed 's/^/    | /'
  swarm_state "$temporary/formed.json"
  "$python" "$nodes_here/swarm_nodes.py" show "$temporary/formed.json"
  for name in "${node_names[@]}"; do
    form_swarm "$name" join "$name" || failed=1
  done
  form_swarm manager-1 label || failed=1
  swarm_state "$temporary/rerun.json"
  compared=$("$python" "$nodes_here/swarm_nodes.py" compare "$temporary/formed.json" "$temporary/rerun.json") || failed=1
  say "rerun: form-swarm.sh join on every formed node, then label on manager-1: $compared"

  # The stack, deployed from manager-1 by its own deploy.sh.
  local copy="$temporary/stack" plan="$temporary/plan.json" stack deployed=0 converged=0 placed=0 kept=0
  mkdir -p "$copy"
  cp -a "$folder/." "$copy/"
  "$python" "$nodes_here/swarm_stack.py" plan "$copy" "$engine/host" "$folder" --nodes >"$plan" || { say "result: FAILED: the harness could not read $folder"; return 1; }
  stack=$(plan_field "$plan" stack)
  # The shared storage: one folder of the in-memory file system every node sees, mounted
  # (onto itself) on every node so that deploy.sh finds it mounted, as it insists.
  for name in "${node_names[@]}"; do
    on_node "$name" mount -n --bind "$engine/host/data" "$engine/host/data"
  done
  say "== stack $stack ($folder, ${timeout}s to converge)"
  plan_field "$plan" notes | sed 's/^/adapted copy: /'
  started=$SECONDS
  DOCKER_HOST="unix://$(socket_of manager-1)" provide_images "$plan" || { say "result: FAILED: an image could not be made"; return 1; }
  share_images "$plan" || { say "result: FAILED: the images could not be shared"; return 1; }
  say "images ready in $((SECONDS - started))s"
  "$python" "$nodes_here/swarm_nodes.py" state "$temporary/before-deploy.json" "manager-1=$(socket_of manager-1)"
  started=$SECONDS
  say "deploy.sh: running on manager-1 (STACKC_RESOLVE_IMAGE=never, STACKC_DEPLOY_TIMEOUT=$timeout)"
  on_node manager-1 env -C "$copy" -u DOCKER_HOST PATH="$shim:$PATH" HOME="$engine/home" STACKC_RESOLVE_IMAGE=never \
    STACKC_DEPLOY_TIMEOUT="$timeout" STACKC_CREDENTIALS_DIR="$temporary/credentials" \
    timeout $((timeout + 120)) bash deploy.sh >"$temporary/deploy.log" 2>&1 || deployed=$?
  say "deploy.sh: exit $deployed after $((SECONDS - started))s; its output:"
  sed 's/^/    | /' "$temporary/deploy.log"
  DOCKER_HOST="unix://$(socket_of manager-1)" DOCKER_CLI="$docker_cli" \
    "$python" "$nodes_here/swarm_stack.py" converge "$plan" $(($(date +%s) + timeout - (SECONDS - started))) || converged=$?
  say "checked convergence $((SECONDS - started))s after the deploy began"
  "$python" "$nodes_here/swarm_nodes.py" state "$temporary/after-deploy.json" "manager-1=$(socket_of manager-1)"
  compared=$("$python" "$nodes_here/swarm_nodes.py" compare "$temporary/before-deploy.json" "$temporary/after-deploy.json" --without-versions) || kept=1
  if ((kept == 0)); then
    say "labels: deploy.sh, run after form-swarm.sh, changed no node: $compared"
  else
    say "labels: deploy.sh, run after form-swarm.sh, changed the nodes: $compared"
  fi
  # shellcheck disable=SC2046 # one NODE=SOCKET a word
  DOCKER_CLI="$docker_cli" "$python" "$nodes_here/swarm_nodes.py" placement "$plan" "$temporary/after-deploy.json" $(node_sockets) || placed=$?
  # shellcheck disable=SC2046 # one NODE=SOCKET a word
  DOCKER_CLI="$docker_cli" "$python" "$nodes_here/swarm_nodes.py" drain "$plan" "$drained" "$observe" $(node_sockets) || failed=1
  if ((converged != 0)); then
    say "result: FAILED: not every service of $stack converged (see the services above)"
  elif ((placed != 0)); then
    say "result: FAILED: a service of $stack does not run where its placement says"
  elif ((deployed != 0)); then
    say "result: FAILED: every service converged, but deploy.sh exited $deployed"
  elif ((kept != 0 || failed != 0)); then
    say "result: FAILED: see the FAILED or CHANGED lines above"
  else
    say "result: converged with its placement as written on ${#node_names[@]} nodes; the drained service stayed pending"
    return 0
  fi
  return 1
}

case "${1:-}" in
  --cluster) shift; cluster_inside "$@" ;;
  --node) shift; node_inside "$@" ;;
  *) nodes_outside "$@" ;;
esac
