#!/bin/sh
# The official haproxy image's docker-entrypoint.sh: flags alone run haproxy with them, and
# haproxy runs in master-worker mode in the foreground.
set -e
if [ "${1#-}" != "$1" ]; then set -- haproxy "$@"; fi
if [ "$1" = haproxy ]; then
  shift
  set -- haproxy -W -db "$@"
fi
exec "$@"
