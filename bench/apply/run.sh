#!/usr/bin/env bash
# bench/apply: bundles the benchmark and our apply child with ncc, then runs both tools against the
# local stack. Usage: bash bench/apply/run.sh   (env: BENCH_ROUNDS=5 KUBECTL=<default: the stack's PHLO_KUBECTL> BENCH_CONCURRENCY=8)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/build/bench-apply"
rm -rf "$out"; mkdir -p "$out"
(cd "$root" && npx ncc build bench/apply/main.ts -o "$out/main" -q && npx ncc build bench/apply/child.ts -o "$out/child" -q)
cd "$root" && PHLO_STACK_DIR="${PHLO_STACK_DIR:-$root/.stack}" BENCH_DIR="$out" node "$out/main/index.js"
