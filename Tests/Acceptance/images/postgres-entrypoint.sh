#!/bin/sh
# What the official postgres image's docker-entrypoint.sh does, for Debian's PostgreSQL: on an
# empty data folder, initdb with the superuser password from POSTGRES_PASSWORD(_FILE),
# password logins from anywhere, listening on every address; then the server runs as the
# postgres user. Any other command runs as it is.
set -eu
if [ "${1#-}" != "$1" ]; then set -- postgres "$@"; fi
if [ "$1" != postgres ]; then exec "$@"; fi
PGDATA=${PGDATA:-/var/lib/postgresql/data}
export PGDATA
password=${POSTGRES_PASSWORD:-}
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then password=$(cat "$POSTGRES_PASSWORD_FILE"); fi
mkdir -p "$PGDATA" /run/postgresql
chown postgres:postgres "$PGDATA" /run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  [ -n "$password" ] || { echo "error: no POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE" >&2; exit 1; }
  umask 077
  printf '%s\n' "$password" >/run/postgresql/pwfile
  chown postgres /run/postgresql/pwfile
  setpriv --reuid=postgres --regid=postgres --clear-groups \
    initdb --username=postgres --pwfile=/run/postgresql/pwfile --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C >&2
  rm -f /run/postgresql/pwfile
  printf "host all all all scram-sha-256\n" >>"$PGDATA/pg_hba.conf"
  printf "listen_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
fi
# The official image stops the server with SIGINT (a fast shutdown: STOPSIGNAL); an imported
# image cannot say so, so TERM is passed on as INT.
setpriv --reuid=postgres --regid=postgres --clear-groups "$@" &
server=$!
trap 'kill -INT "$server" 2>/dev/null' TERM INT
status=0
wait "$server" || status=$?
while kill -0 "$server" 2>/dev/null; do
  status=0
  wait "$server" || status=$?
done
exit "$status"
