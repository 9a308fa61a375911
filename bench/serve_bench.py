#!/usr/bin/env python3
"""Compare countryhub serving a cached hub with nginx serving the same body.

Run through bench/serve.sh, which installs nginx and wrk first. countryhub
serves the US hub from examples/replay with a cache that stays fresh for the
whole run. nginx serves the body countryhub returned as a static file. wrk
loads both alternately, several rounds per connection count, and every
countryhub request carries a real API key: it is authenticated, counted
against the account's per-minute limit and charged 3 credits. The run fails
when a response has a status other than 200 or when the store did not
record a charge for every completed request.
"""

import argparse
import gzip
import json
import pathlib
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import bench_servers as servers

BENCH_DIR = pathlib.Path(__file__).resolve().parent
# Each Enterprise account allows 1,000 requests per minute; the load is spread
# over this many accounts so none comes near the limit (see docs/benchmarks.md).
FULL_ACCOUNTS = 3000
# The quick round lasts 2 s: at the 31,000 requests/s of a quiet machine
# that is 62,000 requests, within the 150,000 a minute these allow.
QUICK_ACCOUNTS = 150


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="one 2-second round at 64 connections (the CI check)")
    parser.add_argument("--countryhub", help="countryhub binary (default: $BUILD_DIR or build/)")
    parser.add_argument("--work-dir", help="folder for the database, logs and nginx files "
                        "(default: a new temporary folder, removed after)")
    parser.add_argument("--connections", default="16,64,256",
                        help="comma-separated wrk connection counts (default 16,64,256)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per connection count")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--accounts", type=int, help="Enterprise accounts the keys rotate over")
    parser.add_argument("--gzip", action="store_true",
                        help="send Accept-Encoding: gzip (nginx serves hub.json.gz)")
    parser.add_argument("--serve-arg", action="append", default=[],
                        help="extra argument for countryhub serve, repeatable "
                        "(e.g. --serve-arg=--log-level=warn)")
    parser.add_argument("--results", help="write the rounds and medians as JSON here")
    parser.add_argument("--plot", help="write a PNG of requests/s against connections here")
    args = parser.parse_args()
    if args.quick:
        args.connections, args.rounds, args.duration = "64", 1, 2
    args.connection_counts = [int(count) for count in args.connections.split(",")]
    if args.accounts is None:
        args.accounts = QUICK_ACCOUNTS if args.quick else FULL_ACCOUNTS
    return args


def run_wrk(server, connections, args, keys_file):
    """Run one wrk load; return the numbers its done() hook printed.

    Adds the server's CPU time per request, which depends less on what else
    runs on the machine than requests/s do.
    """
    port = server.port
    cpu_before = servers.cpu_seconds(server.pids())
    client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    target = f"{servers.DATA_PATH}?country_code=us"
    command = ["wrk", "-t", str(min(args.threads, connections)), "-c", str(connections),
               "-d", f"{args.duration}s", "--timeout", "5s",
               "-s", str(BENCH_DIR / "wrk_keys.lua"), f"http://127.0.0.1:{port}", "--",
               str(keys_file), target] + (["gzip"] if args.gzip else [])
    done = subprocess.run(command, capture_output=True, text=True)
    match = re.search(r"^wrk-result (\{.*\})$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or not match:
        raise servers.BenchError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
    result = json.loads(match.group(1))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    cpu_used = servers.cpu_seconds(server.pids()) - cpu_before
    result["cpu_us_per_request"] = cpu_used * 1e6 / max(1, result["requests"])
    client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_used = (client_after.ru_utime - client_before.ru_utime +
                   client_after.ru_stime - client_before.ru_stime)
    result["wrk_cpu_us_per_request"] = client_used * 1e6 / max(1, result["requests"])
    return result


def check_errors(name, result):
    errors = {kind: count for kind, count in result["errors"].items() if count}
    if errors:
        raise servers.BenchError(
            f"{name}: wrk counted failed requests {errors}; 'status' counts responses other "
            "than 2xx/3xx (a 429 means too few accounts: raise --accounts)")


def check_charged(before, after, result, connections):
    """Check that every completed countryhub request was charged 3 credits in the store.

    Requests still in flight when wrk stops are charged but not counted by
    wrk, so up to one per connection more may be recorded.
    """
    requests = after[0] - before[0]
    credits = after[1] - before[1]
    completed = result["requests"]
    if not completed <= requests <= completed + connections or credits != 3 * requests:
        raise servers.BenchError(
            f"charges do not match: wrk completed {completed} requests, the store recorded "
            f"{requests} requests and {credits} credits")
    return requests


def settled_usage_totals(database_file):
    """Read the usage totals once the charges of requests still in flight are written."""
    totals = servers.usage_totals(database_file)
    while True:
        time.sleep(0.2)
        latest = servers.usage_totals(database_file)
        if latest == totals:
            return totals
        totals = latest


def measure_countryhub(hub, connections, args, keys_file, database_file):
    before = settled_usage_totals(database_file)
    result = run_wrk(hub, connections, args, keys_file)
    check_errors("countryhub", result)
    result["charged"] = check_charged(before, settled_usage_totals(database_file), result,
                                      connections)
    return result


def describe(result):
    latency = result["latency_us"]
    return (f"{result['rps']:>6.0f} req/s p50 {latency['p50'] / 1000:5.2f} ms "
            f"p99 {latency['p99'] / 1000:6.2f} ms cpu {result['cpu_us_per_request']:4.0f} us")


def run_rounds(hub, nginx, args, keys_file, database_file):
    """Load both servers alternately; return one record per round."""
    rounds = []
    for connections in args.connection_counts:
        for number in range(1, args.rounds + 1):
            record = {"connections": connections, "round": number,
                      "load_before": servers.load_average()}
            # Alternate which server goes first, so neither always gets the
            # cooler or the warmer machine.
            order = ["countryhub", "nginx"] if number % 2 else ["nginx", "countryhub"]
            for name in order:
                if name == "countryhub":
                    record[name] = measure_countryhub(hub, connections, args, keys_file,
                                                      database_file)
                else:
                    record[name] = run_wrk(nginx, connections, args, keys_file)
                    check_errors("nginx", record[name])
            record["rps_ratio"] = record["countryhub"]["rps"] / record["nginx"]["rps"]
            record["load_after"] = servers.load_average()
            rounds.append(record)
            servers.log(f"c={connections:<4} round {number}  countryhub {describe(record['countryhub'])}"
                        f"  |  nginx {describe(record['nginx'])}  |  ratio "
                        f"{record['rps_ratio']:.2f}  load {record['load_before']:.2f}")
    return rounds


def medians(rounds, connection_counts):
    table = []
    for connections in connection_counts:
        rows = [record for record in rounds if record["connections"] == connections]
        entry = {"connections": connections, "rounds": len(rows),
                 "rps_ratio": statistics.median(r["rps_ratio"] for r in rows)}
        for name in ("countryhub", "nginx"):
            entry[name] = {
                "rps": statistics.median(r[name]["rps"] for r in rows),
                "p50_ms": statistics.median(r[name]["latency_us"]["p50"] for r in rows) / 1000,
                "p99_ms": statistics.median(r[name]["latency_us"]["p99"] for r in rows) / 1000,
                "cpu_us_per_request": statistics.median(r[name]["cpu_us_per_request"]
                                                        for r in rows),
            }
        table.append(entry)
    return table


def print_medians(table):
    servers.log("\nmedians            countryhub: req/s  p50 ms  p99 ms  cpu us | nginx: req/s  "
                "p50 ms  p99 ms  cpu us | req/s ratio")
    for entry in table:
        cells = []
        for name in ("countryhub", "nginx"):
            side = entry[name]
            cells.append(f"{side['rps']:>6.0f}  {side['p50_ms']:6.2f}  {side['p99_ms']:6.2f}  "
                         f"{side['cpu_us_per_request']:6.0f}")
        servers.log(f"c={entry['connections']:<4} ({entry['rounds']} rounds)  {cells[0]} |  "
                    f"{cells[1]} | {entry['rps_ratio']:.2f}")


def fetch_body(hub, key, use_gzip):
    """Send the benchmark request once; return the body and headers, or raise unless 200."""
    headers = {"x-api-key": key}
    if use_gzip:
        headers["Accept-Encoding"] = "gzip"
    status, response_headers, body = servers.http_get(
        hub.port, f"{servers.DATA_PATH}?country_code=us", headers)
    if status != 200 or response_headers.get("x-credits-charged") != "3":
        raise servers.BenchError(f"countryhub returned {status}: {body[:300]!r}")
    # The limiter's RateLimit header shows the request was counted against the minute.
    if '"minute"' not in response_headers.get("ratelimit", ""):
        raise servers.BenchError("countryhub's response has no per-minute RateLimit header")
    return body, response_headers


def prepare(args, work_dir):
    """Create accounts, start both servers with the same body; return the state."""
    binary = servers.find_countryhub(args.countryhub)
    database_file = work_dir / "countryhub.db"
    database = f"sqlite:{database_file}"
    keys_file = work_dir / "wrk_keys.txt"
    started = time.monotonic()
    keys = servers.ensure_accounts(binary, database, work_dir / "accounts_serve.txt",
                                   args.accounts, "serve")
    keys_file.write_text("\n".join(keys) + "\n")
    servers.log(f"{len(keys)} Enterprise accounts with one key each "
                f"({time.monotonic() - started:.1f} s)")

    # Fresh for a day, so the hub stays a cache hit for the whole run.
    hub = servers.Countryhub(binary, work_dir, database,
                             ["--replay", str(servers.REPO / "examples/replay"),
                              "--cache-fresh-seconds", "86400", *args.serve_arg])
    try:
        state = start_nginx(work_dir, hub, keys[0])
    except BaseException:
        hub.stop()
        raise
    state.update(hub=hub, keys_file=keys_file, database_file=database_file)
    return state


def start_nginx(work_dir, hub, key):
    """Start nginx with countryhub's response body; return what the run needs."""
    # The first response is the cache miss. wrk's requests get hits, as does the second.
    fetch_body(hub, key, False)
    body, _ = fetch_body(hub, key, False)
    gzip_response, gzip_headers = fetch_body(hub, key, True)
    is_gzip_served = gzip_headers.get("content-encoding") == "gzip"
    memory_idle = servers.memory_kib(hub.pid)

    nginx = servers.Nginx(work_dir, body, gzip.compress(body, 9))
    status, _, static_body = servers.http_get(nginx.port, f"{servers.DATA_PATH}?country_code=us")
    if status != 200 or static_body != body:
        nginx.stop()
        raise servers.BenchError(f"nginx returned {status} or another body than countryhub")
    servers.log(f"countryhub :{hub.port} (pid {hub.pid}), nginx :{nginx.port}; body "
                f"{len(body)} bytes; gzip response {len(gzip_response)} bytes "
                f"({'compressed' if is_gzip_served else 'countryhub sent it uncompressed'})")
    return {"nginx": nginx, "body_bytes": len(body), "gzip_response_bytes": len(gzip_response),
            "is_gzip_served": is_gzip_served, "memory_idle": memory_idle}


def print_log_tails(work_dir):
    """Print the end of the servers' logs, which a temporary work folder loses."""
    for log in (work_dir / "countryhub.log", work_dir / "nginx/error.log"):
        if log.exists():
            lines = log.read_text(errors="replace").splitlines()[-15:]
            print(f"--- last lines of {log}", *lines, sep="\n", file=sys.stderr)


def run(args, work_dir):
    try:
        measure_and_report(args, work_dir)
    except servers.BenchError:
        print_log_tails(work_dir)
        raise


def measure_and_report(args, work_dir):
    state = prepare(args, work_dir)
    hub, nginx = state["hub"], state["nginx"]
    try:
        servers.log(f"load average {servers.load_average():.2f}; {args.rounds} rounds of "
                    f"{args.duration} s per connection count, wrk -t{args.threads}")
        rounds = run_rounds(hub, nginx, args, state["keys_file"], state["database_file"])
        memory_load = servers.memory_kib(hub.pid)
        nginx_memory = nginx.memory_kib()
    finally:
        hub.stop()
        nginx.stop()
    table = medians(rounds, args.connection_counts)
    print_medians(table)
    servers.log(f"countryhub RSS: idle {state['memory_idle']['rss'] / 1024:.1f} MiB, peak "
                f"under load {memory_load['hwm'] / 1024:.1f} MiB; nginx (master and workers) "
                f"peak {nginx_memory['hwm'] / 1024:.1f} MiB")
    results = {
        "settings": {key: getattr(args, key) for key in
                     ("connection_counts", "rounds", "duration", "threads", "accounts", "gzip",
                      "serve_arg")},
        "body_bytes": state["body_bytes"], "gzip_response_bytes": state["gzip_response_bytes"],
        "is_gzip_served": state["is_gzip_served"],
        "rounds": rounds, "medians": table,
        "memory_kib": {"countryhub_idle": state["memory_idle"], "countryhub_load": memory_load,
                       "nginx_load": nginx_memory},
    }
    if args.results:
        pathlib.Path(args.results).write_text(json.dumps(results, indent=1) + "\n")
    if args.plot:
        # Debian's interpreter can import the python3-matplotlib package, even
        # when another python3 comes first in PATH.
        python = "/usr/bin/python3" if pathlib.Path("/usr/bin/python3").exists() else sys.executable
        subprocess.run([python, str(BENCH_DIR / "plot_serve.py"), "-", args.plot],
                       input=json.dumps(results), text=True, check=True)


def main():
    args = parse_args()
    try:
        if args.work_dir:
            work_dir = pathlib.Path(args.work_dir).resolve()
            work_dir.mkdir(parents=True, exist_ok=True)
            run(args, work_dir)
        else:
            with tempfile.TemporaryDirectory(prefix="countryhub-serve-") as folder:
                run(args, pathlib.Path(folder))
    except servers.BenchError as error:
        servers.fail(str(error))


if __name__ == "__main__":
    main()
