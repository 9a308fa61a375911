#!/usr/bin/env python3
"""Normalize a raw Pathfinder response the way a plain Python service would.

This is the benchmark's reference peer: the same rules as countryhub's
normalizer (docs/normalization.md), written as json.loads plus dictionary
walking with the standard library and no tuning. It reads countryHubsPage
documents, home and browse sections, and item lists of other operations.

    python3 bench/peers/normalize_peer.py FILE [--country CC]
        [--fetched-at-ms MS] [--request-id ID] [--app-version V] [--pretty]

prints the `data` object on stdout, or `unusable: REASON: DETAIL` on stderr
with exit code 1.
"""

import argparse
import datetime
import json
import pathlib
import re
import sys

from peer_items import as_list, build_item, get, integer, looks_like_item, text, title_of

CATALOGUE_FILE = pathlib.Path(__file__).resolve().parents[2] / "src/spotify/countries_table.inc"
HEX_COLOR = re.compile(r"#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})")
ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


class Unusable(Exception):
    """A response that yields no hub; `reason` is countryhub's error name."""

    def __init__(self, reason, detail):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


def load_catalogue():
    """Read the supported markets from the same table the service compiles in."""
    pairs = re.findall(r'\{"([a-z]{2})", "([^"]*)"\}', CATALOGUE_FILE.read_text("utf-8"))
    return [{"code": code, "name": name} for code, name in pairs]


CATALOGUE = load_catalogue()
COUNTRY_NAMES = {entry["code"]: entry["name"] for entry in CATALOGUE}


def ascii_upper(value):
    return value.translate(ASCII_UPPER)


def derive_content_id(title):
    words = re.split(r"[\x00-\x40\x5b-\x60\x7b-\x7f]+", title)
    return "_".join(ascii_upper(word) for word in words if word)


def member_content_id(member):
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", member)
    return re.sub(r"[^A-Za-z0-9]+", "_", spaced).strip("_").upper()


class Hub:
    """The hub being built and the count of dropped items."""

    def __init__(self):
        self.code = ""
        self.name = ""
        self.color = ""
        self.sections = []
        self.dropped = 0

    def set_country(self, code, name):
        self.code = code.upper()
        self.name = name or COUNTRY_NAMES.get(code.lower() if len(code) == 2 else "", self.code)

    def add_section(self, content_id, title, uri, rows, total_count):
        if not content_id:
            content_id = derive_content_id(title) if title else ""
        if not content_id and uri:
            content_id = uri.rsplit(":", 1)[-1]
        if not content_id:
            content_id = f"SECTION_{len(self.sections) + 1}"
        items = []
        for row in rows:
            item = build_item(row)
            if item is None:
                self.dropped += 1
            else:
                items.append(item)
        section = {"contentId": content_id}
        if title:
            section["title"] = title
        has_count = total_count is not None and total_count >= 0
        section["totalCount"] = total_count if has_count else len(items)
        section["items"] = items
        self.sections.append(section)

    def read_country_hub(self, country_hub, requested):
        country = country_hub.get("country")
        code = text(get(country, "isoCountryCode")) or requested
        name = (text(get(country, "name")) or text(get(country, "displayName"))
                or text(country_hub.get("countryName")))
        self.set_country(code, name)
        for member in ("hexColor", "color", "backgroundColor"):
            node = country_hub.get(member)
            color = text(node) or text(get(node, "hex"))
            if color:
                break
        if HEX_COLOR.fullmatch(color):
            digits = color[1:].upper()
            self.color = "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)
        for shelf in as_list(country_hub.get("shelves")) or []:
            if isinstance(shelf, dict):
                self.read_shelf(shelf)

    def read_shelf(self, shelf):
        items = shelf.get("items")
        rows = as_list(items)
        if rows is None:
            rows = as_list(get(items, "items"))
        if rows is None:
            return
        total = integer(shelf.get("totalCount"))
        if total is None:
            total = integer(get(items, "totalCount"))
        self.add_section(text(shelf.get("contentId")), title_of(shelf.get("title")),
                         text(shelf.get("uri")), rows, total)

    def find_section_containers(self, node):
        if isinstance(node, dict):
            section_items = node.get("sectionItems")
            if isinstance(section_items, dict):
                rows = as_list(section_items.get("items"))
                if rows is not None:
                    title = title_of(get(node.get("data"), "title")) or title_of(node.get("title"))
                    self.add_section("", title, text(node.get("uri")), rows,
                                     integer(section_items.get("totalCount")))
                return
            for value in node.values():
                self.find_section_containers(value)
        elif isinstance(node, list):
            for child in node:
                self.find_section_containers(child)

    def find_item_collections(self, node, member):
        if isinstance(node, list):
            if member and any(looks_like_item(row) for row in node):
                self.add_section(member_content_id(member), "", "", node, None)
                return
            for child in node:
                self.find_item_collections(child, "")
        elif isinstance(node, dict):
            items = as_list(node.get("items"))
            if items is not None and member and any(looks_like_item(row) for row in items):
                self.add_section(member_content_id(member), "", "", items,
                                 integer(node.get("totalCount")))
                return
            for key, value in node.items():
                self.find_item_collections(value, key)


def graphql_errors(root):
    messages = []
    not_found = False
    for error in as_list(root.get("errors")) or []:
        message = text(get(error, "message"))
        code = text(get(get(error, "extensions"), "code"))
        if message == "PersistedQueryNotFound" or code == "PERSISTED_QUERY_NOT_FOUND":
            not_found = True
        messages.append(message or code or "GraphQL error without a message")
    return messages, not_found


def parse(body):
    trimmed = body.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\n\v\f\r")
    if not trimmed:
        raise Unusable("invalid_json", "empty body")
    if trimmed.startswith(b"<"):
        raise Unusable("html_page", "HTML where JSON was expected")
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Unusable("invalid_utf8", str(error)) from None
    try:
        root = json.loads(decoded.removeprefix("\ufeff"))
    except ValueError as error:
        raise Unusable("invalid_json", str(error)) from None
    if not isinstance(root, dict):
        raise Unusable("invalid_json", "JSON body is not an object")
    return root


def read_hub(root, requested, hub_only):
    """Fill a Hub from a parsed document; return it and the GraphQL messages."""
    messages, not_found = graphql_errors(root)
    data = root.get("data")
    if not isinstance(data, dict):
        if not_found:
            raise Unusable("persisted_query_not_found", "; ".join(messages))
        if messages:
            raise Unusable("graphql_errors", "; ".join(messages))
        raise Unusable("no_shelves", "response has neither data nor errors")
    hub = Hub()
    if isinstance(data.get("countryHub"), dict):
        hub.read_country_hub(data["countryHub"], requested)
    elif messages and not not_found and "countryHub" in data:
        raise Unusable("graphql_errors", "; ".join(messages))
    elif not_found:
        raise Unusable("persisted_query_not_found", "; ".join(messages))
    elif "countryHub" in data or hub_only:
        raise Unusable("no_shelves", "response has no data.countryHub object")
    else:
        hub.set_country(requested, "")
        hub.find_section_containers(data)
        if not hub.sections:
            hub.find_item_collections(data, "")
    if not hub.sections:
        raise Unusable("no_shelves", "response has no shelves")
    if not any(section["items"] for section in hub.sections):
        raise Unusable("empty_hub", f"all {len(hub.sections)} shelves are empty")
    return hub, messages


def format_time(epoch_ms):
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    moment = epoch + datetime.timedelta(milliseconds=epoch_ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


def normalize(body, requested="us", fetched_at_ms=0, request_id="", app_version="",
              hub_only=False):
    """Return the `data` object for a raw response (bytes); raise Unusable."""
    hub, messages = read_hub(parse(body), requested, hub_only)
    result = {"countryCode": hub.code, "countryName": hub.name}
    if hub.color:
        result["hexColor"] = hub.color
    result["sections"] = hub.sections
    result["supportedCountries"] = CATALOGUE
    result["meta"] = {
        "operationName": "countryHubsPage",
        "appVersion": app_version,
        "fetchedAt": format_time(fetched_at_ms),
        "sectionCount": len(hub.sections),
        "itemCount": sum(len(section["items"]) for section in hub.sections),
        "droppedItemCount": hub.dropped,
        "partialErrors": messages,
        "requestId": request_id,
        "cache": {"status": "miss", "ageSeconds": 0},
    }
    return result


def serialize(data):
    """Write the normalized object as compact UTF-8 JSON, as a response body."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--country", default="us")
    parser.add_argument("--fetched-at-ms", type=int, default=0)
    parser.add_argument("--request-id", default="")
    parser.add_argument("--app-version", default="1.2.93.74.g96d1110e")
    parser.add_argument("--pretty", action="store_true")
    args = parser.parse_args()
    body = pathlib.Path(args.file).read_bytes()
    try:
        data = normalize(body, args.country, args.fetched_at_ms, args.request_id,
                         args.app_version)
    except Unusable as error:
        print(f"unusable: {error}", file=sys.stderr)
        return 1
    if args.pretty:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        sys.stdout.buffer.write(serialize(data) + b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
