#!/usr/bin/env bash
# etcd for the stack's Kubernetes API server: Debian's etcd-server, one member on 127.0.0.1
# (client port 23790, peer port 23800, + PHLO_PORT_OFFSET), data in $STACK_RUN/etcd.
# Usage: stack/components/etcd.sh build|up|status|down
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

ETCD_DATA="$STACK_RUN/etcd"
ETCD_URL="http://127.0.0.1:$ETCD_PORT"

build() {
  if ! dpkg -s etcd-server >/dev/null 2>&1; then
    # policy-rc.d "no" keeps the package's maintainer scripts from starting a system etcd.
    local guard=""
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
      guard=/usr/sbin/policy-rc.d
      printf '#!/bin/sh\nexit 101\n' >"$guard"; chmod +x "$guard"
    fi
    apt_ensure etcd-server
    [[ -n "$guard" ]] && rm -f "$guard"
  fi
  return 0
}

healthy() { curl --silent --fail --max-time 2 "$ETCD_URL/health" | grep -q '"health":"true"'; }

up() {
  if pid_alive etcd && healthy; then log "etcd already up ($ETCD_URL)"; return 0; fi
  pid_alive etcd || { port_free "$ETCD_PORT" || die "port $ETCD_PORT is taken by another process (etcd client port; set PHLO_PORT_OFFSET)"; }
  mkdir -p "$ETCD_DATA"; chmod 700 "$ETCD_DATA"
  start_bg etcd "$STACK_RUN/logs/etcd.log" /usr/bin/etcd \
    --name phlo \
    --data-dir "$ETCD_DATA" \
    --listen-client-urls "$ETCD_URL" \
    --advertise-client-urls "$ETCD_URL" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "phlo=http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster-state new \
    --quota-backend-bytes 2147483648 \
    --auto-compaction-retention 1 \
    --unsafe-no-fsync \
    --log-level warn
  wait_for_alive etcd "etcd health at $ETCD_URL" 30 healthy
  stack_env PHLO_ETCD_URL "$ETCD_URL"
}

status() {
  if pid_alive etcd && healthy; then
    echo "etcd: up (pid $(cat "$STACK_RUN/pids/etcd.pid"), $ETCD_URL)"
  else
    echo "etcd: down"; return 1
  fi
}

down() {
  stop_pid etcd
  stack_env_unset PHLO_ETCD_URL
}

case "${1:-}" in
  build|up|status|down) "$1" ;;
  *) die "usage: etcd.sh build|up|status|down" ;;
esac
