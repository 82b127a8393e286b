#!/usr/bin/env bash
# bench/gate: bundles the benchmark and the gate child with ncc, then runs it against the local stack.
# Usage: bash bench/gate/run.sh   (env: BENCH_ROUNDS=7 BENCH_DEPLOYMENTS=5 KUBECTL=/usr/bin/kubectl)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/build/bench-gate"
rm -rf "$out"; mkdir -p "$out"
(cd "$root" && npx ncc build bench/gate/main.ts -o "$out/main" -q --transpile-only && npx ncc build bench/gate/child.ts -o "$out/child" -q --transpile-only)
# The gate child is measured as we ship it: dist/ goes through terser (scripts/build.mjs), which drops
# ≈ 15 MB of the Kubernetes client's unused generated code — and with it most of the process teardown.
(cd "$root" && npx terser "$out/child/index.js" --module --compress --output "$out/child/index.min.js" && mv "$out/child/index.min.js" "$out/child/index.js")
cd "$root" && BENCH_DIR="$out" node "$out/main/index.js"
