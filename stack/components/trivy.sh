#!/usr/bin/env bash
# Trivy for the local stack: the scanner and trivy-db built from their Go modules (pinned by the
# wrapper module stack/trivy/go.mod), and a small vulnerability database built by trivy-db from the
# advisory files in stack/trivy/advisories, pushed to the stack's registry as the OCI artifact
# Trivy pulls with `--db-repository`.
#   build  — go build trivy and trivy-db into $PHLO_CACHE/trivy-<version>/bin (no-op when cached)
#   up     — build the DB (cached by the advisories' content), push it to $PHLO_REGISTRY as
#            phlo/trivy-db:2 when the registry does not already serve it, write PHLO_TRIVY and
#            PHLO_TRIVY_DB_REPOSITORY to the env file
#   status — the binary exists and the registry serves the DB manifest
#   down   — nothing runs; the DB stays in the registry's storage (the registry owns it)
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

TRIVY_VERSION="v0.74.0"   # keep in step with stack/trivy/go.mod
MODULE_DIR="$STACK_ROOT/trivy"
ADVISORIES="$MODULE_DIR/advisories"
DB_REPO_PATH="phlo/trivy-db"
DB_TAG="2"                # trivy-db schema version: Trivy asks for <repo>:2
# The stack's registry (registry component): user AWS, password = moto's ECR token password.
# Taken from the env file when the registry component wrote it there; overridable for development.
env_value() { [[ -f "$STACK_ENV_FILE" ]] || return 0; sed -n "s/^$1=//p" "$STACK_ENV_FILE" | tail -1; }
REGISTRY="${PHLO_TRIVY_DB_REGISTRY:-$(env_value PHLO_REGISTRY)}"; REGISTRY="${REGISTRY:-127.0.0.1:15000}"
REGISTRY_USER="${PHLO_TRIVY_DB_USER:-$(env_value PHLO_REGISTRY_USER)}"; REGISTRY_USER="${REGISTRY_USER:-AWS}"
REGISTRY_PASSWORD="${PHLO_TRIVY_DB_PASSWORD:-$(env_value PHLO_REGISTRY_PASSWORD)}"; REGISTRY_PASSWORD="${REGISTRY_PASSWORD:-123456789012-auth-token}"

CONFIG_MEDIA_TYPE="application/vnd.aquasec.trivy.config.v1+json"
LAYER_MEDIA_TYPE="application/vnd.aquasec.trivy.db.layer.v1.tar+gzip"
MANIFEST_MEDIA_TYPE="application/vnd.oci.image.manifest.v1+json"

# Built as Trivy's releases are (its goreleaser.yml): CGO_ENABLED=0 and GOEXPERIMENT=jsonv2 (Trivy uses
# encoding/json/v2, which Go ships behind that experiment). trivy-db is built with the same settings, so
# the ≈ 330 packages it shares with Trivy compile once: with other settings (cgo, or no experiment) the Go
# build cache keys every package apart, and trivy-db alone compiled its 375 packages again (63 s of CPU),
# and cgo compiled DataDog/zstd's C sources (≈ 48 s). One `go build` makes both binaries (named after
# their packages), so the two links run side by side.
# -l (no inlining, added to go_gcflags): Trivy is the largest build of the stack (934 s of CPU cold
# on 2 cores, most of it in packages of features the stack never runs: the AWS EC2 and S3 SDKs for VM scanning,
# Redis, Envoy's xDS through the GCS client); without inlining the compiler does about a third less
# work (measured on its heaviest packages: 205 → 136 s of CPU). The binaries behave the same; they run
# a little slower, which does not show in a scan of the stack's small images.
recipe() ( # OUT_DIR
  cd "$MODULE_DIR" || exit 1
  export CGO_ENABLED=0 GOEXPERIMENT=jsonv2 GOFLAGS="-buildvcs=false -mod=readonly"
  go build -trimpath -gcflags="$(go_gcflags -l)" \
    -ldflags "-s -w -X github.com/aquasecurity/trivy/pkg/version/app.ver=${TRIVY_VERSION#v}" \
    -o "$1/" github.com/aquasecurity/trivy/cmd/trivy github.com/aquasecurity/trivy-db/cmd/trivy-db
)
TRIVY_DIR="$(cache_entry trivy "$TRIVY_VERSION" recipe fn:go_gcflags "$MODULE_DIR"/{go.mod,go.sum,tools.go})"
TRIVY_BIN="$TRIVY_DIR/bin/trivy"
TRIVYDB_BIN="$TRIVY_DIR/bin/trivy-db"

build() { cached_build trivy "$TRIVY_DIR" 573 recipe; }

# The DB is keyed by the advisories' content: editing a fixture makes a new DB.
advisories_hash() {
  (cd "$ADVISORIES" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16
}

# build_db — prints the path of db.tar.gz (trivy.db + metadata.json), building it when missing.
build_db() {
  local dir; dir="$TRIVY_DIR/db-$(advisories_hash)"
  if [[ ! -s "$dir/db.tar.gz" ]]; then
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp/out"
    log "building the vulnerability DB from $ADVISORIES"
    # trivy-db reads vuln-list style trees under --cache-dir; ghsa = GitHub advisories (OSV JSON).
    # A long update interval: the DB is not refreshed from the internet, ever.
    "$TRIVYDB_BIN" build --cache-dir "$ADVISORIES" --output-dir "$dir.tmp/out" \
      --update-interval 87600h --only-update ghsa >"$dir.tmp/build.log" 2>&1 \
      || die "trivy-db build failed: $(tail -5 "$dir.tmp/build.log")"
    # Reproducible tarball: same DB files → same digest.
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$dir.tmp/out" \
      -cf - trivy.db metadata.json | gzip -n >"$dir.tmp/db.tar.gz"
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  printf '%s\n' "$dir/db.tar.gz"
}

# curl against the registry with credentials from a private netrc (never on the command line).
NETRC=""
reg_curl() {
  if [[ -z "$NETRC" ]]; then
    NETRC="$(mktemp)"
    trap 'rm -f "$NETRC"' EXIT
    printf 'machine %s login %s password %s\n' "${REGISTRY%%:*}" "$REGISTRY_USER" "$REGISTRY_PASSWORD" >"$NETRC"
  fi
  curl -sS --netrc-file "$NETRC" "$@"
}

digest_of() { printf 'sha256:%s' "$(sha256sum "$1" | cut -d' ' -f1)"; }

push_blob() {
  local file="$1" digest location code
  digest="$(digest_of "$file")"
  code="$(reg_curl -o /dev/null -w '%{http_code}' -I "http://$REGISTRY/v2/$DB_REPO_PATH/blobs/$digest")"
  [[ "$code" == 200 ]] && return 0
  location="$(reg_curl -o /dev/null -w '%header{location}' -X POST "http://$REGISTRY/v2/$DB_REPO_PATH/blobs/uploads/")"
  [[ -n "$location" ]] || die "registry $REGISTRY refused a blob upload for $DB_REPO_PATH"
  [[ "$location" == http* ]] || location="http://$REGISTRY$location"
  [[ "$location" == *\?* ]] && location="$location&digest=$digest" || location="$location?digest=$digest"
  code="$(reg_curl -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: application/octet-stream' \
    --data-binary "@$file" "$location")"
  [[ "$code" == 201 ]] || die "registry $REGISTRY answered HTTP $code to the upload of $digest"
}

# manifest_for DBTAR CONFIG — the OCI manifest Trivy expects (layer media type checked by Trivy).
manifest_for() {
  local db="$1" config="$2"
  printf '{"schemaVersion":2,"mediaType":"%s","artifactType":"%s","config":{"mediaType":"%s","digest":"%s","size":%d},"layers":[{"mediaType":"%s","digest":"%s","size":%d,"annotations":{"org.opencontainers.image.title":"db.tar.gz"}}],"annotations":{"org.opencontainers.image.description":"phlo-deploy local Trivy DB built from stack/trivy/advisories"}}' \
    "$MANIFEST_MEDIA_TYPE" "$CONFIG_MEDIA_TYPE" "$CONFIG_MEDIA_TYPE" "$(digest_of "$config")" "$(stat -c %s "$config")" \
    "$LAYER_MEDIA_TYPE" "$(digest_of "$db")" "$(stat -c %s "$db")"
}

served_digest() {
  reg_curl -o /dev/null -w '%header{docker-content-digest}' -I \
    -H "Accept: $MANIFEST_MEDIA_TYPE" "http://$REGISTRY/v2/$DB_REPO_PATH/manifests/$DB_TAG" 2>/dev/null || true
}

push_db() {
  local db="$1" dir config manifest want code
  dir="$(dirname "$db")"
  config="$dir/config.json"; printf '{}' >"$config"
  manifest="$dir/manifest.json"; manifest_for "$db" "$config" >"$manifest"
  want="$(digest_of "$manifest")"
  if [[ "$(served_digest)" == "$want" ]]; then log "registry already serves the DB ($want)"; return 0; fi
  push_blob "$config"
  push_blob "$db"
  code="$(reg_curl -o /dev/null -w '%{http_code}' -X PUT -H "Content-Type: $MANIFEST_MEDIA_TYPE" \
    --data-binary "@$manifest" "http://$REGISTRY/v2/$DB_REPO_PATH/manifests/$DB_TAG")"
  [[ "$code" == 201 ]] || die "registry $REGISTRY answered HTTP $code to the DB manifest"
  [[ "$(served_digest)" == "$want" ]] || die "registry $REGISTRY does not serve the DB manifest just pushed"
  log "pushed the DB to $REGISTRY/$DB_REPO_PATH:$DB_TAG ($want)"
}

up() {
  build
  local code
  wait_for "registry $REGISTRY" 60 reg_curl -o /dev/null -f "http://$REGISTRY/v2/"
  push_db "$(build_db)"
  stack_env PHLO_TRIVY "$TRIVY_BIN"
  stack_env PHLO_TRIVY_DB_REPOSITORY "$REGISTRY/$DB_REPO_PATH:$DB_TAG"
}

status() {
  if [[ ! -x "$TRIVY_BIN" ]]; then echo "trivy: down (not built: $TRIVY_BIN)"; return 1; fi
  local d; d="$(served_digest)"
  if [[ -z "$d" ]]; then echo "trivy: down (registry $REGISTRY does not serve $DB_REPO_PATH:$DB_TAG)"; return 1; fi
  echo "trivy: up ($TRIVY_VERSION, DB $REGISTRY/$DB_REPO_PATH:$DB_TAG $d)"
}

down() { stack_env_unset PHLO_TRIVY PHLO_TRIVY_DB_REPOSITORY; log "trivy: nothing to stop (its DB stays in the registry)"; }

[[ "${BASH_SOURCE[0]}" == "$0" ]] || return 0   # sourced: functions only
case "${1:-status}" in
  build) build ;;
  up) up ;;
  status) status ;;
  down) down ;;
  *) die "usage: trivy.sh build|up|status|down" ;;
esac
