#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-asan/, the tree
# that scripts/sanitize.sh asan also uses, and runs each for SECONDS on a
# temporary copy of its seeds in fuzz/corpus/. As many targets run at once as
# there are cores ($FUZZ_JOBS overrides that).
# Usage: fuzz/run.sh SECONDS [TARGET...]   (every target when none is given)
# A crash, leak, timeout or violated property fails the run; the input is
# saved under fuzz/regressions/<target>/, where the regular test suite
# (tests/fuzz_regressions/) replays it once the bug is fixed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
all_targets=(normalize_hub http_request api_key config_file printable_excerpt)

if [ $# -lt 1 ] || ! [[ $1 =~ ^[0-9]+$ ]] || [ "$1" -eq 0 ]; then
  echo "usage: fuzz/run.sh SECONDS [TARGET...]; targets: ${all_targets[*]}" >&2
  exit 2
fi
seconds=$1
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=("${all_targets[@]}")
fi
for target in "${targets[@]}"; do
  if [ ! -d "$root/fuzz/corpus/$target" ]; then
    echo "unknown target '$target'; targets: ${all_targets[*]}" >&2
    exit 2
  fi
done

"$root/scripts/install-deps.sh" clang libclang-rt-14-dev

build_dir=${ASAN_BUILD_DIR:-$root/build-asan}
echo "== building the fuzz targets in $build_dir"
"$root/scripts/build-asan.sh" countryhub_fuzzers

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
failed=()

# Saves the inputs libFuzzer wrote for a failure and prints the command that
# replays each.
keep_failure_inputs() {
  local target=$1 artifacts=$2
  local saved_dir=$root/fuzz/regressions/$target
  mkdir -p "$saved_dir"
  for input in "$artifacts"/*; do
    [ -e "$input" ] || continue
    cp "$input" "$saved_dir/"
    local saved=$saved_dir/$(basename "$input")
    echo "saved $saved ($(stat -c %s "$saved") bytes)"
    echo "  reproduce: $build_dir/fuzz/fuzz_$target $saved"
    if [ "$(stat -c %s "$saved")" -le 4096 ]; then
      echo "  base64: $(base64 -w0 "$saved")"
    fi
  done
  echo "  after the fix, the regular suite replays it: ctest -R FuzzRegressions"
}

# Fuzzes one target for $seconds, writing its output to $work/<target>.log
# and its exit status to $work/<target>.status.
fuzz_target() {
  local target=$1
  local corpus=$work/corpus-$target
  local artifacts=$work/artifacts-$target
  mkdir -p "$artifacts"
  cp -r "$root/fuzz/corpus/$target" "$corpus"
  # Saved crashes are replayed first as extra seeds; libFuzzer writes new
  # inputs only to the first folder, the temporary copy.
  local seed_dirs=("$corpus")
  if [ -d "$root/fuzz/regressions/$target" ]; then
    seed_dirs+=("$root/fuzz/regressions/$target")
  fi
  local dictionary=()
  if [ -f "$root/fuzz/$target.dict" ]; then
    dictionary=("-dict=$root/fuzz/$target.dict")
  fi
  # -timeout: one input running 10 s is a hang; -rss_limit_mb caps memory.
  local status=0
  "$build_dir/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "${dictionary[@]}" "${seed_dirs[@]}" \
    >"$work/$target.log" 2>&1 || status=$?
  echo "$status" >"$work/$target.status"
}

jobs=${FUZZ_JOBS:-$(nproc)}
echo "== fuzzing ${targets[*]} for ${seconds}s each, $jobs at a time"
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
    wait -n || true
  done
  fuzz_target "$target" &
done
wait

for target in "${targets[@]}"; do
  log=$work/$target.log
  echo "== $target"
  if [ "$(cat "$work/$target.status" 2>/dev/null)" = 0 ]; then
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
    echo "$target: passed, corpus grew to $(ls "$work/corpus-$target" | wc -l) inputs"
  else
    # Print the report (sanitizer output or violated property) without the
    # per-input progress lines.
    grep -vE '^#[0-9]+' "$log" | tail -n 80
    echo "$target: FAILED"
    keep_failure_inputs "$target" "$work/artifacts-$target"
    failed+=("$target")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing failed for: ${failed[*]}" >&2
  exit 1
fi
echo "fuzzing passed: ${targets[*]} (${seconds}s each)"
