#!/usr/bin/env python3
"""Kill a loaded countryhub server with SIGKILL and check that credits add up.

The script creates Enterprise accounts with the real command line on a fresh
database, starts `countryhub serve --replay DIR` on 127.0.0.1, and runs one
client thread per account. It kills the server with SIGKILL at a random
moment of each round, restarts it on the same database, and after every kill
checks a copy of the database as the crash left it:

- `PRAGMA integrity_check` returns ok;
- plain clients: the credits recorded are at least the credits charged on
  the 2xx responses they received, so no response went out without a charge.
  They are at most that plus 3 per request that got no whole response. That
  slack is the in-flight window of the design: a charge committed whose
  response was not delivered;
- idempotent clients, which send an Idempotency-Key and repeat a request
  left without a response with the same key until a response comes: after
  each kill, 3 credits per key that got a 2xx, plus 3 when the key still
  waiting for its repeat was charged, and exactly 3 per key at the end. A
  repeat of a charged request is replayed with X-Credits-Charged 0, so each
  key costs 3 once;
- every account's credits are 3 per recorded request.

A last restart is stopped with SIGTERM and must exit 0. The exit status is 0
when every check passed, 1 otherwise. Only 127.0.0.1 is contacted.
"""

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

CREDITS_PER_REQUEST = 3
DATA_PATH = "/api/v1/spotify/popular-by-country"


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="path of the countryhub program")
    parser.add_argument("--replay", required=True, help="folder of recorded hubs (examples/replay)")
    parser.add_argument("--rounds", type=int, default=5, help="SIGKILLs and restarts")
    parser.add_argument("--clients", type=int, default=8,
                        help="client threads, one account each; half send Idempotency-Keys")
    parser.add_argument("--min-up-seconds", type=float, default=0.5,
                        help="shortest time the server runs under load before the kill")
    parser.add_argument("--max-up-seconds", type=float, default=2.5,
                        help="longest time the server runs under load before the kill")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: time)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    return parser.parse_args()


def run_cli(binary, database, *args):
    """Run one countryhub command on the test database and return its stdout."""
    completed = subprocess.run([binary, *args, "--database", database],
                               capture_output=True, text=True, timeout=30, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"countryhub {' '.join(args)} failed: {completed.stderr.strip()}")
    return completed.stdout.strip()


class Server:
    """One `countryhub serve` process on a free port of 127.0.0.1."""

    def __init__(self, binary, database, replay, work_dir, number):
        self.port_file = os.path.join(work_dir, f"port-{number}")
        self.log_path = os.path.join(work_dir, f"server-{number}.log")
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [binary, "serve", "--listen", "127.0.0.1:0", "--port-file", self.port_file,
                 "--database", database, "--replay", replay, "--log-level", "warn"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        self.port = self._wait_for_port()

    def _wait_for_port(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {self.log()}")
            try:
                with open(self.port_file, encoding="ascii") as port_file:
                    text = port_file.read()
                if text.endswith("\n"):
                    return int(text)
            except FileNotFoundError:
                pass
            time.sleep(0.02)
        raise RuntimeError(f"server did not listen within 20 s: {self.log()}")

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return log.read()[-4000:]

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def terminate(self):
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=40)


class Client(threading.Thread):
    """Sends requests of one account in a loop and counts what it got back.

    A request counts as charged when a whole 2xx response with
    X-Credits-Charged arrived, and as unresolved when it was sent but no whole
    response came (connection reset, closed or timed out). With
    `is_idempotent`, every request carries a fresh Idempotency-Key, and an
    unresolved one is sent again with the same key until a response arrives.
    """

    def __init__(self, number, key, is_idempotent, state):
        super().__init__(daemon=True)
        self.number = number
        self.key = key
        self.is_idempotent = is_idempotent
        self.state = state
        self.charged_credits = 0
        self.responses_2xx = 0
        self.unresolved = 0
        self.replays = 0
        self.keys_2xx = 0
        self.statuses = {}
        self.pending_key = None
        self.sequence = 0
        self.is_busy = False
        self.failure = None

    def run(self):
        connection = None
        while not self.state.is_stopping.is_set() or self.pending_key is not None:
            # Busy is set before the pause is checked, so that the main thread,
            # which pauses first and then waits for no client to be busy, never
            # reads the counts while a response is still being counted.
            self.is_busy = True
            port = self.state.port
            if self.state.is_paused.is_set() or port is None:
                self.is_busy = False
                connection = None
                time.sleep(0.01)
                continue
            if connection is None:
                connection = self._connect(port)
                if connection is None:
                    continue
            if not self._exchange(connection):
                connection.close()
                connection = None
        self.is_busy = False

    def _connect(self, port):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.connect()
            return connection
        except OSError:
            # Nothing was sent: the server is down between kill and restart.
            time.sleep(0.02)
            return None

    def _exchange(self, connection):
        headers = {"x-api-key": self.key, "X-Request-Id": f"c{self.number}-{self.sequence}"}
        if self.is_idempotent:
            if self.pending_key is None:
                self.pending_key = f"client{self.number}-{self.sequence}"
            headers["Idempotency-Key"] = self.pending_key
        self.sequence += 1
        country = "gb" if self.sequence % 2 else "us"
        try:
            connection.request("GET", f"{DATA_PATH}?country_code={country}", headers=headers)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            self.unresolved += 1
            return False
        self._count(response, body)
        return not response.will_close

    def _count(self, response, body):
        self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
        if 200 <= response.status < 300:
            try:
                if json.loads(body)["code"] != response.status:
                    raise ValueError("code differs from the status")
                charged = int(response.getheader("X-Credits-Charged"))
            except (ValueError, TypeError, KeyError) as error:
                self.failure = f"2xx response breaks the contract: {error}"
                return
            self.responses_2xx += 1
            self.charged_credits += charged
            if response.getheader("Idempotent-Replayed") == "true":
                self.replays += 1
            if self.pending_key is not None:
                self.keys_2xx += 1
        # Errors are not stored under the key, so only a 2xx or an error
        # that will not change on a retry ends the key.
        if 200 <= response.status < 300 or response.status == 400:
            self.pending_key = None
        elif response.status in (429, 503):
            time.sleep(0.05)


class SharedState:
    def __init__(self):
        self.port = None
        self.is_paused = threading.Event()
        self.is_stopping = threading.Event()


def snapshot_credits(database_path, work_dir):
    """Copy the database as the crash left it and read it.

    The copy keeps the original untouched, so the restarted server itself
    recovers from the write-ahead log. Returns (integrity, {account email:
    (credits, requests)}).
    """
    copy = os.path.join(work_dir, "snapshot.db")
    for suffix in ("", "-wal"):
        if os.path.exists(copy + suffix):
            os.remove(copy + suffix)
        if os.path.exists(database_path + suffix):
            shutil.copyfile(database_path + suffix, copy + suffix)
    connection = sqlite3.connect(copy)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        rows = connection.execute(
            "SELECT a.email, COALESCE(SUM(u.credits), 0), COALESCE(SUM(u.requests), 0) "
            "FROM accounts a LEFT JOIN usage_daily u ON u.account_id = a.id GROUP BY a.email"
        ).fetchall()
    finally:
        connection.close()
    return integrity, {email: (credits, requests) for email, credits, requests in rows}


def check_accounts(clients, emails, recorded, label):
    """Compare the recorded credits with the clients' counts; return problems."""
    problems = []
    for client, email in zip(clients, emails):
        credits, requests = recorded.get(email, (0, 0))
        if credits != CREDITS_PER_REQUEST * requests:
            problems.append(f"{label} {email}: {credits} credits for {requests} requests")
        if client.is_idempotent:
            # A key still waiting for its retry may already be charged.
            low = CREDITS_PER_REQUEST * client.keys_2xx
            high = low + (CREDITS_PER_REQUEST if client.pending_key is not None else 0)
        else:
            low = client.charged_credits
            high = low + CREDITS_PER_REQUEST * client.unresolved
        if not low <= credits <= high:
            kind = "idempotent" if client.is_idempotent else "plain"
            problems.append(f"{label} {email} ({kind}): {credits} credits recorded, expected "
                            f"{low}..{high} ({client.responses_2xx} 2xx, {client.unresolved} "
                            f"without response)")
        if client.failure:
            problems.append(f"{label} {email}: {client.failure}")
    return problems


def wait_until_idle(clients, timeout_seconds):
    deadline = time.monotonic() + timeout_seconds
    while any(client.is_busy for client in clients) and time.monotonic() < deadline:
        time.sleep(0.01)


def kill_round(number, args, paths, state, clients, emails, rng):
    """Serve under load, SIGKILL at a random moment, check the database."""
    server = Server(args.binary, paths["database_url"], args.replay, paths["work"], number)
    state.port = server.port
    state.is_paused.clear()
    up_seconds = rng.uniform(args.min_up_seconds, args.max_up_seconds)
    time.sleep(up_seconds)
    in_flight = sum(client.is_busy for client in clients)
    server.kill()
    state.is_paused.set()
    wait_until_idle(clients, 15)
    state.port = None
    integrity, recorded = snapshot_credits(paths["database"], paths["work"])
    problems = [] if integrity == "ok" else [f"round {number}: integrity_check: {integrity}"]
    problems += check_accounts(clients, emails, recorded, f"round {number}")
    responses_2xx = sum(client.responses_2xx for client in clients)
    unresolved = sum(client.unresolved for client in clients)
    print(f"round {number}: killed after {up_seconds:.2f} s with {in_flight} clients busy; "
          f"2xx so far {responses_2xx}, without response so far {unresolved}, "
          f"credits recorded {sum(c for c, _ in recorded.values())}, integrity {integrity}",
          flush=True)
    return problems


def final_round(number, args, paths, state, clients, emails):
    """Restart once more, let every pending key finish, stop with SIGTERM."""
    server = Server(args.binary, paths["database_url"], args.replay, paths["work"], number)
    state.port = server.port
    state.is_paused.clear()
    time.sleep(0.5)
    state.is_stopping.set()
    for client in clients:
        client.join(timeout=20)
    problems = [f"client {c.number} did not finish" for c in clients if c.is_alive()]
    exit_code = server.terminate()
    if exit_code != 0:
        problems.append(f"server stopped with SIGTERM exited {exit_code}: {server.log()}")
    integrity, recorded = snapshot_credits(paths["database"], paths["work"])
    if integrity != "ok":
        problems.append(f"final integrity_check: {integrity}")
    problems += check_accounts(clients, emails, recorded, "final")
    return problems, recorded


def main():
    args = parse_arguments()
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    work = tempfile.mkdtemp(prefix="countryhub-crash-")
    database = os.path.join(work, "countryhub.db")
    paths = {"work": work, "database": database, "database_url": "sqlite:" + database}
    print(f"crash safety: seed {seed}, {args.rounds} rounds, {args.clients} clients, "
          f"work folder {work}", flush=True)
    started = time.monotonic()
    state = SharedState()
    emails, clients = [], []
    for number in range(args.clients):
        email = f"crash{number}@example.com"
        run_cli(args.binary, paths["database_url"], "accounts", "create", "--email", email,
                "--plan", "enterprise")
        key = run_cli(args.binary, paths["database_url"], "keys", "create", "--account", email)
        emails.append(email)
        clients.append(Client(number, key, number % 2 == 1, state))
    state.is_paused.set()
    for client in clients:
        client.start()
    problems = []
    for number in range(1, args.rounds + 1):
        problems += kill_round(number, args, paths, state, clients, emails, rng)
    final_problems, recorded = final_round(args.rounds + 1, args, paths, state, clients, emails)
    problems += final_problems
    for client, email in zip(clients, emails):
        kind = "idempotent" if client.is_idempotent else "plain"
        print(f"{email} ({kind}): {client.responses_2xx} 2xx ({client.replays} replays), "
              f"{client.unresolved} without response, charged {client.charged_credits}, "
              f"recorded {recorded.get(email, (0, 0))[0]}, statuses {client.statuses}")
    print(f"took {time.monotonic() - started:.1f} s")
    for problem in problems:
        print(f"FAILED: {problem}")
    if args.keep or problems:
        print(f"work folder kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    checks = args.rounds + 1
    failed = checks if problems else 0
    print(f"{checks - failed} passed, {failed} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
