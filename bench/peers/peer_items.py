"""Build the items of a normalized hub from Pathfinder rows, for normalize_peer.

The item rules of countryhub's normalizer written plainly: lenient readers
over json.loads output, plain text, links, images, summaries and attributes.
"""

import html
import re

WRAPPER_SUFFIX = "ResponseWrapper"
KINDS = {
    "Playlist": "Playlist",
    "Album": "Album",
    "Track": "Track",
    "Artist": "Artist",
    "Podcast": "Podcast",
    "Show": "Podcast",
    "Episode": "Episode",
}
SIZE_CODES = {
    "ab67616d00004851": 64, "ab67616d00001e02": 300, "ab67616d0000b273": 640,
    "ab6761610000f178": 160, "ab67616100005174": 320, "ab6761610000e5eb": 640,
    "ab6765630000f68d": 64, "ab67656300005f1f": 300, "ab6765630000ba8a": 640,
    "ab67757000003b82": 64, "ab6775700000ee85": 300,
}
SCDN_PREFIX = "https://i.scdn.co/image/"
TAG = re.compile(r"<[A-Za-z/!?][^>]*>")
URI_KIND = re.compile(r"[a-z_-]+")
UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


# Lenient readers: a missing member, a null and a value of another type all
# mean "no value", as in the service.
def get(node, key):
    return node.get(key) if isinstance(node, dict) else None


def text(value):
    return value if isinstance(value, str) else ""


def integer(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) <= 9e15:
        return int(value)
    return None


def as_list(value):
    return value if isinstance(value, list) else None


def title_of(value):
    return text(value) or text(get(value, "transformedLabel")) or text(get(value, "translatedBaseText"))


def plain_text(value):
    if "<" not in value and "&" not in value:
        return value
    return html.unescape(TAG.sub("", value))


def external_url(uri):
    if not uri.startswith("spotify:"):
        return ""
    parts = uri[len("spotify:"):].split(":")
    if len(parts) == 2:
        kind, item_id = parts
    elif len(parts) == 4 and parts[0] == "user" and parts[1] and parts[2] == "playlist":
        kind, item_id = parts[2], parts[3]
    else:
        return ""
    if not URI_KIND.fullmatch(kind) or not item_id:
        return ""
    encoded = "".join(chr(b) if b in UNRESERVED else f"%{b:02X}" for b in item_id.encode("utf-8"))
    return f"https://open.spotify.com/{kind}/{encoded}"


def image_sources(sources, images):
    for source in as_list(sources) or []:
        url = text(get(source, "url"))
        if url:
            images.append([url, integer(get(source, "width")), integer(get(source, "height"))])


def finish_images(images):
    """Drop repeated URLs, fill known i.scdn.co sizes, order by area."""
    seen = set()
    kept = []
    for url, width, height in images:
        if url in seen:
            continue
        seen.add(url)
        if width is None and height is None and url.startswith(SCDN_PREFIX):
            size = SIZE_CODES.get(url[len(SCDN_PREFIX):len(SCDN_PREFIX) + 16])
            width = height = size
        kept.append((url, width, height))

    def order(image):
        _, width, height = image
        if width is None and height is None:
            return (1, 0)
        width = height if width is None else width
        height = width if height is None else height
        return (0, -width * height)

    kept.sort(key=order)
    return [
        {key: value for key, value in (("url", url), ("width", width), ("height", height))
         if value is not None}
        for url, width, height in kept
    ]


def entity(uri, kind, title="", subtitle="", description="", images=(), publisher=""):
    """Build an item or summary dict, leaving out fields without a value."""
    result = {"uri": uri, "type": kind}
    for key, value in (("title", title), ("subtitle", subtitle), ("description", description),
                       ("externalUrl", external_url(uri))):
        if value:
            result[key] = value
    if images:
        result["imageUrl"] = images[0]["url"]
        result["images"] = list(images)
    if publisher:
        result["publisher"] = publisher
    return result


def is_wrapper(node):
    return text(get(node, "__typename")).endswith(WRAPPER_SUFFIX)


def held_wrapper(row):
    for member in ("content", "item", "itemV2"):
        holder = row.get(member)
        if is_wrapper(holder):
            return holder
    return None


def held_track(row):
    track = row.get("track")
    if isinstance(track, dict) and text(track.get("uri")).startswith("spotify:track:"):
        return track
    return None


def looks_like_item(row):
    if not isinstance(row, dict):
        return False
    if is_wrapper(row) or text(get(row.get("data"), "__typename")):
        return True
    return held_wrapper(row) is not None or held_track(row) is not None


def add_artists(fields, data):
    names = []
    artists = []
    for group in ("artists", "firstArtist", "otherArtists"):
        for artist in as_list(get(data.get(group), "items")) or []:
            name = text(get(get(artist, "profile"), "name"))
            if not name:
                continue
            names.append(name)
            uri = text(get(artist, "uri"))
            if uri:
                artists.append(entity(uri, "Artist", title=name))
    fields["subtitle"] = ", ".join(names)
    return artists


def build_owner(playlist):
    owner = get(playlist.get("ownerV2"), "data")
    if not isinstance(owner, dict):
        owner = get(playlist.get("owner"), "data")
    if not isinstance(owner, dict):
        owner = playlist.get("owner")
    if not isinstance(owner, dict):
        return None
    images = []
    image_sources(get(owner.get("avatar"), "sources"), images)
    uri = text(owner.get("uri"))
    name = text(owner.get("name")) or text(owner.get("displayName"))
    return entity(uri, "User", title=name, images=finish_images(images))


def build_show(show):
    images = []
    image_sources(get(show.get("coverArt"), "sources"), images)
    return entity(text(show.get("uri")), "Podcast", title=text(show.get("name")),
                  images=finish_images(images), publisher=text(get(show.get("publisher"), "name")))


def fill(kind, data, fields, images, extra):
    """Read the fields of one kind of entity into `fields`, `images` and `extra`."""
    fields["title"] = text(data.get("name"))
    if kind == "Playlist":
        fields["description"] = plain_text(text(data.get("description")))
        for image in as_list(get(data.get("images"), "items")) or []:
            image_sources(get(image, "sources"), images)
        owner = build_owner(data)
        if owner is not None:
            fields["subtitle"] = owner.get("title", "")
            if owner["uri"]:
                extra["owner"] = owner
    elif kind == "Album":
        extra["artists"] = add_artists(fields, data)
        image_sources(get(data.get("coverArt"), "sources"), images)
    elif kind == "Track":
        extra["artists"] = add_artists(fields, data)
        album = data.get("albumOfTrack")
        if isinstance(album, dict):
            image_sources(get(album.get("coverArt"), "sources"), images)
            album_uri = text(album.get("uri"))
            if album_uri:
                extra["album"] = entity(album_uri, "Album", title=text(album.get("name")),
                                        images=finish_images(list(images)))
    elif kind == "Artist":
        fields["title"] = text(get(data.get("profile"), "name"))
        fields["subtitle"] = "Artist"
        image_sources(get(get(data.get("visuals"), "avatarImage"), "sources"), images)
    elif kind == "Podcast":
        fields["subtitle"] = text(get(data.get("publisher"), "name"))
        fields["description"] = plain_text(text(data.get("description")))
        image_sources(get(data.get("coverArt"), "sources"), images)
    elif kind == "Episode":
        fields["description"] = plain_text(text(data.get("description")))
        image_sources(get(data.get("coverArt"), "sources"), images)
        for member in ("podcastV2", "podcast", "show"):
            node = data.get(member)
            show = get(node, "data") if is_wrapper(node) else node
            if isinstance(show, dict) and text(show.get("uri")):
                extra["album"] = build_show(show)
                fields["subtitle"] = extra["album"].get("title", "")
                break


def add_attributes(attributes, entries):
    for attribute in as_list(entries) or []:
        key = text(get(attribute, "key"))
        if not key or "value" not in attribute:  # `key` is set only when attribute is a dict
            continue
        value = attribute["value"]
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (int, float)):
            value = repr(value)
        elif not isinstance(value, str):
            continue
        if value:
            attributes[key] = value


def build_item(row):
    """Return the normalized item of one row, or None when it is dropped."""
    if not isinstance(row, dict):
        return None
    held = held_wrapper(row)
    wrapper = held if held is not None else row
    wrapper_name = text(wrapper.get("__typename"))
    track = None if held is not None else held_track(row)
    if track is not None:
        data = track
    elif isinstance(wrapper.get("data"), dict):
        data = wrapper["data"]
    elif wrapper_name.endswith(WRAPPER_SUFFIX):
        return None
    else:
        data = wrapper
    inner_name = text(data.get("__typename"))
    if inner_name:
        kind = KINDS.get(inner_name)
    elif wrapper_name.endswith(WRAPPER_SUFFIX):
        kind = KINDS.get(wrapper_name[:-len(WRAPPER_SUFFIX)])
    else:
        kind = "Track" if track is not None else None
    if kind is None:
        return None
    uri = (text(data.get("uri")) or text(wrapper.get("uri")) or text(row.get("uri"))
           or text(row.get("_uri")))
    if not uri:
        return None

    fields, images, extra = {}, [], {}
    fill(kind, data, fields, images, extra)
    item = entity(uri, kind, fields.get("title", ""), fields.get("subtitle", ""),
                  fields.get("description", ""), finish_images(images))
    for key in ("artists", "album", "owner"):
        if extra.get(key):
            item[key] = extra[key]
    attributes = {}
    add_attributes(attributes, data.get("attributes"))
    if held is not None:
        add_attributes(attributes, row.get("attributes"))
    if attributes:
        item["attributes"] = attributes
    return item
