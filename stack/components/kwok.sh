#!/usr/bin/env bash
# KWOK: fake nodes for the stack's control plane. `kwok` (go install sigs.k8s.io/kwok/cmd/kwok,
# pinned, cached in $PHLO_CACHE/kwok-<version>/bin) runs as a controller that plays the kubelet of
# PHLO_KWOK_NODES (default 3) nodes, following the stages in stack/kube/kwok/stages.yaml (pods turn
# Ready, Job pods succeed, failure knobs). The kube component must be up first.
# Usage: stack/components/kwok.sh build|up|status|down
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

KWOK_NODES="${PHLO_KWOK_NODES:-3}"
[[ "$KWOK_NODES" =~ ^[1-9][0-9]?$ ]] || die "PHLO_KWOK_NODES is '$KWOK_NODES': expected a number of nodes from 1 to 99"
KWOK_STAGES="$STACK_ROOT/kube/kwok/stages.yaml"
KUBE_SERVER="https://127.0.0.1:$APISERVER_PORT"

# Without inlining (-l, added to go_gcflags): 26 s less CPU on a new machine (its Kubernetes
# libraries are another release than the control plane's, so nothing of it is shared); KWOK only
# writes the status of a handful of fake nodes and pods here, and both sides of a benchmark wait for
# the same KWOK.
recipe() ( # OUT_DIR
  cd "$1" && CGO_ENABLED=0 GOBIN="$1" GOFLAGS="-trimpath -buildvcs=false" \
    go install -gcflags="$(go_gcflags -l)" -ldflags="-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
)
KWOK_ENTRY="$(cache_entry kwok "$KWOK_VERSION" recipe fn:go_gcflags)"
KWOK_BIN="$KWOK_ENTRY/bin"

build() { cached_build kwok "$KWOK_ENTRY" 144 recipe; }

node_name() { printf 'kwok-node-%d' "$1"; }

# The Node objects kwok plays the kubelet of: no taints, label workload=compute, 32 CPU / 128Gi.
create_nodes() {
  local i name body
  for ((i = 0; i < KWOK_NODES; i++)); do
    name="$(node_name "$i")"
    body="$(jq -n --arg name "$name" --arg cidr "10.244.$i.0/24" '{
      apiVersion: "v1", kind: "Node",
      metadata: {
        name: $name,
        annotations: {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
        labels: {
          "kubernetes.io/hostname": $name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
          "type": "kwok", "workload": "compute", "topology.kubernetes.io/zone": "local"
        }
      },
      spec: {podCIDR: $cidr, podCIDRs: [$cidr]},
      status: {
        allocatable: {cpu: "32", memory: "128Gi", pods: "250", "ephemeral-storage": "500Gi"},
        capacity: {cpu: "32", memory: "128Gi", pods: "250", "ephemeral-storage": "500Gi"}
      }
    }')"
    post_object /api/v1/nodes "$body" "node $name"
  done
}

# post_object URL_PATH JSON NAME — create one object; an existing one is left alone.
post_object() {
  local code
  code="$(curl --silent --show-error --max-time 10 -o /dev/null -w '%{http_code}' \
    --cacert "$PKI_DIR/ca.crt" --cert "$PKI_DIR/admin.crt" --key "$PKI_DIR/admin.key" \
    -X POST -H 'Content-Type: application/json' --data "$2" "$KUBE_SERVER$1")"
  case "$code" in
    201) [[ "${4:-}" == quiet ]] || log "kwok: created $3" ;;
    409) ;; # already there
    *) die "kwok: creating $3 failed (HTTP $code)" ;;
  esac
}

# Storage: a default StorageClass "standard" and a pool of PV_POOL PersistentVolumes (100Gi, every
# access mode) that the real PV controller binds claims to; the pv-reuse stage recycles released ones.
PV_POOL="${PHLO_KWOK_VOLUMES:-40}"
[[ "$PV_POOL" =~ ^[0-9]{1,3}$ ]] || die "PHLO_KWOK_VOLUMES is '$PV_POOL': expected a number of volumes from 0 to 999"
create_storage() {
  post_object /apis/storage.k8s.io/v1/storageclasses "$(jq -n '{
    apiVersion: "storage.k8s.io/v1", kind: "StorageClass",
    metadata: {name: "standard", annotations: {"storageclass.kubernetes.io/is-default-class": "true"}},
    provisioner: "kubernetes.io/no-provisioner", volumeBindingMode: "Immediate", reclaimPolicy: "Retain"
  }')" "storage class standard"
  local have i
  have="$(kube_curl "$KUBE_SERVER/api/v1/persistentvolumes?labelSelector=type%3Dkwok" | jq '.items | length')"
  ((have >= PV_POOL)) && return 0
  for ((i = 0; i < PV_POOL; i++)); do
    post_object /api/v1/persistentvolumes "$(jq -n --arg name "$(printf 'kwok-pv-%03d' "$i")" '{
      apiVersion: "v1", kind: "PersistentVolume",
      metadata: {name: $name, labels: {type: "kwok"}},
      spec: {
        capacity: {storage: "100Gi"}, accessModes: ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany"],
        persistentVolumeReclaimPolicy: "Retain", storageClassName: "standard", volumeMode: "Filesystem",
        hostPath: {path: ("/var/lib/kwok-volumes/" + $name)}
      }
    }')" "volume $(printf 'kwok-pv-%03d' "$i")" quiet
  done
  log "kwok: $PV_POOL volumes in the pool"
}

# All PHLO_KWOK_NODES nodes report Ready.
nodes_ready() {
  local n
  n="$(kube_curl "$KUBE_SERVER/api/v1/nodes?labelSelector=type%3Dkwok" |
    jq '[.items[] | select(any(.status.conditions[]?; .type == "Ready" and .status == "True"))] | length')"
  ((n >= KWOK_NODES))
}

healthy() { curl --silent --fail --max-time 2 "http://127.0.0.1:$KWOK_PORT/healthz" >/dev/null; }

# KWOK's pods and nodes have made-up addresses (pod CIDRs 10.240.0.0/16 and 10.244.0.0/16, node IP
# 10.200.0.1). Nothing answers there, and nothing must leave this machine for them: when the API
# server is asked to reach a pod or a node (a service proxy, `kubectl logs`), a blackhole route
# makes it fail at once instead of sending packets to the default gateway.
FAKE_RANGES=(10.240.0.0/16 10.244.0.0/16 10.200.0.0/16)
blackhole_fake_ranges() {
  command -v ip >/dev/null || { log "kwok: no 'ip' command; cannot blackhole ${FAKE_RANGES[*]}"; return 0; }
  local r
  for r in "${FAKE_RANGES[@]}"; do ip route replace blackhole "$r" 2>/dev/null || log "kwok: could not add a blackhole route for $r"; done
}

up() {
  [[ -f "$KWOK_ENTRY/.complete" ]] || die "kwok: binary missing in $KWOK_BIN (run: stack/stack.sh build kwok)"
  [[ -s "$STACK_RUN/kubeconfig-kwok" ]] || die "kwok: $STACK_RUN/kubeconfig-kwok is missing (run: stack/stack.sh up kube)"
  if ! pid_alive kwok; then
    port_free "$KWOK_PORT" || die "port $KWOK_PORT is taken by another process (kwok; set PHLO_PORT_OFFSET)"
    start_bg kwok "$STACK_RUN/logs/kwok.log" "$KWOK_BIN/kwok" \
      --config="$KWOK_STAGES" \
      --kubeconfig="$STACK_RUN/kubeconfig-kwok" \
      --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
      --server-address="127.0.0.1:$KWOK_PORT" \
      --node-lease-duration-seconds=40 \
      --cidr=10.240.0.0/16 \
      --node-ip=10.200.0.1
  fi
  wait_for_alive kwok "kwok /healthz on 127.0.0.1:$KWOK_PORT" 30 healthy
  blackhole_fake_ranges
  create_nodes
  create_storage
  wait_for_alive kwok "$KWOK_NODES KWOK nodes Ready" 60 nodes_ready
  stack_env PHLO_KWOK_NODES "$KWOK_NODES"
}

status() {
  if pid_alive kwok && healthy; then
    local ready
    ready="$(kube_curl "$KUBE_SERVER/api/v1/nodes?labelSelector=type%3Dkwok" 2>/dev/null |
      jq '[.items[] | select(any(.status.conditions[]?; .type == "Ready" and .status == "True"))] | length' 2>/dev/null || echo '?')"
    echo "kwok: up (pid $(cat "$STACK_RUN/pids/kwok.pid"), $ready/$KWOK_NODES nodes Ready)"
  else
    echo "kwok: down"; return 1
  fi
}

down() {
  stop_pid kwok
  stack_env_unset PHLO_KWOK_NODES
}

case "${1:-}" in
  build|up|status|down) "$1" ;;
  *) die "usage: kwok.sh build|up|status|down" ;;
esac
