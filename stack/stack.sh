#!/usr/bin/env bash
# The local stack: `stack.sh up|status|down|build [component...]`. See stack/README.md.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Start order; `down` goes in reverse. Each name is stack/components/<name>.sh.
ALL_COMPONENTS=(etcd kube kwok docker registry moto minio postgres trivy)

cmd="${1:-status}"; shift || true
components=("$@"); ((${#components[@]})) || components=("${ALL_COMPONENTS[@]}")

for c in "${components[@]}"; do
  [[ " ${ALL_COMPONENTS[*]} " == *" $c "* ]] || die "unknown component '$c': expected one of ${ALL_COMPONENTS[*]}"
done

# A component whose script does not exist (yet) is skipped with a log line.
present=()
for c in "${components[@]}"; do
  if [[ -f "$STACK_ROOT/components/$c.sh" ]]; then present+=("$c"); else log "skipping $c: stack/components/$c.sh does not exist"; fi
done
components=("${present[@]}")

run_component() {
  local rc=0
  bash "$STACK_ROOT/components/$1.sh" "$2" || rc=$?
  # A component that fails says which and where, so a silent `set -e` exit never looks like success.
  ((rc == 0)) || { [[ "$2" == status ]] || log "error: component $1 failed at $2 (exit $rc)"; return "$rc"; }
}

case "$cmd" in
  build)
    start=$SECONDS
    for c in "${components[@]}"; do run_component "$c" build; done
    log "build done in $((SECONDS - start))s" ;;
  up)
    start=$SECONDS
    for c in "${components[@]}"; do
      t=$SECONDS; run_component "$c" build
      (( SECONDS - t > 1 )) && log "$c build took $((SECONDS - t))s"
    done
    for c in "${components[@]}"; do
      t=$SECONDS; run_component "$c" up
      log "$c up ($((SECONDS - t))s)"
    done
    log "stack up in $((SECONDS - start))s; environment in $STACK_ENV_FILE" ;;
  status)
    rc=0
    for c in "${components[@]}"; do run_component "$c" status || rc=1; done
    exit $rc ;;
  down)
    rc=0
    for ((i=${#components[@]}-1; i>=0; i--)); do run_component "${components[$i]}" down || rc=1; done
    exit $rc ;;
  *) die "unknown command '$cmd': use up, status, down or build" ;;
esac
