#!/usr/bin/env bash
# bench/gate: runs the rollout-gate action as shipped (a snapshot of dist/, so a rebuild during the run
# cannot change it) against `kubectl rollout status` on the local stack.
# Usage: bash bench/gate/run.sh   (env: BENCH_ROUNDS=25 BENCH_DEPLOYMENTS=5 BENCH_NODE_ARGS= KUBECTL=<default: the stack's PHLO_KUBECTL>)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/build/bench-gate"
rm -rf "$out"; mkdir -p "$out"
[[ -f "$root/dist/rollout-gate/main.js" ]] || { echo "bench/gate: dist/ is missing (run npm run build)" >&2; exit 1; }
cp -r "$root/dist" "$out/dist"
(cd "$root" && npx ncc build bench/gate/main.ts -o "$out/main" -q --transpile-only)
cd "$root" && BENCH_DIR="$out" node "$out/main/index.js"
