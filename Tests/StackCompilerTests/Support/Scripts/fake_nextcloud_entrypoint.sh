#!/bin/sh
# Stands in for the Nextcloud image's entrypoint in RunOnceTests. Like the image, it installs
# when the shared folder has no installation yet (taking a second, and not guarding against a
# concurrent install itself), then runs the before-starting hook, then starts. Every step is a
# line in $FAKE_SHARED/log naming this process.
#   FAKE_SHARED       the folder the replicas share (the volume on /var/www/html)
#   FAKE_HOOK         the generated before-starting hook
#   FAKE_CRASH_FIRST  when set, the first process to get here exits 1 without installing
set -eu
shared=$FAKE_SHARED
log="$shared/log"
if [ -n "${FAKE_CRASH_FIRST:-}" ] && mkdir "$shared/crashed" 2>/dev/null; then
  echo "crash $$" >>"$log"
  exit 1
fi
if [ ! -f "$shared/installed" ]; then
  echo "install $$" >>"$log"
  sleep 1
  touch "$shared/installed"
fi
sh "$FAKE_HOOK"
echo "started $$ $#:$*" >>"$log"
