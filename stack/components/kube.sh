#!/usr/bin/env bash
# The Kubernetes control plane: kube-apiserver, kube-controller-manager and kube-scheduler of one
# pinned release, built from the Kubernetes Go modules (stack/kube/build/go.mod) into
# $PHLO_CACHE/kubernetes-<version>-<key>/bin (see cache_entry in stack/lib.sh). TLS with a stack CA (certificates in $STACK_RUN/pki),
# Node+RBAC authorization, no insecure port, API on https://127.0.0.1:16443 (+ PHLO_PORT_OFFSET).
# Writes the admin kubeconfig (KUBECONFIG) and the restricted service account's one
# (PHLO_KUBECONFIG_RESTRICTED). etcd must be up first (stack/components/etcd.sh).
# Usage: stack/components/kube.sh build|up|status|down|restart-apiserver
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

KUBE_MODULE="$STACK_ROOT/kube/build"
KUBE_SERVER="https://127.0.0.1:$APISERVER_PORT"
ADMIN_KUBECONFIG="$STACK_RUN/kubeconfig"
RESTRICTED_KUBECONFIG="$STACK_RUN/kubeconfig-restricted"
# kubectl is a component of its own (kubectl.sh, same module): the deploy does not need it.
COMMANDS=(kube-apiserver kube-controller-manager kube-scheduler)
SERVICE_CIDR="10.96.0.0/16"

# ---------------------------------------------------------------------------------------- build

recipe() ( # OUT_DIR
  local pkg targets=()
  for pkg in "${COMMANDS[@]}"; do targets+=("k8s.io/kubernetes/cmd/$pkg"); done
  cd "$KUBE_MODULE" && CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false -mod=readonly" \
    go build -gcflags="$(go_gcflags)" -ldflags="$(kube_ldflags)" -o "$1/" "${targets[@]}"
)
KUBE_ENTRY="$(cache_entry kubernetes "$KUBE_VERSION" recipe fn:go_gcflags fn:kube_ldflags "$KUBE_MODULE"/{go.mod,go.sum,tools.go})"
KUBE_BIN="$KUBE_ENTRY/bin"

build() {
  command -v jq >/dev/null && command -v openssl >/dev/null && command -v curl >/dev/null || apt_ensure jq openssl curl
  cached_build kubernetes "$KUBE_ENTRY" 497 recipe
}

# ------------------------------------------------------------------------------------------ pki

make_pki() {
  mkdir -p "$PKI_DIR"; chmod 700 "$PKI_DIR"
  if [[ ! -s "$PKI_DIR/ca.crt" ]]; then
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$PKI_DIR/ca.key" 2>/dev/null
    openssl req -x509 -new -key "$PKI_DIR/ca.key" -subj "/CN=phlo-stack-ca" -days 3650 -sha256 \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -out "$PKI_DIR/ca.crt"
  fi
  if [[ ! -s "$PKI_DIR/sa.key" ]]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI_DIR/sa.key" 2>/dev/null
    openssl pkey -in "$PKI_DIR/sa.key" -pubout -out "$PKI_DIR/sa.pub"
  fi
  local client="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
  pki_sign apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  pki_sign admin "/O=system:masters/CN=phlo-admin" "$client"
  pki_sign controller-manager "/CN=system:kube-controller-manager" "$client"
  pki_sign scheduler "/CN=system:kube-scheduler" "$client"
  pki_sign kwok "/O=system:masters/CN=kwok-controller" "$client"
  # The API server's identity towards kubelets (logs, exec, port-forward on the real node): bound to
  # system:kubelet-api-admin (stack/kube/rbac/95-*), no other rights.
  pki_sign apiserver-kubelet-client "/CN=kube-apiserver-kubelet-client" "$client"
  chmod 600 "$PKI_DIR"/*.key
}

b64() { base64 -w0 <"$1"; }

# write_kubeconfig FILE USER (cert NAME | token TOKEN)
write_kubeconfig() {
  local file="$1" user="$2" kind="$3" value="$4" tmp
  tmp="$(mktemp "$file.XXXXXX")"; chmod 600 "$tmp"
  {
    printf 'apiVersion: v1\nkind: Config\nclusters:\n- name: phlo-stack\n  cluster:\n'
    printf '    server: %s\n    certificate-authority-data: %s\n' "$KUBE_SERVER" "$(b64 "$PKI_DIR/ca.crt")"
    printf 'users:\n- name: %s\n  user:\n' "$user"
    if [[ "$kind" == cert ]]; then
      printf '    client-certificate-data: %s\n    client-key-data: %s\n' "$(b64 "$PKI_DIR/$value.crt")" "$(b64 "$PKI_DIR/$value.key")"
    else
      printf '    token: %s\n' "$value"
    fi
    printf 'contexts:\n- name: %s@phlo-stack\n  context:\n    cluster: phlo-stack\n    user: %s\n' "$user" "$user"
    printf 'current-context: %s@phlo-stack\n' "$user"
  } >"$tmp"
  mv "$tmp" "$file"
}

# ------------------------------------------------------------------------------------- processes

apiserver_ready() { kube_curl --max-time 3 "$KUBE_SERVER/readyz" | grep -qx ok; }
healthz() { curl --silent --fail --insecure --max-time 3 "https://127.0.0.1:$1/healthz" | grep -qx ok; }

start_apiserver() {
  pid_alive kube-apiserver && return 0
  port_free "$APISERVER_PORT" || die "port $APISERVER_PORT is taken by another process (kube-apiserver; set PHLO_PORT_OFFSET)"
  start_bg kube-apiserver "$STACK_RUN/logs/kube-apiserver.log" "$KUBE_BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 \
    --advertise-address=127.0.0.1 \
    --secure-port="$APISERVER_PORT" \
    --tls-cert-file="$PKI_DIR/apiserver.crt" \
    --tls-private-key-file="$PKI_DIR/apiserver.key" \
    --client-ca-file="$PKI_DIR/ca.crt" \
    --kubelet-client-certificate="$PKI_DIR/apiserver-kubelet-client.crt" \
    --kubelet-client-key="$PKI_DIR/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$PKI_DIR/ca.crt" \
    --kubelet-preferred-address-types=InternalIP \
    --authorization-mode=Node,RBAC \
    --enable-admission-plugins=NodeRestriction \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI_DIR/sa.pub" \
    --service-account-signing-key-file="$PKI_DIR/sa.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --allow-privileged=true \
    --profiling=false \
    --endpoint-reconciler-type=none \
    --event-ttl=30m \
    --v=0
}

start_controller_manager() {
  port_free "$KCM_PORT" || pid_alive kube-controller-manager || die "port $KCM_PORT is taken by another process (kube-controller-manager; set PHLO_PORT_OFFSET)"
  start_bg kube-controller-manager "$STACK_RUN/logs/kube-controller-manager.log" "$KUBE_BIN/kube-controller-manager" \
    --kubeconfig="$STACK_RUN/kubeconfig-controller-manager" \
    --authentication-kubeconfig="$STACK_RUN/kubeconfig-controller-manager" \
    --authorization-kubeconfig="$STACK_RUN/kubeconfig-controller-manager" \
    --bind-address=127.0.0.1 \
    --secure-port="$KCM_PORT" \
    --leader-elect=false \
    --use-service-account-credentials=true \
    --service-account-private-key-file="$PKI_DIR/sa.key" \
    --root-ca-file="$PKI_DIR/ca.crt" \
    --cluster-signing-cert-file="$PKI_DIR/ca.crt" \
    --cluster-signing-key-file="$PKI_DIR/ca.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --profiling=false \
    --v=0
}

start_scheduler() {
  port_free "$SCHEDULER_PORT" || pid_alive kube-scheduler || die "port $SCHEDULER_PORT is taken by another process (kube-scheduler; set PHLO_PORT_OFFSET)"
  start_bg kube-scheduler "$STACK_RUN/logs/kube-scheduler.log" "$KUBE_BIN/kube-scheduler" \
    --kubeconfig="$STACK_RUN/kubeconfig-scheduler" \
    --authentication-kubeconfig="$STACK_RUN/kubeconfig-scheduler" \
    --authorization-kubeconfig="$STACK_RUN/kubeconfig-scheduler" \
    --bind-address=127.0.0.1 \
    --secure-port="$SCHEDULER_PORT" \
    --leader-elect=false \
    --profiling=false \
    --v=0
}

# The restricted service account and its kubeconfig (a one-year TokenRequest token).
setup_restricted() {
  local f url
  for f in "$STACK_ROOT"/kube/rbac/*.yaml; do
    case "$(basename "$f")" in
      10-namespace.yaml) url=/api/v1/namespaces/phlo-system ;;
      20-serviceaccount.yaml) url=/api/v1/namespaces/phlo-system/serviceaccounts/phlo-restricted ;;
      30-clusterrole.yaml) url=/apis/rbac.authorization.k8s.io/v1/clusterroles/phlo-restricted ;;
      40-clusterrolebinding.yaml) url=/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/phlo-restricted ;;
      50-drift-serviceaccount.yaml) url=/api/v1/namespaces/phlo-system/serviceaccounts/phlo-drift-check ;;
      60-drift-clusterrole.yaml) url=/apis/rbac.authorization.k8s.io/v1/clusterroles/phlo-drift-check ;;
      70-drift-clusterrolebinding.yaml) url=/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/phlo-drift-check ;;
      80-drift-dry-run-only-policy.yaml)
        url=/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/phlo-drift-check-dry-run-only ;;
      85-drift-dry-run-only-binding.yaml)
        url=/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/phlo-drift-check-dry-run-only ;;
      90-drift-correct-clusterrole.yaml) url=/apis/rbac.authorization.k8s.io/v1/clusterroles/phlo-drift-correct ;;
      95-apiserver-kubelet-client-binding.yaml)
        url=/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/phlo-apiserver-kubelet-client ;;
      *) die "kube: no API path known for $f (add it to setup_restricted in kube.sh)" ;;
    esac
    kube_apply "$url" "$f" || die "kube: applying $f failed"
  done
  local token
  token="$(kube_curl -X POST -H 'Content-Type: application/json' \
    --data '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":31536000}}' \
    "$KUBE_SERVER/api/v1/namespaces/phlo-system/serviceaccounts/phlo-restricted/token" | jq -er .status.token)" \
    || die "kube: could not get a token for phlo-system/phlo-restricted"
  write_kubeconfig "$RESTRICTED_KUBECONFIG" phlo-restricted token "$token"
}

default_sa_exists() { kube_curl "$KUBE_SERVER/api/v1/namespaces/default/serviceaccounts/default" -o /dev/null; }

up() {
  [[ -f "$KUBE_ENTRY/.complete" ]] || die "kube: binaries missing in $KUBE_BIN (run: stack/stack.sh build kube)"
  curl --silent --fail --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" >/dev/null || die "kube: etcd is not up on 127.0.0.1:$ETCD_PORT (run: stack/stack.sh up etcd)"
  make_pki
  write_kubeconfig "$ADMIN_KUBECONFIG" phlo-admin cert admin
  write_kubeconfig "$STACK_RUN/kubeconfig-controller-manager" system:kube-controller-manager cert controller-manager
  write_kubeconfig "$STACK_RUN/kubeconfig-scheduler" system:kube-scheduler cert scheduler
  write_kubeconfig "$STACK_RUN/kubeconfig-kwok" kwok-controller cert kwok

  start_apiserver
  wait_for_alive kube-apiserver "kube-apiserver /readyz at $KUBE_SERVER" 90 apiserver_ready
  start_controller_manager
  start_scheduler
  wait_for_alive kube-controller-manager "kube-controller-manager /healthz" 60 healthz "$KCM_PORT"
  wait_for_alive kube-scheduler "kube-scheduler /healthz" 60 healthz "$SCHEDULER_PORT"
  setup_restricted
  wait_for "the default service account in namespace default" 60 default_sa_exists

  stack_env KUBECONFIG "$ADMIN_KUBECONFIG"
  stack_env PHLO_KUBECONFIG_RESTRICTED "$RESTRICTED_KUBECONFIG"
  stack_env PHLO_KUBE_SERVER "$KUBE_SERVER"
  stack_env PHLO_KUBE_VERSION "$KUBE_VERSION"
}

status() {
  local rc=0 details=()
  if pid_alive kube-apiserver && apiserver_ready; then details+=("apiserver ok"); else details+=("apiserver down"); rc=1; fi
  if pid_alive kube-controller-manager && healthz "$KCM_PORT"; then details+=("controller-manager ok"); else details+=("controller-manager down"); rc=1; fi
  if pid_alive kube-scheduler && healthz "$SCHEDULER_PORT"; then details+=("scheduler ok"); else details+=("scheduler down"); rc=1; fi
  local IFS=,
  if ((rc == 0)); then echo "kube: up ($KUBE_VERSION at $KUBE_SERVER: ${details[*]})"; else echo "kube: down (${details[*]})"; fi
  return $rc
}

down() {
  stop_pid kube-scheduler
  stop_pid kube-controller-manager
  stop_pid kube-apiserver 5  # its graceful shutdown waits up to 60 s for open watches: not worth it here
  stack_env_unset KUBECONFIG PHLO_KUBECONFIG_RESTRICTED PHLO_KUBE_SERVER PHLO_KUBE_VERSION
}

# For tests of API server outages: stop the API server (TERM, KILL after 3 s) and start it again with
# the same settings; returns once /readyz answers. Controllers and kwok reconnect by themselves.
restart_apiserver() {
  pid_alive kube-apiserver || die "kube: the API server is not running (run: stack/stack.sh up kube)"
  stop_pid kube-apiserver 3
  start_apiserver
  wait_for_alive kube-apiserver "kube-apiserver /readyz at $KUBE_SERVER" 90 apiserver_ready
}

case "${1:-}" in
  build|up|status|down) "$1" ;;
  restart-apiserver) restart_apiserver ;;
  *) die "usage: kube.sh build|up|status|down|restart-apiserver" ;;
esac
