#!/usr/bin/env bash
# PostgreSQL 15 (Debian's postgresql package): a private cluster in $STACK_RUN/postgres, run as the
# `postgres` system user (the server refuses root), TCP on 127.0.0.1:15432 only (no unix socket),
# scram-sha-256 password auth, database `phlo` owned by role `phlo`.
# Usage: stack/components/postgres.sh build|up|status|down
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

PG_MAJOR=15
PG_PORT=15432
PG_OS_USER=postgres
PG_DIR="$STACK_RUN/postgres"
PG_DATA="$PG_DIR/data"
PG_SECRETS="$STACK_RUN/postgres.passwords"   # line 1: superuser `postgres`, line 2: role `phlo` (0600, root)
PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"

build() {
  apt_ensure "postgresql-$PG_MAJOR" "postgresql-client-$PG_MAJOR" util-linux
  [[ -x "$PG_BIN/postgres" ]] || die "postgres: $PG_BIN/postgres not found"
  id -u "$PG_OS_USER" >/dev/null 2>&1 || die "postgres: system user '$PG_OS_USER' is missing (comes with the postgresql package)"
}

as_pg() { setpriv --reuid="$PG_OS_USER" --regid="$PG_OS_USER" --init-groups -- "$@"; }

passwords() {
  if [[ ! -s "$PG_SECRETS" ]]; then
    ( umask 077
      printf '%s\n%s\n' "$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')" "$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')" >"$PG_SECRETS" )
  fi
  PG_SUPER_PASSWORD="$(sed -n 1p "$PG_SECRETS")"
  PG_PHLO_PASSWORD="$(sed -n 2p "$PG_SECRETS")"
}

init_cluster() {
  [[ -s "$PG_DATA/PG_VERSION" ]] && return 0
  log "postgres: initdb in $PG_DATA"
  rm -rf "$PG_DATA"
  install -d -o "$PG_OS_USER" -g "$PG_OS_USER" -m 0700 "$PG_DIR" "$PG_DATA"
  local pwfile; pwfile="$(mktemp "$PG_DIR/pw.XXXXXX")"
  printf '%s\n' "$PG_SUPER_PASSWORD" >"$pwfile"; chown "$PG_OS_USER" "$pwfile"; chmod 0600 "$pwfile"
  as_pg "$PG_BIN/initdb" --pgdata "$PG_DATA" --username postgres --pwfile "$pwfile" \
    --auth-local=reject --auth-host=scram-sha-256 --encoding UTF8 --locale C.UTF-8 >"$STACK_RUN/logs/postgres-initdb.log" 2>&1 \
    || { rm -f "$pwfile"; die "postgres: initdb failed (see $STACK_RUN/logs/postgres-initdb.log)"; }
  rm -f "$pwfile"
  # Only TCP from loopback, password (scram) for everyone.
  printf '%s\n' '# TYPE  DATABASE  USER  ADDRESS       METHOD' \
    'host    all       all   127.0.0.1/32  scram-sha-256' >"$PG_DATA/pg_hba.conf"
  cat >>"$PG_DATA/postgresql.conf" <<CONF
# --- phlo-deploy local stack ---
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = ''
password_encryption = 'scram-sha-256'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 64MB
max_connections = 50
logging_collector = off
CONF
  chown "$PG_OS_USER:$PG_OS_USER" "$PG_DATA/pg_hba.conf"
}

psql_super() {
  PGPASSWORD="$PG_SUPER_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres
}

ensure_db() {
  # Role and database `phlo` (idempotent). The password goes to psql on stdin, never on a command line.
  { printf "\\set pw '%s'\n" "$PG_PHLO_PASSWORD"   # hex, needs no escaping
    cat <<'SQL'
SELECT format('CREATE ROLE phlo LOGIN CREATEDB PASSWORD %L', :'pw') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'phlo') \gexec
SELECT format('ALTER ROLE phlo PASSWORD %L', :'pw') \gexec
SELECT 'CREATE DATABASE phlo OWNER phlo' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'phlo') \gexec
SQL
  } | psql_super >/dev/null
}

healthy() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -d postgres; }

up() {
  build
  passwords
  init_cluster
  pid_alive postgres || start_bg postgres "$STACK_RUN/logs/postgres.log" \
    setpriv --reuid="$PG_OS_USER" --regid="$PG_OS_USER" --init-groups -- "$PG_BIN/postgres" -D "$PG_DATA"
  wait_for "postgres on 127.0.0.1:$PG_PORT" 60 healthy
  ensure_db
  stack_env PHLO_POSTGRES_URL "postgres://phlo:$PG_PHLO_PASSWORD@127.0.0.1:$PG_PORT/phlo"
  stack_env PHLO_POSTGRES_ADMIN_URL "postgres://postgres:$PG_SUPER_PASSWORD@127.0.0.1:$PG_PORT/postgres"
}

status() {
  if pid_alive postgres && healthy; then
    echo "postgres: up (pid $(cat "$STACK_RUN/pids/postgres.pid"), 127.0.0.1:$PG_PORT, PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'), database phlo)"
  else
    echo "postgres: down"; return 1
  fi
}

down() {
  # SIGINT = "fast" shutdown: ends sessions and exits cleanly with its children (SIGTERM would wait for
  # every client to disconnect, and a SIGKILL of the postmaster would orphan its backends).
  local f="$STACK_RUN/pids/postgres.pid" pid _
  if [[ -f "$f" ]] && pid="$(cat "$f")" && kill -0 "$pid" 2>/dev/null; then
    kill -INT "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  stop_pid postgres
  stack_env_unset PHLO_POSTGRES_URL PHLO_POSTGRES_ADMIN_URL
}

case "${1:-}" in
  build|up|status|down) "$1" ;;
  *) echo "usage: $0 build|up|status|down" >&2; exit 2 ;;
esac
