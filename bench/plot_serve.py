#!/usr/bin/env python3
"""Plot requests/s against connections for countryhub and nginx.

    python3 bench/plot_serve.py RESULTS.json|- OUT.png

RESULTS is what bench/serve_bench.py --results writes ("-" reads it from
stdin). Left: requests/s, right: p99 latency. Each line point is the median
over the rounds at that connection count, and the dots are single rounds.
Needs python3-matplotlib.
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (the backend must be chosen first)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    if sys.argv[1] == "-":
        results = json.load(sys.stdin)
    else:
        with open(sys.argv[1], encoding="utf-8") as source:
            results = json.load(source)

    figure, (throughput, latency) = plt.subplots(1, 2, figsize=(10, 4.2), dpi=120)
    counts = [m["connections"] for m in results["medians"]]
    for name, colour in (("countryhub", "tab:blue"), ("nginx", "tab:green")):
        medians = results["medians"]
        throughput.plot(counts, [m[name]["rps"] for m in medians], marker="o", color=colour,
                        label=f"{name} (median)")
        latency.plot(counts, [m[name]["p99_ms"] for m in medians], marker="o", color=colour,
                     label=f"{name} p99 (median)")
        rounds = results["rounds"]
        throughput.scatter([r["connections"] for r in rounds], [r[name]["rps"] for r in rounds],
                           s=10, color=colour, alpha=0.4)

    for axes in (throughput, latency):
        axes.set_xscale("log", base=2)
        axes.set_xticks(counts, [str(c) for c in counts])
        axes.set_ylim(bottom=0)
        axes.set_xlabel("wrk connections (log scale)")
        axes.grid(True, alpha=0.3)
        axes.legend()

    throughput.set_ylabel("requests per second")
    latency.set_ylabel("p99 latency, ms")
    encoding = "gzip" if results["settings"]["gzip"] else "identity"
    figure.suptitle(f"Cached hub, {results['body_bytes']:,} byte body, {encoding}; "
                    "2 cores shared with wrk; dots are single rounds", fontsize=10)
    figure.tight_layout()
    figure.savefig(sys.argv[2])


if __name__ == "__main__":
    main()
