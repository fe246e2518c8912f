#!/usr/bin/env bash
# Runs a command beside a CPU burner: one busy process per core at normal priority (nice 0, the
# same as the tests, so they really compete for the CPU), all killed when the command ends, fails
# or is interrupted. With no command it runs the timing-sensitive test files (LOAD_PASS_FILES):
# those that count in-flight work, kill or stop processes mid-run, pace requests, or wait for a
# stall timeout. A test that passes alone and fails here depends on how busy the machine is.
#
#   .ci/under-load.sh                                # every file of LOAD_PASS_FILES
#   UNDER_LOAD_SET=ci .ci/under-load.sh              # CI_LOAD_PASS_FILES: the pass as CI runs it
#   .ci/under-load.sh npx vitest run test/e2e.test.ts
#   UNDER_LOAD_WORKERS=4 .ci/under-load.sh …         # more burners than cores
set -euo pipefail
cd "$(dirname "$0")/.."

LOAD_PASS_FILES=(
  test/e2e.test.ts
  test/e2e-forced-rerun.test.ts
  test/e2e-failures.test.ts
  test/e2e-llm-lease.test.ts
  test/e2e-llm-replay.test.ts
  test/e2e-budget.test.ts
  test/e2e-db-outage.test.ts
  test/e2e-bad-input.test.ts
  test/runner-pacer.test.ts
  test/runner-window.test.ts
)

# What CI runs by default (.ci/run): the part of the pass that fits the ~20 min CI can spare for it,
# measured under load (README, "Tests under load"). The whole list: UNDER_LOAD_SET=all (the default here).
CI_LOAD_PASS_FILES=(
  test/e2e.test.ts
  test/runner-pacer.test.ts
  test/runner-window.test.ts
)

workers="${UNDER_LOAD_WORKERS:-$(nproc)}"
if ! [[ "$workers" =~ ^[1-9][0-9]*$ ]]; then
  echo "under-load: UNDER_LOAD_WORKERS must be a positive integer, got '$workers'" >&2
  exit 2
fi

burners=()
stop_burners() {
  # Only the burners this script started, by pid.
  for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${burners[@]}"; do wait "$pid" 2>/dev/null || true; done
  burners=()
}
trap stop_burners EXIT
trap 'stop_burners; exit 130' INT
trap 'stop_burners; exit 143' TERM

for _ in $(seq "$workers"); do
  node -e 'for (;;) {}' &
  burners+=("$!")
done
echo "under-load: ${workers} CPU burners (pids ${burners[*]}); load average $(cut -d' ' -f1-3 /proc/loadavg)"

if [ $# -eq 0 ]; then
  case "${UNDER_LOAD_SET:-all}" in
    all) set -- npx vitest run "${LOAD_PASS_FILES[@]}" ;;
    ci) set -- npx vitest run "${CI_LOAD_PASS_FILES[@]}" ;;
    *) echo "under-load: UNDER_LOAD_SET must be all or ci, got '${UNDER_LOAD_SET}'" >&2; exit 2 ;;
  esac
fi
started=$SECONDS
status=0
"$@" || status=$?
echo "under-load: '$*' exited $status after $((SECONDS - started)) s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
