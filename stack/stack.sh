#!/usr/bin/env bash
# The local stack: `stack.sh up|status|down|build [component...]`. See stack/README.md.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Start order; `down` goes in reverse. Each name is stack/components/<name>.sh.
ALL_COMPONENTS=(etcd kube kubectl kwok docker registry node moto postgres trivy minio)
# Components built from Go sources (minutes when cold). `up` builds them in two background lanes
# while the others install and start, and starts each as soon as its own build is done, so the
# stack comes up at the end of the longest lane instead of the sum of all builds. Cold CPU time on
# 2 cores, measured one after another with an empty Go build cache (2026-11-29/30, before
# go_gcflags' -dwarf=false took ≈ 14 % off each): etcd 102 s, kube
# 667 s, then the kubelet 47 s and kubectl 58 s (both mostly packages kube compiled already, so after
# it in its lane); trivy + trivy-db 604 s, then kwok 172 s (without inlining; it shares nothing: its Kubernetes
# libraries are another release), then minio in the other — the two lanes about even. In the cold
# `npm run demo` of 2026-11-30 (every Go build without DWARF, go_gcflags), wall time in the lanes:
# etcd 133 s → kube 497 s → kubelet 47 s (≈ 677 s), trivy 573 s → kwok 144 s (≈ 717 s).
GO_LANES=("etcd kube node kubectl" "trivy kwok minio")
# What each component's `up` needs running first (only among the components being brought up). The
# others start side by side as soon as their own build is done: the stack is up after its longest
# chain (etcd → kube → kwok) instead of the sum of every start. The node after docker as well: both
# write the host's iptables rules.
declare -A UP_AFTER=([kube]="etcd" [kwok]="kube" [node]="kube docker registry" [trivy]="registry")

cmd="${1:-status}"; shift || true
components=("$@"); ((${#components[@]})) || components=("${ALL_COMPONENTS[@]}")

for c in "${components[@]}"; do
  [[ " ${ALL_COMPONENTS[*]} " == *" $c "* ]] || die "unknown component '$c': expected one of ${ALL_COMPONENTS[*]}"
done

# A component whose script does not exist (yet) is skipped with a log line.
present=()
for c in "${components[@]}"; do
  if [[ -f "$STACK_ROOT/components/$c.sh" ]]; then present+=("$c"); else log "skipping $c: stack/components/$c.sh does not exist"; fi
done
# In ALL_COMPONENTS order whatever order they were named in (once each): `up` starts a component's
# dependencies (UP_AFTER) before it, `down` stops in reverse.
components=(); for c in "${ALL_COMPONENTS[@]}"; do if [[ " ${present[*]} " == *" $c "* ]]; then components+=("$c"); fi; done
selected() { [[ " ${components[*]} " == *" $1 "* ]]; }

run_component() {
  local rc=0
  bash "$STACK_ROOT/components/$1.sh" "$2" || rc=$?
  # A component that fails says which and where, so a silent `set -e` exit never looks like success.
  ((rc == 0)) || { [[ "$2" == status ]] || log "error: component $1 failed at $2 (exit $rc)"; return "$rc"; }
}

# One lane: build its selected components one after the other; each writes a done-marker (its exit
# code) that `up` waits for.
BUILD_MARKS="$STACK_RUN/builds"
build_lane() {
  local c rc
  for c in $1; do
    selected "$c" || continue
    rc=0; run_component "$c" build || rc=$?
    echo "$rc" >"$BUILD_MARKS/$c"
    ((rc == 0)) || return "$rc"
  done
}
in_lane() { local l; for l in "${GO_LANES[@]}"; do [[ " $l " == *" $1 "* ]] && return 0; done; return 1; }
# wait_mark FILE WRITER_PID... — waits for a done-marker and prints what it holds (an exit code), or
# "died" when every process that could write it has ended without writing it (killed): a dead writer
# is a failure, never an endless wait.
wait_mark() {
  local file="$1" p any; shift
  while [[ ! -f "$file" ]]; do
    any=0; for p in "$@"; do kill -0 "$p" 2>/dev/null && any=1; done
    ((any)) || [[ -f "$file" ]] || { echo died; return 0; }
    sleep 0.2
  done
  cat "$file"
}
wait_build() { # COMPONENT
  case "$(wait_mark "$BUILD_MARKS/$1" "${lane_pids[@]}")" in
    0) ;;
    died) die "the build of $1 did not finish (see the lines above)" ;;
    *) die "$1: build failed (see the lines above)" ;;
  esac
}

# One component's start, in the background: after its build and the components it needs; writes its
# up-marker (its exit code) for the components waiting on it. The components it needs come before it
# in ALL_COMPONENTS, so their starts' pids (up_pid) are known when it forks.
UP_MARKS="$STACK_RUN/ups"
up_one() { # COMPONENT
  local c="$1" d t rc=0
  trap 'echo 1 >"$UP_MARKS/$c"' EXIT   # a start that dies (set -e, die) still tells its dependants
  wait_build "$c"
  for d in ${UP_AFTER[$c]:-}; do
    selected "$d" || continue
    [[ "$(wait_mark "$UP_MARKS/$d" "${up_pid[$d]}")" == 0 ]] || die "$c: not started, because $d did not come up"
  done
  t=$SECONDS; run_component "$c" up || rc=$?
  trap - EXIT
  echo "$rc" >"$UP_MARKS/$c"
  ((rc == 0)) || return "$rc"
  log "$c up ($((SECONDS - t))s; $((SECONDS - start))s since start)"
}

case "$cmd" in
  build)
    start=$SECONDS
    for c in "${components[@]}"; do run_component "$c" build; done
    log "build done in $((SECONDS - start))s" ;;
  up)
    start=$SECONDS
    # A second `up` in the same clone (a second `npm run demo` started while the first still builds)
    # waits for the first and then finds the stack up; builds shared by clones wait on the cache's
    # own lock (build_lock).
    exec 8>"$STACK_RUN/.up.lock"   # fd 8: closed for the daemons start_bg starts (lib.sh)
    if ! flock -n 8; then
      log "another 'stack up' is running in $STACK_RUN; waiting for it to finish"
      flock 8
    fi
    rm -rf "$BUILD_MARKS" "$UP_MARKS"; mkdir -p "$BUILD_MARKS" "$UP_MARKS"
    lane_pids=() up_pids=()
    for lane in "${GO_LANES[@]}"; do build_lane "$lane" & lane_pids+=("$!"); done
    trap 'kill "${lane_pids[@]}" "${up_pids[@]}" 2>/dev/null || true' EXIT
    for c in "${components[@]}"; do in_lane "$c" || { run_component "$c" build; echo 0 >"$BUILD_MARKS/$c"; }; done
    declare -A up_name=() up_pid=()
    for c in "${components[@]}"; do up_one "$c" & up_pids+=("$!"); up_name[$!]="$c"; up_pid[$c]=$!; done
    # The first start that fails stops the others (and the builds): the same as a serial `up` that
    # stops at its first failure; `down` cleans up whatever did start.
    pending=("${up_pids[@]}")
    while ((${#pending[@]})); do
      rc=0; done_pid=""; wait -n -p done_pid "${pending[@]}" || rc=$?
      ((rc == 0)) || die "${up_name[$done_pid]:-a component} did not come up (see the lines above)"
      left=(); for p in "${pending[@]}"; do [[ "$p" == "$done_pid" ]] || left+=("$p"); done; pending=("${left[@]}")
    done
    trap - EXIT
    rm -rf "$BUILD_MARKS" "$UP_MARKS"
    log "stack up in $((SECONDS - start))s; environment in $STACK_ENV_FILE" ;;
  status)
    rc=0
    for c in "${components[@]}"; do run_component "$c" status || rc=1; done
    exit $rc ;;
  down)
    rc=0
    for ((i=${#components[@]}-1; i>=0; i--)); do run_component "${components[$i]}" down || rc=1; done
    exit $rc ;;
  *) die "unknown command '$cmd': use up, status, down or build" ;;
esac
