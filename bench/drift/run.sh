#!/usr/bin/env bash
# bench/drift: bundles the benchmark with ncc, then runs `phlo-deploy drift-check` (dist/cli.js: after a
# change to src/, rebuild dist/ first — `node scripts/build.mjs`) and `kubectl diff --server-side`
# against the local stack.
# Usage: bash bench/drift/run.sh   (env: BENCH_ROUNDS=5 BENCH_COPIES=20 KUBECTL=<default: the stack's PHLO_KUBECTL>)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/build/bench-drift"
rm -rf "$out"; mkdir -p "$out"
# -t: transpile only (tsc checks the types; the machine is shared)
(cd "$root" && npx ncc build bench/drift/main.ts -o "$out/main" -q -t)
# drift-check runs on Node 24, the runtime the actions declare (node24), with its compile cache
NODE24="$(bash "$root/scripts/node24.sh")"
cd "$root" && BENCH_NODE="$NODE24" PHLO_STACK_DIR="${PHLO_STACK_DIR:-$root/.stack}" BENCH_ROOT="$root" node "$out/main/index.js"
