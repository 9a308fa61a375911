"""Bodies served by the fake Spotify server: hubs built from fixtures, the
web-player page and bundle, the embed page, and the response of each fault."""

import base64
import hashlib
import http
import json
import os

JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
JS_TYPE = "application/javascript; charset=utf-8"

# Web-player version seen in captured Pathfinder requests. It is only written
# into the page's appServerConfig, which clients may read for `clientVersion`.
CLIENT_VERSION = "1.2.93.74.g96d1110e"

# A second operation in the bundle, so that a client scanning it has to pick
# countryHubsPage by name instead of taking the first hash it finds.
_HOME_SECTION_HASH = "40c1423fc26ea0d68cd8f212e79ca47df7968fc40d83d184e756af54fd043143"

UNAUTHORIZED_BODY = {"error": {"code": 400, "message": "Unauthorized request"}}
TOTP_EXPIRED_BODY = {
    "error": {
        "code": 400,
        "message": "Unauthorized request",
        "totpVerExpired": "error",
        "totpValidUntil": "2026-01-01T00:00:00.000Z",
    }
}
PERSISTED_QUERY_NOT_FOUND_BODY = {
    "errors": [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ],
    "data": None,
}
ERRORS_WITHOUT_DATA_BODY = {
    "errors": [{"message": "ValidationError: field 'countryHub' could not be resolved"}],
    "data": None,
}
RATE_LIMITED_BODY = {"error": {"status": 429, "message": "API rate limit exceeded"}}

# Fault kinds whose response is a fixture file, with status and content type.
_FIXTURE_FAULTS = {
    "html_block": ("block_page.html", 403, HTML_TYPE),
    "captcha": ("captcha_page.html", 200, HTML_TYPE),
    "invalid_utf8": ("hub_invalid_utf8.json", 200, JSON_TYPE),
    "invalid_json": ("truncated.json", 200, JSON_TYPE),
}


class FixtureMissing(Exception):
    """A fixture that a response needs is not in the fixtures folder."""


def json_bytes(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def read_fixture(fixtures_dir, name):
    try:
        with open(os.path.join(fixtures_dir, name), "rb") as source:
            return source.read()
    except OSError as error:
        raise FixtureMissing(f"cannot read fixture {name!r} in {fixtures_dir}: {error}") from error


def content_type_for(name):
    if name.endswith(".json"):
        return JSON_TYPE
    if name.endswith(".html"):
        return HTML_TYPE
    return "text/plain; charset=utf-8"


def invalid_country_body(country):
    """Return the GraphQL validation error for a countryCode that is not two upper-case letters."""
    message = (
        f"Validation error of type WrongType: variable 'countryCode' has an invalid value "
        f"{country!r}; expected two upper-case letters"
    )
    return {"errors": [{"message": message, "extensions": {"classification": "ValidationError"}}], "data": None}


def hub_body(fixtures_dir, country):
    """Return the countryHubsPage response for an upper-case country code.

    hub_<cc>.json is sent byte for byte when it exists. Otherwise the US hub
    is relabelled with the requested code and "Country <CC>", so every market
    has a hub."""
    own_name = f"hub_{country.lower()}.json"
    if os.path.isfile(os.path.join(fixtures_dir, own_name)):
        return read_fixture(fixtures_dir, own_name)
    hub = json.loads(read_fixture(fixtures_dir, "hub_us.json"))
    place = hub["data"]["countryHub"]["country"]
    place["isoCountryCode"] = country
    place["name"] = f"Country {country}"
    return json_bytes(hub)


def _shelf_items(shelf):
    """Return the item list of a shelf stored either as a list or as {items}."""
    items = shelf.get("items")
    if isinstance(items, dict):
        items = items.get("items")
    return items if isinstance(items, list) else None


def hub_with_null_item(fixtures_dir, country):
    """Return the normal hub with the first item of the first shelf that has
    items replaced by null. The other items stay as they are."""
    hub = json.loads(hub_body(fixtures_dir, country))
    for shelf in hub["data"]["countryHub"]["shelves"]:
        items = _shelf_items(shelf) if isinstance(shelf, dict) else None
        if items:
            items[0] = None
            break
    return json_bytes(hub)


def empty_hub(fixtures_dir, country):
    hub = json.loads(hub_body(fixtures_dir, country))
    hub["data"]["countryHub"]["shelves"] = []
    return json_bytes(hub)


def fault_response(fault, fixtures_dir, country):
    """Return (status, body, content type, extra headers) of a fault response.

    `country` is the requested country code, or "US" when the request has
    none. Raises FixtureMissing when the fixture file cannot be read."""
    kind = fault["kind"]
    if kind == "status":
        status = fault["status"]
        body = json_bytes({"error": {"status": status, "message": _status_phrase(status)}})
        # Retry-After only when the test requested it, so a plain 5xx has none.
        headers = {} if fault["retry_after"] is None else {"Retry-After": str(fault["retry_after"])}
        return status, body, JSON_TYPE, headers
    if kind in ("rate_limited", "rate_limited_empty"):
        retry_after = 30 if fault["retry_after"] is None else fault["retry_after"]
        headers = {"Retry-After": str(retry_after)}
        if kind == "rate_limited_empty":
            return 429, b"", None, headers
        return 429, json_bytes(RATE_LIMITED_BODY), JSON_TYPE, headers
    if kind == "unauthorized":
        return 401, b"", None, {}
    if kind in _FIXTURE_FAULTS:
        name, status, content_type = _FIXTURE_FAULTS[kind]
        return status, read_fixture(fixtures_dir, name), content_type, {}
    if kind == "fixture":
        name = fault["fixture"]
        return 200, read_fixture(fixtures_dir, name), content_type_for(name), {}
    status = 400 if kind == "totp_expired" else 200
    return status, _fault_json_body(kind, fault, fixtures_dir, country), JSON_TYPE, {}


def _status_phrase(status):
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _fault_json_body(kind, fault, fixtures_dir, country):
    if kind == "persisted_query_not_found":
        return json_bytes(PERSISTED_QUERY_NOT_FOUND_BODY)
    if kind == "errors_without_data":
        return json_bytes(ERRORS_WITHOUT_DATA_BODY)
    if kind == "country_mismatch":
        return hub_body(fixtures_dir, fault["country"])
    if kind == "null_item":
        return hub_with_null_item(fixtures_dir, country)
    if kind == "empty_hub":
        return empty_hub(fixtures_dir, country)
    if kind == "totp_expired":
        return json_bytes(TOTP_EXPIRED_BODY)
    raise ValueError(f"fault kind {kind!r} has no JSON response body")


# Lazily loaded chunks of the fake build: webpack id, name, and whether the
# chunk registers countryHubsPage when hub_hashes_in_chunk is set.
_CHUNKS = (
    (4127, "xpui-routes-search", False),
    (7093, "xpui-routes-country-hub", True),
    (8811, "xpui-routes-album", False),
)


def _bundle_hashes(config):
    hashes = config["bundle_hashes"]
    return config["accepted_hashes"] if hashes is None else hashes


def _hub_registrations(config):
    return [
        f't.hub{index}=new s.l("countryHubsPage","query","{query_hash}",null);'
        for index, query_hash in enumerate(_bundle_hashes(config))
    ]


def _content_name(stem, script):
    """Name a script by its content, as the real build does."""
    return f"{stem}.{hashlib.sha256(script).hexdigest()[:8]}.js"


def chunk_scripts(config):
    """Return {file name: script bytes} of the lazily loaded chunks."""
    scripts = {}
    for chunk_id, name, holds_hub in _CHUNKS:
        lines = [
            f'"use strict";(self.webpackChunkopen=self.webpackChunkopen||[]).push([[{chunk_id}],{{',
            f"{chunk_id + 1}:(e,t,n)=>{{var s=n(1940);",
        ]
        if holds_hub and config["hub_hashes_in_chunk"]:
            lines += _hub_registrations(config)
        else:
            lines.append(f't.home=new s.l("homeSection","query","{_HOME_SECTION_HASH}",null);')
        lines.append("}}]);")
        script = ("\n".join(lines) + "\n").encode("utf-8")
        scripts[_content_name(name, script)] = script
    return scripts


def _chunk_runtime(config):
    """Return the webpack runtime line that builds chunk URLs from two maps,
    id to name and id to content hash, in the configured order."""
    names = {}
    hashes = {}
    for file_name in chunk_scripts(config):
        stem, content_hash, _ = file_name.rsplit(".", 2)
        chunk_id = next(chunk_id for chunk_id, name, _ in _CHUNKS if name == stem)
        names[chunk_id] = stem
        hashes[chunk_id] = content_hash
    name_map = ",".join(f'{key}:"{value}"' for key, value in names.items())
    hash_map = ",".join(f'{key}:"{value}"' for key, value in hashes.items())
    if config["chunk_map_order"] == "hashes_first":
        return f'var c={{{hash_map}}},d={{{name_map}}};n.u=e=>(d[e]||e)+"."+c[e]+".js";'
    return f'var c={{{name_map}}},d={{{hash_map}}};n.u=e=>(c[e]||e)+"."+d[e]+".js";'


def bundle_script(config):
    """Return the web-player bundle text for a configuration.

    It contains the TOTP table in the form [{secret:'..',version:N},...] with the
    newest version first, the chunk maps, and one persisted-query
    registration per hash unless hub_hashes_in_chunk moves those into a chunk."""
    table = sorted(config["totp_secrets"], key=lambda entry: entry["version"], reverse=True)
    rows = ",".join(f"{{secret:'{entry['secret']}',version:{entry['version']}}}" for entry in table)
    lines = [
        '"use strict";(self.webpackChunkopen=self.webpackChunkopen||[]).push([[8441],{',
        "7281:(e,t,n)=>{var s=n(1940);",
        f"const totpSecrets=[{rows}];",
        "t.secrets=totpSecrets;",
        _chunk_runtime(config),
        f't.home=new s.l("homeSection","query","{_HOME_SECTION_HASH}",null);',
    ]
    if not config["hub_hashes_in_chunk"]:
        lines += _hub_registrations(config)
    lines.append("}}]);")
    return ("\n".join(lines) + "\n").encode("utf-8")


def bundle_name(script):
    """Name the bundle by its content, as the real build does, so that a new
    configuration gives a new bundle URL."""
    return _content_name("web-player", script)


def root_page(script, server_time):
    app_config = json_bytes({"clientVersion": CLIENT_VERSION, "serverTime": server_time})
    encoded = base64.b64encode(app_config).decode("ascii")
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>Spotify - Web Player</title>\n"
        f'<script id="appServerConfig" type="text/plain">{encoded}</script>\n'
        "</head>\n<body>\n<div id=\"main\"></div>\n"
        f'<script src="/cdn/build/web-player/{bundle_name(script)}"></script>\n'
        "</body>\n</html>\n"
    )
    return page.encode("utf-8")


def embed_page(track_id, token, expires_ms):
    session = {"accessToken": token, "accessTokenExpirationTimestampMs": expires_ms, "isAnonymous": True}
    data = {"props": {"pageProps": {"state": {"settings": {"session": session}}}}, "page": "/track/[id]"}
    page = (
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>Spotify Embed: track {track_id}</title>\n</head>\n<body>\n<div id=\"__next\"></div>\n"
        '<script id="__NEXT_DATA__" type="application/json">'
        f"{json.dumps(data, separators=(',', ':'))}</script>\n</body>\n</html>\n"
    )
    return page.encode("utf-8")
