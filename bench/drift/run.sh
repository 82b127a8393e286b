#!/usr/bin/env bash
# bench/drift: bundles the benchmark and our drift-check child with ncc, then runs drift-check and
# `kubectl diff --server-side` against the local stack.
# Usage: bash bench/drift/run.sh   (env: BENCH_ROUNDS=5 BENCH_COPIES=20 KUBECTL=<default: the stack's PHLO_KUBECTL>)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/build/bench-drift"
rm -rf "$out"; mkdir -p "$out"
# -t: transpile only (tsc checks the types; the machine is shared)
(cd "$root" && npx ncc build bench/drift/main.ts -o "$out/main" -q -t && npx ncc build bench/drift/child.ts -o "$out/child" -q -t)
cd "$root" && PHLO_STACK_DIR="${PHLO_STACK_DIR:-$root/.stack}" BENCH_DIR="$out" BENCH_ROOT="$root" node "$out/main/index.js"
