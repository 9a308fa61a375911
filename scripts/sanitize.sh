#!/usr/bin/env bash
# Builds countryhub with sanitizers and runs its tests under them.
#   asan  build-asan/ with AddressSanitizer and UBSan runs every CTest test.
#   tsan  build-tsan/ with ThreadSanitizer runs the tests that exercise
#         threads: the server (the integration tests start the TSan-built
#         countryhub binary), the per-minute limiter, the hub cache and the
#         credit ledger with its group committer.
# Usage: scripts/sanitize.sh [asan] [tsan]   (both when none is given)
# Any sanitizer report fails the test that triggered it (halt_on_error=1).
# BUILD_TYPE and SANITIZE_CXX_FLAGS override the build type and the flags of
# that build type (default: Debug with -O1 -g1).
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

build_type=${BUILD_TYPE:-Debug}
# Debug keeps assertions on, and -O1 speeds up the instrumented code over
# -O0. -g1 (line tables only) still puts file:line in reports, and it cut a
# clean ASan build from 1218 s to 933 s of CPU time compared with -g
# (measured with this script on a 2-core Debian 12 VM).
cxx_flags=${SANITIZE_CXX_FLAGS:--O1 -g1}
build_type_upper=$(echo "$build_type" | tr '[:lower:]' '[:upper:]')

configure() {
  local dir=$1
  shift
  cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" \
    "-DCMAKE_CXX_FLAGS_${build_type_upper}=$cxx_flags" -DCOUNTRYHUB_BUILD_BENCH=OFF "$@" \
    >/dev/null
}

run_asan() {
  local dir=$root/build-asan
  echo "== ASan + UBSan: building $dir"
  configure "$dir" -DCOUNTRYHUB_SANITIZE=ON
  cmake --build "$dir" -j "$(nproc)"
  echo "== ASan + UBSan: running every test"
  # detect_leaks: countryhub serve must also free everything on SIGTERM.
  (cd "$dir" && ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:strict_string_checks=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ctest --output-on-failure -j "$(nproc)" --timeout 600 -E "$asan_excluded_tests")
}

run_tsan() {
  local dir=$root/build-tsan
  echo "== TSan: building $dir"
  configure "$dir" -DCOUNTRYHUB_TSAN=ON
  cmake --build "$dir" -j "$(nproc)" --target "${tsan_targets[@]}"
  echo "== TSan: running the server, limiter, cache and ledger tests"
  (cd "$dir" && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    ctest --output-on-failure -j "$(nproc)" --timeout 600 -R "$tsan_tests")
}

"$root/scripts/install-deps.sh"
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
