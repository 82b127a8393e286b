#!/usr/bin/env bash
# The AWS APIs (ECR, S3, RDS, STS, ...) from moto's server mode on 127.0.0.1:15001, account 123456789012.
# Usage: stack/components/moto.sh build|up|status|down
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

MOTO_VERSION=5.2.1
MOTO_PORT=15001
# Fixed so the registry's password (registry.sh) matches the token GetAuthorizationToken returns.
MOTO_ACCOUNT=123456789012
# moto runs from a venv under the cache, keyed by moto's version and the Python it is made from: a
# system Python that refuses `pip install` (PEP 668, Debian's) is never written to.
BASE_PYTHON="${PHLO_PYTHON:-python3}"
command -v "$BASE_PYTHON" >/dev/null || die "moto: $BASE_PYTHON not found (install python3 ≥ 3.9, or set PHLO_PYTHON)"
PY_VERSION="$("$BASE_PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
MOTO_VENV="$PHLO_CACHE/moto-$MOTO_VERSION-py$PY_VERSION"
PYTHON="$MOTO_VENV/bin/python"

have_moto() {
  "$PYTHON" - "$MOTO_VERSION" <<'PY' >/dev/null 2>&1
import sys, importlib.metadata as md
import flask, flask_cors, moto.server  # the [server] extra
sys.exit(0 if md.version("moto") == sys.argv[1] else 1)
PY
}

build() {
  [[ -x "$PYTHON" ]] && have_moto && return 0
  build_lock "$(basename "$MOTO_VENV")"
  [[ -x "$PYTHON" ]] && have_moto && return 0
  "$BASE_PYTHON" -c 'import ensurepip, venv' 2>/dev/null || apt_ensure python3-venv
  log "moto: installing moto[server]==$MOTO_VERSION into $MOTO_VENV"
  rm -rf "$MOTO_VENV"
  "$BASE_PYTHON" -m venv "$MOTO_VENV" || die "moto: could not make a venv with $BASE_PYTHON (apt-get install python3-venv)"
  "$PYTHON" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" || die "moto: pip install moto[server]==$MOTO_VERSION failed"
  have_moto || die "moto: moto[server]==$MOTO_VERSION still not importable by $PYTHON"
}

# Healthy = answers a real API call (STS GetCallerIdentity; moto checks no signature). Not
# /moto-api/data.json: it serialises every model and answers 500 as soon as moto holds an RDS instance
# (moto 5.2.1: "write only property" on db_subnet_group_name), even after the instance is deleted.
healthy() {
  curl -fsS -o /dev/null --max-time 2 -X POST --data 'Action=GetCallerIdentity&Version=2011-06-15' \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0' \
    "http://127.0.0.1:$MOTO_PORT/"
}

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

down() { stop_pid moto; stack_env_unset AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION AWS_DEFAULT_REGION PHLO_AWS_ACCOUNT_ID; }

case "${1:-}" in
  build|up|status|down) "$1" ;;
  *) echo "usage: $0 build|up|status|down" >&2; exit 2 ;;
esac
