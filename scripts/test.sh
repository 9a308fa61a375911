#!/usr/bin/env bash
# Runs every countryhub test stage after installing the missing packages:
#   plain  build/ (g++, RelWithDebInfo): the whole CTest suite
#   asan   build-asan/ (clang, ASan + UBSan): the whole suite again, but the
#          two tests that bound memory (scripts/sanitize.sh asan)
#   fuzz   each libFuzzer target for 30 s, from the same build-asan/ tree
#          (fuzz/run.sh 30)
#   tsan   build-tsan/ (g++, ThreadSanitizer): the server, limiter, cache and
#          ledger tests (scripts/sanitize.sh tsan)
# Usage: scripts/test.sh [--quick]   (--quick runs the plain stage only)
# A failed stage does not stop the later ones, and the script exits 1 when
# any stage failed. Each stage prints a line with its wall and CPU time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

quick=false
for arg in "$@"; do
  case "$arg" in
    --quick) quick=true ;;
    *)
      echo "invalid argument '$arg'. Usage: scripts/test.sh [--quick]" >&2
      exit 2
      ;;
  esac
done

# Prints the CPU seconds (user + system) used so far by the finished child
# processes of this shell: fields 16 and 17 of /proc/PID/stat, in clock ticks.
children_cpu_seconds() {
  awk -v ticks="$(getconf CLK_TCK)" '{ printf "%d\n", ($16 + $17) / ticks }' "/proc/$$/stat"
}

failed=()
summary=()

# Runs one stage (a name, then its command) and records its result and its
# wall and CPU seconds. CPU / cores is about the wall time on an idle
# machine, so the CPU figure stays comparable when other work shares it.
run_stage() {
  local name=$1
  shift
  local wall_start=$SECONDS cpu_start
  cpu_start=$(children_cpu_seconds)
  echo "==== stage $name: $*"
  local result=passed
  if ! "$@"; then
    result=FAILED
    failed+=("$name")
  fi
  local wall=$((SECONDS - wall_start))
  local cpu=$(($(children_cpu_seconds) - cpu_start))
  local line="stage $name: $result in ${wall} s wall, ${cpu} s CPU, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "==== $line"
  summary+=("$line")
}

# Builds build/ and runs CTest there. The test programs are compiled at -O0
# while the product stays RelWithDebInfo, which saves build time. Most tests
# wait on a server or a timer, so CTest starts two per core. The function
# runs inside `if`, where set -e is off, so the steps are joined with &&.
plain_suite() {
  "$root/scripts/build.sh" -DCOUNTRYHUB_TEST_CXX_FLAGS=-O0 &&
    (cd "${BUILD_DIR:-$root/build}" &&
      ctest --output-on-failure -j "$(($(nproc) * 2))" --timeout 300)
}

if $quick; then
  "$root/scripts/install-deps.sh"
else
  "$root/scripts/install-deps.sh" clang libclang-rt-14-dev
fi
run_stage plain plain_suite
if ! $quick; then
  run_stage asan "$root/scripts/sanitize.sh" asan
  run_stage fuzz "$root/fuzz/run.sh" 30
  run_stage tsan "$root/scripts/sanitize.sh" tsan
fi

echo
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed stages: ${failed[*]}"
fi
echo "stages: $((${#summary[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
