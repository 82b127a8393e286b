#!/usr/bin/env bash
# The warm `stack up`: every component from the build cache into a fresh PHLO_STACK_DIR (what a
# fresh clone on a machine that built the stack once gets), timed, then taken down again. It runs in
# a network namespace of its own, so the components with fixed ports (registry, moto, postgres,
# minio) can start while the shared stack holds the same ports, which it never touches. Needs root
# (ip netns) and a warm cache (`npm run stack:up` once). Ends with `ratio: X (goal ≤ 1.0)`, X being
# the median time over the goal of 60 s.
#   bash scripts/bench-stack-up.sh        (env: BENCH_ROUNDS=1)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GOAL_S=60
rounds="${BENCH_ROUNDS:-1}"
[[ "$rounds" =~ ^[1-9][0-9]?$ ]] || { echo "bench/stack-up: BENCH_ROUNDS must be 1-99" >&2; exit 2; }
command -v ip >/dev/null && command -v nsenter >/dev/null || { echo "bench/stack-up: needs ip and nsenter" >&2; exit 2; }

netns="phlo-bench-$(od -An -tx1 -N3 /dev/urandom | tr -d ' \n')"
dir=""
cleanup() {
  if [[ -n "$dir" && -d "$dir" ]]; then
    nsenter --net="/run/netns/$netns" env PHLO_STACK_DIR="$dir" PHLO_PORT_OFFSET=1400 bash "$root/stack/stack.sh" down >/dev/null 2>&1 || true
    rm -rf "$dir"
  fi
  ip netns delete "$netns" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$netns"
ip netns exec "$netns" ip link set lo up

times=()
for ((r = 1; r <= rounds; r++)); do
  dir="$(mktemp -d /tmp/phlo-bu-XXXXXX)"
  chmod 755 "$dir" # postgres runs as its own user
  log="$dir.log"
  t0="$EPOCHREALTIME"
  if ! nsenter --net="/run/netns/$netns" env PHLO_STACK_DIR="$dir" PHLO_PORT_OFFSET=1400 \
    bash "$root/stack/stack.sh" up >"$log" 2>&1; then
    echo "bench/stack-up: stack up failed in round $r; last lines:" >&2
    tail -n 20 "$log" >&2
    rm -f "$log"
    exit 1
  fi
  t1="$EPOCHREALTIME"
  secs="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
  times+=("$secs")
  # Where the time went: each component's own "<name> up (Ns; …)" line.
  parts="$(grep -oE '^\[stack\] [a-z]+ up \([0-9]+s' "$log" | sed -E 's/^\[stack\] ([a-z]+) up \(([0-9]+)s/\1 \2s/' | paste -sd ' ' -)"
  echo "round $r: stack up (all components, warm cache, fresh dir) ${secs} s  (${parts})"
  rm -f "$log"
  nsenter --net="/run/netns/$netns" env PHLO_STACK_DIR="$dir" PHLO_PORT_OFFSET=1400 bash "$root/stack/stack.sh" down >/dev/null 2>&1
  rm -rf "$dir"
  dir=""
done
median="$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')"
echo "median: ${median} s over ${rounds} round(s) (goal ≤ ${GOAL_S} s)"
echo "ratio: $(awk -v m="$median" -v g="$GOAL_S" 'BEGIN { printf "%.3f", m / g }') (goal ≤ 1.0)"
