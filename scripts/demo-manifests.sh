#!/usr/bin/env bash
# `demo-manifests.sh OUT` — the demo's fallback when the machine cannot run the stack's real node
# (PHLO_REAL_NODE_UNAVAILABLE): a copy of k8s/ at OUT/k8s whose `local` environment leaves out the lines
# between `# real node: begin` and `# real node: end` (the Dagster webserver's nodeSelector and
# toleration), so every workload goes to the KWOK nodes. Prints OUT/k8s. Exactly one such block must be
# there: anything else is an error, never a silently different rendering.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:?usage: demo-manifests.sh OUT}"
patches="k8s/environments/local/patches.yaml"
begins="$(grep -c '^ *# real node: begin$' "$patches" || true)"
ends="$(grep -c '^ *# real node: end$' "$patches" || true)"
if [[ "$begins" != 1 || "$ends" != 1 ]]; then
  echo "demo-manifests: $patches must have one '# real node: begin' and one '# real node: end' line (has $begins and $ends)" >&2
  exit 1
fi
rm -rf "$out/k8s"
mkdir -p "$out"
cp -R k8s "$out/k8s"
sed '/^ *# real node: begin$/,/^ *# real node: end$/d' "$patches" >"$out/$patches"
echo "$out/k8s"
