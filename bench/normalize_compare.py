#!/usr/bin/env python3
"""Time countryhub's normalizer beside the plain Python peer on the same inputs.

    python3 bench/normalize_compare.py [--bench build/bench/normalize_bench]
        [--countryhub build/src/countryhub] [--min-time 0.5] [--repetitions 3]
        [--results FILE]

First it checks that the peer's output equals `countryhub normalize` for
every fixture in bench/normalize_fixtures.txt (as JSON values, ignoring
meta.fetchedAt and meta.requestId) and stops with exit code 1 when one
differs. Then it runs normalize_bench (Google Benchmark) and times the peer
in this process on the same files. Each benchmark is repeated and its median
kept on both sides. It prints input MB/s (10^6 bytes) and the ratio per
fixture and over all fixtures together.
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

BENCH_DIR = pathlib.Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
FIXTURES = REPO / "tests/fixtures"
sys.path.insert(0, str(BENCH_DIR / "peers"))

import normalize_peer  # noqa: E402 (found through the path set above)

APP_VERSION = "1.2.93.74.g96d1110e"
FETCHED_AT = "2026-06-05T14:23:00Z"
FETCHED_AT_MS = 1780669380000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    build = pathlib.Path(os.environ.get("BUILD_DIR", REPO / "build"))
    parser.add_argument("--bench", default=str(build / "bench/normalize_bench"))
    parser.add_argument("--countryhub", default=str(build / "src/countryhub"))
    parser.add_argument("--min-time", type=float, default=0.5,
                        help="seconds each benchmark runs at least, on both sides")
    parser.add_argument("--repetitions", type=int, default=3,
                        help="runs of each benchmark; the median is reported")
    parser.add_argument("--results", help="write the figures as JSON here")
    return parser.parse_args()


def fixture_list():
    lines = (BENCH_DIR / "normalize_fixtures.txt").read_text().splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def comparable(data):
    meta = dict(data["meta"])
    meta.pop("fetchedAt", None)
    meta.pop("requestId", None)
    return dict(data, meta=meta)


def check_outputs(countryhub, fixtures):
    """Return the fixtures whose peer output differs from countryhub's."""
    different = []
    for fixture in fixtures:
        path = FIXTURES / fixture
        done = subprocess.run(
            [countryhub, "normalize", str(path), "--country", "us", "--fetched-at", FETCHED_AT,
             "--app-version", APP_VERSION], capture_output=True, check=True)
        expected = comparable(json.loads(done.stdout))
        actual = comparable(normalize_peer.normalize(path.read_bytes(), "us", FETCHED_AT_MS,
                                                     "peer", APP_VERSION))
        if actual != expected:
            different.append(fixture)
    return different


def run_cxx(bench, min_time, repetitions):
    """Run normalize_bench; return {benchmark name: median seconds per document}."""
    done = subprocess.run(
        [bench, "--benchmark_format=json", f"--benchmark_min_time={min_time}",
         f"--benchmark_repetitions={repetitions}", "--benchmark_report_aggregates_only=true"],
        capture_output=True, text=True, check=True)
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    seconds = {}
    for entry in json.loads(done.stdout)["benchmarks"]:
        if entry.get("error_occurred"):
            raise SystemExit(f"normalize_bench: {entry['name']}: {entry.get('error_message')}")
        if entry.get("aggregate_name", "median") == "median":
            seconds[entry["run_name"]] = entry["real_time"] * scale[entry["time_unit"]]
    return seconds


def time_peer(body, min_time, write):
    """Return the peer's mean seconds per document over at least `min_time`."""

    def once():
        data = normalize_peer.normalize(body, "us", FETCHED_AT_MS, "bench", APP_VERSION)
        if write:
            normalize_peer.serialize(data)

    once()  # warm-up, as Google Benchmark does
    runs = 0
    started = time.perf_counter()
    while True:
        once()
        runs += 1
        elapsed = time.perf_counter() - started
        if elapsed >= min_time:
            return elapsed / runs


def measure(args, fixtures):
    cxx = run_cxx(args.bench, args.min_time, args.repetitions)
    rows = []
    for fixture in fixtures:
        body = (FIXTURES / fixture).read_bytes()
        row = {"fixture": fixture, "bytes": len(body)}
        for kind, write in (("normalize", False), ("normalize_write", True)):
            peer = [time_peer(body, args.min_time, write) for _ in range(args.repetitions)]
            row[kind] = {"cxx_s": cxx[f"{kind}/{fixture}"], "peer_s": statistics.median(peer)}
        rows.append(row)
    total = {"fixture": "all fixtures, one document each", "bytes": sum(r["bytes"] for r in rows)}
    for kind in ("normalize", "normalize_write"):
        total[kind] = {side: sum(r[kind][side] for r in rows) for side in ("cxx_s", "peer_s")}
    return rows, total


def megabytes_per_second(size, seconds):
    return size / seconds / 1e6


def print_table(rows, total):
    print(f"{'fixture':<52} {'bytes':>8} | {'normalize MB/s: C++':>19} {'Python':>7} "
          f"{'ratio':>6} | {'+ write JSON: C++':>17} {'Python':>7} {'ratio':>6}")
    for row in [*rows, total]:
        cells = []
        for kind in ("normalize", "normalize_write"):
            cxx = megabytes_per_second(row["bytes"], row[kind]["cxx_s"])
            peer = megabytes_per_second(row["bytes"], row[kind]["peer_s"])
            row[kind].update(cxx_mb_s=cxx, peer_mb_s=peer, ratio=cxx / peer)
            cells.append(f"{cxx:>19.0f} {peer:>7.1f} {cxx / peer:>6.1f}")
        print(f"{row['fixture']:<52} {row['bytes']:>8} | {cells[0]} | {cells[1]}")


def main():
    args = parse_args()
    fixtures = fixture_list()
    different = check_outputs(args.countryhub, fixtures)
    if different:
        print(f"peer output differs from countryhub normalize for: {', '.join(different)}",
              file=sys.stderr)
        return 1
    print(f"peer output equals countryhub normalize for all {len(fixtures)} fixtures "
          "(meta.fetchedAt and meta.requestId ignored)")
    load_before = os.getloadavg()[0]
    rows, total = measure(args, fixtures)
    print_table(rows, total)
    load_after = os.getloadavg()[0]
    print(f"load average {load_before:.2f} before, {load_after:.2f} after")
    if args.results:
        pathlib.Path(args.results).write_text(json.dumps(
            {"rows": rows, "total": total, "load": [load_before, load_after]}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
