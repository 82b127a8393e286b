#!/usr/bin/env bash
# The tools for workflows and action.yml files, installed into the cache outside the clone, keyed by
# version; prints nothing but errors.
#   source scripts/tools.sh           installs all of them and exports ACTIONLINT, ZIZMOR and ACT
#                                     (scripts/lint-workflows.sh does this)
#   bash scripts/tools.sh act [...]   installs only the tools named and prints each one's path
#                                     (the workflow-engine test harness does this when act is missing)
# act (nektos/act) is the workflow engine of test/helpers/workflow-engine.ts.
# aws (the AWS CLI, PyPI's awscli) is the reference CLI of the benchmarks (`bash scripts/tools.sh aws`;
# bench/push, bench/pipeline, bench/backup, bench/restore), never a machine's own `aws`; it is not in
# the default set, so linting never installs it.
set -euo pipefail
PHLO_CACHE="${PHLO_CACHE:-$HOME/.cache/phlo-deploy}"
ACTIONLINT_VERSION=v1.7.12
ZIZMOR_VERSION=1.32.0
ACT_VERSION=v0.2.89
AWSCLI_VERSION=1.46.3

_phlo_tools=(actionlint zizmor act)
if [[ "${BASH_SOURCE[0]}" == "$0" && $# -gt 0 ]]; then _phlo_tools=("$@"); fi
_phlo_want() { [[ " ${_phlo_tools[*]} " == *" $1 "* ]]; }
for _phlo_tool in "${_phlo_tools[@]}"; do
  case "$_phlo_tool" in actionlint | zizmor | act | aws) ;; *) echo "[tools] unknown tool '$_phlo_tool' (actionlint, zizmor, act, aws)" >&2 && exit 2 ;; esac
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
# Runs `install` once under the lock `name` unless `ready` says the tool is there: test files (and
# benchmarks) running side by side may all find a tool missing; one installs, the others wait for it.
# `install` runs on the right of `||`, where `set -e` does not apply: each step checks itself.
_phlo_install_once() {
  local name="$1" ready="$2" install="$3"
  "$ready" && return 0
  mkdir -p "$PHLO_CACHE"
  (
    flock 9
    "$ready" || "$install"
  ) 9>"$PHLO_CACHE/.$name.lock"
}
ACT="$PHLO_CACHE/act-$ACT_VERSION/bin/act"
_phlo_act_ready() { [[ -x "$ACT" ]]; }
# Built into bin.tmp and renamed, so an interrupted build is never taken for a finished one.
_phlo_act_build() {
  echo "[tools] building act $ACT_VERSION (about 2 minutes)" >&2
  local tmp
  tmp="$(dirname "$ACT").tmp"
  rm -rf "$tmp"
  GOBIN="$tmp" GOFLAGS=-trimpath go install -ldflags='-s -w' "github.com/nektos/act@$ACT_VERSION" || return 1
  rm -rf "$(dirname "$ACT")"
  mv "$tmp" "$(dirname "$ACT")" || return 1
}
if _phlo_want act; then _phlo_install_once "act-$ACT_VERSION" _phlo_act_ready _phlo_act_build; fi
AWS_CLI_VENV="$PHLO_CACHE/awscli-$AWSCLI_VERSION"
AWS_CLI="$AWS_CLI_VENV/bin/aws"
_phlo_aws_ready() { [[ -f "$AWS_CLI_VENV/.installed" ]]; }
# A venv cannot be moved (its scripts name their interpreter by path): made in place, and only the
# marker written last says it is complete.
_phlo_aws_install() {
  echo "[tools] installing the AWS CLI (awscli $AWSCLI_VERSION)" >&2
  rm -rf "$AWS_CLI_VENV"
  python3 -m venv "$AWS_CLI_VENV" >&2 || return 1
  "$AWS_CLI_VENV/bin/pip" install -q --disable-pip-version-check "awscli==$AWSCLI_VERSION" >&2 || return 1
  [[ "$("$AWS_CLI" --version 2>&1)" == "aws-cli/$AWSCLI_VERSION "* ]] ||
    { echo "[tools] awscli $AWSCLI_VERSION did not install into $AWS_CLI_VENV" >&2; return 1; }
  touch "$AWS_CLI_VENV/.installed"
}
if _phlo_want aws; then _phlo_install_once "awscli-$AWSCLI_VERSION" _phlo_aws_ready _phlo_aws_install; fi
export ACTIONLINT ZIZMOR ACT AWS_CLI

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  for _phlo_tool in "${_phlo_tools[@]}"; do
    case "$_phlo_tool" in
      actionlint) echo "$ACTIONLINT" ;;
      zizmor) echo "$ZIZMOR" ;;
      act) echo "$ACT" ;;
      aws) echo "$AWS_CLI" ;;
      *) echo "[tools] unknown tool '$_phlo_tool' (actionlint, zizmor, act, aws)" >&2; exit 2 ;;
    esac
  done
fi
