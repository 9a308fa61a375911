"""State of the fake Spotify server: configuration, queued faults, call
counters and issued tokens, shared by all handler threads behind one lock."""

import copy
import hashlib
import hmac
import os
import re
import secrets
import struct
import threading
import time

# Endpoints that have their own counter. "pathfinder" is also accepted as a
# fault target and matches both Pathfinder forms.
COUNTED_ENDPOINTS = (
    "server_time",
    "token",
    "embed",
    "clienttoken",
    "pathfinder_v1",
    "pathfinder_v2",
    "root",
    "bundle",
    "chunk",
)
FAULT_ENDPOINTS = COUNTED_ENDPOINTS + ("pathfinder",)

FAULT_KINDS = frozenset(
    {
        "status",
        "rate_limited",
        "rate_limited_empty",
        "unauthorized",
        "timeout",
        "reset",
        "html_block",
        "captcha",
        "invalid_utf8",
        "invalid_json",
        "persisted_query_not_found",
        "errors_without_data",
        "country_mismatch",
        "null_item",
        "empty_hub",
        "fixture",
        "totp_expired",
    }
)

# The two countryHubsPage hashes that public clients use today.
DEFAULT_HASHES = (
    "6c2e4b04d8836507c2ad09c954f27a6c98d8b0a761f99ef6f4dc9bbe7834ba55",
    "39093e27acf683e5906d0e8f49dc55ba3c037806381951e6afc95b9aa35f9312",
)

DEFAULT_CONFIG = {
    "totp_secrets": [{"secret": "countryhub-fake-secret-7Q2x", "version": 61}],
    "expired_versions": [],
    "accepted_hashes": list(DEFAULT_HASHES),
    # None means "the same as accepted_hashes".
    "bundle_hashes": None,
    # True moves the countryHubsPage registrations from the main bundle into
    # a lazily loaded chunk that the bundle's chunk maps name.
    "hub_hashes_in_chunk": False,
    # Order of the two chunk maps in the bundle: "names_first" or "hashes_first".
    "chunk_map_order": "names_first",
    "token_ttl_seconds": 3600,
    "v1_enabled": True,
    "latency_ms": 0,
}

TOTP_STEP_SECONDS = 30
TOTP_DIGITS = 6
_HASH_PATTERN = re.compile(r"[0-9a-f]{64}")
# Secrets are written into the bundle inside single quotes, so a quote or a
# backslash would corrupt the JavaScript that clients scan.
_SECRET_PATTERN = re.compile(r"[\x21-\x26\x28-\x5b\x5d-\x7e]+")
_COUNTRY_PATTERN = re.compile(r"[A-Z]{2}")


class ControlError(ValueError):
    """Invalid control API request, with a message that is sent to the test."""


def derive_totp_key(secret):
    """Derive the HMAC key from a web-player TOTP secret.

    Each character code is XORed with (index mod 33) + 9, the results are
    written as decimal numbers and concatenated, and the UTF-8 bytes of that
    string are the key."""
    digits = "".join(str(ord(ch) ^ ((index % 33) + 9)) for index, ch in enumerate(secret))
    return digits.encode("utf-8")


def totp_code(key, unix_seconds):
    """Compute the RFC 6238 code (HMAC-SHA1, 30 s step, 6 digits) at a time."""
    counter = int(unix_seconds // TOTP_STEP_SECONDS)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**TOTP_DIGITS).zfill(TOTP_DIGITS)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _int_list(key, value):
    if not isinstance(value, list) or not all(_is_int(item) for item in value):
        raise ControlError(f"{key} must be a list of integers")
    return list(value)


def _hash_list(key, value):
    if not isinstance(value, list):
        raise ControlError(f"{key} must be a list of 64-character lower-case hex strings")
    for item in value:
        if not isinstance(item, str) or not _HASH_PATTERN.fullmatch(item):
            raise ControlError(f"{key} entry {item!r} is not a 64-character lower-case hex string")
    return list(value)


def _totp_secrets(key, value):
    if not isinstance(value, list):
        raise ControlError(f"{key} must be a list of {{secret, version}} objects")
    for item in value:
        if not isinstance(item, dict) or set(item) != {"secret", "version"}:
            raise ControlError(f"{key} entry {item!r} must have exactly 'secret' and 'version'")
        if not isinstance(item["secret"], str) or not _SECRET_PATTERN.fullmatch(item["secret"]):
            raise ControlError(f"{key} secret must be printable ASCII without quotes or backslashes")
        if not _is_int(item["version"]):
            raise ControlError(f"{key} version must be an integer")
    return copy.deepcopy(value)


def _bundle_hashes(key, value):
    return None if value is None else _hash_list(key, value)


def _chunk_map_order(key, value):
    if value not in ("names_first", "hashes_first"):
        raise ControlError(f"{key} must be \"names_first\" or \"hashes_first\"")
    return value


def _int_at_least(minimum):
    def check(key, value):
        if not _is_int(value) or value < minimum:
            raise ControlError(f"{key} must be an integer >= {minimum}")
        return value

    return check


def _boolean(key, value):
    if not isinstance(value, bool):
        raise ControlError(f"{key} must be true or false")
    return value


_CONFIG_CHECKS = {
    "totp_secrets": _totp_secrets,
    "expired_versions": _int_list,
    "accepted_hashes": _hash_list,
    "bundle_hashes": _bundle_hashes,
    "hub_hashes_in_chunk": _boolean,
    "chunk_map_order": _chunk_map_order,
    # Zero or negative lifetimes are allowed so that tests can hand out tokens
    # that are already expired.
    "token_ttl_seconds": _int_at_least(-(10**9)),
    "v1_enabled": _boolean,
    "latency_ms": _int_at_least(0),
}


def validate_config(update):
    """Return a checked copy of a partial configuration, or raise ControlError."""
    if not isinstance(update, dict):
        raise ControlError("config must be a JSON object")
    unknown = sorted(set(update) - set(_CONFIG_CHECKS))
    if unknown:
        raise ControlError(f"unknown config keys {unknown}; known: {sorted(_CONFIG_CHECKS)}")
    return {key: _CONFIG_CHECKS[key](key, value) for key, value in update.items()}


_FAULT_KEYS = {"endpoint", "kind", "count", "status", "retry_after", "delay_ms", "fixture", "country", "via"}


def validate_fault(fault, fixtures_dir):
    """Return a checked fault with defaults filled in, or raise ControlError."""
    if not isinstance(fault, dict):
        raise ControlError("fault must be a JSON object")
    unknown = sorted(set(fault) - _FAULT_KEYS)
    if unknown:
        raise ControlError(f"unknown fault keys {unknown}; known: {sorted(_FAULT_KEYS)}")
    if fault.get("endpoint") not in FAULT_ENDPOINTS:
        raise ControlError(f"fault endpoint must be one of {list(FAULT_ENDPOINTS)}")
    if fault.get("kind") not in FAULT_KINDS:
        raise ControlError(f"fault kind must be one of {sorted(FAULT_KINDS)}")

    checked = {
        "endpoint": fault["endpoint"],
        "kind": fault["kind"],
        "count": fault.get("count", 1),
        "status": fault.get("status", 500),
        # None: rate_limited sends 30 and status sends no Retry-After.
        "retry_after": fault.get("retry_after"),
        "delay_ms": fault.get("delay_ms", 30000),
        "country": fault.get("country", "GB"),
        "fixture": fault.get("fixture"),
        # None: any request; "direct": requests that came without a proxy;
        # any other value: requests through a proxy with that user name.
        "via": fault.get("via"),
    }
    _check_fault_numbers(checked)
    if not isinstance(checked["country"], str) or not _COUNTRY_PATTERN.fullmatch(checked["country"]):
        raise ControlError("fault country must be two upper-case letters such as 'GB'")
    if checked["kind"] == "fixture":
        _check_fixture_name(checked["fixture"], fixtures_dir)
    if checked["via"] is not None and (not isinstance(checked["via"], str) or not checked["via"]):
        raise ControlError("fault via must be \"direct\" or a proxy user name")
    return checked


def _check_fault_numbers(checked):
    count = checked["count"]
    if not _is_int(count) or (count < 1 and count != -1):
        raise ControlError("fault count must be a positive integer or -1 (until reset)")
    if not _is_int(checked["status"]) or not 200 <= checked["status"] <= 599:
        raise ControlError("fault status must be an HTTP status code between 200 and 599")
    for key in ("retry_after", "delay_ms"):
        value = checked[key]
        if value is not None and (not _is_int(value) or value < 0):
            raise ControlError(f"fault {key} must be an integer >= 0")


def _check_fixture_name(name, fixtures_dir):
    # Only plain file names, so a fault cannot serve files outside the folder.
    if not isinstance(name, str) or os.path.basename(name) != name or name in ("", ".", ".."):
        raise ControlError("fault fixture must be a file name inside the fixtures folder")
    if not os.path.isfile(os.path.join(fixtures_dir, name)):
        raise ControlError(f"fixture {name!r} not found in {fixtures_dir}")


class FakeState:
    """Configuration, faults, counters and tokens; every method is thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        # One client id for the whole run, like one web-player build.
        self.client_id = secrets.token_hex(16)
        self._clear()

    def _clear(self):
        self._config = copy.deepcopy(DEFAULT_CONFIG)
        self._faults = []
        self._counters = dict.fromkeys(COUNTED_ENDPOINTS, 0)
        self._proxied = 0
        self._proxy_users = {}
        self._last_pathfinder = None
        self._access_tokens = {}
        self._client_tokens = set()

    def reset(self):
        with self._lock:
            self._clear()

    def update_config(self, update):
        checked = validate_config(update)
        with self._lock:
            self._config.update(checked)
            return copy.deepcopy(self._config)

    def config(self):
        """Return a copy, so one request uses one consistent configuration."""
        with self._lock:
            return copy.deepcopy(self._config)

    def add_fault(self, fault):
        """Queue a fault that validate_fault accepted and return the queue length."""
        with self._lock:
            self._faults.append(dict(fault))
            return len(self._faults)

    def record_call(self, endpoint, pathfinder_call=None, take_fault=True, via=None):
        """Count one request and, when `take_fault` is set, take the oldest
        queued fault that matches it. Return that fault or None.

        `via` is None for a direct request, else the user name the request's
        proxy sent in Proxy-Authorization ("" without credentials). Counting
        and taking happen under one lock, so concurrent requests never lose a
        count or use up a fault more often than its count allows."""
        with self._lock:
            self._counters[endpoint] += 1
            if via is not None:
                self._proxied += 1
                self._proxy_users[via] = self._proxy_users.get(via, 0) + 1
            if pathfinder_call is not None:
                record = {key: pathfinder_call[key] for key in ("method", "hash", "country", "operation")}
                record["headers"] = dict(pathfinder_call["headers"])
                self._last_pathfinder = record
            if not take_fault:
                return None
            for index, fault in enumerate(self._faults):
                if not _fault_matches(fault, endpoint, via):
                    continue
                if fault["count"] > 0:
                    fault["count"] -= 1
                    if fault["count"] == 0:
                        del self._faults[index]
                return dict(fault)
            return None

    def calls(self):
        with self._lock:
            result = dict(self._counters)
            result["pathfinder"] = result["pathfinder_v1"] + result["pathfinder_v2"]
            result["proxied"] = self._proxied
            result["proxy_users"] = dict(self._proxy_users)
            result["last_pathfinder"] = copy.deepcopy(self._last_pathfinder)
            return result

    def issue_access_token(self):
        """Return a new bearer token and its expiry in Unix epoch milliseconds."""
        token = "BQ" + secrets.token_urlsafe(48)
        with self._lock:
            expires_ms = int((time.time() + self._config["token_ttl_seconds"]) * 1000)
            self._access_tokens[token] = expires_ms
        return token, expires_ms

    def is_access_token_valid(self, token):
        with self._lock:
            expires_ms = self._access_tokens.get(token)
        return expires_ms is not None and expires_ms > time.time() * 1000

    def issue_client_token(self):
        token = "AA" + secrets.token_urlsafe(96)
        with self._lock:
            self._client_tokens.add(token)
        return token

    def is_client_token_known(self, token):
        with self._lock:
            return token in self._client_tokens

    def check_totp(self, version_text, totp, totp_server, now):
        """Return "ok", "expired" (version listed as expired) or "invalid".

        Both codes must equal the code of the current 30 s step or of one
        step either side, which absorbs small clock differences."""
        if not version_text or not version_text.isdigit():
            return "invalid"
        version = int(version_text)
        with self._lock:
            expired = version in self._config["expired_versions"]
            known = [s["secret"] for s in self._config["totp_secrets"] if s["version"] == version]
        if expired:
            return "expired"
        if not known:
            return "invalid"
        key = derive_totp_key(known[0])
        valid = {totp_code(key, now + step * TOTP_STEP_SECONDS) for step in (-1, 0, 1)}
        return "ok" if totp in valid and totp_server in valid else "invalid"


def _fault_matches(fault, endpoint, via):
    wanted = fault["via"]
    if wanted == "direct" and via is not None:
        return False
    if wanted not in (None, "direct") and via != wanted:
        return False
    if fault["endpoint"] == "pathfinder":
        return endpoint in ("pathfinder_v1", "pathfinder_v2")
    return fault["endpoint"] == endpoint
