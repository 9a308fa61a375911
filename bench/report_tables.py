#!/usr/bin/env python3
"""Print the Markdown tables of docs/benchmarks.md from a bench/run_all.sh folder.

    python3 bench/report_tables.py BUILD_DIR/bench-results

Reads normalize.json, serve.json, serve_gzip.json, serve_strict.json, cold.json and
cold_latency.json, whichever exist, and prints one table per file.
"""

import json
import pathlib
import sys


def load(folder, name):
    path = folder / name
    return json.loads(path.read_text()) if path.exists() else None


def normalizer_table(results):
    print("| fixture | bytes | C++ MB/s | Python MB/s | ratio | C++ + write MB/s | "
          "Python + dumps MB/s | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in [*results["rows"], results["total"]]:
        plain, written = row["normalize"], row["normalize_write"]
        print(f"| {row['fixture']} | {row['bytes']:,} | {plain['cxx_mb_s']:,.0f} | "
              f"{plain['peer_mb_s']:.1f} | {plain['ratio']:.1f} | {written['cxx_mb_s']:,.0f} | "
              f"{written['peer_mb_s']:.1f} | {written['ratio']:.1f} |")
    print(f"\nLoad average {results['load'][0]:.2f} before, {results['load'][1]:.2f} after.\n")


def serve_table(results):
    print("| connections | countryhub req/s | p50 ms | p99 ms | CPU µs/req | nginx req/s | "
          "p50 ms | p99 ms | CPU µs/req | req/s ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for entry in results["medians"]:
        cells = []
        for name in ("countryhub", "nginx"):
            side = entry[name]
            cells.append(f"{side['rps']:,.0f} | {side['p50_ms']:.2f} | {side['p99_ms']:.2f} | "
                         f"{side['cpu_us_per_request']:.0f}")
        print(f"| {entry['connections']} | {cells[0]} | {cells[1]} | {entry['rps_ratio']:.2f} |")
    loads = [record["load_before"] for record in results["rounds"]]
    memory = results["memory_kib"]
    print(f"\n{len(results['rounds'])} rounds, load average {min(loads):.2f} to {max(loads):.2f}; "
          f"countryhub RSS idle {memory['countryhub_idle']['rss'] / 1024:.1f} MiB, peak under "
          f"load {memory['countryhub_load']['hwm'] / 1024:.1f} MiB; nginx peak "
          f"{memory['nginx_load']['hwm'] / 1024:.1f} MiB.\n")


def cold_table(results):
    cold, hot = results["cold"], results["hot"]
    memory = results["memory_kib"]
    print(f"Upstream latency added by the fake: {results['upstream_latency_ms']} ms; "
          f"{results['requests']} requests over {results['countries']} countries.\n")
    print("| burst | wall time ms | p50 ms | p99 ms | statuses | Pathfinder calls | "
          "token calls |")
    print("|---|---:|---:|---:|---|---:|---:|")
    # The fake's counters only grow, so each burst's calls are the difference.
    previous = {"pathfinder": 0, "token": 0}
    for name, burst in (("cold (empty cache)", cold), ("hot (every country cached)", hot)):
        calls = burst["upstream_calls"]
        print(f"| {name} | {burst['wall_s'] * 1000:.0f} | {burst['p50_ms']:.1f} | "
              f"{burst['p99_ms']:.1f} | {burst['statuses']} | "
              f"{calls['pathfinder'] - previous['pathfinder']} | "
              f"{calls['token'] - previous['token']} |")
        previous = calls
    print(f"\nRSS idle {memory['idle']['rss'] / 1024:.1f} MiB, every country cached "
          f"{memory['all_cached']['rss'] / 1024:.1f} MiB, peak {memory['after_hot']['hwm'] / 1024:.1f}"
          " MiB.\n")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    folder = pathlib.Path(sys.argv[1])
    sections = [("normalize.json", normalizer_table), ("serve.json", serve_table),
                ("serve_gzip.json", serve_table), ("serve_strict.json", serve_table),
                ("cold.json", cold_table),
                ("cold_latency.json", cold_table)]
    for name, printer in sections:
        results = load(folder, name)
        if results is not None:
            print(f"### {name}\n")
            printer(results)


if __name__ == "__main__":
    main()
