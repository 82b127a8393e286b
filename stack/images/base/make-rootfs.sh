#!/usr/bin/env bash
# Makes the root file system of phlo/base:bookworm as a tar file, from this machine's Debian packages:
# busybox-static (/bin/busybox and one symlink per applet) and ca-certificates (the CA bundle).
# Usage: make-rootfs.sh OUT.tar     (deterministic: fixed owners and mtimes, sorted entries)
set -euo pipefail
out="$1"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
chmod 0755 "$root"

install -d -m 0755 "$root"/{bin,sbin,usr/bin,usr/sbin,etc/ssl/certs,root,home,var,run}
install -d -m 1777 "$root/tmp"
install -m 0755 /bin/busybox "$root/bin/busybox"
# One symlink per applet at the path busybox itself reports (/bin/sh, /usr/bin/env, ...).
while read -r applet; do
  [[ "$applet" == /bin/busybox || -e "$root$applet" ]] && continue
  mkdir -p "$root$(dirname "$applet")"
  ln -s /bin/busybox "$root$applet"
done < <(/bin/busybox --list-full | sed 's|^|/|')

install -m 0644 /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\napp:x:10001:10001:app:/home/app:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\napp:x:10001:\n' >"$root/etc/group"
install -d -m 0755 -o 10001 -g 10001 "$root/home/app"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
printf 'PHLO base image: busybox-static %s, ca-certificates %s (Debian bookworm)\n' \
  "$(dpkg-query -W -f='${Version}' busybox-static)" "$(dpkg-query -W -f='${Version}' ca-certificates)" >"$root/etc/phlo-base-release"

tar --sort=name --mtime="2023-06-10 00:00:00Z" --numeric-owner \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  -C "$root" -cf "$out" .
