#!/usr/bin/env bash
# shellcheck disable=SC2034  # variables here are used by the component scripts that source this file
# Shared helpers for the local stack's component scripts. Sourced, never run.
# Every component script is `stack/components/<name>.sh {build|up|status|down}`:
#   build  — make sure its binaries exist in the cache (idempotent, no-op when cached)
#   up     — start it (idempotent: already running → nothing to do), wait until healthy,
#            and append its KEY=VALUE lines to "$STACK_ENV_FILE" via `stack_env KEY VALUE`
#   status — print one line "<name>: up|down (details)"; exit 0 when up, 1 when down
#   down   — stop exactly the processes it started (pid files under "$STACK_RUN/pids")
#
# Overrides (so a second, throwaway stack can run next to the shared one, e.g. in a test):
#   PHLO_STACK_DIR    runtime directory (default <repo>/.stack)
#   PHLO_CACHE        build cache (default ~/.cache/phlo-deploy)
#   PHLO_PORT_OFFSET  added to every port of the Kubernetes half (default 0)
set -euo pipefail

STACK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$STACK_ROOT/.." && pwd)"
# Builds are cached outside the clone, keyed by component and version.
PHLO_CACHE="${PHLO_CACHE:-$HOME/.cache/phlo-deploy}"
# Runtime state (pid files, logs, data, kubeconfigs, the env file) lives in the clone, gitignored.
STACK_RUN="${PHLO_STACK_DIR:-$REPO_ROOT/.stack}"
STACK_ENV_FILE="$STACK_RUN/env"
mkdir -p "$PHLO_CACHE" "$STACK_RUN/pids" "$STACK_RUN/logs"
STACK_RUN="$(cd "$STACK_RUN" && pwd)"
STACK_ENV_FILE="$STACK_RUN/env"

# Ports of the Kubernetes half (all on 127.0.0.1). The other components keep their agreed ports.
PHLO_PORT_OFFSET="${PHLO_PORT_OFFSET:-0}"
[[ "$PHLO_PORT_OFFSET" =~ ^[0-9]+$ ]] || { printf '[stack] error: PHLO_PORT_OFFSET is %q: expected a whole number such as 1000\n' "$PHLO_PORT_OFFSET" >&2; exit 2; }
ETCD_PORT=$((23790 + PHLO_PORT_OFFSET))
ETCD_PEER_PORT=$((23800 + PHLO_PORT_OFFSET))
APISERVER_PORT=$((16443 + PHLO_PORT_OFFSET))
KWOK_PORT=$((16447 + PHLO_PORT_OFFSET))
KCM_PORT=$((16457 + PHLO_PORT_OFFSET))
SCHEDULER_PORT=$((16459 + PHLO_PORT_OFFSET))

# Pinned versions of the Kubernetes half (the Go module in stack/kube/build pins the same release).
KUBE_VERSION="v1.34.4"
KWOK_VERSION="v0.7.0"
KUBE_BIN="$PHLO_CACHE/kubernetes-$KUBE_VERSION/bin"
KWOK_BIN="$PHLO_CACHE/kwok-$KWOK_VERSION/bin"
PKI_DIR="$STACK_RUN/pki"

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

# stack_env KEY VALUE — record (or replace) one variable in the env file.
stack_env() {
  local key="$1" value="$2" tmp
  touch "$STACK_ENV_FILE"
  tmp="$(mktemp "$STACK_RUN/env.XXXXXX")"
  grep -v "^${key}=" "$STACK_ENV_FILE" >"$tmp" || true
  printf '%s=%s\n' "$key" "$value" >>"$tmp"
  mv "$tmp" "$STACK_ENV_FILE"
}

# stack_env_unset KEY... — drop variables from the env file (a component going down).
stack_env_unset() {
  local key tmp
  [[ -f "$STACK_ENV_FILE" ]] || return 0
  for key in "$@"; do
    tmp="$(mktemp "$STACK_RUN/env.XXXXXX")"
    grep -v "^${key}=" "$STACK_ENV_FILE" >"$tmp" || true
    mv "$tmp" "$STACK_ENV_FILE"
  done
}

# _proc_stat_field PID N — field N of /proc/PID/stat counted after the command name:
# 1 state, 2 ppid, 3 pgrp, 4 session, ..., 20 starttime.
_proc_stat_field() { # PID N
  local stat rest arr
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  rest="${stat##*) }"
  read -r -a arr <<<"$rest"
  printf '%s\n' "${arr[$(($2 - 1))]}"
}

# session_pids SID — every live process whose session id is SID (start_bg makes each started
# process the leader of its own session, so this is the process and everything it spawned).
# Zombies are left out: they have exited already (only their parent's wait is missing).
session_pids() {
  local sid="$1" d stat rest arr
  for d in /proc/[0-9]*; do
    { read -r stat <"$d/stat"; } 2>/dev/null || continue
    rest="${stat##*) }"
    read -r -a arr <<<"$rest"
    [[ "${arr[3]}" == "$sid" && "${arr[0]}" != Z ]] && printf '%s\n' "${d#/proc/}"
  done
  return 0
}

# start_bg NAME LOGFILE CMD ARGS... — start a process in the background in its own session
# (setsid: pid = process group id = session id), record its pid and start time.
start_bg() {
  local name="$1" logfile="$2" pid; shift 2
  if pid_alive "$name"; then log "$name already running (pid $(cat "$STACK_RUN/pids/$name.pid"))"; return 0; fi
  setsid "$@" >>"$logfile" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$STACK_RUN/pids/$name.pid"
  # Record the start time too, so a recycled pid is never mistaken for ours.
  local i st=""
  for i in 1 2 3 4 5 6 7 8 9 10; do st="$(_proc_stat_field "$pid" 20 2>/dev/null)" && break; sleep 0.05; done
  echo "$st" >"$STACK_RUN/pids/$name.start"
  log "started $name (pid $pid, log $logfile)"
}

# pid_alive NAME — the recorded process is running (and is the one we started).
pid_alive() {
  local f="$STACK_RUN/pids/$1.pid" pid st
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  if [[ -s "$STACK_RUN/pids/$1.start" ]]; then
    st="$(_proc_stat_field "$pid" 20 2>/dev/null)" || return 1
    [[ "$st" == "$(cat "$STACK_RUN/pids/$1.start")" ]] || return 1
  fi
  return 0
}

# stop_pid NAME [GRACE_SECONDS] — stop the process recorded for NAME and everything in its session:
# TERM to the process group, up to GRACE_SECONDS (default 10) for it to end, then KILL to whatever of
# the session is left; remove the pid file.
stop_pid() {
  local name="$1" grace="${2:-10}" f="$STACK_RUN/pids/$1.pid" pid i left
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if pid_alive "$name"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 $((grace * 10))); do
      kill -0 -- "-$pid" 2>/dev/null || kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    log "stopped $name (pid $pid)"
  fi
  # Children that left the process group but not the session are ours too. Only when we know the
  # session is ours (the start time matched, or the leader is gone and we recorded it).
  if [[ -s "$STACK_RUN/pids/$name.start" ]]; then
    left="$(session_pids "$pid")"
    if [[ -n "$left" ]]; then
      # shellcheck disable=SC2086
      kill -KILL $left 2>/dev/null || true
      log "killed what was left of $name: pids $(echo $left)"
      for i in $(seq 1 50); do [[ -z "$(session_pids "$pid")" ]] && break; sleep 0.1; done
    fi
  fi
  rm -f "$f" "$STACK_RUN/pids/$name.start"
}

# wait_for DESCRIPTION TIMEOUT_SECONDS CMD ARGS... — poll CMD until it succeeds.
wait_for() {
  local what="$1" timeout="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || die "timed out after ${timeout}s waiting for $what"
    sleep 0.2
  done
}

# wait_for_alive NAME DESCRIPTION TIMEOUT CMD ARGS... — like wait_for, but gives up early (showing
# the end of the log) when the process NAME has died.
wait_for_alive() {
  local name="$1" what="$2" timeout="$3"; shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ! pid_alive "$name"; then
      tail -n 20 "$STACK_RUN/logs/$name.log" >&2 2>/dev/null || true
      die "$name exited while waiting for $what (log: $STACK_RUN/logs/$name.log)"
    fi
    (( SECONDS < deadline )) || die "timed out after ${timeout}s waiting for $what (log: $STACK_RUN/logs/$name.log)"
    sleep 0.2
  done
}

# port_free PORT — nothing listens on 127.0.0.1:PORT.
port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# apt_ensure PKG... — install Debian packages that are missing (root, non-interactive).
apt_ensure() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  ((${#missing[@]} == 0)) && return 0
  log "installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build_lock NAME — serialise builds of one cache entry (two clones building at once).
build_lock() {
  exec {BUILD_LOCK_FD}>"$PHLO_CACHE/.$1.lock"
  flock "$BUILD_LOCK_FD"
}

# kube_curl ARGS... — curl against the stack's apiserver as the admin (client certificate).
kube_curl() {
  curl --silent --show-error --fail --max-time 10 \
    --cacert "$PKI_DIR/ca.crt" --cert "$PKI_DIR/admin.crt" --key "$PKI_DIR/admin.key" "$@"
}

# kube_apply URL_PATH FILE — server-side apply of one YAML object (field manager phlo-stack).
kube_apply() {
  kube_curl -o /dev/null -X PATCH \
    -H 'Content-Type: application/apply-patch+yaml' \
    --data-binary "@$2" \
    "https://127.0.0.1:$APISERVER_PORT$1?fieldManager=phlo-stack&force=true"
}
