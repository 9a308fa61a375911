#!/usr/bin/env bash
# Runs every benchmark behind docs/benchmarks.md and keeps the outputs:
# the normalizer beside the Python peer, the serving comparison with nginx
# (identity and gzip), and the cold path against the fake Spotify.
#
#   bench/run_all.sh [BUILD_DIR] [OUT_DIR]
#
# BUILD_DIR defaults to $BUILD_DIR or build/, OUT_DIR to BUILD_DIR/bench-results.
# The plot goes to docs/benchmarks_serve.png. Takes about 15 minutes; run it
# on a quiet machine (the load average is printed with every result).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-${BUILD_DIR:-$root/build}}" && pwd)
out=${2:-$build/bench-results}
mkdir -p "$out"
export BUILD_DIR=$build

uptime | tee "$out/uptime_start.txt"
lscpu | grep -E "^(Model name|CPU\(s\)|Thread|Core)" | tee "$out/machine.txt"

python3 "$root/bench/normalize_compare.py" --results "$out/normalize.json" |
  tee "$out/normalize.txt"

bash "$root/bench/serve.sh" --work-dir "$out/serve" --results "$out/serve.json" \
  --plot "$root/docs/benchmarks_serve.png" | tee "$out/serve.txt"

bash "$root/bench/serve.sh" --gzip --connections 64 --work-dir "$out/serve" \
  --results "$out/serve_gzip.json" | tee "$out/serve_gzip.txt"

# The same at 64 connections with every commit synced before its response
# (--store-sync-ms 0), to show what the durability setting costs.
bash "$root/bench/serve.sh" --connections 64 --serve-arg=--store-sync-ms=0 \
  --work-dir "$out/serve" --results "$out/serve_strict.json" | tee "$out/serve_strict.txt"

python3 "$root/bench/cold_path.py" --work-dir "$out/cold" --results "$out/cold.json" |
  tee "$out/cold.txt"
python3 "$root/bench/cold_path.py" --work-dir "$out/cold" --upstream-latency-ms 100 \
  --results "$out/cold_latency.json" | tee "$out/cold_latency.txt"

uptime | tee "$out/uptime_end.txt"
