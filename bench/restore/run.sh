#!/usr/bin/env bash
# bench/restore: bundles the benchmark (which runs our restore as its own child process) with ncc,
# then compares it with `aws s3 sync` on the local stack's MinIO.
# Usage: bash bench/restore/run.sh   (env: BENCH_ROUNDS=3 BENCH_OBJECTS=10000)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/build/bench-restore"
rm -rf "$out"; mkdir -p "$out"
(cd "$root" && npx ncc build bench/restore/main.ts -o "$out" -q)
# The reference side's AWS CLI, installed by the project (awscli from PyPI, pinned), not the machine's.
aws_cli="$(bash "$root/scripts/tools.sh" aws)" || { echo "bench/restore: could not install the AWS CLI (bash scripts/tools.sh aws)" >&2; exit 1; }
cd "$root" && BENCH_AWS_CLI="$aws_cli" PHLO_STACK_DIR="${PHLO_STACK_DIR:-$root/.stack}" node "$out/index.js"
