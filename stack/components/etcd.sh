#!/usr/bin/env bash
# etcd for the stack's Kubernetes API server: etcd v3.6.4 (the release Kubernetes v1.34 ships with),
# built from the Go modules in stack/kube/etcd into $PHLO_CACHE/etcd-<version>/bin. Debian's
# etcd-server (3.4.23) is not used: it is older than 3.4.31, so the API server turns off watch
# progress requests and clients that stream their lists (kwok's client-go) stop seeing events.
# One member on 127.0.0.1 (client port 23790, peer port 23800, + PHLO_PORT_OFFSET), data in
# $STACK_RUN/etcd-v3.6.
# Usage: stack/components/etcd.sh build|up|status|down
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

ETCD_VERSION="v3.6.4"
ETCD_MODULE="$STACK_ROOT/kube/etcd"
ETCD_DATA="$STACK_RUN/etcd-v3.6"
ETCD_URL="http://127.0.0.1:$ETCD_PORT"

recipe() ( # OUT_DIR
  cd "$ETCD_MODULE" && CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false -mod=readonly" \
    go build -gcflags="$(go_gcflags)" -ldflags="-s -w" -o "$1/etcd" go.etcd.io/etcd/server/v3
)
ETCD_ENTRY="$(cache_entry etcd "$ETCD_VERSION" recipe fn:go_gcflags "$ETCD_MODULE"/{go.mod,go.sum,tools.go})"
ETCD_BIN="$ETCD_ENTRY/bin"

build() { cached_build etcd "$ETCD_ENTRY" 133 recipe; }

healthy() { curl --silent --fail --max-time 2 "$ETCD_URL/health" | grep -q '"health":"true"'; }

up() {
  [[ -f "$ETCD_ENTRY/.complete" ]] || die "etcd: binary missing in $ETCD_BIN (run: stack/stack.sh build etcd)"
  if pid_alive etcd && healthy; then log "etcd already up ($ETCD_URL)"; return 0; fi
  pid_alive etcd || { port_free "$ETCD_PORT" || die "port $ETCD_PORT is taken by another process (etcd client port; set PHLO_PORT_OFFSET)"; }
  mkdir -p "$ETCD_DATA"; chmod 700 "$ETCD_DATA"
  start_bg etcd "$STACK_RUN/logs/etcd.log" "$ETCD_BIN/etcd" \
    --name phlo \
    --data-dir "$ETCD_DATA" \
    --listen-client-urls "$ETCD_URL" \
    --advertise-client-urls "$ETCD_URL" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "phlo=http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster-state new \
    --quota-backend-bytes 2147483648 \
    --auto-compaction-mode periodic \
    --auto-compaction-retention 5m \
    --unsafe-no-fsync \
    --log-level warn
  wait_for_alive etcd "etcd health at $ETCD_URL" 30 healthy
  stack_env PHLO_ETCD_URL "$ETCD_URL"
}

status() {
  if pid_alive etcd && healthy; then
    echo "etcd: up (pid $(cat "$STACK_RUN/pids/etcd.pid"), $ETCD_VERSION, $ETCD_URL)"
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
