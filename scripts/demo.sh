#!/usr/bin/env bash
# The README's main job: from a fresh clone, install what is needed, bring the local stack up, and
# deploy the Phlo stack (k8s/, environment `local`) with the example app (examples/app) as its
# Dagster image — build, scan, push, render, apply, rollout gate, health gate — then print the
# summary. Run it again: it is idempotent (a second deploy changes only what changed).
set -euo pipefail
cd "$(dirname "$0")/.."
export PHLO_CACHE="${PHLO_CACHE:-$HOME/.cache/phlo-deploy}"
say() { printf '\n=== %s\n' "$*"; }

say "the machine"
bash scripts/preflight.sh

# Only what the deploy needs: MinIO and PostgreSQL serve the tests (and backups), and kubectl the tests
# and benchmarks, not the deploy. The real node (after the registry its containerd pulls from) runs the
# Dagster webserver. The stack comes up in the background (on a new machine its Go builds take most of
# the time) while Node 24 installs and the example app builds beside it.
say "local stack (Kubernetes built from source + KWOK nodes and one real node, dockerd, registry, moto, Trivy), in the background"
# `set -m` gives it a process group of its own, so that should anything below fail (or the demo be
# interrupted), the whole `up` stops with it: its build lanes and their compilers, not only the
# script (the stack's daemons are started in sessions of their own and keep running; `npm run
# stack:down` stops them).
set -m
bash stack/stack.sh up etcd kube kwok docker registry node moto trivy &
stack_pid=$!
set +m
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'kill -- "-$stack_pid" 2>/dev/null || true' EXIT

# No npm packages: the deploy runs the committed bundle (dist/cli.js), which carries its dependencies,
# as a runner runs the actions (`npm run ci` installs them for the tests).

say "example app binary (static Go, copied into an image FROM the stack's base image)"
(cd examples/app && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o bin/phlo-example .)

# The deploy runs on Node 24, the runtime the actions declare (runs.using: node24).
NODE24="$(bash scripts/node24.sh)"

say "waiting for the local stack"
wait "$stack_pid" || { echo "demo: the local stack did not come up (see the [stack] lines above)" >&2; exit 1; }
trap - EXIT
# The stack's runtime directory: $PHLO_STACK_DIR (as stack/stack.sh reads it), else .stack in the clone.
STACK_DIR="${PHLO_STACK_DIR:-.stack}"
# Its env file holds KEY=VALUE lines, not shell: a value may have spaces and parentheses (the reasons in
# PHLO_REAL_NODE_UNAVAILABLE), so each line is read literally, never sourced.
while IFS= read -r line; do
  if [[ "$line" =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]]; then export "${BASH_REMATCH[1]}=${BASH_REMATCH[2]}"; fi
done <"$STACK_DIR/env"

# Where the Dagster webserver runs, and what the health gate probes. With the real node, the webserver
# (the example app's image, pulled by the node's containerd from the registry push-ecr pushed it to)
# runs there, and the gate probes its /health and /ready through the API server's service proxy.
# Without it (the machine lacks what the node needs: PHLO_REAL_NODE_UNAVAILABLE), every workload goes
# to the KWOK nodes, which run no containers, so the gate probes the app's binary served on loopback.
# PHLO_DEMO_NODE=kwok takes that path on purpose (the end-to-end test exercises it).
manifests=k8s
health=(--health-service "dagster/dagster-webserver:http"
  --environment-url "$PHLO_KUBE_SERVER/api/v1/namespaces/dagster/services/dagster-webserver:http/proxy/")
kwok_reason=""
if [[ -n "${PHLO_REAL_NODE_UNAVAILABLE:-}" ]]; then
  kwok_reason="this machine cannot run the stack's real node ($PHLO_REAL_NODE_UNAVAILABLE)"
elif [[ "${PHLO_DEMO_NODE:-}" == kwok ]]; then
  kwok_reason="PHLO_DEMO_NODE=kwok"
fi
if [[ -n "$kwok_reason" ]]; then
  echo "demo: $kwok_reason: the webserver goes to the KWOK nodes, and the health gate probes the app's binary on loopback instead of the real pod"
  manifests="$(bash scripts/demo-manifests.sh build/demo-kwok)"
  HEALTH_PORT="${PHLO_DEMO_PORT:-18080}"
  LISTEN="127.0.0.1:$HEALTH_PORT" examples/app/bin/phlo-example >/dev/null 2>&1 &
  app_pid=$!
  trap 'kill "$app_pid" 2>/dev/null || true' EXIT
  health=(--health-url "http://127.0.0.1:$HEALTH_PORT")
fi

# Each run pushes under its own tag: the repository is IMMUTABLE, and a rebuild of the same commit is
# a new image (its created time differs), so the commit tag alone would refuse a second run.
run_tag="local-$(date -u +%Y%m%dT%H%M%S)-$(git rev-parse --short HEAD 2>/dev/null || echo nogit)"

say "deploy (phlo-deploy deploy --env local, on Node $("$NODE24" --version))"
"$NODE24" dist/cli.js deploy \
  --tag-rules none \
  --tags "$run_tag" \
  --env local \
  --repository phlo/dagster \
  --manifest-image phlo-dagster \
  --manifests "$manifests" \
  --env_file examples/local.env \
  --context examples/app \
  --build-args "BASE_IMAGE=$PHLO_BASE_IMAGE" \
  --trivy-path "$PHLO_TRIVY" \
  --trivy-db-repository "$PHLO_TRIVY_DB_REPOSITORY" \
  --trivy-db-username "$PHLO_REGISTRY_USER" \
  --trivy-db-password "$PHLO_REGISTRY_PASSWORD" \
  --report-dir "$STACK_DIR/reports" \
  --registry-endpoint "http://$PHLO_REGISTRY" \
  --ecr-endpoint "$AWS_ENDPOINT_URL" \
  --region "$AWS_REGION" \
  --kubeconfig "$KUBECONFIG" \
  --rollout-timeout 3m \
  "${health[@]}" \
  --github-deployment false
