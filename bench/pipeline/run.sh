#!/usr/bin/env bash
# bench/pipeline: the whole deploy (`phlo-deploy deploy --env local`: build, push to ECR, render,
# server-side apply, rollout gate, health gate) against the same steps done by hand with the reference
# CLIs (aws ecr get-login-password | docker login, docker build/tag/push, sed, kubectl apply
# --server-side, kubectl rollout status, a curl loop), on the local stack, with the example app
# (examples/app, examples/k8s).
#
# Ours runs dist/cli.js on Node 24, the runtime the actions declare (node24) and a runner uses.
# Both sides get the registry password from ECR (moto, the stack's AWS_ENDPOINT_URL): ours through
# GetAuthorizationToken, the manual side with `aws ecr get-login-password --region R | docker login
# --username AWS --password-stdin HOST`, the way AWS documents it — nobody has the password without
# asking ECR (the stack's PHLO_REGISTRY_PASSWORD is unset here). The AWS CLI is the one
# `bash scripts/tools.sh aws` installs (awscli from PyPI, pinned). The manual side creates no
# repository per round (a person does that once; the bench's repositories exist after the first push).
#
#   bash bench/pipeline/run.sh   (env: ROUNDS=5, MANUAL_HEALTH_PAUSE=0.5, BENCH_RUN_TIMEOUT=600, KEEP_WORK=0,
#                                      OURS_HEALTH_INTERVAL=500ms, MANUAL_LABELS=1)
#
# Both sides do the same health work: 3 answers of 200 in a row on /health and /ready, 0.5 s apart
# (the action's default interval is 2s, which alone costs 4 s per deploy; MANUAL_HEALTH_PAUSE and
# OURS_HEALTH_INTERVAL change each side's pause).
#
# KEEP_WORK=1 keeps the work dir: <tool>-r<N>.log holds each run's output, every line prefixed with
# the ms since that run started.
#
# Every round deploys a NEW image on each side (a file with the tool, round and run id is added to a
# copy of the build context, so the content and the digest differ), into a fresh namespace per tool
# per round, from a unique ECR repository per tool (bench/pipeline-ours, bench/pipeline-manual) with a
# distinct tag per round (ours: sha-<7 hex> from a random GITHUB_SHA; by hand: r<round>-<run id>).
# The order alternates (odd rounds: ours first). Each whole run is timed with a monotonic clock
# (process.hrtime in lib.mjs). Scan is OFF on both sides (the manual side has no scanner). KWOK's
# nodes run no containers, so both health checks probe the example binary served on loopback.
# Both sides build the same image the same way: the manual side appends one LABEL instruction with the
# OCI labels ours sets (revision, created, version) to its Dockerfile, as build-scan does for the
# classic builder (one build step each; bench/push does the same); MANUAL_LABELS=0 leaves them out
# there (ours still sets them), for a build with less work on the manual side.
# Prints every sample, both medians, and ends with `ratio: X (goal ≤ 1.0)` = median(ours)/median(manual).
# Cleans up the namespaces (kubectl delete ns --wait=false) and the local images it built; the ECR
# repositories and registry blobs stay (the stack is throwaway).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
lib="$here/lib.mjs"

die() {
  printf 'bench/pipeline: %s\n' "$*" >&2
  exit 1
}

# Reads KEY=VALUE lines into the environment (no sourcing: values are data, never code).
load_env() {
  local file="$1" line key value
  [[ -f "$file" ]] || die "the local stack is not up ($file is missing)"
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
    key="${BASH_REMATCH[1]}"
    value="${BASH_REMATCH[2]}"
    export "$key=$value"
  done <"$file"
}

# --- The manual side: one whole deploy by hand. Run as `run.sh __manual <ws> <ns> <tag> <url> <marks> <sha>`
# by the timer, so it is timed as one process like ours. --------------------------------------------
manual() {
  local ws="$1" ns="$2" tag="$3" url="$4" marks="$5" sha="$6"
  local repo="bench/pipeline-manual"
  local ref="$PHLO_REGISTRY/$repo:$tag"
  local push_out digest code path ok deadline pause="${MANUAL_HEALTH_PAUSE:-0.5}"
  mark() { printf '%s %s\n' "$1" "$EPOCHREALTIME" >>"$marks"; }
  mark start

  "$AWS_CLI" ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "$PHLO_REGISTRY"
  mark login

  # The same three OCI labels ours sets, in one LABEL instruction at the end of the Dockerfile: the
  # cheapest way by hand, and the same single build step build-scan writes for the classic builder
  # (a --label flag per label would cost the manual side extra steps ours does not take).
  if [[ "${MANUAL_LABELS:-1}" == 1 ]]; then
    printf 'LABEL "org.opencontainers.image.revision"="%s" "org.opencontainers.image.created"="%s" "org.opencontainers.image.version"="main"\n' \
      "$sha" "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" >>"$ws/app/Dockerfile"
  fi
  docker build --build-arg "BASE_IMAGE=$PHLO_BASE_IMAGE" --tag "$repo:$tag" "$ws/app"
  mark build

  docker tag "$repo:$tag" "$ref"
  push_out="$(docker push "$ref")"
  printf '%s\n' "$push_out"
  digest="$(grep -o 'digest: sha256:[0-9a-f]\{64\}' <<<"$push_out" | head -n 1 | cut -d ' ' -f 2)"
  [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || { echo "no digest in the push output" >&2; exit 1; }
  mark push

  find "$ws/k8s/base" -type f \( -name '*.yaml' -o -name '*.yml' \) -exec \
    sed -i -E "s#^([[:space:]]*(- )?image:)[[:space:]]*phlo-example[[:space:]]*\$#\\1 $PHLO_REGISTRY/$repo@$digest#" {} +
  grep -rq "image: $PHLO_REGISTRY/$repo@$digest" "$ws/k8s/base" || { echo "image not substituted" >&2; exit 1; }
  mark render

  kubectl apply --server-side --field-manager=manual -f "$ws/k8s/base" -R
  mark apply

  kubectl rollout status "deployment/phlo-example" -n "$ns" --timeout=120s
  mark rollout

  # /health and /ready each answer 200 three times in a row (a failure resets the count).
  ok=0
  deadline=$((SECONDS + 120))
  while ((ok < 3)); do
    code=200
    for path in /health /ready; do
      [[ "$(curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$url$path" || true)" == 200 ]] || code=fail
    done
    if [[ "$code" == 200 ]]; then
      ok=$((ok + 1))
      if ((ok < 3)) && [[ "$pause" != 0 ]]; then sleep "$pause"; fi
    else
      ok=0
      ((SECONDS < deadline)) || { echo "health: not 3 x 200 within 120s" >&2; exit 1; }
      sleep 1
    fi
  done
  echo "health: /health and /ready answered 200 three times in a row"
  mark health

  docker logout "$PHLO_REGISTRY"
  mark logout
}

if [[ "${1:-}" == "__manual" ]]; then
  shift
  manual "$@"
  exit 0
fi

# --- Setup ------------------------------------------------------------------------------------------
load_env "${PHLO_STACK_DIR:-$root/.stack}/env"
for key in KUBECONFIG DOCKER_HOST PHLO_REGISTRY PHLO_BASE_IMAGE AWS_ENDPOINT_URL AWS_REGION; do
  [[ -n "${!key:-}" ]] || die ".stack/env lacks $key"
done
# Neither side is handed the registry password: both ask ECR for it.
unset PHLO_REGISTRY_PASSWORD
# Our side's runtime (node24, as the actions declare) and the manual side's AWS CLI, both installed by
# the project into its cache (never the machine's own).
NODE24="$(bash "$root/scripts/node24.sh")" || die "could not install Node 24 (bash scripts/node24.sh)"
AWS_CLI="$(bash "$root/scripts/tools.sh" aws)" || die "could not install the AWS CLI (bash scripts/tools.sh aws)"
[[ -x "$NODE24" ]] || die "scripts/node24.sh printed no node binary ($NODE24)"
[[ -x "$AWS_CLI" ]] || die "scripts/tools.sh aws printed no aws binary ($AWS_CLI)"
export AWS_CLI
export DOCKER_BUILDKIT=0
export KUBECONFIG DOCKER_HOST
# kubectl of the stack's own release (built with the control plane; PHLO_KUBECTL in .stack/env), so
# the reference side is a real kubectl of the same version, not a machine's wrapper of another one.
[[ -x "${PHLO_KUBECTL:-}" ]] || die ".stack/env lacks PHLO_KUBECTL (run: bash stack/stack.sh up)"
export PATH="$(dirname "$PHLO_KUBECTL"):$PATH"

rounds="${ROUNDS:-5}"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer (got '$rounds')"
run_timeout="${BENCH_RUN_TIMEOUT:-600}"
[[ "$run_timeout" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUN_TIMEOUT must be a positive integer of seconds"
[[ "${MANUAL_HEALTH_PAUSE:-0.5}" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "MANUAL_HEALTH_PAUSE must be a number of seconds"
for tool in node docker kubectl curl go timeout sed grep find; do
  command -v "$tool" >/dev/null || die "$tool is not on PATH"
done

run_id="$(od -An -tx1 -N3 /dev/urandom | tr -d ' \n')"
work="$(mktemp -d "${TMPDIR:-/tmp}/phlo-bench-pipeline.XXXXXX")"
namespaces=()
images=()
app_pid=""
cleaned=0

cleanup() {
  ((cleaned)) && return 0
  cleaned=1
  if [[ -n "$app_pid" ]]; then kill "$app_pid" 2>/dev/null || true; fi
  if ((${#namespaces[@]})); then
    kubectl delete ns "${namespaces[@]}" --wait=false --ignore-not-found >/dev/null 2>&1 ||
      echo "bench/pipeline: could not delete namespaces ${namespaces[*]}" >&2
  fi
  if ((${#images[@]})); then
    docker rmi "${images[@]}" >/dev/null 2>&1 || true
  fi
  if [[ "${KEEP_WORK:-0}" == 1 ]]; then
    echo "bench/pipeline: logs kept in $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A snapshot of dist/ (others may rebuild it during the bench): wait until it exists and has not
# been written for 5 s, copy it, and check the copy runs.
snapshot_dist() {
  local i
  for ((i = 0; i < 120; i++)); do
    if [[ -f "$root/dist/cli.js" && -f "$root/dist/index.js" ]] &&
      [[ -z "$(find "$root/dist" -newermt '-5 seconds' -print -quit 2>/dev/null)" ]]; then
      rm -rf "$work/dist" "$work/actions"
      # The CLI reads its commands' inputs from action.yml and actions/*/action.yml next to dist/.
      if cp -r "$root/dist" "$work/dist" 2>/dev/null && cp "$root/action.yml" "$work/action.yml" &&
        cp -r "$root/actions" "$work/actions" &&
        "$NODE24" "$work/dist/cli.js" help 2>/dev/null | grep -q '^  deploy '; then
        return 0
      fi
    fi
    sleep 2
  done
  die "dist/cli.js is missing or keeps changing (run \`npm run build\`)"
}

echo "bench/pipeline: run $run_id, $rounds round(s), work dir $work"
snapshot_dist

# The example app's binary (static Go), built once into the work dir.
mkdir -p "$work/bin"
(cd "$root/examples/app" && CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$work/bin/phlo-example" .) ||
  die "go build of examples/app failed"

# The stand-in for the LoadBalancer both health checks probe.
port="$(node "$lib" port)"
url="http://127.0.0.1:$port"
LISTEN="127.0.0.1:$port" "$work/bin/phlo-example" >"$work/app.log" 2>&1 &
app_pid=$!
for ((i = 0; i < 50; i++)); do
  [[ "$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "$url/ready" || true)" == 200 ]] && break
  kill -0 "$app_pid" 2>/dev/null || die "the example app did not start: $(tail -n 5 "$work/app.log")"
  sleep 0.1
done
[[ "$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "$url/ready" || true)" == 200 ]] || die "the example app is not ready on $url"

# A fresh workspace for one tool and round: build context (app + a file that makes the image new)
# and the manifests with their own namespace.
prepare() {
  local tool="$1" round="$2" ws="$3" ns="$4"
  mkdir -p "$ws/app/bin" "$ws/runner-temp" "$ws/docker-config"
  cp "$root/examples/app/Dockerfile" "$root/examples/app/.dockerignore" "$ws/app/"
  cp "$work/bin/phlo-example" "$ws/app/bin/phlo-example"
  printf '%s round %s run %s\n' "$tool" "$round" "$run_id" >"$ws/app/bench-round"
  printf '!bench-round\n' >>"$ws/app/.dockerignore"
  printf 'COPY bench-round /etc/phlo-bench-round\n' >>"$ws/app/Dockerfile"
  cp -r "$root/examples/k8s" "$ws/k8s"
  find "$ws/k8s" -type f \( -name '*.yaml' -o -name '*.yml' \) -exec \
    sed -i -e "s/namespace: phlo-example\$/namespace: $ns/" -e "/^kind: Namespace/,/^---/ s/^  name: phlo-example\$/  name: $ns/" {} +
  grep -q "^  name: $ns\$" "$ws/k8s/base/app.yaml" || die "could not rename the Namespace in $ws/k8s/base/app.yaml"
  if grep -rq 'namespace: phlo-example$' "$ws/k8s"; then
    die "namespace left unchanged in $ws/k8s"
  fi
}

# Untimed warm-up: one plain build of the example image, so neither side's first round pays for a
# cold layer cache (the binary's COPY layer); every timed build still makes a new top layer.
mkdir -p "$work/warmup/bin"
cp "$root/examples/app/Dockerfile" "$root/examples/app/.dockerignore" "$work/warmup/"
cp "$work/bin/phlo-example" "$work/warmup/bin/phlo-example"
images+=("bench/pipeline-warmup:$run_id")
docker build --quiet --build-arg "BASE_IMAGE=$PHLO_BASE_IMAGE" --tag "bench/pipeline-warmup:$run_id" "$work/warmup" >/dev/null ||
  die "the warm-up docker build failed"

samples="$work/samples.tsv"
: >"$samples"

# Runs one side, prints the sample line, records totals and stage times.
run_side() {
  local tool="$1" round="$2"
  local ws="$work/$tool-r$round" ns="bpl-$run_id-$tool-r$round" log="$work/$tool-r$round.log"
  local ms rc sha tag secs line other
  prepare "$tool" "$round" "$ws" "$ns"
  namespaces+=("$ns")
  if [[ "$tool" == ours ]]; then
    sha="$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')"
    tag="sha-${sha:0:7}"
    images+=("bench/pipeline-ours:$tag" "$PHLO_REGISTRY/bench/pipeline-ours:$tag")
    local -a cmd=(
      env "GITHUB_SHA=$sha" "RUNNER_TEMP=$ws/runner-temp"
      timeout --kill-after=10 "$run_timeout"
      "$NODE24" "$work/dist/cli.js" deploy
      --env local
      --repository bench/pipeline-ours
      --manifest-image phlo-example
      --workspace "$ws"
      --manifests k8s
      --context "$ws/app"
      --build-args "BASE_IMAGE=$PHLO_BASE_IMAGE"
      --scan false
      --registry-endpoint "http://$PHLO_REGISTRY"
      --ecr-endpoint "$AWS_ENDPOINT_URL"
      --region us-east-1
      --kubeconfig "$KUBECONFIG"
      --health-url "$url"
      --github-deployment false
    )
    cmd+=(--health-interval "${OURS_HEALTH_INTERVAL:-500ms}")
  else
    tag="r$round-$run_id"
    images+=("bench/pipeline-manual:$tag" "$PHLO_REGISTRY/bench/pipeline-manual:$tag")
    local -a cmd=(
      env "DOCKER_CONFIG=$ws/docker-config"
      timeout --kill-after=10 "$run_timeout"
      bash "$here/run.sh" __manual "$ws" "$ns" "$tag" "$url" "$ws/marks" "$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')"
    )
  fi
  line="$(node "$lib" time "$log" -- "${cmd[@]}")" || die "the timer failed for $tool round $round"
  read -r ms rc <<<"$line"
  [[ -n "${ms:-}" && -n "${rc:-}" ]] || die "no timing for $tool round $round"
  if [[ "$rc" != 0 ]]; then
    echo "bench/pipeline: $tool deploy failed in round $round (exit $rc); last lines of $log:" >&2
    tail -n 40 "$log" >&2 || true
    exit 1
  fi
  if [[ "$tool" == ours ]] && ! grep -Eq '^ *[0-9]+ verdict(=|: )success$' "$log"; then
    echo "bench/pipeline: our deploy exited 0 without verdict=success in round $round; last lines:" >&2
    tail -n 40 "$log" >&2 || true
    exit 1
  fi
  secs="$(awk -v ms="$ms" 'BEGIN { printf "%.2f", ms / 1000 }')"
  printf 'total\t%s\t%s\t-\t%s\n' "$tool" "$round" "$secs" >>"$samples"
  if [[ "$tool" == ours ]]; then
    node "$lib" stages "$log" >"$ws/parts"
    # What the stage table does not cover: node start-up, bundle loading, cleanup and exit.
    other="$(awk -v t="$secs" '{ s += $2 } END { printf "%.2f", t - s }' "$ws/parts")"
    printf 'other %s\n' "$other" >>"$ws/parts"
  else
    node "$lib" steps "$ws/marks" >"$ws/parts"
  fi
  while read -r name value; do
    printf 'part\t%s\t%s\t%s\t%s\n' "$tool" "$round" "$name" "$value" >>"$samples"
  done <"$ws/parts"
  printf 'round %d  %-6s  %6.2f s   (%s)\n' "$round" "$tool" "$secs" "$(tr '\n' ' ' <"$ws/parts" | sed 's/ $//')"
}

echo "scan: OFF on both sides (ours: --scan false; the manual side has no scanner)"
if [[ "${MANUAL_LABELS:-1}" == 1 ]]; then
  echo "OCI labels: ours sets revision, created and version; the manual build sets the same in one LABEL instruction (one step each)"
else
  echo "OCI labels: ours sets revision, created and version; the manual build sets none (MANUAL_LABELS=0)"
fi
echo "manual health loop: 3 x 200 in a row on /health and /ready, pause between successes ${MANUAL_HEALTH_PAUSE:-0.5}s; ours: health-gate with ${OURS_HEALTH_INTERVAL:-500ms} interval (3 in a row)"
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then
    run_side ours "$r"
    run_side manual "$r"
  else
    run_side manual "$r"
    run_side ours "$r"
  fi
done

report="$(node "$lib" report "$samples")" || die "could not compute the report"
cleanup
trap - EXIT
printf '%s\n' "$report"
