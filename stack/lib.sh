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
PKI_DIR="$STACK_RUN/pki"

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

# stack_env KEY VALUE — record (or replace) one variable in the env file. Components start side by
# side (stack.sh up), so each rewrite holds the env file's lock (fd 9, only for the rewrite): two
# writers must never each copy the old file and lose the other's line.
stack_env() {
  local key="$1" value="$2" tmp
  {
    flock 9
    touch "$STACK_ENV_FILE"
    tmp="$(mktemp "$STACK_RUN/env.XXXXXX")"
    grep -v "^${key}=" "$STACK_ENV_FILE" >"$tmp" || true
    printf '%s=%s\n' "$key" "$value" >>"$tmp"
    mv "$tmp" "$STACK_ENV_FILE"
  } 9>"$STACK_RUN/.env.lock"
}

# stack_env_unset KEY... — drop variables from the env file (a component going down).
stack_env_unset() {
  local key tmp
  [[ -f "$STACK_ENV_FILE" ]] || return 0
  {
    flock 9
    for key in "$@"; do
      tmp="$(mktemp "$STACK_RUN/env.XXXXXX")"
      grep -v "^${key}=" "$STACK_ENV_FILE" >"$tmp" || true
      mv "$tmp" "$STACK_ENV_FILE"
    done
  } 9>"$STACK_RUN/.env.lock"
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

# close_inherited_fds — close every open descriptor above 2 (stdin, stdout, stderr stay).
close_inherited_fds() {
  local fd
  for fd in /proc/self/fd/*; do fd="${fd##*/}"; ((fd > 2)) && eval "exec $fd>&-"; done
  return 0
}

# start_bg NAME LOGFILE CMD ARGS... — start a process in the background in its own session
# (setsid: pid = process group id = session id), record its pid and start time.
start_bg() {
  local name="$1" logfile="$2" pid; shift 2
  if pid_alive "$name"; then log "$name already running (pid $(cat "$STACK_RUN/pids/$name.pid"))"; return 0; fi
  # Every descriptor but stdin/out/err is closed for the process: the stack's locks (6 apt, 7 build,
  # 8 stack up, 9 env file) and any its caller holds (`flock LOCK npm run demo`): a daemon holding one
  # would keep the lock for its whole life and make the next `up`, build or caller wait forever.
  ( close_inherited_fds; exec setsid "$@" ) >>"$logfile" 2>&1 </dev/null &
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
  # One apt at a time: components build side by side (stack.sh), and dpkg takes no second writer.
  exec 6>"$PHLO_CACHE/.apt.lock"   # fd 6: never inherited by what start_bg starts
  flock 6
  missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  exec 6>&-
}

# build_lock NAME — serialise builds of one cache entry (two clones, or two commands, building at
# once): the second waits for the first and then finds the entry built.
build_lock() {
  exec 7>"$PHLO_CACHE/.$1.lock"   # fd 7: never inherited by what start_bg starts
  if ! flock -n 7; then
    log "$1: another process is building it; waiting for that build to finish"
    flock 7
  fi
}

# go_gcflags [FLAG...] — the -gcflags of every Go binary the stack builds: `all=-dwarf=false` and the
# FLAGs given (Trivy and KWOK add -l). Every stack binary is linked with -s -w, which drops the DWARF
# debug data each package's compile writes; -dwarf=false does not write it in the first place. The
# code is the same (the example app's 6,317 functions have the same sizes either way), and the compile
# takes ≈ 14 % less CPU (client-go and the API server's server package, empty Go build cache, two
# runs each: 312–327 s → 271–272 s). A recipe that calls it names it as a cache input (fn:go_gcflags).
go_gcflags() { printf 'all=-dwarf=false%s\n' "${*:+ $*}"; }

# kube_ldflags — the -ldflags of every Kubernetes binary the stack builds (control plane, kubectl,
# kubelet): stripped, and stamped with the release so `kubectl version` and GET /version report it.
# A recipe that calls it names it as a cache input (fn:kube_ldflags).
kube_ldflags() {
  local minor="${KUBE_VERSION#v1.}" pkg ldflags="-s -w"; minor="${minor%%.*}"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  printf '%s\n' "$ldflags"
}

# ---------------------------------------------------------------------------------- build cache
# Every cached build is an entry $PHLO_CACHE/<name>-<version>-<key>, where <key> hashes the recipe
# (the component's build function, so its flags and targets) and the tracked files it is built from
# (go.mod, go.sum, tools.go, patches). A changed input makes a new entry; a missing input is an error
# naming the file, even when an entry for the old inputs exists. Entries are complete only with a
# .complete marker (written last); the two most recently used entries per name are kept.

# cache_entry NAME VERSION RECIPE_FUNCTION [INPUT...] — prints the entry's directory. An INPUT is a
# tracked file, or `fn:NAME` for a shell function the recipe calls (its text joins the key like the
# recipe's own).
cache_entry() {
  local name="$1" version="$2" recipe="$3" f key; shift 3
  for f in "$@"; do
    if [[ "$f" == fn:* ]]; then
      declare -F "${f#fn:}" >/dev/null || die "$name: the recipe's helper function ${f#fn:} is not defined"
      continue
    fi
    [[ -s "$f" ]] || die "$name: build input ${f#"$REPO_ROOT"/} is missing or empty (it must be tracked in git: a fresh clone has no other copy; restore it with git checkout -- ${f#"$REPO_ROOT"/})"
  done
  key="$( { declare -f "$recipe"; for f in "$@"; do
      if [[ "$f" == fn:* ]]; then printf '\n== %s\n' "$f"; declare -f "${f#fn:}"; continue; fi
      printf '\n== %s\n' "${f#"$REPO_ROOT"/}"; cat "$f"
    done; } | sha256sum | cut -c1-12)"
  printf '%s/%s-%s-%s\n' "$PHLO_CACHE" "$name" "$version" "$key"
}

# cached_build NAME ENTRY ESTIMATE_SECONDS RECIPE_FUNCTION — build ENTRY/bin unless it is complete: the
# recipe is called with the directory to fill (ENTRY/bin.tmp) and its log file; one progress line
# before (with the cold-build estimate) and one after (with the time it took).
cached_build() {
  local name="$1" entry="$2" estimate="$3" recipe="$4" base t
  base="$(basename "$entry")"
  if [[ -f "$entry/.complete" ]]; then touch "$entry/.complete"; return 0; fi
  build_lock "$base"
  if [[ -f "$entry/.complete" ]]; then touch "$entry/.complete"; return 0; fi
  command -v go >/dev/null || die "$base: Go is needed to build it (none on PATH; scripts/preflight.sh says which version)"
  rm -rf "$entry/bin.tmp"; mkdir -p "$entry/bin.tmp"
  log "$base: building (cold ≈ $((estimate / 60)) min $((estimate % 60)) s on 2 cores; log $entry/build.log)"
  t=$SECONDS
  if ! "$recipe" "$entry/bin.tmp" >"$entry/build.log" 2>&1; then
    tail -n 30 "$entry/build.log" >&2
    die "$base: build failed (log $entry/build.log)"
  fi
  rm -rf "$entry/bin"; mv "$entry/bin.tmp" "$entry/bin"
  printf '%s\n' "$((SECONDS - t))" >"$entry/.complete"
  log "$base: built in $((SECONDS - t)) s"
  prune_cache "$name" "$entry"
}

# prune_cache NAME KEEP_ENTRY — remove all but the two most recently used entries NAME-v*.
prune_cache() {
  local prefix="$1" keep="$2" e n=0
  while IFS= read -r e; do
    [[ "$e" == "$keep" ]] && continue
    n=$((n + 1))
    if ((n >= 2)); then log "cache: removing the old entry $(basename "$e")"; rm -rf "$e"; fi
  done < <(find "$PHLO_CACHE" -maxdepth 1 -type d -name "$prefix-v*" -printf '%T@ %p\n' 2>/dev/null | sort -rn | cut -d' ' -f2-)
}


# pki_sign NAME SUBJECT EXTENSIONS — an EC key and a certificate for it in $PKI_DIR, signed by the stack CA
# (made by kube.sh); kept when both files exist.
pki_sign() {
  local name="$1" subject="$2" ext="$3"
  [[ -s "$PKI_DIR/$name.crt" && -s "$PKI_DIR/$name.key" ]] && return 0
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$PKI_DIR/$name.key" 2>/dev/null
  openssl req -new -key "$PKI_DIR/$name.key" -subj "$subject" -out "$PKI_DIR/$name.csr"
  printf '%s\n' "$ext" >"$PKI_DIR/$name.ext"
  openssl x509 -req -in "$PKI_DIR/$name.csr" -CA "$PKI_DIR/ca.crt" -CAkey "$PKI_DIR/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 3650 -sha256 -extfile "$PKI_DIR/$name.ext" \
    -out "$PKI_DIR/$name.crt" 2>/dev/null
  rm -f "$PKI_DIR/$name.csr" "$PKI_DIR/$name.ext"
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
