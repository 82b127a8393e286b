#!/usr/bin/env bash
# What the two README commands rely on from the machine, checked once at the start and reported in
# one message: root (apt, dockerd, network namespaces for the health-gate tests), apt-get (Debian's
# packages), Node ≥ 20, Go ≥ the highest `go` line of the repository's modules, Python ≥ 3.9 (moto
# and zizmor run in venvs under the cache; python3-venv is installed when missing).
# Usage: bash scripts/preflight.sh   (scripts/test.sh and scripts/demo.sh call it)
set -euo pipefail
cd "$(dirname "$0")/.."
problems=()

# ver_ge A B — version A ≥ version B (dotted numbers).
ver_ge() { [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]; }

((EUID == 0)) || problems+=("root: the stack installs Debian packages, runs dockerd and makes network namespaces; run as root (this machine kind is root by default)")
command -v apt-get >/dev/null || problems+=("apt-get: the stack installs Debian packages (docker.io, postgresql, docker-registry…); a Debian or Ubuntu machine is needed")

if command -v node >/dev/null; then
  node_v="$(node -p 'process.versions.node')"
  ver_ge "$node_v" 20.0.0 || problems+=("Node $node_v: Node ≥ 20 is needed (package.json engines)")
else
  problems+=("node: Node ≥ 20 with npm is needed")
fi

go_need="$(git ls-files '*go.mod' | xargs sed -n 's/^go \([0-9.]*\)$/\1/p' | sort -V | tail -n1)"
if command -v go >/dev/null; then
  go_v="$(go env GOVERSION)"; go_v="${go_v#go}"; go_v="${go_v%%[!0-9.]*}"
  if ! ver_ge "$go_v" "${go_need:-1.0}"; then
    if [[ "${GOTOOLCHAIN:-}" == auto* ]]; then
      printf '[preflight] Go %s is older than %s (asked by a go.mod); GOTOOLCHAIN=%s lets go fetch it through the module proxy\n' "$go_v" "$go_need" "$GOTOOLCHAIN" >&2
    else
      problems+=("Go $go_v: the stack's modules ask for Go ≥ $go_need; install it, or set GOTOOLCHAIN=auto to let go fetch it through the module proxy")
    fi
  fi
else
  problems+=("go: Go ≥ $go_need is needed to build the stack (Kubernetes, etcd, KWOK, MinIO, Trivy) and the example app")
fi

if command -v python3 >/dev/null; then
  py_v="$(python3 -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
  ver_ge "$py_v" 3.9.0 || problems+=("Python $py_v: Python ≥ 3.9 is needed (moto, zizmor)")
  if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    if ((EUID == 0)) && command -v apt-get >/dev/null; then
      printf '[preflight] installing python3-venv (moto and zizmor run in venvs under the cache)\n' >&2
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null \
        || problems+=("python3-venv: could not be installed (apt-get install python3-venv)")
    else
      problems+=("python3-venv: python3 cannot make a venv; install python3-venv")
    fi
  fi
else
  problems+=("python3: Python ≥ 3.9 is needed (moto, zizmor)")
fi

if ((${#problems[@]})); then
  printf '[preflight] this machine lacks what phlo-deploy'"'"'s set-up needs:\n' >&2
  printf '  - %s\n' "${problems[@]}" >&2
  exit 1
fi
