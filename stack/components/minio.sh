#!/usr/bin/env bash
# MinIO (S3 with real throughput), built from source with `go install`, on 127.0.0.1:19000 (console 19001).
# Usage: stack/components/minio.sh build|up|status|down
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# RELEASE.2025-09-07T16-13-09Z, as a Go pseudo-version (commit 07c3a429bfed). The newer
# RELEASE.2025-10-15T17-29-55Z is not served by the Go module proxy.
MINIO_RELEASE="RELEASE.2025-09-07T16-13-09Z"
MINIO_RELEASE_TIME="2025-09-07T16:13:09Z"   # RFC 3339, what minio expects in cmd.Version
MINIO_COMMIT="07c3a429bfed433e49018cb0f78a52145d4bedeb"
MINIO_VERSION="v0.0.0-20250907161309-07c3a429bfed"
MINIO_PORT=19000
MINIO_CONSOLE_PORT=19001
MINIO_DATA="$STACK_RUN/minio"
MINIO_CRED="$STACK_RUN/minio.credentials"

# The module has no replace directives, so `go install mod@version` works directly; a newer local Go
# is fine (its go.mod asks 1.24).
recipe() ( # OUT_DIR
  cd "$1" && CGO_ENABLED=0 GOBIN="$1" GOFLAGS="-trimpath -buildvcs=false" go install -gcflags="$(go_gcflags)" \
    -ldflags "-s -w -X github.com/minio/minio/cmd.Version=$MINIO_RELEASE_TIME -X github.com/minio/minio/cmd.ReleaseTag=$MINIO_RELEASE -X github.com/minio/minio/cmd.CommitID=$MINIO_COMMIT -X github.com/minio/minio/cmd.ShortCommitID=${MINIO_COMMIT:0:12}" \
    "github.com/minio/minio@$MINIO_VERSION"
)
MINIO_ENTRY="$(cache_entry minio "$MINIO_VERSION" recipe fn:go_gcflags)"
MINIO_BIN="$MINIO_ENTRY/bin/minio"

build() { cached_build minio "$MINIO_ENTRY" 173 recipe; }

healthy() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$MINIO_PORT/minio/health/ready"; }

credentials() {
  # Generated once per stack directory (kept across down/up so data stays readable).
  if [[ ! -s "$MINIO_CRED" ]]; then
    umask 077
    printf 'phlo%s\n%s\n' "$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')" \
      "$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')" >"$MINIO_CRED"
  fi
  MINIO_ACCESS_KEY="$(sed -n 1p "$MINIO_CRED")"
  MINIO_SECRET_KEY="$(sed -n 2p "$MINIO_CRED")"
}

up() {
  build
  credentials
  mkdir -p "$MINIO_DATA"
  if ! pid_alive minio; then
    start_bg minio "$STACK_RUN/logs/minio.log" env \
      MINIO_ROOT_USER="$MINIO_ACCESS_KEY" MINIO_ROOT_PASSWORD="$MINIO_SECRET_KEY" \
      MINIO_BROWSER=on MINIO_UPDATE=off MINIO_CI_CD=1 HOME="$STACK_RUN" \
      "$MINIO_BIN" server --quiet --anonymous \
        --address "127.0.0.1:$MINIO_PORT" --console-address "127.0.0.1:$MINIO_CONSOLE_PORT" "$MINIO_DATA"
  fi
  wait_for "minio on 127.0.0.1:$MINIO_PORT" 60 healthy
  stack_env PHLO_S3_ENDPOINT "http://127.0.0.1:$MINIO_PORT"
  stack_env PHLO_S3_ACCESS_KEY "$MINIO_ACCESS_KEY"
  stack_env PHLO_S3_SECRET_KEY "$MINIO_SECRET_KEY"
}

status() {
  if pid_alive minio && healthy; then
    echo "minio: up (pid $(cat "$STACK_RUN/pids/minio.pid"), http://127.0.0.1:$MINIO_PORT, console :$MINIO_CONSOLE_PORT)"
  else
    echo "minio: down"; return 1
  fi
}

down() { stop_pid minio; stack_env_unset PHLO_S3_ENDPOINT PHLO_S3_ACCESS_KEY PHLO_S3_SECRET_KEY; }

case "${1:-}" in
  build|up|status|down) "$1" ;;
  *) echo "usage: $0 build|up|status|down" >&2; exit 2 ;;
esac
