#!/usr/bin/env python3
"""Fake Spotify web-player endpoints for countryhub tests.

One HTTP/1.1 server on 127.0.0.1 serves server time, the TOTP-checked token,
the embed page, the client token, Pathfinder v1 and v2, and the web-player
page and bundle, replaying hubs from a fixtures folder. Tests drive it through
the control API under /__control: configuration, queued faults and call
counters. README.md next to this file describes the interface.

Usage: python3 fake_spotify.py --port 0 --port-file FILE --fixtures DIR
"""

import argparse
import base64
import json
import os
import re
import signal
import socket
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# Keeps __pycache__ folders of the helper modules out of the source tree.
sys.dont_write_bytecode = True

import fake_spotify_pages as pages  # noqa: E402 (after the bytecode switch)
from fake_spotify_state import ControlError, FakeState, validate_fault  # noqa: E402

HUB_OPERATION = "countryHubsPage"
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")

# Method, path, counter name and handler of each Spotify endpoint.
_ROUTES = (
    ("GET", re.compile(r"/api/server-time"), "server_time", "_serve_server_time"),
    ("GET", re.compile(r"/api/token"), "token", "_serve_token"),
    ("GET", re.compile(r"/embed/track/([A-Za-z0-9]+)"), "embed", "_serve_embed"),
    ("POST", re.compile(r"/v1/clienttoken"), "clienttoken", "_serve_clienttoken"),
    ("GET", re.compile(r"/pathfinder/v1/query"), "pathfinder_v1", "_serve_pathfinder"),
    ("POST", re.compile(r"/pathfinder/v2/query"), "pathfinder_v2", "_serve_pathfinder"),
    ("GET", re.compile(r"/"), "root", "_serve_root"),
    ("GET", re.compile(r"/cdn/build/web-player/(web-player\.[0-9a-f]{8}\.js)"), "bundle", "_serve_bundle"),
    ("GET", re.compile(r"/cdn/build/web-player/([A-Za-z0-9_~-]+\.[0-9a-f]{8}\.js)"), "chunk", "_serve_chunk"),
)


def _find_route(path):
    for method, pattern, endpoint, handler_name in _ROUTES:
        match = pattern.fullmatch(path)
        if match:
            return method, match, endpoint, handler_name
    return None


def _parse_json(raw):
    """Return the parsed document, or None when `raw` is not valid JSON."""
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _as_dict(value):
    return value if isinstance(value, dict) else {}


def describe_pathfinder(method, document, headers):
    """Return what the tests and the checks need from a Pathfinder request.

    `document` has the members of the v2 body, or the v1 query parameters
    after JSON decoding. `well_formed` is false when a required member is
    missing or has the wrong type."""
    document = _as_dict(document)
    variables = document.get("variables")
    persisted = _as_dict(_as_dict(document.get("extensions")).get("persistedQuery"))
    query_hash = persisted.get("sha256Hash")
    country = _as_dict(variables).get("countryCode")
    operation = document.get("operationName")
    return {
        "method": method,
        "operation": operation if isinstance(operation, str) else None,
        "hash": query_hash if isinstance(query_hash, str) else None,
        "country": country if isinstance(country, str) else None,
        "headers": {name.lower(): value for name, value in headers.items()},
        "well_formed": isinstance(operation, str)
        and isinstance(variables, dict)
        and persisted.get("version") == 1
        and isinstance(query_hash, str),
    }


class FakeSpotifyServer(ThreadingHTTPServer):
    """Threaded server bound to 127.0.0.1 only, holding the shared FakeState."""

    daemon_threads = True
    # Load tests open 200 connections at once. With the default backlog of 5
    # the kernel drops SYNs, and those clients retry only after a second.
    request_queue_size = 1024

    def __init__(self, port, fixtures_dir, verbose=False):
        self.fixtures_dir = fixtures_dir
        self.verbose = verbose
        self.state = FakeState()
        super().__init__(("127.0.0.1", port), FakeSpotifyHandler)

    def server_bind(self):
        # HTTPServer.server_bind resolves the host name, a DNS lookup that can
        # stall on a machine without network, and this server never uses it.
        socketserver.TCPServer.server_bind(self)
        self.server_name = "127.0.0.1"
        self.server_port = self.server_address[1]

    def handle_error(self, request, client_address):
        # Clients that give up during a timeout fault close their sockets
        # before the response is written. That is expected, so no traceback.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class FakeSpotifyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeSpotify/1.0"
    sys_version = ""
    # Headers and body leave in two writes. With Nagle's algorithm the second
    # write can wait for a delayed ACK, which adds about 40 ms per response.
    disable_nagle_algorithm = True
    # Closes idle keep-alive connections so their threads end.
    timeout = 120

    def version_string(self):
        return self.server_version

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def log_message(self, format, *args):  # noqa: A002 (name fixed by the base class)
        if self.server.verbose:
            super().log_message(format, *args)

    def _dispatch(self):
        if not self._read_body():
            return
        parts = urlsplit(self.path)
        self.query = parse_qs(parts.query, keep_blank_values=True)
        if parts.path.startswith("/__control/"):
            self._serve_control(parts.path)
            return
        route = _find_route(parts.path)
        if route is None:
            self._send_error_json(404, f"no fake endpoint at {parts.path}")
            return
        method, match, endpoint, handler_name = route
        state = self.server.state
        config = state.config()
        call = self._pathfinder_call(endpoint) if endpoint.startswith("pathfinder") else None
        served = self.command == method and not (endpoint == "pathfinder_v1" and not config["v1_enabled"])
        fault = state.record_call(endpoint, call, take_fault=served, via=self._proxy_user())
        if config["latency_ms"]:
            time.sleep(config["latency_ms"] / 1000.0)
        if self.command != method:
            self._send(405, b"", headers={"Allow": method})
        elif not served:
            self._send_error_json(404, "Pathfinder v1 is disabled by the fake's config")
        elif fault is None or not self._send_fault_response(fault, call):
            getattr(self, handler_name)(config, match, call)

    def _read_body(self):
        """Read the request body so the keep-alive stream stays in step."""
        self.body = b""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            self._send_error_json(411, "chunked request bodies are not supported; send Content-Length")
            return False
        length_text = self.headers.get("Content-Length", "0")
        if not length_text.isdigit():
            self.close_connection = True
            self._send_error_json(400, f"invalid Content-Length {length_text!r}")
            return False
        self.body = self.rfile.read(int(length_text))
        return True

    def _proxy_user(self):
        """Return None for a direct request, else the user name of the proxy
        that forwarded it ("" when it sent no credentials).

        A client that uses an HTTP proxy sends the proxy the request target in
        absolute form (http://host:port/path). A client that names this
        server as its proxy for this server's own URLs therefore reaches it
        in that form, and the request is served as usual. So the server can
        stand in for a proxy pool: each proxy is this server's URL with its
        own user name, which the client sends as Proxy-Authorization: Basic."""
        if not self.path.startswith(("http://", "https://")):
            return None
        scheme, _, credentials = self.headers.get("Proxy-Authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return ""
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return ""
        return decoded.partition(":")[0]

    def _query_value(self, name):
        values = self.query.get(name)
        return values[0] if values else None

    def _pathfinder_call(self, endpoint):
        if endpoint == "pathfinder_v2":
            document = _parse_json(self.body)
        else:
            document = {"operationName": self._query_value("operationName")}
            for name in ("variables", "extensions"):
                document[name] = _parse_json(self._query_value(name))
        return describe_pathfinder(self.command, document, self.headers)

    # Sending ---------------------------------------------------------------

    def _send(self, status, body, content_type=None, headers=None):
        self.send_response(status)
        if status in (204, 304):
            # These statuses carry neither a body nor a Content-Length.
            self.end_headers()
            return
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _send_json(self, status, value, headers=None):
        self._send(status, pages.json_bytes(value), pages.JSON_TYPE, headers)

    def _send_error_json(self, status, message):
        self._send_json(status, {"error": {"status": status, "message": message}})

    def _report(self, line):
        """Write one line to stderr, even without --verbose, because it
        reports a mistake in the test setup rather than a request."""
        print(f"fake_spotify {line}", file=sys.stderr, flush=True)

    def _drop_connection(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _send_fault_response(self, fault, call):
        """Send the response of a fault. Return False when the normal
        response should follow, because the timeout kind only delays it."""
        kind = fault["kind"]
        if kind == "timeout":
            time.sleep(fault["delay_ms"] / 1000.0)
            return False
        if kind == "reset":
            self._drop_connection()
            return True
        country = "US"
        if call is not None and call["country"] and _COUNTRY_CODE.fullmatch(call["country"].upper()):
            country = call["country"].upper()
        try:
            status, body, content_type, headers = pages.fault_response(
                fault, self.server.fixtures_dir, country
            )
        except pages.FixtureMissing as error:
            self._report(f"fixture_missing fault={kind} error={error}")
            self._send_error_json(500, str(error))
            return True
        self._send(status, body, content_type, headers)
        return True

    # Spotify endpoints -----------------------------------------------------

    def _serve_server_time(self, config, match, call):
        self._send_json(200, {"serverTime": int(time.time())})

    def _serve_token(self, config, match, call):
        outcome = self.server.state.check_totp(
            self._query_value("totpVer"),
            self._query_value("totp"),
            self._query_value("totpServer"),
            time.time(),
        )
        if outcome == "expired":
            self._send_json(400, pages.TOTP_EXPIRED_BODY)
            return
        if outcome != "ok":
            self._send_json(400, pages.UNAUTHORIZED_BODY)
            return
        token, expires_ms = self.server.state.issue_access_token()
        self._send_json(
            200,
            {
                "clientId": self.server.state.client_id,
                "accessToken": token,
                "accessTokenExpirationTimestampMs": expires_ms,
                "isAnonymous": True,
            },
        )

    def _serve_embed(self, config, match, call):
        token, expires_ms = self.server.state.issue_access_token()
        self._send(200, pages.embed_page(match.group(1), token, expires_ms), pages.HTML_TYPE)

    def _serve_clienttoken(self, config, match, call):
        client_data = _as_dict(_as_dict(_parse_json(self.body)).get("client_data"))
        version = client_data.get("client_version")
        client_id = client_data.get("client_id")
        if not (isinstance(version, str) and version and isinstance(client_id, str) and client_id):
            self._send_error_json(400, "body must be JSON with client_data.client_version and client_data.client_id")
            return
        token = self.server.state.issue_client_token()
        granted = {
            "token": token,
            "expires_after_seconds": 1216800,
            "refresh_after_seconds": 1209600,
            "domains": [],
        }
        self._send_json(200, {"response_type": "RESPONSE_GRANTED_TOKEN_RESPONSE", "granted_token": granted})

    def _bearer_token(self):
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        return token.strip() if scheme.lower() == "bearer" else ""

    def _serve_pathfinder(self, config, match, call):
        state = self.server.state
        if not state.is_access_token_valid(self._bearer_token()):
            self._send(401, b"")
            return
        client_token = self.headers.get("client-token")
        if client_token is not None and not state.is_client_token_known(client_token):
            self._send(400, b"", headers={"client-token-error": "INVALID_CLIENTTOKEN"})
            return
        if not call["well_formed"]:
            message = "request must carry operationName, variables and extensions.persistedQuery {version: 1, sha256Hash}"
            self._send_json(400, {"errors": [{"message": message}], "data": None})
            return
        if call["operation"] != HUB_OPERATION or call["hash"] not in config["accepted_hashes"]:
            self._send_json(200, pages.PERSISTED_QUERY_NOT_FOUND_BODY)
            return
        country = call["country"]
        if country is None or not _COUNTRY_CODE.fullmatch(country):
            self._send_json(200, pages.invalid_country_body(country))
            return
        try:
            body = pages.hub_body(self.server.fixtures_dir, country)
        except pages.FixtureMissing as error:
            self._report(f"fixture_missing country={country} error={error}")
            self._send_error_json(500, str(error))
            return
        self._send(200, body, pages.JSON_TYPE)

    def _serve_root(self, config, match, call):
        script = pages.bundle_script(config)
        self._send(200, pages.root_page(script, int(time.time())), pages.HTML_TYPE)

    def _serve_bundle(self, config, match, call):
        script = pages.bundle_script(config)
        if match.group(1) != pages.bundle_name(script):
            # An old build name after a config change, as after a real deploy.
            self._send_error_json(404, f"no bundle named {match.group(1)}")
            return
        self._send(200, script, pages.JS_TYPE)

    def _serve_chunk(self, config, match, call):
        script = pages.chunk_scripts(config).get(match.group(1))
        if script is None:
            self._send_error_json(404, f"no chunk named {match.group(1)}")
            return
        self._send(200, script, pages.JS_TYPE)

    # Control API -----------------------------------------------------------

    def _serve_control(self, path):
        state = self.server.state
        methods = {"/__control/calls": "GET", "/__control/reset": "POST",
                   "/__control/config": "POST", "/__control/fault": "POST"}
        if path not in methods:
            self._send_error_json(404, f"no control endpoint at {path}; known: {sorted(methods)}")
            return
        if self.command != methods[path]:
            self._send(405, b"", headers={"Allow": methods[path]})
            return
        try:
            if path == "/__control/calls":
                result = state.calls()
            elif path == "/__control/reset":
                state.reset()
                result = {"ok": True}
            elif path == "/__control/config":
                result = {"ok": True, "config": state.update_config(self._control_body())}
            else:
                fault = validate_fault(self._control_body(), self.server.fixtures_dir)
                result = {"ok": True, "faults_queued": state.add_fault(fault)}
        except ControlError as error:
            self._report(f"control_rejected path={path} error={error}")
            self._send_json(400, {"ok": False, "error": str(error)})
            return
        self._send_json(200, result)

    def _control_body(self):
        try:
            return json.loads(self.body)
        except ValueError as error:
            raise ControlError(f"request body is not valid JSON: {error}") from error


def write_port_file(path, port):
    """Write the port through a temporary file and a rename, so a reader never
    sees a partly written number."""
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="ascii") as target:
        target.write(f"{port}\n")
    os.replace(temporary, path)


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Fake Spotify web-player endpoints for tests.")
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1; 0 picks a free one")
    parser.add_argument("--port-file", help="file that receives the port number once listening")
    parser.add_argument("--fixtures", required=True, help="folder with hub_us.json and the other fixtures")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.add_argument("--exit-with-parent", action="store_true",
                        help="stop when the parent process ends, so a crashed test leaves no server behind")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    fixtures_dir = os.path.abspath(args.fixtures)
    if not os.path.isfile(os.path.join(fixtures_dir, "hub_us.json")):
        print(f"fake_spotify: {fixtures_dir} has no hub_us.json; pass the composed fixtures folder",
              file=sys.stderr)
        return 2
    server = FakeSpotifyServer(args.port, fixtures_dir, args.verbose)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    # serve_forever runs in a thread because shutdown() waits for it to
    # return and so cannot be called from the thread that runs it.
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    serving.start()
    port = server.server_address[1]
    if args.port_file:
        write_port_file(args.port_file, port)
    print(f"fake_spotify listening url=http://127.0.0.1:{port}", file=sys.stderr, flush=True)
    parent_pid = os.getppid()
    while not stop.wait(0.5):
        # An orphan is re-parented, so a new parent id means the parent ended.
        if args.exit_with_parent and os.getppid() != parent_pid:
            break
    server.shutdown()
    server.server_close()
    print("fake_spotify stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
