#!/usr/bin/env bash
# actionlint for the workflows, zizmor for workflows and action.yml files (offline: no GitHub API).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
mapfile -t workflows < <(ls .github/workflows/*.yml workflows/*.yml 2>/dev/null || true)
if ((${#workflows[@]})); then
  "$ACTIONLINT" -no-color "${workflows[@]}"
fi
mapfile -t actions < <(ls action.yml actions/*/action.yml 2>/dev/null || true)
"$ZIZMOR" --config .github/zizmor.yml --offline --no-progress --strict-collection --min-severity low "${workflows[@]}" "${actions[@]}"
echo "workflows and actions: actionlint and zizmor clean (${#workflows[@]} workflows, ${#actions[@]} actions)"
