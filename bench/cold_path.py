#!/usr/bin/env python3
"""Time countryhub's cold path: N concurrent requests over every country.

    python3 bench/cold_path.py [--countryhub PATH] [--requests 368]
        [--upstream-latency-ms 0] [--work-dir DIR] [--results FILE]

Starts the fake Spotify (tests/fake_spotify, which serves every market by
rewriting its US hub) and countryhub against it with an empty cache, then
sends N requests at once, cycling through the 184 supported countries, each
with a real API key. It reports the wall time until the last response, the
latency percentiles, and the upstream calls the fake counted: with single
flight, one Pathfinder call per country however many requests ask for it.
A second, identical burst is then served from the cache. countryhub's RSS
is read idle, after the cold burst (every country cached) and at its peak.
"""

import argparse
import json
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import bench_servers as servers

TOTP_SECRET = "countryhub-fake-secret-7Q2x"
TOTP_VERSION = "61"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--countryhub", help="countryhub binary (default: $BUILD_DIR or build/)")
    parser.add_argument("--requests", type=int, default=368,
                        help="requests sent at once (default 368, two per country)")
    parser.add_argument("--upstream-latency-ms", type=int, default=0,
                        help="delay the fake adds to every Spotify response, milliseconds")
    parser.add_argument("--work-dir", help="folder for the database and logs (default: temporary)")
    parser.add_argument("--results", help="write the figures as JSON here")
    return parser.parse_args()


def supported_countries():
    table = (servers.REPO / "src/spotify/countries_table.inc").read_text("utf-8")
    return re.findall(r'\{"([a-z]{2})", "', table)


class FakeSpotify:
    """tests/fake_spotify/fake_spotify.py on a free 127.0.0.1 port."""

    def __init__(self, work_dir):
        port_file = work_dir / "fake_spotify.port"
        port_file.unlink(missing_ok=True)
        with open(work_dir / "fake_spotify.log", "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(servers.REPO / "tests/fake_spotify/fake_spotify.py"),
                 "--port", "0", "--port-file", str(port_file), "--exit-with-parent",
                 "--fixtures", str(servers.REPO / "tests/fixtures/composed")], stderr=log)
        text = servers.wait_for(lambda: port_file.exists() and port_file.read_text().strip(), 20,
                                "the fake Spotify to listen")
        self.url = f"http://127.0.0.1:{int(text)}"

    def control(self, path, payload=None):
        data = None if payload is None else json.dumps(payload).encode()
        with urllib.request.urlopen(f"{self.url}/__control/{path}", data=data, timeout=10) as reply:
            return json.load(reply)

    def stop(self):
        servers.stop(self.process)


def burst(port, targets):
    """Send every (path, key) at once; return wall seconds and (status, seconds) per request."""
    start = threading.Barrier(len(targets) + 1)
    outcomes = [None] * len(targets)

    def send(index, path, key):
        start.wait()
        began = time.perf_counter()
        try:
            status, _, _ = servers.http_get(port, path, {"x-api-key": key}, timeout_s=60)
        except OSError as error:
            status = f"error: {error}"
        outcomes[index] = (status, time.perf_counter() - began)

    threads = [threading.Thread(target=send, args=(i, path, key))
               for i, (path, key) in enumerate(targets)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, outcomes


def summarize(name, wall_s, outcomes):
    statuses = {}
    for status, _ in outcomes:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    latencies = sorted(seconds for _, seconds in outcomes)
    summary = {"wall_s": wall_s, "statuses": statuses,
               "p50_ms": statistics.median(latencies) * 1000,
               "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
               "max_ms": latencies[-1] * 1000}
    servers.log(f"{name}: {len(outcomes)} requests in {wall_s * 1000:.0f} ms; statuses {statuses}; "
                f"latency p50 {summary['p50_ms']:.1f} ms, p99 {summary['p99_ms']:.1f} ms, "
                f"max {summary['max_ms']:.1f} ms")
    return summary


def start_countryhub(binary, work_dir, database, fake):
    upstream = ["--spotify-web-url", fake.url, "--spotify-api-url", fake.url,
                "--spotify-clienttoken-url", fake.url, "--totp-secret", TOTP_SECRET,
                "--totp-version", TOTP_VERSION]
    return servers.Countryhub(binary, work_dir, database, upstream, name="countryhub_cold")


def measure(args, binary, work_dir, database, targets):
    """Run the cold and the hot burst; return both summaries and the memory readings."""
    fake = FakeSpotify(work_dir)
    hub = None
    try:
        fake.control("config", {"latency_ms": args.upstream_latency_ms})
        hub = start_countryhub(binary, work_dir, database, fake)
        memory = {"idle": servers.memory_kib(hub.pid)}
        servers.log(f"countryhub :{hub.port} against the fake Spotify at {fake.url} (added "
                    f"latency {args.upstream_latency_ms} ms); load average "
                    f"{servers.load_average():.2f}")
        cold = summarize("cold burst", *burst(hub.port, targets))
        cold["upstream_calls"] = fake.control("calls")
        memory["all_cached"] = servers.memory_kib(hub.pid)
        hot = summarize("hot burst ", *burst(hub.port, targets))
        hot["upstream_calls"] = fake.control("calls")
        memory["after_hot"] = servers.memory_kib(hub.pid)
    finally:
        if hub:
            hub.stop()
        fake.stop()
    for summary in (cold, hot):
        summary["upstream_calls"].pop("last_pathfinder", None)
    return cold, hot, memory, hub.log_path


def run(args, work_dir):
    binary = servers.find_countryhub(args.countryhub)
    database = f"sqlite:{work_dir / 'countryhub.db'}"
    # Each key stays far below Enterprise's 1,000 requests per minute.
    keys = servers.ensure_accounts(binary, database, work_dir / "accounts_cold.txt",
                                   max(2, args.requests // 200 + 1), "cold")
    countries = supported_countries()
    targets = [(f"{servers.DATA_PATH}?country_code={countries[i % len(countries)]}",
                keys[i % len(keys)]) for i in range(args.requests)]
    cold, hot, memory, log_path = measure(args, binary, work_dir, database, targets)

    calls = cold["upstream_calls"]
    servers.log(f"upstream calls during the cold burst ({len(countries)} countries): {calls}; "
                f"during the hot burst {hot['upstream_calls']['pathfinder'] - calls['pathfinder']}"
                " more Pathfinder calls")
    servers.log(f"countryhub RSS: idle {memory['idle']['rss'] / 1024:.1f} MiB, every country "
                f"cached {memory['all_cached']['rss'] / 1024:.1f} MiB, peak "
                f"{memory['after_hot']['hwm'] / 1024:.1f} MiB")
    if args.results:
        pathlib.Path(args.results).write_text(json.dumps(
            {"requests": args.requests, "countries": len(countries),
             "upstream_latency_ms": args.upstream_latency_ms, "cold": cold, "hot": hot,
             "memory_kib": memory}, indent=1) + "\n")
    failed = sum(count for summary in (cold, hot)
                 for status, count in summary["statuses"].items() if status != "200")
    if failed:
        raise servers.BenchError(f"{failed} requests failed (status other than 200); see "
                                 f"{log_path}")


def main():
    args = parse_args()
    try:
        if args.work_dir:
            work_dir = pathlib.Path(args.work_dir).resolve()
            work_dir.mkdir(parents=True, exist_ok=True)
            run(args, work_dir)
        else:
            with tempfile.TemporaryDirectory(prefix="countryhub-cold-") as folder:
                run(args, pathlib.Path(folder))
    except servers.BenchError as error:
        servers.fail(str(error))


if __name__ == "__main__":
    main()
