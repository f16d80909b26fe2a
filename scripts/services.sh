#!/usr/bin/env bash
# Start (or stop) throwaway PostgreSQL and Redis servers on loopback for the tests.
# Usage: scripts/services.sh start|stop   — prints the URLs to export on start.
set -euo pipefail
STATE=${GRIDROSTER_SERVICES_DIR:-/tmp/gridroster-services}
PG_PORT=${GRIDROSTER_PG_PORT:-5440}
REDIS_PORT=${GRIDROSTER_REDIS_PORT:-6390}

# As root the server runs as the postgres user (initdb refuses root); otherwise as yourself.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
  echo "$dir"
}

start_pg() {
  local bin; bin=$(pg_bin)
  mkdir -p "$STATE"
  if [ ! -f "$STATE/pg/PG_VERSION" ]; then
    rm -rf "$STATE/pg"; mkdir -p "$STATE/pg"; [ "$(id -u)" -ne 0 ] || chown -R postgres:postgres "$STATE"
    as_pg "$bin/initdb" -D "$STATE/pg" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_pg "$bin/pg_ctl" -D "$STATE/pg" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$STATE/pg" -l "$STATE/pg.log" -w \
      -o "-p $PG_PORT -k $STATE -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  fi
  as_pg psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='gridroster_test'" | grep -q 1 \
    || as_pg createdb -h 127.0.0.1 -p "$PG_PORT" -U postgres gridroster_test
}

start_redis() {
  command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install redis-server)" >&2; exit 1; }
  mkdir -p "$STATE"
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
      --logfile "$STATE/redis.log" --dir "$STATE" >/dev/null
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
}

case "${1:-start}" in
  start)
    start_pg
    echo "export GRIDROSTER_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/gridroster_test"
    if [ "${GRIDROSTER_NO_REDIS:-}" != 1 ]; then
      start_redis
      echo "export GRIDROSTER_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
    fi
    ;;
  stop)
    bin=$(pg_bin)
    as_pg "$bin/pg_ctl" -D "$STATE/pg" stop -m fast >/dev/null 2>&1 || true
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
