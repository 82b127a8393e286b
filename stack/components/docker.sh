#!/usr/bin/env bash
# The stack's own Docker engine: Debian's docker.io (dockerd 20.10 + containerd + runc), started on its own
# socket, data root and exec root under $STACK_RUN, with no bridge and no iptables rules (the host's network
# is left alone; containers and RUN steps get network "none"). On `up` it also makes the base image
# phlo/base:bookworm locally (nothing can be pulled here): see stack/images/base/.
# Usage: stack/components/docker.sh build|up|status|down
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

DOCKER_DIR="$STACK_RUN/docker"
DOCKER_SOCK="$STACK_RUN/docker.sock"
DOCKER_DATA="$DOCKER_DIR/data"
DOCKER_EXEC="$DOCKER_DIR/exec"          # containerd state + its socket live here (managed by dockerd)
DOCKER_PIDFILE="$DOCKER_DIR/dockerd.pid"
CONTAINERD_SOCK="$DOCKER_EXEC/containerd/containerd.sock"
BASE_IMAGE="phlo/base:bookworm"
# Containers (and build steps) of this engine go under their own cgroup parent, so `down` can find every
# process they started even when dockerd/containerd are already gone.
CGROUP_PARENT="phlo-stack-$(printf '%s' "$STACK_RUN" | sha256sum | cut -c1-10)"
BASE_RECIPE="$STACK_ROOT/images/base"

# Unix socket paths are limited to 107 bytes; fail early with a clear message rather than inside dockerd.
(( ${#CONTAINERD_SOCK} + 20 < 108 )) || die "docker: state directory '$STACK_RUN' is too long for unix sockets (set PHLO_STACK_DIR to a shorter path)"

export DOCKER_HOST="unix://$DOCKER_SOCK"

pkg_version() { dpkg-query -W -f='${Version}' "$1"; }

install_packages() {
  # A policy-rc.d that says "no" keeps the packages' maintainer scripts from starting a system dockerd
  # (with iptables rules and /var/run/docker.sock) on hosts where none is present.
  local guard=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    guard=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$guard"; chmod +x "$guard"
  fi
  apt_ensure docker.io containerd runc busybox-static ca-certificates
  [[ -n "$guard" ]] && rm -f "$guard"
  return 0
}

# The base image's root file system, cached by the versions of the packages it is made of.
base_key() { echo "busybox-$(pkg_version busybox-static)-cacerts-$(pkg_version ca-certificates)-recipe-$(cat "$BASE_RECIPE/Dockerfile" "$BASE_RECIPE/make-rootfs.sh" | sha256sum | cut -c1-12)"; }
base_dir() { echo "$PHLO_CACHE/base-image-$(base_key | tr ':+~' '___')"; }

build() {
  install_packages
  local dir; dir="$(base_dir)"
  if [[ ! -s "$dir/rootfs.tar" ]]; then
    log "docker: making the base image's root file system in $dir"
    mkdir -p "$dir"
    bash "$BASE_RECIPE/make-rootfs.sh" "$dir/rootfs.tar.tmp"
    mv "$dir/rootfs.tar.tmp" "$dir/rootfs.tar"
  fi
}

healthy() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

start_dockerd() {
  mkdir -p "$DOCKER_DATA" "$DOCKER_EXEC"
  # An empty config file, so /etc/docker/daemon.json of the host is never read.
  [[ -f "$DOCKER_DIR/daemon.json" ]] || echo '{}' >"$DOCKER_DIR/daemon.json"
  start_bg dockerd "$STACK_RUN/logs/dockerd.log" dockerd \
    --host "$DOCKER_HOST" \
    --config-file "$DOCKER_DIR/daemon.json" \
    --data-root "$DOCKER_DATA" \
    --exec-root "$DOCKER_EXEC" \
    --pidfile "$DOCKER_PIDFILE" \
    --group root \
    --cgroup-parent "/$CGROUP_PARENT" \
    --bridge none --iptables=false --ip-masq=false --ip-forward=false --userland-proxy=false \
    --storage-driver overlay2 \
    --log-level warn
}

load_base_image() {
  local dir id want
  dir="$(base_dir)"
  want="$(base_key)"
  id="$(docker image inspect --format '{{index .Config.Labels "org.phlo.base.key"}}' "$BASE_IMAGE" 2>/dev/null || true)"
  if [[ "$id" == "$want" ]]; then return 0; fi
  log "docker: building $BASE_IMAGE from $dir/rootfs.tar"
  local ctx; ctx="$(mktemp -d)"
  cp "$BASE_RECIPE/Dockerfile" "$ctx/Dockerfile"
  ln "$dir/rootfs.tar" "$ctx/rootfs.tar" 2>/dev/null || cp "$dir/rootfs.tar" "$ctx/rootfs.tar"
  DOCKER_BUILDKIT=0 docker build --quiet --label "org.phlo.base.key=$want" -t "$BASE_IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
}

up() {
  build
  pid_alive dockerd || start_dockerd
  wait_for "dockerd on $DOCKER_SOCK" 60 healthy
  load_base_image
  stack_env DOCKER_HOST "$DOCKER_HOST"
  stack_env DOCKER_BUILDKIT 0
  stack_env PHLO_BASE_IMAGE "$BASE_IMAGE"
}

status() {
  if pid_alive dockerd && healthy; then
    echo "docker: up (pid $(cat "$STACK_RUN/pids/dockerd.pid"), $DOCKER_HOST, dockerd $(docker version --format '{{.Server.Version}}'), base image $BASE_IMAGE)"
  else
    echo "docker: down"; return 1
  fi
}

# Pids of processes started for this engine that outlive dockerd: its managed containerd (pid file) and
# containerd shims, found by the address of *this* containerd's socket on their command line.
leftovers() {
  local f="$DOCKER_EXEC/containerd/containerd.pid" p
  [[ -s "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"
  local cmd procs
  # Container processes, by cgroup (v1: one tree per controller; v2: one tree).
  for procs in /sys/fs/cgroup/*/"$CGROUP_PARENT"/*/cgroup.procs /sys/fs/cgroup/"$CGROUP_PARENT"/*/cgroup.procs; do
    [[ -r "$procs" ]] && cat "$procs"
  done
  for p in /proc/[0-9]*; do
    cmd="$(tr '\0' ' ' 2>/dev/null <"$p/cmdline")" || continue
    [[ "$cmd" == *"$CONTAINERD_SOCK"* ]] && echo "${p#/proc/}"
  done
  return 0
}

down() {
  if pid_alive dockerd; then
    # Stop running containers first so their shims end cleanly.
    local ids=()
    mapfile -t ids < <(docker ps -q 2>/dev/null || true)
    if ((${#ids[@]})); then docker kill "${ids[@]}" >/dev/null 2>&1 || true; fi
  fi
  stop_pid dockerd
  stack_env_unset DOCKER_HOST DOCKER_BUILDKIT PHLO_BASE_IMAGE
  local pids p _
  pids="$(leftovers | sort -u)"
  if [[ -n "$pids" ]]; then
    for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
    for _ in $(seq 1 50); do
      local alive=0; for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done
      ((alive)) || break; sleep 0.1
    done
    for p in $pids; do kill -KILL "$p" 2>/dev/null || true; done
    log "stopped containerd/shims: ${pids//$'\n'/ }"
  fi
  # Remove the now empty cgroups.
  local cg
  for cg in /sys/fs/cgroup/*/"$CGROUP_PARENT" /sys/fs/cgroup/"$CGROUP_PARENT"; do
    [[ -d "$cg" ]] || continue
    find "$cg" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null || true
    rmdir "$cg" 2>/dev/null || true
  done
  # Unmount anything dockerd left mounted under its own directories (overlay layers, netns).
  { grep -F " $DOCKER_DIR/" /proc/mounts || true; } | awk '{print $2}' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -f "$DOCKER_SOCK"
}

case "${1:-}" in
  build|up|status|down) "$1" ;;
  *) echo "usage: $0 build|up|status|down" >&2; exit 2 ;;
esac
