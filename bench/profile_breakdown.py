#!/usr/bin/env python3
"""Split a perf profile of `countryhub serve` into the steps of a request.

    perf record -F 400 --call-graph dwarf,32768 -p PID -o perf.data -- sleep 8
    perf script -i perf.data | python3 bench/profile_breakdown.py

Each sample goes to the first step whose function is on its stack, in the
order of STEPS below, so nested steps (SQL preparation inside the key
lookup) are counted where they are listed first. A second table gives
cross-cutting shares: SQLite statement preparation, fdatasync, malloc and
free, and the scheduler (context switches), wherever they were called from.
"""

import collections
import sys

# (step, substrings of a frame that place a sample in it), most specific first.
STEPS = [
    ("authenticate: key and account lookup in SQLite", ["billing::Access::authenticate"]),
    ("charge: group commit transaction and fsync", ["GroupCommitter::write",
                                                    "GroupCommitter::run"]),
    ("charge: waiting for the group commit", ["CreditLedger::commit"]),
    ("credits reserve and balance", ["CreditLedger::reserve", "CreditLedger::balance"]),
    ("per-minute limiter", ["MinuteLimiter::"]),
    ("RateLimit headers", ["add_limit_headers", "set_rate_limit_headers"]),
    ("cached body render (copy and splice)", ["HubCache::render"]),
    ("cache lookup", ["HubCache::get"]),
    ("request log line (spdlog)", ["spdlog::"]),
    ("response write to the socket", ["Session::write", "Session::on_write"]),
    ("request read and HTTP parse", ["Session::read_request", "Session::on_read(",
                                     "basic_parser"]),
    ("other handler work", ["PopularHandler::", "Router::", "run_handler"]),
    ("hand-off between I/O and worker threads", ["scheduler::", "thread_pool",
                                                 "strand_executor_service"]),
]
CROSS_CUTTING = [
    ("SQLite statement preparation (sqlite3_prepare_v3)", ["sqlite3_prepare"]),
    ("SQLite, all", ["sqlite3"]),
    ("fdatasync", ["fdatasync"]),
    ("POSIX file locks (fcntl, SQLite)", ["sys_fcntl", "fcntl_setlk"]),
    ("malloc and free", ["malloc", "_int_free", "cfree", "malloc_consolidate"]),
    ("scheduler (finish_task_switch)", ["finish_task_switch"]),
    ("TCP send and receive (kernel)", ["tcp_sendmsg", "tcp_recvmsg"]),
]


def read_samples(lines):
    """Yield the list of function names of each sample in `perf script` output."""
    frames = []
    for line in lines:
        if not line.strip():
            if frames:
                yield frames
            frames = []
        elif line.startswith((" ", "\t")):
            parts = line.strip().split(" ", 1)
            frames.append(parts[1] if len(parts) > 1 else parts[0])
    if frames:
        yield frames


def classify(frames, table):
    for name, needles in table:
        if any(needle in frame for frame in frames for needle in needles):
            return name
    return None


def print_table(title, counts, total):
    print(f"\n{title}")
    for name, count in counts.most_common():
        print(f"  {100 * count / total:5.1f}%  {name}")


def main():
    steps = collections.Counter()
    cross = collections.Counter()
    total = 0
    for frames in read_samples(sys.stdin):
        total += 1
        steps[classify(frames, STEPS) or "other (kernel, libraries, idle threads)"] += 1
        for name, needles in CROSS_CUTTING:
            if any(needle in frame for frame in frames for needle in needles):
                cross[name] += 1
    if total == 0:
        sys.exit("no samples on stdin; pipe `perf script` output in")
    print(f"{total} samples")
    print_table("Samples by request step (each sample counted once):", steps, total)
    print_table("Cross-cutting (a sample may count in several rows):", cross, total)


if __name__ == "__main__":
    main()
