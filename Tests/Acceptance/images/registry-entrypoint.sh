#!/bin/sh
# The official registry image's /entrypoint.sh, for Debian's docker-registry.
set -e
case "$1" in
  *.yaml | *.yml) set -- registry serve "$@" ;;
  serve | garbage-collect | help | -*) set -- registry "$@" ;;
esac
exec "$@"
