#!/usr/bin/env bash
# Builds countryhub with sanitizers and runs its tests under them.
#   asan  build-asan/ (clang, see scripts/build-asan.sh) with AddressSanitizer
#         and UBSan runs every CTest test but the two that bound memory.
#   tsan  build-tsan/ (g++) with ThreadSanitizer runs the tests that exercise
#         threads: the server (the integration tests start the TSan-built
#         countryhub binary), the per-minute limiter, the hub cache and the
#         credit ledger with its group committer.
# Usage: scripts/sanitize.sh [asan] [tsan]   (both when none is given)
# Any sanitizer report fails the test that triggered it (halt_on_error=1).
# TSAN_BUILD_TYPE and TSAN_CXX_FLAGS override the TSan tree's build type and
# the flags of that build type (default: Debug with -O1 -g1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
modes=("$@")
if [ ${#modes[@]} -eq 0 ]; then
  modes=(asan tsan)
fi

# Test names (GoogleTest suites) that run threads under TSan.
tsan_tests='^(BillingFlowTest|CacheTest|ClientErrorsTest|LifecycleTest|LimitsTest'
tsan_tests+='|ServeSuccessTest|UpstreamTest|MinuteLimiter|LedgerTest|EveryPlanTest'
tsan_tests+='|OverageCost|HubCacheTest)\.'
# Programs that hold those tests; the other test programs are not built.
tsan_targets=(countryhub integration_tests lifecycle_integration_tests upstream_integration_tests
  limits_integration_tests cache_integration_tests limits_tests cache_tests)

# Tests that bound the server's resident memory. ASan keeps freed memory in
# quarantine and pads every allocation, so RSS measures the sanitizer there.
asan_excluded_tests='^(ConnectionFloodTest\.TwoThousandIdleConnectionsStayBounded'
asan_excluded_tests+='|ConnectionSemanticsTest\.LongPipelineKeepsMemoryBounded)$'

build_type=${TSAN_BUILD_TYPE:-Debug}
# Debug keeps assertions on, and -O1 speeds up the instrumented code over
# -O0. -g1 (line tables only) still puts file:line in reports, and it cut a
# clean g++ ASan build from 1218 s to 933 s of CPU time compared with -g
# (measured with this script on a 2-core Debian 12 VM).
cxx_flags=${TSAN_CXX_FLAGS:--O1 -g1}
build_type_upper=$(echo "$build_type" | tr '[:lower:]' '[:upper:]')

# Runs CTest in the current folder with the arguments given. Most tests wait
# on a server or a timer, so CTest starts two per core.
run_ctest() {
  ctest --output-on-failure -j "$(( $(nproc) * 2 ))" --timeout 600 "$@"
}

run_asan() {
  local dir=${ASAN_BUILD_DIR:-$root/build-asan}
  echo "== ASan + UBSan: building $dir"
  "$root/scripts/build-asan.sh"
  echo "== ASan + UBSan: running every test"
  # detect_leaks: countryhub serve must also free everything on SIGTERM.
  (cd "$dir" &&
    ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:strict_string_checks=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    run_ctest -E "$asan_excluded_tests")
}

run_tsan() {
  local dir=$root/build-tsan
  echo "== TSan: building $dir"
  cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" \
    "-DCMAKE_CXX_FLAGS_${build_type_upper}=$cxx_flags" -DCOUNTRYHUB_TEST_CXX_FLAGS=-O0 \
    -DCOUNTRYHUB_TSAN=ON -DCOUNTRYHUB_BUILD_BENCH=OFF >/dev/null
  cmake --build "$dir" -j "$(nproc)" --target "${tsan_targets[@]}"
  echo "== TSan: running the server, limiter, cache and ledger tests"
  (cd "$dir" && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 run_ctest -R "$tsan_tests")
}

for mode in "${modes[@]}"; do
  if [ "$mode" != asan ] && [ "$mode" != tsan ]; then
    echo "usage: scripts/sanitize.sh [asan] [tsan]   (both when none is given)" >&2
    exit 2
  fi
done
"$root/scripts/install-deps.sh" clang libclang-rt-14-dev
for mode in "${modes[@]}"; do
  case "$mode" in
    asan) run_asan ;;
    tsan) run_tsan ;;
    *)
      echo "unknown mode '$mode'; use asan, tsan or both" >&2
      exit 2
      ;;
  esac
done
