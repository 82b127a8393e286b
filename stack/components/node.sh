#!/usr/bin/env bash
# The real node: one kubelet beside the KWOK nodes, running real containers. The kubelet is built from
# the Kubernetes release of the control plane (stack/kube/kubelet, cached like kube); containerd and
# runc are Debian's (the docker.io dependencies); pod networking is Debian's containernetworking-plugins
# (bridge + host-local) in a network namespace of the node's own, reached from this host through one
# veth pair and a route for the node's pod range only (blackholed too, so nothing leaves the machine).
# The pause image is built here from stack/images/pause/pause.c and pushed to the stack's registry,
# which containerd pulls from with the registry's credentials. The node is labelled and tainted
# (phlo.dev/node=real, NoSchedule): only pods that select and tolerate it land there.
#
# containerd and the kubelet run in a mount namespace of their own (unshare --mount): every mount they
# make (overlay root file systems, volumes, network namespace handles) lives there and is gone when
# their last process is; /run, /var/lib and /var/log are the node's own directories in it. `down`
# kills the kubelet, containerd, the shims and every container process (by the node's cgroup), then
# removes the network namespace (its veths and bridge go with it), the routes, the cgroups, the Node
# object and the node's directory, and checks that nothing is left.
#
# Machine requirements (checked by `up`, one line per missing piece; without them the node is reported
# unavailable and its tests are skipped with that reason): root; cgroup controllers cpu, cpuacct, cpuset,
# memory, pids (v1 or v2); overlayfs; network namespaces, veth and bridge devices; iptables in a network
# namespace; the commands below.
# Usage: stack/components/node.sh build|up|status|down   (supervise: internal, run by up)
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

KUBELET_MODULE="$STACK_ROOT/kube/kubelet"
PAUSE_SOURCE="$STACK_ROOT/images/pause/pause.c"
KUBE_SERVER="https://127.0.0.1:$APISERVER_PORT"
NODE_DIR="$STACK_RUN/node"
NODE_NAME="real-node-0"
NODE_LABEL_KEY="phlo.dev/node"
NODE_LABEL_VALUE="real"
# One real node per stack directory. Everything of it that lives outside $NODE_DIR is named or
# numbered after the stack: its cgroup, its host-side veth, its address ranges (10.250.<n>.0/24 for
# pods, 10.251.<n>.0/30 for the link; <n> from PHLO_PORT_OFFSET, so a throwaway stack at another
# offset gets its own) and its kubelet ports.
NODE_NET=$(((PHLO_PORT_OFFSET / 100) % 250))
POD_CIDR="10.250.$NODE_NET.0/24"
POD_GATEWAY="10.250.$NODE_NET.1"
LINK_CIDR="10.251.$NODE_NET.0/30"
HOST_IP="10.251.$NODE_NET.1"   # the host's end of the link: the node's InternalIP, where the kubelet listens
NODE_NS_IP="10.251.$NODE_NET.2"
HOST_IF="phlo-node$NODE_NET"
KUBELET_PORT=$((16450 + PHLO_PORT_OFFSET))
KUBELET_HEALTHZ_PORT=$((16451 + PHLO_PORT_OFFSET))
CGROUP_ROOT="phlo-node-$(printf '%s' "$STACK_RUN" | sha256sum | cut -c1-10)"
NETNS_FILE="$NODE_DIR/netns"
CONTAINERD_SOCK="$NODE_DIR/containerd.sock"
# What the kubelet expects of the kernel (it refuses to start otherwise, protectKernelDefaults) and
# would set on the whole machine: it reads these values from files in its own mount namespace; the
# machine's settings are left as they are.
KERNEL_TUNABLES=(vm/overcommit_memory=1 kernel/panic=10 kernel/panic_on_oops=1)
CNI_PLUGINS=/usr/lib/cni

# ---------------------------------------------------------------------------------------- build

kubelet_recipe() ( # OUT_DIR
  cd "$KUBELET_MODULE" && CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false -mod=readonly" \
    go build -gcflags="$(go_gcflags)" -ldflags="$(kube_ldflags)" -o "$1/" k8s.io/kubernetes/cmd/kubelet
)
KUBELET_ENTRY="$(cache_entry kubelet "$KUBE_VERSION" kubelet_recipe fn:go_gcflags fn:kube_ldflags "$KUBELET_MODULE"/{go.mod,go.sum,tools.go})"
KUBELET_BIN="$KUBELET_ENTRY/bin/kubelet"

# The sandbox ("pause") process: a static C program, so the image is one file FROM nothing.
pause_recipe() ( # OUT_DIR
  gcc -Os -static -s -Wall -Wextra -Werror -o "$1/pause" "$PAUSE_SOURCE"
)
PAUSE_ENTRY="$(cache_entry pause v1 pause_recipe "$PAUSE_SOURCE")"
PAUSE_TAG="1-${PAUSE_ENTRY##*-}"
PAUSE_REPO="phlo/pause"

build() {
  need_packages
  cached_build kubelet "$KUBELET_ENTRY" 47 kubelet_recipe
  cached_build pause "$PAUSE_ENTRY" 5 pause_recipe
}

need_packages() {
  local pkgs=()
  command -v containerd >/dev/null && command -v runc >/dev/null && command -v containerd-shim-runc-v2 >/dev/null || pkgs+=(containerd runc)
  [[ -x "$CNI_PLUGINS/bridge" ]] || pkgs+=(containernetworking-plugins)
  command -v gcc >/dev/null && [[ -f /usr/include/stdio.h ]] || pkgs+=(gcc libc6-dev)
  command -v iptables >/dev/null || pkgs+=(iptables)
  command -v jq >/dev/null && command -v openssl >/dev/null && command -v curl >/dev/null || pkgs+=(jq openssl curl)
  ((${#pkgs[@]} == 0)) || apt_ensure "${pkgs[@]}"
}

# ----------------------------------------------------------------------- machine requirements

# missing_requirements — one line per thing this machine lacks for a real node (nothing when it has all).
missing_requirements() {
  ((EUID == 0)) || echo "root is needed (network namespaces, mounts, cgroups)"
  local c
  for c in cpu cpuacct cpuset memory pids; do
    cgroup_has "$c" || echo "cgroup controller '$c' is not available (neither a v1 hierarchy under /sys/fs/cgroup nor in cgroup v2's cgroup.controllers)"
  done
  grep -qw overlay /proc/filesystems || echo "the kernel has no overlayfs (containerd's snapshotter needs it)"
  [[ -r /dev/kmsg ]] || echo "/dev/kmsg is not readable (the kubelet's OOM watcher reads it)"
  for c in unshare nsenter ip iptables containerd containerd-shim-runc-v2 runc; do
    command -v "$c" >/dev/null || echo "command '$c' is missing"
  done
  for c in bridge host-local loopback; do
    [[ -x "$CNI_PLUGINS/$c" ]] || echo "CNI plugin $CNI_PLUGINS/$c is missing (Debian package containernetworking-plugins)"
  done
  case "$STACK_RUN/" in
    /run/*|/var/run/*|/var/lib/*|/var/log/*) echo "the stack directory $STACK_RUN is under /run, /var/lib or /var/log, which the node replaces with its own in its mount namespace (set PHLO_STACK_DIR elsewhere)" ;;
  esac
  (( ${#CONTAINERD_SOCK} + 7 < 108 )) || echo "the stack directory $STACK_RUN is too long for containerd's unix sockets (set PHLO_STACK_DIR to a shorter path)"
  if command -v unshare >/dev/null && command -v ip >/dev/null; then
    local err
    err="$(unshare --net sh -c 'ip link add phlo-t0 type veth peer name phlo-t1 && ip link add phlo-tbr type bridge && ip link set phlo-t0 master phlo-tbr' 2>&1)" \
      || echo "network namespaces with veth and bridge devices do not work here: ${err//$'\n'/ }"
    if command -v iptables >/dev/null; then
      err="$(unshare --net iptables -A FORWARD -p tcp --syn -j DROP 2>&1)" \
        || echo "iptables does not work in a network namespace: ${err//$'\n'/ }"
    fi
    unshare --mount sh -c 'mount -t tmpfs phlo-t /mnt' 2>/dev/null || echo "mount namespaces do not work here (unshare --mount)"
  fi
}
cgroup_has() {
  [[ -d "/sys/fs/cgroup/$1" && -f "/sys/fs/cgroup/$1/cgroup.procs" ]] && return 0
  [[ -f /sys/fs/cgroup/cgroup.controllers ]] && grep -qw "$1" /sys/fs/cgroup/cgroup.controllers
}

# --------------------------------------------------------------------------------- the pieces

# env_value KEY — from the stack's env file, else from the environment (a throwaway stack of etcd, kube
# and node only borrows the shared stack's registry that way).
env_value() {
  local v
  v="$(sed -n "s/^$1=//p" "$STACK_ENV_FILE" 2>/dev/null | tail -n 1)"
  printf '%s\n' "${v:-${!1:-}}"
}

# cgroup paths of the node: one per v1 hierarchy, or one in the v2 tree.
cgroup_dirs() {
  local d
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then echo "/sys/fs/cgroup/$CGROUP_ROOT"; return 0; fi
  for d in /sys/fs/cgroup/*/; do
    [[ -f "$d/cgroup.procs" ]] && echo "${d%/}/$CGROUP_ROOT"
  done
  return 0
}

make_cgroups() {
  local d
  while IFS= read -r d; do
    mkdir -p "$d"
    # A new cpuset has no CPUs and memory nodes until given its parent's.
    if [[ -f "$d/cpuset.cpus" && -z "$(cat "$d/cpuset.cpus")" ]]; then
      cat "$(dirname "$d")/cpuset.cpus" >"$d/cpuset.cpus"
      cat "$(dirname "$d")/cpuset.mems" >"$d/cpuset.mems"
    fi
  done < <(cgroup_dirs)
}

# The node's network namespace, the veth pair to it, its routes and its firewall.
make_network() {
  mkdir -p "$NODE_DIR"
  : >"$NETNS_FILE"
  unshare --net="$NETNS_FILE" true
  local in_ns=(nsenter --net="$NETNS_FILE")
  "${in_ns[@]}" ip link set lo up
  "${in_ns[@]}" ip link add uplink type veth peer name "$HOST_IF"
  "${in_ns[@]}" ip link set "$HOST_IF" netns "$$"
  "${in_ns[@]}" ip addr add "$NODE_NS_IP/30" dev uplink
  "${in_ns[@]}" ip link set uplink up
  # Forwarding inside the node's namespace only (the host's own setting is left alone): the API
  # server and the kubelet's probes reach pods through it.
  "${in_ns[@]}" sysctl -qw net.ipv4.ip_forward=1
  # Pods answer connections from the host (service proxy, probes) but open none towards it, and the
  # namespace has no route anywhere else: the link's /30 and the pods' /24 are all it knows.
  "${in_ns[@]}" iptables -A FORWARD -i pods0 -o uplink -p tcp --syn -j DROP
  "${in_ns[@]}" iptables -A FORWARD -i pods0 -o uplink -p udp -j DROP
  "${in_ns[@]}" iptables -A INPUT -i pods0 -p tcp --syn -j DROP
  "${in_ns[@]}" iptables -A INPUT -i pods0 -p udp -j DROP
  ip addr add "$HOST_IP/30" dev "$HOST_IF"
  ip link set "$HOST_IF" up
  # The pod range goes through the link; the blackholes (a higher metric) take over if the link is
  # gone, so no packet for these ranges ever goes to the default gateway.
  ip route replace blackhole "$POD_CIDR" metric 4000
  ip route replace blackhole "$LINK_CIDR" metric 4000
  ip route replace "$POD_CIDR" via "$NODE_NS_IP" dev "$HOST_IF"
}

make_certificates() {
  pki_sign "$NODE_NAME-client" "/O=system:nodes/CN=system:node:$NODE_NAME" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
  # The serving certificate names the node's address (the API server checks it: --kubelet-certificate-authority).
  local serving="$NODE_NAME-serving-$NODE_NET"
  pki_sign "$serving" "/CN=$NODE_NAME" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=IP:$HOST_IP,DNS:$NODE_NAME"
  chmod 600 "$PKI_DIR"/*.key
  local tmp="$NODE_DIR/kubeconfig.tmp"
  cat >"$tmp" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: phlo-stack
  cluster:
    server: $KUBE_SERVER
    certificate-authority: $PKI_DIR/ca.crt
users:
- name: system:node:$NODE_NAME
  user:
    client-certificate: $PKI_DIR/$NODE_NAME-client.crt
    client-key: $PKI_DIR/$NODE_NAME-client.key
contexts:
- name: node
  context: {cluster: phlo-stack, user: "system:node:$NODE_NAME"}
current-context: node
YAML
  chmod 600 "$tmp"; mv "$tmp" "$NODE_DIR/kubeconfig"
}

# The pause image, pushed with plain registry API calls: one layer (the binary), reproducible, so the
# same pause.c always makes the same digest.
push_pause_image() {
  local registry="$1" user="$2" password="$3" dir="$NODE_DIR/pause-image" netrc
  mkdir -p "$dir/root"
  install -m 0755 "$PAUSE_ENTRY/bin/pause" "$dir/root/pause"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$dir/root" -cf "$dir/layer.tar" pause
  gzip -n -c "$dir/layer.tar" >"$dir/layer.tar.gz"
  printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/pause"],"User":"65535:65535","WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)" >"$dir/config.json"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%d}]}' \
    "$(sha256sum "$dir/config.json" | cut -d' ' -f1)" "$(stat -c %s "$dir/config.json")" \
    "$(sha256sum "$dir/layer.tar.gz" | cut -d' ' -f1)" "$(stat -c %s "$dir/layer.tar.gz")" >"$dir/manifest.json"
  netrc="$dir/netrc"; (umask 077; printf 'machine %s login %s password %s\n' "${registry%%:*}" "$user" "$password" >"$netrc")
  local want served f digest location code
  want="sha256:$(sha256sum "$dir/manifest.json" | cut -d' ' -f1)"
  served="$(curl -sS --netrc-file "$netrc" -o /dev/null -w '%header{docker-content-digest}' -I \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$registry/v2/$PAUSE_REPO/manifests/$PAUSE_TAG" 2>/dev/null || true)"
  if [[ "$served" != "$want" ]]; then
    for f in config.json layer.tar.gz; do
      digest="sha256:$(sha256sum "$dir/$f" | cut -d' ' -f1)"
      code="$(curl -sS --netrc-file "$netrc" -o /dev/null -w '%{http_code}' -I "http://$registry/v2/$PAUSE_REPO/blobs/$digest")"
      [[ "$code" == 200 ]] && continue
      location="$(curl -sS --netrc-file "$netrc" -o /dev/null -w '%header{location}' -X POST "http://$registry/v2/$PAUSE_REPO/blobs/uploads/")"
      [[ -n "$location" ]] || die "node: registry $registry refused a blob upload for $PAUSE_REPO"
      [[ "$location" == http* ]] || location="http://$registry$location"
      [[ "$location" == *\?* ]] && location="$location&digest=$digest" || location="$location?digest=$digest"
      code="$(curl -sS --netrc-file "$netrc" -o /dev/null -w '%{http_code}' -X PUT \
        -H 'Content-Type: application/octet-stream' --data-binary "@$dir/$f" "$location")"
      [[ "$code" == 201 ]] || die "node: registry $registry answered HTTP $code to the upload of $f"
    done
    code="$(curl -sS --netrc-file "$netrc" -o /dev/null -w '%{http_code}' -X PUT \
      -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "@$dir/manifest.json" \
      "http://$registry/v2/$PAUSE_REPO/manifests/$PAUSE_TAG")"
    [[ "$code" == 201 ]] || die "node: registry $registry answered HTTP $code to the pause image's manifest"
    log "node: pushed $registry/$PAUSE_REPO:$PAUSE_TAG ($want)"
  fi
  rm -rf "$dir"
}

write_containerd_config() {
  local registry="$1" user="$2" password="$3"
  mkdir -p "$NODE_DIR/containerd" "$NODE_DIR/cni/bin" "$NODE_DIR/cni/conf" "$NODE_DIR/cni/ipam"
  # The bridge plugin runs in the node's network namespace: the bridge and the pods' host-side veths
  # are made there, never in the host's. host-local and loopback run as they are.
  printf '#!/bin/sh\nexec nsenter --net=%s %s/bridge "$@"\n' "$NETNS_FILE" "$CNI_PLUGINS" >"$NODE_DIR/cni/bin/bridge"
  chmod 755 "$NODE_DIR/cni/bin/bridge"
  ln -sfn "$CNI_PLUGINS/host-local" "$NODE_DIR/cni/bin/host-local"
  ln -sfn "$CNI_PLUGINS/loopback" "$NODE_DIR/cni/bin/loopback"
  jq -n --arg subnet "$POD_CIDR" --arg gw "$POD_GATEWAY" --arg data "$NODE_DIR/cni/ipam" '{
    cniVersion: "1.0.0", name: "phlo-real-node",
    plugins: [{
      type: "bridge", bridge: "pods0", isGateway: true, isDefaultGateway: true, ipMasq: false, hairpinMode: true,
      ipam: {type: "host-local", ranges: [[{subnet: $subnet, gateway: $gw}]], dataDir: $data}
    }]
  }' >"$NODE_DIR/cni/conf/10-phlo.conflist"
  local tmp="$NODE_DIR/containerd.toml.tmp"
  (umask 077; cat >"$tmp" <<TOML
version = 2
root = "$NODE_DIR/containerd/root"
state = "$NODE_DIR/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.internal.v1.tracing", "io.containerd.tracing.processor.v1.otlp"]

[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$NODE_DIR/containerd/opt"
# Unused (the CRI plugin runs runc.v2 shims), but the task service needs it loaded: its state is ours too.
[plugins."io.containerd.runtime.v1.linux"]
  runtime_root = "$NODE_DIR/runc-v1"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$registry/$PAUSE_REPO:$PAUSE_TAG"
  netns_mounts_under_state_dir = true
  disable_apparmor = true
  # Where processes lack CAP_SYS_RESOURCE (this machine's bounding set drops it), runc cannot lower a
  # container's oom_score_adj below containerd's own ("failed to update /proc/self/oom_score_adj:
  # Permission denied" for the sandbox's -998): clamp it there instead.
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$NODE_DIR/cni/bin"
    conf_dir = "$NODE_DIR/cni/conf"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        Root = "$NODE_DIR/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".registry]
    [plugins."io.containerd.grpc.v1.cri".registry.mirrors."$registry"]
      endpoint = ["http://$registry"]
    [plugins."io.containerd.grpc.v1.cri".registry.configs."$registry".auth]
      username = "$user"
      password = "$password"
TOML
  )
  mv "$tmp" "$NODE_DIR/containerd.toml"
}

write_kubelet_config() {
  cat >"$NODE_DIR/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: "$HOST_IP"
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
tlsCertFile: $PKI_DIR/$NODE_NAME-serving-$NODE_NET.crt
tlsPrivateKeyFile: $PKI_DIR/$NODE_NAME-serving-$NODE_NET.key
rotateCertificates: false
serverTLSBootstrap: false
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI_DIR/ca.crt}
authorization: {mode: Webhook}
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
imageServiceEndpoint: unix://$CONTAINERD_SOCK
cgroupDriver: cgroupfs
cgroupRoot: /$CGROUP_ROOT
cgroupsPerQOS: true
enforceNodeAllocatable: [pods]
failCgroupV1: false
failSwapOn: false
protectKernelDefaults: true
makeIPTablesUtilChains: false
podLogsDir: $NODE_DIR/pod-logs
volumePluginDir: $NODE_DIR/volume-plugins
resolvConf: ""
clusterDomain: cluster.local
maxPods: 30
registerNode: true
registerWithTaints:
- {key: $NODE_LABEL_KEY, value: $NODE_LABEL_VALUE, effect: NoSchedule}
evictionHard: {memory.available: 100Mi, nodefs.available: 2%, nodefs.inodesFree: 2%, imagefs.available: 2%}
imageGCHighThresholdPercent: 98
imageGCLowThresholdPercent: 95
serializeImagePulls: false
YAML
}

# ------------------------------------------------------------------------------------ processes

# Runs as `unshare --mount --propagation private bash node.sh supervise` (started by up): the node's
# own mount namespace; containerd and the kubelet as its children.
supervise() {
  # The node's mount namespace, recorded so that `down` finds every process left in it. Never the
  # host's: were unshare to have failed silently, `down` would take the host's processes for the node's.
  local own host
  own="$(readlink /proc/self/ns/mnt)"; host="$(readlink /proc/1/ns/mnt 2>/dev/null || true)"
  if [[ -z "$own" || "$own" == "$host" || "$own" == "${PHLO_NODE_HOST_MNTNS:-}" ]]; then
    log "node: supervise must run in a mount namespace of its own (got $own)"; exit 1
  fi
  printf '%s\n' "$own" >"$NODE_DIR/mntns"
  mount -t tmpfs -o mode=0755,size=64m phlo-node-run /run
  mkdir -p "$NODE_DIR/var/lib" "$NODE_DIR/var/log" "$NODE_DIR/sysctl" "$NODE_DIR/kubelet"
  mount --bind "$NODE_DIR/var/lib" /var/lib
  mount --bind "$NODE_DIR/var/log" /var/log
  local t path value
  for t in "${KERNEL_TUNABLES[@]}"; do
    path="${t%%=*}"; value="${t#*=}"
    printf '%s\n' "$value" >"$NODE_DIR/sysctl/${path//\//.}"
    mount --bind "$NODE_DIR/sysctl/${path//\//.}" "/proc/sys/$path"
    mount -o remount,bind,ro "/proc/sys/$path"
  done
  containerd --config "$NODE_DIR/containerd.toml" >>"$STACK_RUN/logs/node-containerd.log" 2>&1 &
  local containerd_pid=$! kubelet_pid=""
  for _ in $(seq 1 100); do [[ -S "$CONTAINERD_SOCK" ]] && break; sleep 0.1; done
  [[ -S "$CONTAINERD_SOCK" ]] || { log "node: containerd did not open $CONTAINERD_SOCK"; kill "$containerd_pid"; exit 1; }
  "$KUBELET_BIN" --config="$NODE_DIR/kubelet.yaml" --kubeconfig="$NODE_DIR/kubeconfig" \
    --root-dir="$NODE_DIR/kubelet" --cert-dir="$NODE_DIR/kubelet/pki" \
    --hostname-override="$NODE_NAME" --node-ip="$HOST_IP" \
    --node-labels="$NODE_LABEL_KEY=$NODE_LABEL_VALUE,type=real" \
    --v=1 >>"$STACK_RUN/logs/node-kubelet.log" 2>&1 &
  kubelet_pid=$!
  trap 'kill -TERM "$kubelet_pid" 2>/dev/null; wait "$kubelet_pid"; kill -TERM "$containerd_pid" 2>/dev/null; wait "$containerd_pid"; exit 0' TERM INT
  wait -n "$kubelet_pid" "$containerd_pid" || true
  if ! kill -0 "$kubelet_pid" 2>/dev/null; then log "node: the kubelet exited (log $STACK_RUN/logs/node-kubelet.log)"; fi
  if ! kill -0 "$containerd_pid" 2>/dev/null; then log "node: containerd exited (log $STACK_RUN/logs/node-containerd.log)"; fi
  kill -TERM "$kubelet_pid" "$containerd_pid" 2>/dev/null || true
  exit 1
}

kubelet_healthy() { curl --silent --fail --max-time 2 "http://127.0.0.1:$KUBELET_HEALTHZ_PORT/healthz" | grep -qx ok; }
node_ready() {
  kube_curl "$KUBE_SERVER/api/v1/nodes/$NODE_NAME" 2>/dev/null |
    jq -e 'any(.status.conditions[]?; .type == "Ready" and .status == "True")' >/dev/null
}

up() {
  local missing
  missing="$(missing_requirements)"
  if [[ -n "$missing" ]]; then
    log "node: this machine cannot run the real node:"
    while IFS= read -r line; do log "  - $line"; done <<<"$missing"
    stack_env PHLO_REAL_NODE_UNAVAILABLE "$(tr '\n' ';' <<<"$missing" | sed 's/;$//')"
    stack_env_unset PHLO_REAL_NODE PHLO_REAL_NODE_SELECTOR PHLO_REAL_NODE_TAINT PHLO_PAUSE_IMAGE
    return 0
  fi
  [[ -f "$KUBELET_ENTRY/.complete" && -f "$PAUSE_ENTRY/.complete" ]] || die "node: kubelet or pause binary missing (run: stack/stack.sh build node)"
  [[ -s "$PKI_DIR/ca.key" && -s "$STACK_RUN/kubeconfig" ]] || die "node: the control plane is not set up in $STACK_RUN (run: stack/stack.sh up kube)"
  local registry user password
  registry="$(env_value PHLO_REGISTRY)"; user="$(env_value PHLO_REGISTRY_USER)"; password="$(env_value PHLO_REGISTRY_PASSWORD)"
  [[ -n "$registry" && -n "$user" && -n "$password" ]] || die "node: the registry is not up (no PHLO_REGISTRY* in $STACK_ENV_FILE; run: stack/stack.sh up registry)"
  if pid_alive node; then
    wait_for_alive node "node $NODE_NAME Ready" 120 node_ready
  else
    # Whatever a killed node left behind goes first.
    [[ -e "$NODE_DIR" ]] && cleanup
    if ip link show "$HOST_IF" >/dev/null 2>&1 || ip route show "$POD_CIDR" | grep -q via; then
      die "node: $HOST_IF or a route for $POD_CIDR exists already: another stack's real node uses the ranges of PHLO_PORT_OFFSET=$PHLO_PORT_OFFSET (use another multiple of 100)"
    fi
    mkdir -p "$NODE_DIR"; chmod 700 "$NODE_DIR"
    push_pause_image "$registry" "$user" "$password"
    make_cgroups
    make_network
    make_certificates
    write_containerd_config "$registry" "$user" "$password"
    write_kubelet_config
    PHLO_NODE_HOST_MNTNS="$(readlink /proc/self/ns/mnt)" \
      start_bg node "$STACK_RUN/logs/node.log" unshare --mount --propagation private -- bash "$STACK_ROOT/components/node.sh" supervise
    wait_for_alive node "the kubelet's /healthz on 127.0.0.1:$KUBELET_HEALTHZ_PORT" 60 kubelet_healthy
    wait_for_alive node "node $NODE_NAME Ready" 120 node_ready
  fi
  # An API server started by an older kube.sh has no client certificate for kubelets: pods run, but
  # their logs, exec and port-forward are refused until it is restarted.
  local apiserver
  apiserver="$(cat "$STACK_RUN/pids/kube-apiserver.pid" 2>/dev/null || true)"
  if [[ -n "$apiserver" ]] && ! tr '\0' '\n' <"/proc/$apiserver/cmdline" 2>/dev/null | grep -q '^--kubelet-client-certificate='; then
    log "node: warning: the API server runs without --kubelet-client-certificate (started by an older kube.sh); pod logs and exec on $NODE_NAME need it restarted: stack/stack.sh down && stack/stack.sh up"
  fi
  stack_env_unset PHLO_REAL_NODE_UNAVAILABLE
  stack_env PHLO_REAL_NODE "$NODE_NAME"
  stack_env PHLO_REAL_NODE_SELECTOR "$NODE_LABEL_KEY=$NODE_LABEL_VALUE"
  stack_env PHLO_REAL_NODE_TAINT "$NODE_LABEL_KEY=$NODE_LABEL_VALUE:NoSchedule"
  stack_env PHLO_PAUSE_IMAGE "$registry/$PAUSE_REPO:$PAUSE_TAG"
}

status() {
  local why
  why="$(env_value PHLO_REAL_NODE_UNAVAILABLE)"
  if [[ -n "$why" ]] && ! pid_alive node; then echo "node: unavailable on this machine ($why)"; return 0; fi
  if pid_alive node && kubelet_healthy && node_ready; then
    echo "node: up ($NODE_NAME Ready, kubelet $KUBE_VERSION on $HOST_IP:$KUBELET_PORT, containerd $(containerd --version | awk '{print $3}'), pods $POD_CIDR)"
  else
    echo "node: down"; return 1
  fi
}

# Processes of the node that stop_pid cannot reach: container processes (their own sessions), by cgroup.
cgroup_pids() {
  local d
  while IFS= read -r d; do
    [[ -d "$d" ]] && find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null
  done < <(cgroup_dirs)
  return 0
}

# Processes still in the node's mount namespace.
mntns_pids() {
  local want p
  want="$(cat "$NODE_DIR/mntns" 2>/dev/null)" || return 0
  [[ "$want" == mnt:\[*\] ]] || return 0
  # Never the namespace this script (or the machine's init) runs in: those processes are not the node's.
  if [[ "$want" == "$(readlink /proc/self/ns/mnt)" || "$want" == "$(readlink /proc/1/ns/mnt 2>/dev/null)" ]]; then
    log "node: $NODE_DIR/mntns names the host's mount namespace; not looking for processes in it"; return 0
  fi
  for p in /proc/[0-9]*; do
    [[ "$(readlink "$p/ns/mnt" 2>/dev/null)" == "$want" ]] && echo "${p#/proc/}"
  done
  return 0
}

# cleanup — everything of the node but its Node object, whether it stopped cleanly or was killed.
cleanup() {
  stop_pid node 20
  local pids
  for _ in $(seq 1 50); do
    pids="$( { cgroup_pids; mntns_pids; } | sort -nu | grep -vx -e 1 -e "$$" -e "$BASHPID" -e "$PPID" || true)"
    [[ -z "$pids" ]] && break
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    sleep 0.1
  done
  [[ -z "$pids" ]] || log "node: processes still alive after KILL: ${pids//$'\n'/ }"
  # The mount namespace is gone with its last process; the network namespace goes with its handle.
  if grep -qF " $NETNS_FILE " /proc/self/mountinfo 2>/dev/null || mountpoint -q "$NETNS_FILE" 2>/dev/null; then umount "$NETNS_FILE" 2>/dev/null || umount -l "$NETNS_FILE" || true; fi
  # Anything mounted under the node's directory in this namespace (there should be nothing).
  { awk '{print $5}' /proc/self/mountinfo | grep -F "$NODE_DIR/" || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  for _ in $(seq 1 50); do ip link show "$HOST_IF" >/dev/null 2>&1 || break; sleep 0.1; done
  ip link del "$HOST_IF" 2>/dev/null || true
  ip route del "$POD_CIDR" via "$NODE_NS_IP" 2>/dev/null || true
  ip route del blackhole "$POD_CIDR" metric 4000 2>/dev/null || true
  ip route del blackhole "$LINK_CIDR" metric 4000 2>/dev/null || true
  local d
  while IFS= read -r d; do
    [[ -d "$d" ]] || continue
    find "$d" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null || true
    rmdir "$d" 2>/dev/null || log "node: could not remove cgroup $d"
  done < <(cgroup_dirs)
  rm -rf "$NODE_DIR"
}

down() {
  cleanup
  if [[ -s "$PKI_DIR/admin.crt" ]] && kube_curl --max-time 3 "$KUBE_SERVER/readyz" >/dev/null 2>&1; then
    if kube_curl -o /dev/null -X DELETE "$KUBE_SERVER/api/v1/nodes/$NODE_NAME" 2>/dev/null; then log "node: deleted Node $NODE_NAME"; fi
  fi
  stack_env_unset PHLO_REAL_NODE PHLO_REAL_NODE_SELECTOR PHLO_REAL_NODE_TAINT PHLO_PAUSE_IMAGE PHLO_REAL_NODE_UNAVAILABLE
}

case "${1:-}" in
  build|up|status|down|supervise) "$1" ;;
  *) die "usage: node.sh build|up|status|down" ;;
esac
