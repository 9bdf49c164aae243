#!/usr/bin/env bash
# The pre-commit hook stackc-check (.pre-commit-hooks.yaml): pre-commit passes several
# manifests, `stackc check` takes one, so this runs it once per manifest, each with the same
# options (the hook's args: -o DIR, --diff, --format …). It runs every one, and exits with the
# highest status of them (0 current, 1 errors or stale output, 2 usage or I/O errors).
# Usage: scripts/stackc-check-each.sh [CHECK OPTIONS...] [--] MANIFEST...
set -uo pipefail

options=()
while (($# > 0)); do
  case $1 in
    -o | --output | --format)
      if (($# < 2)); then
        echo "stackc-check-each: $1 needs a value" >&2
        exit 2
      fi
      options+=("$1" "$2")
      shift 2
      ;;
    --)
      shift
      break
      ;;
    -*)
      options+=("$1")
      shift
      ;;
    *) break ;;
  esac
done

status=0
for manifest in "$@"; do
  stackc check "${options[@]}" -- "$manifest"
  code=$?
  if ((code > status)); then status=$code; fi
done
exit "$status"
