#!/usr/bin/env bash
# Debian's docker-registry (distribution v2.8) on 127.0.0.1:15000 with htpasswd (bcrypt) auth: the stand-in
# for the ECR registry endpoint. The one user is `AWS` with the password moto's ECR GetAuthorizationToken
# hands out for account 123456789012 ("<account>-auth-token"; the token is base64 of "AWS:<password>"),
# so an ECR token from the local AWS API logs in here exactly like a real ECR token logs in to ECR.
# Usage: stack/components/registry.sh build|up|status|down
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

REGISTRY_PORT=15000
REGISTRY_ADDR="127.0.0.1:$REGISTRY_PORT"
# Must match the account moto serves (moto.sh pins MOTO_ACCOUNT_ID to the same value).
AWS_ACCOUNT_ID=123456789012
REGISTRY_USER=AWS
REGISTRY_PASSWORD="${AWS_ACCOUNT_ID}-auth-token"
REGISTRY_DIR="$STACK_RUN/registry"

install_packages() {
  # A "no" policy keeps the package's maintainer scripts from starting a system registry on :5000.
  local guard=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    guard=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$guard"; chmod +x "$guard"
  fi
  apt_ensure docker-registry apache2-utils
  [[ -n "$guard" ]] && rm -f "$guard"
  return 0
}

build() { install_packages; }

write_config() {
  mkdir -p "$REGISTRY_DIR/data"
  # bcrypt (the only hash distribution accepts); the password goes through stdin, not the command line.
  if [[ ! -s "$REGISTRY_DIR/htpasswd" ]] || ! printf '%s' "$REGISTRY_PASSWORD" | htpasswd -v -i "$REGISTRY_DIR/htpasswd" "$REGISTRY_USER" >/dev/null 2>&1; then
    printf '%s' "$REGISTRY_PASSWORD" | htpasswd -B -C 10 -i -n "$REGISTRY_USER" >"$REGISTRY_DIR/htpasswd.tmp"
    mv "$REGISTRY_DIR/htpasswd.tmp" "$REGISTRY_DIR/htpasswd"
  fi
  [[ -s "$REGISTRY_DIR/http.secret" ]] || od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$REGISTRY_DIR/http.secret"
  cat >"$REGISTRY_DIR/config.yml" <<YAML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $REGISTRY_DIR/data
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: $REGISTRY_ADDR
  secret: $(cat "$REGISTRY_DIR/http.secret")
  headers:
    X-Content-Type-Options: [nosniff]
auth:
  htpasswd:
    realm: phlo-local-registry
    path: $REGISTRY_DIR/htpasswd
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
YAML
}

# /v2/ answers 401 without credentials and 200 with them: both mean "up"; check the authenticated one.
healthy() {
  curl -fsS -o /dev/null --max-time 2 -K - "http://$REGISTRY_ADDR/v2/" <<<"user = \"$REGISTRY_USER:$REGISTRY_PASSWORD\""
}

up() {
  build
  write_config
  pid_alive registry || start_bg registry "$STACK_RUN/logs/registry.log" docker-registry serve "$REGISTRY_DIR/config.yml"
  wait_for "registry on $REGISTRY_ADDR" 30 healthy
  stack_env PHLO_REGISTRY "$REGISTRY_ADDR"
  stack_env PHLO_REGISTRY_USER "$REGISTRY_USER"
  stack_env PHLO_REGISTRY_PASSWORD "$REGISTRY_PASSWORD"
}

status() {
  if pid_alive registry && healthy; then
    echo "registry: up (pid $(cat "$STACK_RUN/pids/registry.pid"), http://$REGISTRY_ADDR, user $REGISTRY_USER)"
  else
    echo "registry: down"; return 1
  fi
}

down() { stop_pid registry; stack_env_unset PHLO_REGISTRY PHLO_REGISTRY_USER PHLO_REGISTRY_PASSWORD; }

case "${1:-}" in
  build|up|status|down) "$1" ;;
  *) echo "usage: $0 build|up|status|down" >&2; exit 2 ;;
esac
