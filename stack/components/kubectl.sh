#!/usr/bin/env bash
# kubectl of the control plane's release, for the tests and the benchmarks (the reference tool, used
# the way a person would): built from the control plane's module (stack/kube/build, which pins it in
# tools.go) into a cache entry of its own, $PHLO_CACHE/kubectl-<version>-<key>/bin, so a command that
# does not need it (`npm run demo`) does not build it. Nothing runs.
#   build  — go build kubectl (no-op when cached)
#   up     — write PHLO_KUBECTL to the env file
#   status — the binary answers `kubectl version --client`
#   down   — remove PHLO_KUBECTL from the env file
# Usage: stack/components/kubectl.sh build|up|status|down
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

KUBE_MODULE="$STACK_ROOT/kube/build"

recipe() ( # OUT_DIR
  cd "$KUBE_MODULE" && CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false -mod=readonly" \
    go build -gcflags="$(go_gcflags)" -ldflags="$(kube_ldflags)" -o "$1/" k8s.io/kubernetes/cmd/kubectl
)
KUBECTL_ENTRY="$(cache_entry kubectl "$KUBE_VERSION" recipe fn:go_gcflags fn:kube_ldflags "$KUBE_MODULE"/{go.mod,go.sum,tools.go})"
KUBECTL_BIN="$KUBECTL_ENTRY/bin/kubectl"

# Cold on 2 cores: 58 s of CPU after the control plane's build (most packages are shared with it).
build() { cached_build kubectl "$KUBECTL_ENTRY" 36 recipe; }

up() {
  [[ -f "$KUBECTL_ENTRY/.complete" ]] || die "kubectl: binary missing in $KUBECTL_ENTRY/bin (run: stack/stack.sh build kubectl)"
  stack_env PHLO_KUBECTL "$KUBECTL_BIN"
}

status() {
  if [[ -x "$KUBECTL_BIN" ]] && "$KUBECTL_BIN" version --client >/dev/null 2>&1; then
    echo "kubectl: ok ($KUBE_VERSION, $KUBECTL_BIN)"
  else
    echo "kubectl: not built (run: stack/stack.sh build kubectl)"; return 1
  fi
}

down() { stack_env_unset PHLO_KUBECTL; }

case "${1:-}" in
  build|up|status|down) "$1" ;;
  *) die "usage: kubectl.sh build|up|status|down" ;;
esac
