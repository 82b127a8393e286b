#!/usr/bin/env bash
# The AWS APIs (ECR, S3, RDS, STS, ...) from moto's server mode on 127.0.0.1:15001, account 123456789012.
# Usage: stack/components/moto.sh build|up|status|down
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

MOTO_VERSION=5.2.1
MOTO_PORT=15001
# Fixed so the registry's password (registry.sh) matches the token GetAuthorizationToken returns.
MOTO_ACCOUNT=123456789012
PYTHON="${PHLO_PYTHON:-python3}"

have_moto() {
  "$PYTHON" - "$MOTO_VERSION" <<'PY' >/dev/null 2>&1
import sys, importlib.metadata as md
import flask, flask_cors, moto.server  # the [server] extra
sys.exit(0 if md.version("moto") == sys.argv[1] else 1)
PY
}

build() {
  command -v "$PYTHON" >/dev/null || die "moto: $PYTHON not found (set PHLO_PYTHON)"
  if ! have_moto; then
    log "moto: installing moto[server]==$MOTO_VERSION for $PYTHON"
    "$PYTHON" -m pip install --quiet "moto[server]==$MOTO_VERSION" || die "moto: pip install failed"
    have_moto || die "moto: moto[server]==$MOTO_VERSION still not importable by $PYTHON"
  fi
}

healthy() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$MOTO_PORT/moto-api/data.json"; }

up() {
  build
  pid_alive moto || start_bg moto "$STACK_RUN/logs/moto.log" env MOTO_ACCOUNT_ID="$MOTO_ACCOUNT" \
    AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \
    "$PYTHON" -m moto.server --host 127.0.0.1 --port "$MOTO_PORT"
  wait_for "moto on 127.0.0.1:$MOTO_PORT" 60 healthy
  stack_env AWS_ENDPOINT_URL "http://127.0.0.1:$MOTO_PORT"
  stack_env AWS_ACCESS_KEY_ID test
  stack_env AWS_SECRET_ACCESS_KEY test
  stack_env AWS_REGION us-east-1
  stack_env AWS_DEFAULT_REGION us-east-1
  stack_env PHLO_AWS_ACCOUNT_ID "$MOTO_ACCOUNT"
}

status() {
  if pid_alive moto && healthy; then
    echo "moto: up (pid $(cat "$STACK_RUN/pids/moto.pid"), http://127.0.0.1:$MOTO_PORT, moto $MOTO_VERSION, account $MOTO_ACCOUNT)"
  else
    echo "moto: down"; return 1
  fi
}

down() { stop_pid moto; }

case "${1:-}" in
  build|up|status|down) "$1" ;;
  *) echo "usage: $0 build|up|status|down" >&2; exit 2 ;;
esac
