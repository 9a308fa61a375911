"""Start and measure the servers the benchmarks compare, on 127.0.0.1 only.

Shared by serve_bench.py (countryhub against nginx under wrk) and
cold_path.py (countryhub against the fake Spotify). Standard library only.
"""

import concurrent.futures
import http.client
import os
import pathlib
import signal
import socket
import sqlite3
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
DATA_PATH = "/api/v1/spotify/popular-by-country"


class BenchError(Exception):
    """A failed benchmark step; the message names the step and the next action."""


def find_countryhub(given):
    """Return the countryhub binary: `given`, else $BUILD_DIR's, else build/'s."""
    candidates = [given] if given else []
    if os.environ.get("BUILD_DIR"):
        candidates.append(os.path.join(os.environ["BUILD_DIR"], "src/countryhub"))
    candidates.append(str(REPO / "build/src/countryhub"))
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return os.path.abspath(candidate)
    raise BenchError(f"countryhub binary not found (tried {candidates}); build it or pass "
                     "--countryhub PATH")


def load_average():
    return os.getloadavg()[0]


def wait_for(predicate, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.02)
    raise BenchError(f"timed out after {timeout_s} s waiting for {what}")


def free_port():
    """Return a port that was free a moment ago (nginx cannot pick one itself)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def can_connect(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def memory_kib(pid):
    """Return {'rss': current, 'hwm': peak} resident memory of `pid` in KiB."""
    values = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values["rss" if name == "VmRSS" else "hwm"] = int(rest.split()[0])
    return values


def cpu_seconds(pids):
    """Return the user plus system CPU time the processes used so far, all threads."""
    total_ticks = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            # The command name may contain spaces; the fields after it do not.
            fields = stat.read().rpartition(")")[2].split()
        total_ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return total_ticks / os.sysconf("SC_CLK_TCK")


def http_get(port, path, headers=None, timeout_s=30):
    """Send one GET to 127.0.0.1:port; return (status, headers dict, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout_s)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def stop(process, timeout_s=15):
    """Stop a server we started with SIGTERM, then SIGKILL if it hangs."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_cli(binary, database, args):
    """Run a countryhub account command; return its stdout, raise on failure."""
    environment = dict(os.environ, COUNTRYHUB_DATABASE=database, COUNTRYHUB_LOG_LEVEL="warn")
    done = subprocess.run([binary, *args], env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"countryhub {' '.join(args[:2])} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def ensure_accounts(binary, database, keys_file, count, email_prefix):
    """Create `count` Enterprise accounts with one key each, through the CLI.

    Keys already listed in `keys_file` (from an earlier run on the same
    database) are reused, so a repeated run only creates what is missing.
    """
    keys_path = pathlib.Path(keys_file)
    keys = keys_path.read_text().split() if keys_path.exists() else []

    def create(number):
        email = f"{email_prefix}-{number}@bench.example.com"
        run_cli(binary, database, ["accounts", "create", "--email", email, "--plan", "enterprise"])
        return run_cli(binary, database, ["keys", "create", "--account", email])

    # The first call alone: it creates and migrates the database, and a
    # second process opening it meanwhile fails ("database is locked").
    if len(keys) < count:
        keys.append(create(len(keys)))
    # Then two at a time: each call is a process start plus one SQLite write.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        keys += pool.map(create, range(len(keys), count))
    keys_path.write_text("\n".join(keys) + "\n")
    return keys[:count]


def usage_totals(database_file):
    """Return (requests, credits) recorded in the store's usage table."""
    uri = pathlib.Path(database_file).resolve().as_uri() + "?mode=ro"
    with sqlite3.connect(uri, uri=True, timeout=30) as db:
        requests, credits = db.execute(
            "SELECT COALESCE(SUM(requests), 0), COALESCE(SUM(credits), 0) FROM usage_daily"
        ).fetchone()
    return requests, credits


class Countryhub:
    """A `countryhub serve` process on 127.0.0.1 with a port file and a log."""

    def __init__(self, binary, work_dir, database, extra_args, name="countryhub"):
        self.log_path = pathlib.Path(work_dir) / f"{name}.log"
        port_file = pathlib.Path(work_dir) / f"{name}.port"
        port_file.unlink(missing_ok=True)
        command = [binary, "serve", "--listen", "127.0.0.1:0", "--port-file", str(port_file),
                   "--database", database, *extra_args]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)

        def port_written():
            if self.process.poll() is not None:
                raise BenchError(f"countryhub serve exited with {self.process.returncode}; "
                                 f"see {self.log_path}")
            text = port_file.read_text().strip() if port_file.exists() else ""
            return int(text) if text.isdigit() else None

        self.port = wait_for(port_written, 20, "countryhub to listen")
        self.pid = self.process.pid

    def pids(self):
        return [self.pid]

    def stop(self):
        stop(self.process)


NGINX_CONFIG = """\
# Written by bench/serve_bench.py: one static file, tuned as a production
# static server would be, on 127.0.0.1 only.
daemon off;
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
{user_line}
events {{ worker_connections 8192; }}
http {{
  access_log {prefix}/access.log combined buffer=64k flush=1s;
  client_body_temp_path {prefix}/temp_body;
  proxy_temp_path {prefix}/temp_proxy;
  fastcgi_temp_path {prefix}/temp_fastcgi;
  uwsgi_temp_path {prefix}/temp_uwsgi;
  scgi_temp_path {prefix}/temp_scgi;
  sendfile on;
  tcp_nopush on;
  # The default (1000) would make wrk reconnect and slow nginx down.
  keepalive_requests 10000000;
  server {{
    listen 127.0.0.1:{port};
    root {root};
    location = {path} {{
      default_type "application/json; charset=utf-8";
      gzip_static on;
      add_header Vary Accept-Encoding;
      try_files /hub.json =404;
    }}
  }}
}}
"""


class Nginx:
    """Our own nginx instance serving `body` as a static file (and its .gz copy)."""

    def __init__(self, work_dir, body, gzip_body, workers=2):
        prefix = pathlib.Path(work_dir).resolve() / "nginx"
        root = prefix / "www"
        root.mkdir(parents=True, exist_ok=True)
        (root / "hub.json").write_bytes(body)
        (root / "hub.json.gz").write_bytes(gzip_body)
        # nginx appends; a reused work folder would otherwise keep every run's lines.
        (prefix / "access.log").unlink(missing_ok=True)
        self.port = free_port()
        # As root, nginx's workers would switch to `nobody`; keep our own user.
        user_line = "user root;" if os.geteuid() == 0 else ""
        config = prefix / "nginx.conf"
        config.write_text(NGINX_CONFIG.format(workers=workers, prefix=prefix, root=root,
                                              port=self.port, path=DATA_PATH,
                                              user_line=user_line))
        with open(prefix / "stderr.log", "wb") as stderr:
            self.process = subprocess.Popen(
                ["nginx", "-c", str(config), "-p", str(prefix), "-e", str(prefix / "error.log")],
                stdout=subprocess.DEVNULL, stderr=stderr)

        def listening():
            if self.process.poll() is not None:
                raise BenchError(f"nginx exited with {self.process.returncode}; see "
                                 f"{prefix}/stderr.log and {prefix}/error.log")
            return can_connect(self.port)

        wait_for(listening, 20, "nginx to listen")
        self.pid = self.process.pid

    def pids(self):
        """Return the master's and the workers' process ids."""
        children = pathlib.Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        return [self.pid, *map(int, children)]

    def memory_kib(self):
        """Return the summed peak and current RSS of the master and its workers."""
        total = {"rss": 0, "hwm": 0}
        for pid in self.pids():
            for name, value in memory_kib(pid).items():
                total[name] += value
        return total

    def stop(self):
        stop(self.process)


def log(message):
    print(message, flush=True)


def fail(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)
    sys.exit(1)
