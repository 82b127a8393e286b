#!/usr/bin/env bash
# The tools for workflows and action.yml files, installed into the cache outside the clone, keyed by
# version; prints nothing but errors.
#   source scripts/tools.sh           installs all of them and exports ACTIONLINT, ZIZMOR and ACT
#                                     (scripts/lint-workflows.sh does this)
#   bash scripts/tools.sh act [...]   installs only the tools named and prints each one's path
#                                     (the workflow-engine test harness does this when act is missing)
# act (nektos/act) is the workflow engine of test/helpers/workflow-engine.ts.
set -euo pipefail
PHLO_CACHE="${PHLO_CACHE:-$HOME/.cache/phlo-deploy}"
ACTIONLINT_VERSION=v1.7.12
ZIZMOR_VERSION=1.32.0
ACT_VERSION=v0.2.89

_phlo_tools=(actionlint zizmor act)
if [[ "${BASH_SOURCE[0]}" == "$0" && $# -gt 0 ]]; then _phlo_tools=("$@"); fi
_phlo_want() { [[ " ${_phlo_tools[*]} " == *" $1 "* ]]; }
for _phlo_tool in "${_phlo_tools[@]}"; do
  case "$_phlo_tool" in actionlint | zizmor | act) ;; *) echo "[tools] unknown tool '$_phlo_tool' (actionlint, zizmor, act)" >&2 && exit 2 ;; esac
done

ACTIONLINT="$PHLO_CACHE/actionlint-$ACTIONLINT_VERSION/bin/actionlint"
if _phlo_want actionlint && [[ ! -x "$ACTIONLINT" ]]; then
  echo "[tools] building actionlint $ACTIONLINT_VERSION" >&2
  GOBIN="$(dirname "$ACTIONLINT")" GOFLAGS=-trimpath go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
fi
ZIZMOR_VENV="$PHLO_CACHE/zizmor-$ZIZMOR_VERSION"
ZIZMOR="$ZIZMOR_VENV/bin/zizmor"
if _phlo_want zizmor && [[ ! -x "$ZIZMOR" ]]; then
  echo "[tools] installing zizmor $ZIZMOR_VERSION" >&2
  python3 -m venv "$ZIZMOR_VENV"
  "$ZIZMOR_VENV/bin/pip" install -q "zizmor==$ZIZMOR_VERSION"
fi
ACT="$PHLO_CACHE/act-$ACT_VERSION/bin/act"
if _phlo_want act && [[ ! -x "$ACT" ]]; then
  # Test files running side by side may all find act missing: one builds, the others wait for it.
  # Built into bin.tmp and renamed, so an interrupted build is never taken for a finished one.
  mkdir -p "$PHLO_CACHE"
  (
    flock 9
    if [[ ! -x "$ACT" ]]; then
      echo "[tools] building act $ACT_VERSION (about 2 minutes)" >&2
      _phlo_tmp="$(dirname "$ACT").tmp"
      rm -rf "$_phlo_tmp"
      GOBIN="$_phlo_tmp" GOFLAGS=-trimpath go install -ldflags='-s -w' "github.com/nektos/act@$ACT_VERSION"
      rm -rf "$(dirname "$ACT")"
      mv "$_phlo_tmp" "$(dirname "$ACT")"
    fi
  ) 9>"$PHLO_CACHE/.act-$ACT_VERSION.lock"
fi
export ACTIONLINT ZIZMOR ACT

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  for _phlo_tool in "${_phlo_tools[@]}"; do
    case "$_phlo_tool" in
      actionlint) echo "$ACTIONLINT" ;;
      zizmor) echo "$ZIZMOR" ;;
      act) echo "$ACT" ;;
      *) echo "[tools] unknown tool '$_phlo_tool' (actionlint, zizmor, act)" >&2; exit 2 ;;
    esac
  done
fi
