#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs, checks dist/ and the README,
# lints, brings the local stack up (and takes it down again if it started it), runs every test.
# Usage: bash scripts/test.sh [jest args...]      (the README's test command: `npm run ci` calls this)
set -euo pipefail
cd "$(dirname "$0")/.."
export PHLO_CACHE="${PHLO_CACHE:-$HOME/.cache/phlo-deploy}"
step() { printf '\n=== %s\n' "$*"; }

step "the machine (one message for everything missing)"
bash scripts/preflight.sh

step "every Go module resolves from the clone alone (-mod=readonly; even when the stack is cached)"
bash scripts/check-go-modules.sh

step "npm dependencies"
if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

step "type check, lint, formatting"
npx tsc --noEmit -p tsconfig.json
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check . ; exit 1; }

step "dist/ matches the sources"
node scripts/build.mjs --check

step "generated files are current (root action.yml, README's table of actions)"
node scripts/gen-root-action.mjs --check
node scripts/gen-readme-table.mjs --check

step "workflows and action.yml files (actionlint, zizmor)"
bash scripts/lint-workflows.sh

step "local stack"
started_stack=0
if ! bash stack/stack.sh status >/dev/null 2>&1; then
  started_stack=1
  trap 'step "local stack down"; bash stack/stack.sh down || true' EXIT
  bash stack/stack.sh up
fi

step "Node 24 (what the actions declare: runs.using node24)"
NODE24="$(bash scripts/node24.sh)"
echo "$NODE24: $("$NODE24" --version); machine node: $(node --version)"

step "tests"
results="$(mktemp)"
set +e
jest=(--experimental-vm-modules node_modules/jest/bin/jest.js)
# Every test runs on Node 24, the runtime the actions declare (the bundles are spawned with the
# runner's own node, process.execPath); the unit tests run on the machine's Node too (package.json
# engines: Node ≥ 20). Tests that restart or stop parts of the stack run alone, after the rest.
"$NODE24" "${jest[@]}" --maxWorkers=3 \
  --testPathIgnorePatterns '\.serial\.test\.ts$' --json --outputFile="$results.1" "$@"
rc1=$?
"$NODE24" "${jest[@]}" --runInBand --passWithNoTests \
  --testPathPatterns '\.serial\.test\.ts$' --testSequencer ./test/helpers/serial-sequencer.mjs \
  --json --outputFile="$results.2" "$@"
rc2=$?
node "${jest[@]}" --selectProjects unit --maxWorkers=2 --passWithNoTests --json --outputFile="$results.3" "$@"
rc3=$?
set -e
node -e '
  let passed = 0, failed = 0, skipped = 0;
  for (const f of process.argv.slice(1)) {
    try { const r = JSON.parse(require("fs").readFileSync(f, "utf8")); passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests; }
    catch { failed += 1; console.error(`no results in ${f}`); }
  }
  console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
 ' "$results.1" "$results.2" "$results.3"
rm -f "$results" "$results.1" "$results.2" "$results.3"
if ((rc1 != 0 || rc2 != 0 || rc3 != 0)); then exit 1; fi
