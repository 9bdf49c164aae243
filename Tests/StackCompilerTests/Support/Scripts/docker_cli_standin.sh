#!/usr/bin/env bash
# A stand-in for the docker CLI, for the deploy.sh tests: it keeps secrets as files in
# $STANDIN_STATE/secrets, logs every call (arguments only) to $STANDIN_STATE/calls, answers
# `service ls` from $STANDIN_STATE/services, refuses the first $STANDIN_LOGIN_FAILURES logins
# (as a registry that is still starting), records builds (an image built is kept as a file in
# $STANDIN_STATE/images, which `image inspect` finds) and pushes (in $STANDIN_STATE/pushed,
# which `pull` finds), and the STACKC_TAG_*
# variables each `stack deploy` sees (in $STANDIN_STATE/deploy-tags). Nodes are the lines
# "ID HOSTNAME ROLE STATUS AVAILABILITY" of $STANDIN_STATE/nodes (one ready manager when the
# file is missing), their labels the lines KEY=VALUE of $STANDIN_STATE/labels/ID. The swarm
# state `docker info` gives is $STANDIN_STATE/swarm-state (default active); `swarm init` and
# `swarm join` make it active, `swarm join-token -q ROLE` prints a token naming the role. It talks
# to no engine and no network.
set -euo pipefail
state=${STANDIN_STATE:?STANDIN_STATE must name a folder}
mkdir -p "$state/secrets" "$state/labels"
[ -f "$state/nodes" ] || echo "n1 node-1 manager Ready Active" >"$state/nodes"
node_field() { awk -v id="$1" -v field="$2" '$1 == id { print $field }' "$state/nodes"; }
printf '%s\n' "$*" >>"$state/calls"
case "${1:-} ${2:-}" in
  "info --format")
    case "$3" in
      *LocalNodeState*) cat "$state/swarm-state" 2>/dev/null || echo active ;;
      *) echo "${STANDIN_CONTROL:-true}" ;;
    esac
    ;;
  "swarm init" | "swarm join")
    [ "$(cat "$state/swarm-state" 2>/dev/null || echo active)" = inactive ] || { echo "This node is already part of a swarm." >&2; exit 1; }
    echo active >"$state/swarm-state"
    ;;
  "swarm join-token") echo "SWMTKN-standin-${*: -1}" ;;
  "secret inspect") [ -f "$state/secrets/$3" ] ;;
  "secret ls") ls "$state/secrets" ;;
  "secret rm") rm "$state/secrets/$3" ;;
  "secret create")
    args=("$@")
    name=${args[$((${#args[@]} - 2))]}
    [ ! -f "$state/secrets/$name" ] || { echo "secret $name already exists" >&2; exit 1; }
    cat >"$state/secrets/$name"
    ;;
  "stack deploy")
    { printf '%s:' "${*: -2:1}"; { env | grep '^STACKC_TAG_' || true; } | sort | tr '\n' ' '; echo; } >>"$state/deploy-tags"
    echo "Creating services"
    ;;
  "image inspect") [ -f "$state/images/${3//\//_}" ] ;;
  "login --username")
    cat >"$state/login-password"
    attempts=$(($(cat "$state/login-attempts" 2>/dev/null || echo 0) + 1))
    echo "$attempts" >"$state/login-attempts"
    [ "$attempts" -gt "${STANDIN_LOGIN_FAILURES:-0}" ] || { echo "connection refused" >&2; exit 1; }
    ;;
  "build --tag")
    mkdir -p "$state/images"
    touch "$state/images/${3//\//_}"
    ;;
  "push "*)
    mkdir -p "$state/pushed"
    touch "$state/pushed/${2//\//_}"
    ;;
  "pull --quiet") [ -f "$state/pushed/${3//\//_}" ] ;;
  "service ls") cat "$state/services" 2>/dev/null || true ;;
  "node ls")
    if [ "${3:-}" = "-q" ]; then
      awk '{ print $1 }' "$state/nodes"
    else
      awk '{ print $2, $1, $4, $5 }' "$state/nodes"
    fi
    ;;
  "node inspect")
    id=${*: -1}
    [ -n "$(node_field "$id" 1)" ] || { echo "no such node: $id" >&2; exit 1; }
    case "$4" in
      "{{.Spec.Role}}") node_field "$id" 3 ;;
      *Labels*) cat "$state/labels/$id" 2>/dev/null || true ;;
      *) echo "docker stand-in: unexpected format: $4" >&2; exit 2 ;;
    esac
    ;;
  "node update")
    [ "$3" = "--label-add" ] || { echo "docker stand-in: unexpected call: $*" >&2; exit 2; }
    echo "$4" >>"$state/labels/$5"
    ;;
  "service ps") echo "  ${*: -1}.1 Rejected 'stand-in: no such image'" ;;
  *) echo "docker stand-in: unexpected call: $*" >&2; exit 2 ;;
esac
