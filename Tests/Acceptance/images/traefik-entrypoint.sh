#!/bin/sh
# The official traefik image's /entrypoint.sh: flags alone run traefik with them.
set -e
if [ "${1#-}" != "$1" ]; then set -- traefik "$@"; fi
exec "$@"
