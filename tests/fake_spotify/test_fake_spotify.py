#!/usr/bin/env python3
"""Self-test of the fake Spotify server: starts fake_spotify.py on port 0 as
a child process and checks every endpoint, the TOTP check, every fault kind,
the control API and the call counters.

Usage: python3 test_fake_spotify.py [--fixtures DIR] [unittest options]
"""

import argparse
import base64
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from urllib.parse import quote

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "fake_spotify.py")
FIXTURES_DIR = os.path.normpath(os.path.join(HERE, "..", "fixtures", "composed"))

sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import fake_spotify  # noqa: E402 (needs the path above)
import fake_spotify_state  # noqa: E402

SECRET = "countryhub-fake-secret-7Q2x"
VERSION = "61"
HASH = fake_spotify_state.DEFAULT_HASHES[0]
OTHER_HASH = "ab" * 32


def start_fake(fixtures_dir, workdir):
    """Start the fake as a child process; return (process, port)."""
    port_file = os.path.join(workdir, "port")
    log_path = os.path.join(workdir, "fake.log")
    # stderr goes to a file, because a pipe that is never read can fill up
    # and block the fake.
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, SCRIPT, "--port", "0", "--port-file", port_file,
             "--fixtures", fixtures_dir, "--exit-with-parent"],
            stderr=log,
        )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if os.path.exists(port_file):
            with open(port_file, encoding="ascii") as source:
                return process, int(source.read())
        if process.poll() is not None:
            with open(log_path, "rb") as log:
                raise RuntimeError(f"fake exited with {process.returncode}: {log.read()!r}")
        time.sleep(0.02)
    process.kill()
    raise RuntimeError("fake did not write its port file within 10 s")


class FakeSpotifyCase(unittest.TestCase):
    """Base class: one fake process per test class, reset before each test."""

    @classmethod
    def setUpClass(cls):
        cls.workdir = tempfile.TemporaryDirectory()
        cls.process, cls.port = start_fake(FIXTURES_DIR, cls.workdir.name)

    @classmethod
    def tearDownClass(cls):
        cls.process.send_signal(signal.SIGTERM)
        cls.process.wait(timeout=10)
        cls.workdir.cleanup()

    def setUp(self):
        self.control("reset")

    def request(self, method, path, body=None, headers=None, timeout=10):
        """Return (status, lower-case headers, body bytes) of one request."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            payload = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
            connection.request(method, path, body=payload, headers=headers or {})
            response = connection.getresponse()
            content = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, content
        finally:
            connection.close()

    def control(self, name, body=None, expect=200):
        method = "GET" if name == "calls" else "POST"
        status, _, content = self.request(method, f"/__control/{name}", body if body is not None else {})
        self.assertEqual(status, expect, content)
        return json.loads(content)

    def add_fault(self, **fault):
        return self.control("fault", fault)

    def calls(self):
        return self.control("calls")

    def token_path(self, secret=SECRET, version=VERSION, at=None, server_at=None):
        key = fake_spotify_state.derive_totp_key(secret)
        now = time.time() if at is None else at
        code = fake_spotify_state.totp_code(key, now)
        server_code = fake_spotify_state.totp_code(key, now if server_at is None else server_at)
        return (f"/api/token?reason=init&productType=web-player&totp={code}"
                f"&totpServer={server_code}&totpVer={version}")

    def mint_token(self):
        status, _, content = self.request("GET", self.token_path())
        self.assertEqual(status, 200, content)
        return json.loads(content)["accessToken"]

    def pathfinder_v2(self, token, country="US", query_hash=HASH, operation="countryHubsPage",
                      extra_headers=None):
        body = {
            "variables": {"countryCode": country},
            "operationName": operation,
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": query_hash}},
        }
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        headers.update(extra_headers or {})
        return self.request("POST", "/pathfinder/v2/query", body, headers)

    def pathfinder_v1(self, token, country="US", query_hash=HASH):
        variables = quote(json.dumps({"countryCode": country}, separators=(",", ":")))
        extensions = quote(json.dumps({"persistedQuery": {"version": 1, "sha256Hash": query_hash}}))
        path = f"/pathfinder/v1/query?operationName=countryHubsPage&variables={variables}&extensions={extensions}"
        return self.request("GET", path, headers={"Authorization": f"Bearer {token}"})

    def hub_country(self, content):
        return json.loads(content)["data"]["countryHub"]["country"]


class TotpTest(unittest.TestCase):
    def test_code_matches_rfc6238_sha1_vectors(self):
        key = b"12345678901234567890"
        # RFC 6238 appendix B, SHA-1 rows, last 6 of the 8 digits.
        vectors = {59: "287082", 1111111109: "081804", 1111111111: "050471",
                   1234567890: "005924", 2000000000: "279037", 20000000000: "353130"}
        for unix_seconds, expected in vectors.items():
            self.assertEqual(fake_spotify_state.totp_code(key, unix_seconds), expected, unix_seconds)

    def test_key_derivation_xors_with_index(self):
        # 'A' (65) ^ 9 = 72 and 'B' (66) ^ 10 = 72.
        self.assertEqual(fake_spotify_state.derive_totp_key("AB"), b"7272")
        # 'a' (97) at index 32 ^ 41 = 72; index 33 wraps to ^ 9 = 104, index 34 to ^ 10 = 107.
        self.assertTrue(fake_spotify_state.derive_totp_key("a" * 35).endswith(b"72104107"))

    def test_default_secret_known_code(self):
        # Cross-checked with `openssl dgst -sha1 -mac HMAC` on the counter bytes.
        key = fake_spotify_state.derive_totp_key(SECRET)
        self.assertTrue(key.startswith(b"106101126"))
        self.assertEqual(fake_spotify_state.totp_code(key, 1780669380), "319575")


class ServerObjectTest(unittest.TestCase):
    def test_binds_loopback_only(self):
        server = fake_spotify.FakeSpotifyServer(0, FIXTURES_DIR)
        try:
            self.assertEqual(server.server_address[0], "127.0.0.1")
            self.assertGreater(server.server_address[1], 0)
        finally:
            server.server_close()


class ProcessTest(unittest.TestCase):
    def test_exits_cleanly_on_sigterm(self):
        with tempfile.TemporaryDirectory() as workdir:
            process, port = start_fake(FIXTURES_DIR, workdir)
            self.assertGreater(port, 0)
            self.assertFalse(os.path.exists(os.path.join(workdir, "port.tmp")))
            process.send_signal(signal.SIGTERM)
            self.assertEqual(process.wait(timeout=10), 0)

    def test_rejects_fixtures_without_hub(self):
        with tempfile.TemporaryDirectory() as workdir:
            result = subprocess.run(
                [sys.executable, SCRIPT, "--port", "0", "--fixtures", workdir],
                capture_output=True, timeout=10,
            )
            self.assertEqual(result.returncode, 2)
            self.assertIn(b"hub_us.json", result.stderr)


class EndpointTest(FakeSpotifyCase):
    def test_server_time(self):
        status, headers, content = self.request("GET", "/api/server-time")
        self.assertEqual(status, 200)
        self.assertAlmostEqual(json.loads(content)["serverTime"], time.time(), delta=5)
        self.assertEqual(headers["content-length"], str(len(content)))
        self.assertEqual(self.calls()["server_time"], 1)

    def test_token_with_valid_totp(self):
        status, _, content = self.request("GET", self.token_path())
        self.assertEqual(status, 200, content)
        body = json.loads(content)
        self.assertRegex(body["clientId"], r"^[0-9a-f]{32}$")
        self.assertTrue(body["accessToken"])
        self.assertAlmostEqual(body["accessTokenExpirationTimestampMs"] / 1000, time.time() + 3600, delta=5)
        self.assertIs(body["isAnonymous"], True)

    def test_token_accepts_neighbour_step(self):
        status, _, _ = self.request("GET", self.token_path(at=time.time() + 30))
        self.assertEqual(status, 200)

    def test_token_rejects_code_two_steps_old(self):
        status, _, content = self.request("GET", self.token_path(at=time.time() - 90))
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(content), {"error": {"code": 400, "message": "Unauthorized request"}})

    def test_token_rejects_wrong_server_code(self):
        status, _, _ = self.request("GET", self.token_path(server_at=time.time() - 300))
        self.assertEqual(status, 400)

    def test_token_rejects_unknown_version(self):
        self.assertEqual(self.request("GET", self.token_path(version="60"))[0], 400)
        self.assertEqual(self.request("GET", "/api/token?reason=init")[0], 400)
        self.assertEqual(self.calls()["token"], 2)

    def test_token_reports_expired_version(self):
        self.control("config", {"expired_versions": [61]})
        status, _, content = self.request("GET", self.token_path())
        self.assertEqual(status, 400)
        error = json.loads(content)["error"]
        self.assertEqual(error["totpVerExpired"], "error")
        self.assertEqual(error["totpValidUntil"], "2026-01-01T00:00:00.000Z")

    def test_token_uses_configured_secrets(self):
        self.control("config", {"totp_secrets": [{"secret": "Another-Secret_9", "version": 62}]})
        self.assertEqual(self.request("GET", self.token_path())[0], 400)
        self.assertEqual(self.request("GET", self.token_path("Another-Secret_9", "62"))[0], 200)

    def test_expired_token_is_rejected(self):
        self.control("config", {"token_ttl_seconds": 0})
        token = self.mint_token()
        status, _, content = self.pathfinder_v2(token)
        self.assertEqual(status, 401)
        self.assertEqual(content, b"")

    def test_embed_page_token_works(self):
        status, headers, content = self.request("GET", "/embed/track/4uLU6hMCjMI75M1A2tKUQC")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/html"))
        found = re.search(rb'<script id="__NEXT_DATA__" type="application/json">(.*?)</script>', content)
        session = json.loads(found.group(1))["props"]["pageProps"]["state"]["settings"]["session"]
        self.assertIs(session["isAnonymous"], True)
        self.assertGreater(session["accessTokenExpirationTimestampMs"], time.time() * 1000)
        self.assertEqual(self.pathfinder_v2(session["accessToken"])[0], 200)
        self.assertEqual(self.calls()["embed"], 1)

    def test_clienttoken_granted_and_checked(self):
        body = {"client_data": {"client_version": "1.2.93.74.g96d1110e", "client_id": "0" * 32}}
        status, _, content = self.request("POST", "/v1/clienttoken", body)
        self.assertEqual(status, 200)
        granted = json.loads(content)
        self.assertEqual(granted["response_type"], "RESPONSE_GRANTED_TOKEN_RESPONSE")
        self.assertEqual(granted["granted_token"]["expires_after_seconds"], 1216800)
        token = self.mint_token()
        client_token = granted["granted_token"]["token"]
        self.assertEqual(self.pathfinder_v2(token, extra_headers={"client-token": client_token})[0], 200)
        status, headers, _ = self.pathfinder_v2(token, extra_headers={"client-token": "forged"})
        self.assertEqual(status, 400)
        self.assertEqual(headers["client-token-error"], "INVALID_CLIENTTOKEN")

    def test_clienttoken_rejects_bad_body(self):
        self.assertEqual(self.request("POST", "/v1/clienttoken", b"not json")[0], 400)
        self.assertEqual(self.request("POST", "/v1/clienttoken", {"client_data": {}})[0], 400)
        self.assertEqual(self.calls()["clienttoken"], 2)

    def test_pathfinder_v2_serves_us_hub(self):
        token = self.mint_token()
        status, _, content = self.pathfinder_v2(token, extra_headers={"App-Platform": "WebPlayer"})
        self.assertEqual(status, 200)
        with open(os.path.join(FIXTURES_DIR, "hub_us.json"), "rb") as source:
            self.assertEqual(content, source.read())
        calls = self.calls()
        self.assertEqual(calls["pathfinder_v2"], 1)
        self.assertEqual(calls["pathfinder"], 1)
        last = calls["last_pathfinder"]
        self.assertEqual(last["method"], "POST")
        self.assertEqual(last["hash"], HASH)
        self.assertEqual(last["country"], "US")
        self.assertEqual(last["headers"]["app-platform"], "WebPlayer")

    def test_pathfinder_v1_serves_hub(self):
        status, _, content = self.pathfinder_v1(self.mint_token(), "GB")
        self.assertEqual(status, 200)
        self.assertEqual(self.hub_country(content)["name"], "United Kingdom")
        calls = self.calls()
        self.assertEqual(calls["pathfinder_v1"], 1)
        self.assertEqual(calls["last_pathfinder"]["method"], "GET")
        self.assertEqual(calls["last_pathfinder"]["hash"], HASH)

    def test_pathfinder_v1_can_be_disabled(self):
        self.control("config", {"v1_enabled": False})
        self.assertEqual(self.pathfinder_v1(self.mint_token())[0], 404)
        self.assertEqual(self.calls()["pathfinder_v1"], 1)

    def test_unknown_country_relabels_us_hub(self):
        status, _, content = self.pathfinder_v2(self.mint_token(), "FR")
        self.assertEqual(status, 200)
        self.assertEqual(self.hub_country(content), {"isoCountryCode": "FR", "name": "Country FR"})

    def test_lower_case_country_invalid(self):
        status, _, content = self.pathfinder_v2(self.mint_token(), "us")
        self.assertEqual(status, 200)
        body = json.loads(content)
        self.assertIsNone(body["data"])
        self.assertEqual(body["errors"][0]["extensions"]["classification"], "ValidationError")

    def test_pathfinder_requires_bearer(self):
        status, headers, content = self.pathfinder_v2("not-issued")
        self.assertEqual(status, 401)
        self.assertEqual(headers["content-length"], "0")
        self.assertEqual(content, b"")

    def test_unknown_hash_not_found(self):
        status, _, content = self.pathfinder_v2(self.mint_token(), query_hash=OTHER_HASH)
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(content)["errors"][0]["message"], "PersistedQueryNotFound")

    def test_other_operation_not_found(self):
        status, _, content = self.pathfinder_v2(self.mint_token(), operation="home")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(content)["errors"][0]["message"], "PersistedQueryNotFound")

    def test_malformed_pathfinder_body_is_400(self):
        headers = {"Authorization": f"Bearer {self.mint_token()}"}
        self.assertEqual(self.request("POST", "/pathfinder/v2/query", b"{", headers)[0], 400)

    def test_bundle_lists_secrets_and_hashes(self):
        self.control("config", {"totp_secrets": [{"secret": "old-one", "version": 60},
                                                 {"secret": "new-one", "version": 62}]})
        status, _, page = self.request("GET", "/")
        self.assertEqual(status, 200)
        found = re.search(rb'<script src="(/cdn/build/web-player/web-player\.[0-9a-f]{8}\.js)">', page)
        app_config = re.search(rb'id="appServerConfig" type="text/plain">([^<]+)<', page)
        self.assertIn("clientVersion", json.loads(base64.b64decode(app_config.group(1))))
        status, _, script = self.request("GET", found.group(1).decode())
        self.assertEqual(status, 200)
        self.assertIn(b"[{secret:'new-one',version:62},{secret:'old-one',version:60}]", script)
        for query_hash in fake_spotify_state.DEFAULT_HASHES:
            self.assertIn(f'new s.l("countryHubsPage","query","{query_hash}",null)'.encode(), script)
        self.assertEqual(self.request("GET", "/cdn/build/web-player/web-player.00000000.js")[0], 404)
        calls = self.calls()
        self.assertEqual((calls["root"], calls["bundle"]), (1, 2))

    def test_stale_hash_heals_from_bundle(self):
        self.control("config", {"accepted_hashes": [OTHER_HASH]})
        token = self.mint_token()
        self.assertIn(b"PersistedQueryNotFound", self.pathfinder_v2(token)[2])
        page = self.request("GET", "/")[2]
        bundle_path = re.search(rb'src="([^"]+\.js)"', page).group(1).decode()
        script = self.request("GET", bundle_path)[2].decode()
        found = re.findall(r'"countryHubsPage","query","([0-9a-f]{64})"', script)
        self.assertEqual(found, [OTHER_HASH])
        self.assertEqual(self.pathfinder_v2(token, query_hash=found[0])[0], 200)

    def bundle_text(self):
        page = self.request("GET", "/")[2]
        return self.request("GET", re.search(rb'src="([^"]+\.js)"', page).group(1).decode())[2].decode()

    def chunk_urls(self, script):
        """Build chunk URLs from the two maps, recognized by their values."""
        maps = [dict(re.findall(r'(\d+):"([^"]+)"', body)) for body in re.findall(r"=\{([^{}]*)\}", script)]
        maps = [entries for entries in maps if entries]
        hashes = next(m for m in maps if all(re.fullmatch(r"[0-9a-f]{8}", v) for v in m.values()))
        names = next(m for m in maps if m is not hashes)
        return {names[key]: f"/cdn/build/web-player/{names[key]}.{value}.js" for key, value in hashes.items()}

    def test_hub_hashes_in_chunk(self):
        self.control("config", {"hub_hashes_in_chunk": True})
        script = self.bundle_text()
        self.assertNotIn("countryHubsPage", script)
        urls = self.chunk_urls(script)
        self.assertEqual(sorted(urls), ["xpui-routes-album", "xpui-routes-country-hub", "xpui-routes-search"])
        status, _, chunk = self.request("GET", urls["xpui-routes-country-hub"])
        self.assertEqual(status, 200)
        self.assertIn(f'"countryHubsPage","query","{HASH}"'.encode(), chunk)
        status, _, other = self.request("GET", urls["xpui-routes-search"])
        self.assertEqual(status, 200)
        self.assertNotIn(b"countryHubsPage", other)
        self.assertEqual(self.request("GET", "/cdn/build/web-player/xpui-routes-album.00000000.js")[0], 404)
        self.assertEqual(self.calls()["chunk"], 3)

    def test_chunk_map_order_can_swap(self):
        names_first = self.bundle_text()
        self.control("config", {"chunk_map_order": "hashes_first"})
        hashes_first = self.bundle_text()
        self.assertRegex(names_first, r'var c=\{\d+:"xpui-routes-')
        self.assertRegex(hashes_first, r'var c=\{\d+:"[0-9a-f]{8}"')
        self.assertEqual(self.chunk_urls(names_first), self.chunk_urls(hashes_first))
        self.control("config", {"chunk_map_order": "sideways"}, expect=400)

    def test_bundle_hashes_override(self):
        self.control("config", {"bundle_hashes": [OTHER_HASH]})
        page = self.request("GET", "/")[2]
        script = self.request("GET", re.search(rb'src="([^"]+\.js)"', page).group(1).decode())[2]
        self.assertIn(OTHER_HASH.encode(), script)
        self.assertNotIn(HASH.encode(), script)

    def test_latency_is_added(self):
        self.control("config", {"latency_ms": 200})
        started = time.monotonic()
        self.assertEqual(self.request("GET", "/api/server-time")[0], 200)
        self.assertGreaterEqual(time.monotonic() - started, 0.2)

    def test_unknown_path_is_404_and_uncounted(self):
        self.assertEqual(self.request("GET", "/nothing/here")[0], 404)
        calls = self.calls()
        self.assertEqual(sum(value for value in calls.values() if isinstance(value, int)), 0)
        self.assertEqual(calls["proxy_users"], {})

    def test_wrong_method_is_405(self):
        status, headers, _ = self.request("GET", "/pathfinder/v2/query")
        self.assertEqual(status, 405)
        self.assertEqual(headers["allow"], "POST")


class FaultTest(FakeSpotifyCase):
    def assert_fault(self, endpoint, kind, **extra):
        """Queue one fault on `endpoint` and return the response of one call."""
        self.add_fault(endpoint=endpoint, kind=kind, **extra)
        if endpoint == "token":
            return self.request("GET", self.token_path())
        if endpoint == "server_time":
            return self.request("GET", "/api/server-time")
        return self.pathfinder_v2(self.mint_token())

    def test_status_default_and_custom(self):
        status, headers, content = self.assert_fault("server_time", "status")
        self.assertEqual(status, 500)
        self.assertNotIn("retry-after", headers)
        self.assertEqual(json.loads(content)["error"]["status"], 500)
        status, headers, _ = self.assert_fault("server_time", "status", status=503, retry_after=7)
        self.assertEqual(status, 503)
        self.assertEqual(headers["retry-after"], "7")
        status, _, content = self.assert_fault("server_time", "status", status=204)
        self.assertEqual(status, 204)
        self.assertEqual(content, b"")
        self.assertEqual(self.request("GET", "/api/server-time")[0], 200)

    def test_rate_limited(self):
        for retry_after in (None, 86400):
            extra = {} if retry_after is None else {"retry_after": retry_after}
            status, headers, content = self.assert_fault("pathfinder", "rate_limited", **extra)
            self.assertEqual(status, 429)
            self.assertEqual(headers["retry-after"], str(retry_after or 30))
            self.assertEqual(json.loads(content)["error"]["message"], "API rate limit exceeded")

    def test_rate_limited_empty(self):
        status, headers, content = self.assert_fault("pathfinder", "rate_limited_empty", retry_after=5)
        self.assertEqual(status, 429)
        self.assertEqual(headers["retry-after"], "5")
        self.assertEqual(headers["content-length"], "0")
        self.assertEqual(content, b"")

    def test_unauthorized(self):
        status, _, content = self.assert_fault("pathfinder", "unauthorized")
        self.assertEqual(status, 401)
        self.assertEqual(content, b"")

    def test_timeout_delays_normal_answer(self):
        started = time.monotonic()
        status, _, _ = self.assert_fault("server_time", "timeout", delay_ms=300)
        self.assertGreaterEqual(time.monotonic() - started, 0.3)
        self.assertEqual(status, 200)

    def test_timeout_default_outlasts_client(self):
        self.add_fault(endpoint="server_time", kind="timeout")
        with self.assertRaises(TimeoutError):
            self.request("GET", "/api/server-time", timeout=0.5)

    def test_reset_closes_without_answer(self):
        self.add_fault(endpoint="server_time", kind="reset")
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionResetError)):
            self.request("GET", "/api/server-time")
        self.assertEqual(self.request("GET", "/api/server-time")[0], 200)

    def test_html_block_on_token_and_pathfinder(self):
        for endpoint in ("token", "pathfinder"):
            status, headers, content = self.assert_fault(endpoint, "html_block")
            self.assertEqual(status, 403, endpoint)
            self.assertTrue(headers["content-type"].startswith("text/html"), endpoint)
            self.assertIn(b"Error 403 URL Blocked", content)

    def test_captcha(self):
        status, headers, content = self.assert_fault("pathfinder", "captcha")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/html"))
        self.assertIn(b"g-recaptcha", content)

    def test_invalid_utf8(self):
        status, _, content = self.assert_fault("pathfinder", "invalid_utf8")
        self.assertEqual(status, 200)
        with self.assertRaises(UnicodeDecodeError):
            content.decode("utf-8")

    def test_invalid_json(self):
        status, _, content = self.assert_fault("pathfinder", "invalid_json")
        self.assertEqual(status, 200)
        with self.assertRaises(ValueError):
            json.loads(content)

    def test_persisted_query_not_found(self):
        content = self.assert_fault("pathfinder", "persisted_query_not_found")[2]
        body = json.loads(content)
        self.assertEqual(body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND")
        self.assertIsNone(body["data"])

    def test_errors_without_data(self):
        body = json.loads(self.assert_fault("pathfinder", "errors_without_data")[2])
        self.assertIsNone(body["data"])
        self.assertTrue(body["errors"][0]["message"].startswith("ValidationError"))

    def test_country_mismatch(self):
        content = self.assert_fault("pathfinder", "country_mismatch")[2]
        self.assertEqual(self.hub_country(content)["isoCountryCode"], "GB")
        content = self.assert_fault("pathfinder", "country_mismatch", country="DE")[2]
        self.assertEqual(self.hub_country(content)["isoCountryCode"], "DE")

    def test_null_item(self):
        hub = json.loads(self.assert_fault("pathfinder", "null_item")[2])["data"]["countryHub"]
        self.assertEqual(hub["country"]["isoCountryCode"], "US")
        self.assertIsNone(hub["shelves"][0]["items"][0])
        self.assertIsNotNone(hub["shelves"][0]["items"][1])
        self.assertEqual(len(hub["shelves"]), 4)

    def test_empty_hub(self):
        hub = json.loads(self.assert_fault("pathfinder", "empty_hub")[2])["data"]["countryHub"]
        self.assertEqual(hub["shelves"], [])

    def test_fixture_is_sent_verbatim(self):
        status, _, content = self.assert_fault("pathfinder", "fixture", fixture="errors_validation.json")
        self.assertEqual(status, 200)
        with open(os.path.join(FIXTURES_DIR, "errors_validation.json"), "rb") as source:
            self.assertEqual(content, source.read())

    def test_totp_expired(self):
        status, _, content = self.assert_fault("token", "totp_expired")
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(content)["error"]["totpVerExpired"], "error")

    def test_count_and_order(self):
        self.add_fault(endpoint="server_time", kind="status", status=502, count=2)
        self.add_fault(endpoint="server_time", kind="status", status=504)
        statuses = [self.request("GET", "/api/server-time")[0] for _ in range(4)]
        self.assertEqual(statuses, [502, 502, 504, 200])
        self.assertEqual(self.calls()["server_time"], 4)

    def test_count_minus_one_lasts_until_reset(self):
        self.add_fault(endpoint="server_time", kind="unauthorized", count=-1)
        for _ in range(3):
            self.assertEqual(self.request("GET", "/api/server-time")[0], 401)
        self.control("reset")
        self.assertEqual(self.request("GET", "/api/server-time")[0], 200)

    def test_pathfinder_fault_hits_both_forms(self):
        self.add_fault(endpoint="pathfinder", kind="status", status=502, count=2)
        token = self.mint_token()
        self.assertEqual(self.pathfinder_v1(token)[0], 502)
        self.assertEqual(self.pathfinder_v2(token)[0], 502)
        self.assertEqual(self.pathfinder_v2(token)[0], 200)

    def test_fault_stays_on_its_endpoint(self):
        self.add_fault(endpoint="pathfinder_v1", kind="status")
        token = self.mint_token()
        self.assertEqual(self.pathfinder_v2(token)[0], 200)
        self.assertEqual(self.pathfinder_v1(token)[0], 500)

    def test_invalid_fault_requests_rejected(self):
        bad_faults = [
            {"endpoint": "nowhere", "kind": "status"},
            {"endpoint": "token", "kind": "explode"},
            {"endpoint": "token", "kind": "status", "count": 0},
            {"endpoint": "token", "kind": "status", "status": 101},
            {"endpoint": "token", "kind": "fixture", "fixture": "missing.json"},
            {"endpoint": "token", "kind": "fixture", "fixture": "../composed/hub_us.json"},
            {"endpoint": "token", "kind": "country_mismatch", "country": "gb"},
            {"endpoint": "token", "kind": "status", "colour": "red"},
        ]
        for fault in bad_faults:
            self.assertIn("error", self.control("fault", fault, expect=400), fault)
        self.assertEqual(self.request("POST", "/__control/fault", b"{oops")[0], 400)

    def test_invalid_config_rejected(self):
        for config in ({"latency_ms": -1}, {"accepted_hashes": ["short"]}, {"v1_enabled": 1},
                       {"totp_secrets": [{"secret": "it's", "version": 1}]}, {"unknown": 1}):
            self.control("config", config, expect=400)


class ProxyTest(FakeSpotifyCase):
    """Requests in absolute form, as a forward proxy receives them."""

    def proxied(self, path, user=None):
        headers = {}
        if user is not None:
            credentials = base64.b64encode(f"{user}:secret".encode()).decode()
            headers["Proxy-Authorization"] = f"Basic {credentials}"
        return self.request("GET", f"http://127.0.0.1:{self.port}{path}", headers=headers)

    def test_proxied_request_is_served_and_counted(self):
        status, _, content = self.proxied("/api/server-time", user="alpha")
        self.assertEqual(status, 200)
        self.assertIn("serverTime", json.loads(content))
        self.proxied("/api/server-time")
        self.request("GET", "/api/server-time")
        calls = self.calls()
        self.assertEqual(calls["server_time"], 3)
        self.assertEqual(calls["proxied"], 2)
        self.assertEqual(calls["proxy_users"], {"alpha": 1, "": 1})

    def test_fault_via_one_proxy(self):
        self.add_fault(endpoint="server_time", kind="status", status=503, via="alpha", count=-1)
        self.assertEqual(self.proxied("/api/server-time", user="beta")[0], 200)
        self.assertEqual(self.request("GET", "/api/server-time")[0], 200)
        self.assertEqual(self.proxied("/api/server-time", user="alpha")[0], 503)
        self.assertEqual(self.proxied("/api/server-time", user="alpha")[0], 503)

    def test_fault_via_direct(self):
        self.add_fault(endpoint="server_time", kind="rate_limited", via="direct")
        self.assertEqual(self.proxied("/api/server-time", user="alpha")[0], 200)
        self.assertEqual(self.request("GET", "/api/server-time")[0], 429)
        self.assertEqual(self.request("GET", "/api/server-time")[0], 200)

    def test_invalid_via_rejected(self):
        for via in ("", 7):
            self.control("fault", {"endpoint": "token", "kind": "status", "via": via}, expect=400)


class CounterTest(FakeSpotifyCase):
    def test_every_endpoint_counted(self):
        token = self.mint_token()
        self.request("GET", "/api/server-time")
        self.request("GET", "/embed/track/abc")
        self.request("POST", "/v1/clienttoken", b"{}")
        self.pathfinder_v1(token)
        self.pathfinder_v2(token)
        self.request("GET", "/")
        self.request("GET", "/cdn/build/web-player/web-player.00000000.js")
        self.request("GET", "/cdn/build/web-player/xpui-routes-album.00000000.js")
        calls = self.calls()
        for endpoint in fake_spotify_state.COUNTED_ENDPOINTS:
            self.assertEqual(calls[endpoint], 1, endpoint)
        self.assertEqual(calls["pathfinder"], 2)

    def test_reset_clears_faulted_counts(self):
        self.add_fault(endpoint="token", kind="html_block")
        self.request("GET", self.token_path())
        self.assertEqual(self.calls()["token"], 1)
        self.control("reset")
        calls = self.calls()
        self.assertEqual(calls["token"], 0)
        self.assertIsNone(calls["last_pathfinder"])

    def test_reset_forgets_tokens(self):
        token = self.mint_token()
        self.control("reset")
        self.assertEqual(self.pathfinder_v2(token)[0], 401)

    def test_concurrent_calls_counted_exactly(self):
        token = self.mint_token()
        self.add_fault(endpoint="pathfinder", kind="status", status=503, count=50)
        total = 200
        statuses = []
        statuses_lock = threading.Lock()
        start = threading.Barrier(total)

        def call():
            start.wait()
            status = self.pathfinder_v2(token)[0]
            with statuses_lock:
                statuses.append(status)

        threads = [threading.Thread(target=call) for _ in range(total)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(len(statuses), total)
        self.assertEqual(statuses.count(503), 50)
        self.assertEqual(statuses.count(200), total - 50)
        calls = self.calls()
        self.assertEqual(calls["pathfinder_v2"], total)
        self.assertEqual(calls["pathfinder"], total)


def main():
    global FIXTURES_DIR
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--fixtures", default=FIXTURES_DIR)
    args, rest = parser.parse_known_args()
    FIXTURES_DIR = os.path.abspath(args.fixtures)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
