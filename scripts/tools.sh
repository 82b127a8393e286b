#!/usr/bin/env bash
# Installs the lint tools for workflows and action.yml files into the cache outside the clone,
# keyed by version, and prints nothing but errors. Sourced by scripts/test.sh.
set -euo pipefail
PHLO_CACHE="${PHLO_CACHE:-$HOME/.cache/phlo-deploy}"
ACTIONLINT_VERSION=v1.7.12
ZIZMOR_VERSION=1.32.0

ACTIONLINT="$PHLO_CACHE/actionlint-$ACTIONLINT_VERSION/bin/actionlint"
if [[ ! -x "$ACTIONLINT" ]]; then
  echo "[tools] building actionlint $ACTIONLINT_VERSION" >&2
  GOBIN="$(dirname "$ACTIONLINT")" GOFLAGS=-trimpath go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
fi
ZIZMOR_VENV="$PHLO_CACHE/zizmor-$ZIZMOR_VERSION"
ZIZMOR="$ZIZMOR_VENV/bin/zizmor"
if [[ ! -x "$ZIZMOR" ]]; then
  echo "[tools] installing zizmor $ZIZMOR_VERSION" >&2
  python3 -m venv "$ZIZMOR_VENV"
  "$ZIZMOR_VENV/bin/pip" install -q "zizmor==$ZIZMOR_VERSION"
fi
export ACTIONLINT ZIZMOR
