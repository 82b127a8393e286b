#!/usr/bin/env bash
# The cold path, checked cheaply: every Go module in the clone resolves from the clone alone — its
# module graph loads with -mod=readonly and every package it builds is found (go.mod, go.sum and
# tools.go present and complete; no `replace` pointing at nothing). Seconds with a warm module
# cache, and it runs even when the stack's binaries are cached, so a build input missing from git
# fails CI on the machine that has the binaries too. The stack's `go install mod@version` builds
# (kwok, minio) have no files in the clone; their pinned versions are checked to resolve.
# Usage: bash scripts/check-go-modules.sh
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
check() { # DIR PACKAGE... — go list -deps of the packages in DIR
  local dir="$1" out err rc=0; shift
  err="$(mktemp)"
  # GOEXPERIMENT=jsonv2: Trivy imports encoding/json/v2 (its build sets the same, stack/components/trivy.sh).
  out="$(cd "$dir" && GOEXPERIMENT=jsonv2 GOFLAGS=-mod=readonly go list -e -deps \
    -f '{{with .Error}}{{$.ImportPath}}: {{.}}{{"\n"}}{{end}}{{range .DepsErrors}}{{.}}{{"\n"}}{{end}}' "$@" 2>"$err")" || rc=$?
  out="$( { grep -v '^$' <<<"$out"; grep -v '^go: downloading' "$err"; } | sort -u || true)"
  rm -f "$err"
  if ((rc != 0)) || [[ -n "$out" ]]; then
    printf '[go-modules] %s does not resolve from the clone alone:\n%s\n' "$dir" "$(head -n 10 <<<"$out")" >&2
    fail=1
  else
    printf '[go-modules] %s: ok (%s)\n' "$dir" "$*"
  fi
}
# The modules the stack's components build from (their *MODULE*="$STACK_ROOT/…" lines) and the
# example app must be tracked: a go.mod that was never committed is not in `git ls-files` at all.
for dir in $(sed -n 's|^[A-Z_]*MODULE[A-Z_]*="\$STACK_ROOT/\([^"]*\)"$|stack/\1|p' stack/components/*.sh) examples/app; do
  git ls-files --error-unmatch "$dir/go.mod" >/dev/null 2>&1 \
    || { printf '[go-modules] %s/go.mod is not tracked by git (a fresh clone has no copy): commit it\n' "$dir" >&2; fail=1; }
done
for mod in $(git ls-files '*go.mod' | sort); do
  dir="$(dirname "$mod")"
  if grep -q '^require' "$mod" && [[ ! -f "$dir/go.sum" ]]; then
    printf '[go-modules] %s: go.sum is missing (it must be committed)\n' "$dir" >&2; fail=1; continue
  fi
  # A build-only module names what it builds in tools.go; any other module builds its own packages.
  if [[ -f "$dir/tools.go" ]]; then
    mapfile -t pkgs < <(sed -n 's/^.*_ "\(.*\)"$/\1/p' "$dir/tools.go")
    ((${#pkgs[@]})) || { printf '[go-modules] %s: tools.go names no package\n' "$dir" >&2; fail=1; continue; }
    check "$dir" "${pkgs[@]}"
  else
    check "$dir" ./...
  fi
done
# Pinned `go install mod@version` builds: the version must resolve through the module proxy.
for pin in "sigs.k8s.io/kwok@$(sed -n 's/^KWOK_VERSION="\(.*\)"/\1/p' stack/lib.sh)" \
           "github.com/minio/minio@$(sed -n 's/^MINIO_VERSION="\(.*\)"/\1/p' stack/components/minio.sh)"; do
  if go list -m -json "$pin" >/dev/null 2>&1; then printf '[go-modules] %s: ok (resolves)\n' "$pin"
  else printf '[go-modules] %s does not resolve: %s\n' "$pin" "$(go list -m "$pin" 2>&1 | tail -1)" >&2; fail=1; fi
done
exit "$fail"
