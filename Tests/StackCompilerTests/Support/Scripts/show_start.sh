#!/bin/sh
# Stands in for an image's entrypoint in EntrypointWrapperTests: prints its process id, each
# argument on a line of its own, and the variables the wrapper sets, so the test sees exactly
# what the wrapper handed over.
printf 'pid: %s\n' "$$"
for argument in "$@"; do
  printf 'arg: [%s]\n' "$argument"
done
printf 'DATABASE_PASSWORD=%s\n' "${DATABASE_PASSWORD-<unset>}"
printf 'DATABASE_URL=%s\n' "${DATABASE_URL-<unset>}"
