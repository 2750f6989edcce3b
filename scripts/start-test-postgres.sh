#!/usr/bin/env bash
# Installs (if needed) and starts a throwaway PostgreSQL cluster on 127.0.0.1 for the tests, then
# prints the connection string. Idempotent: a running cluster is reused.
set -euo pipefail

PGPORT=${CLEANAGENT_PG_PORT:-55499}
BASE=${CLEANAGENT_PG_DIR:-${TMPDIR:-/tmp}/cleanagent-pg}
PGDATA=$BASE/data
PGSOCK=$BASE/sock
PW=${CLEANAGENT_PG_PASSWORD:-ci-pass}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "Installing PostgreSQL from Debian..." >&2
  mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/50-cleanagent.conf
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi

mkdir -p "$BASE" "$PGSOCK"
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$BASE" "$PGSOCK"; fi

if ! as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    pwfile=$(mktemp)
    echo "$PW" > "$pwfile"
    if [ "$(id -u)" = 0 ]; then chown postgres "$pwfile"; fi
    as_postgres "$PGBIN/initdb" -D "$PGDATA" -U postgres --pwfile="$pwfile" --auth=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 --no-sync >&2
    rm -f "$pwfile"
  fi
  as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -l "$BASE/server.log" -w -t 60 start \
    -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGSOCK -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >&2
fi
"$PGBIN/pg_isready" -h 127.0.0.1 -p "$PGPORT" -t 30 >&2
echo "Host=127.0.0.1;Port=$PGPORT;Username=postgres;Password=$PW;Database=postgres"
